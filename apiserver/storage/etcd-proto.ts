// etcd's messages on the wire: the few the apiserver sends and reads
// ==================================================================
// CONCEPT   etcd's API is gRPC: protobuf messages over HTTP/2. The apiserver needs only a handful
//           of them - Range (read), Txn (compare-and-swap writes), Compact, and Watch - and each is
//           a short list of numbered fields. Writing them by hand, straight from etcd's .proto
//           files, shows exactly what "create only if absent" asks of etcd:
//             Txn { compare: [{ target: CREATE, key, create_revision: 0 }],
//                   success: [{ request_put: { key, value } }] }
//           and costs a fraction of a generic protobuf library's reflection (see ./etcd-grpc.ts).
// REAL K8S  the Go client the apiserver links, go.etcd.io/etcd/client/v3 (kv.go, txn.go), and
//           etcd's api/etcdserverpb/rpc.proto and api/mvccpb/kv.proto (field numbers below)
// SHIPS     The records office's own forms, filled in box by numbered box.
// EXAMPLE   encodeRange({ key: '/registry/pods/', rangeEnd: '/registry/pods0' })
//           => 0a 0f "/registry/pods/" 12 0e "/registry/pods0"
// SKIPPED   Every field the apiserver never sets (sort order, limits, leases, fragments).
//           Revisions are int64 in etcd; we read them as JS numbers, exact up to 2^53.

import { ProtoWriter, readMessage } from './proto-codec.ts';
/** One stored key, as etcd's mvccpb.KeyValue carries it. */
export interface KeyValue {
  key: string;
  /** The value's bytes (a view into the response; copy it to keep it past the next call). */
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
}

/** One Compare of a Txn: "key's <target> == <revision>" (the only comparison we need). */
export interface Compare {
  target: 'CREATE' | 'MOD';
  key: string;
  revision: number;
}

/** One operation in a Txn branch. */
export type RequestOp = { put: { key: string; value: string | Buffer; lease?: bigint } } | { delete: { key: string } } | { range: { key: string } };

export interface RangeResult {
  revision: number;
  kvs: KeyValue[];
  /** More keys lie in the range than `limit` let through. */
  more: boolean;
  /** How many keys the whole range holds (not only those returned). */
  count: number;
}

export interface TxnResult {
  revision: number;
  succeeded: boolean;
  /** One entry per op of the branch that ran; a range op's keys, [] for the others. */
  responses: KeyValue[][];
}

/** The end of a prefix range: the prefix with its last byte raised by one ("/pods/" => "/pods0"). */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1]++;
  return end;
}

// ## The etcd messages

// etcdserverpb.RangeRequest: key = 1, range_end = 2, limit = 3, revision = 4.
export function writeRange(w: ProtoWriter, r: { key: string; rangeEnd?: string | Buffer; limit?: number; revision?: number }): ProtoWriter {
  w.bytes(1, r.key);
  if (r.rangeEnd) w.bytes(2, r.rangeEnd);
  return w.int(3, r.limit ?? 0).int(4, r.revision ?? 0);
}

// etcdserverpb.TxnRequest: compare = 1, success = 2, failure = 3.
// Compare: result = 1 (EQUAL is 0), target = 2 (CREATE 1, MOD 2), key = 3,
//          create_revision = 5, mod_revision = 6 (members of a oneof: sent even when 0).
// RequestOp: request_range = 1, request_put = 2 (key 1, value 2), request_delete_range = 3 (key 1).
export function writeTxn(w: ProtoWriter, txn: { compare: Compare[]; success: RequestOp[]; failure?: RequestOp[] }): ProtoWriter {
  for (const c of txn.compare) {
    const target = c.target === 'CREATE' ? 1 : 2;
    w.message(1, new ProtoWriter().int(2, target).bytes(3, c.key).int(target === 1 ? 5 : 6, c.revision, true));
  }
  for (const op of txn.success) w.message(2, requestOp(op));
  for (const op of txn.failure ?? []) w.message(3, requestOp(op));
  return w;
}

function requestOp(op: RequestOp): ProtoWriter {
  if ('put' in op) {
    // PutRequest: key = 1, value = 2, lease = 3 (the key is deleted when the lease expires).
    const put = new ProtoWriter().bytes(1, op.put.key).bytes(2, op.put.value);
    if (op.put.lease) put.varint(3 * 8).varintBig(op.put.lease);
    return new ProtoWriter().message(2, put);
  }
  if ('delete' in op) return new ProtoWriter().message(3, new ProtoWriter().bytes(1, op.delete.key));
  return new ProtoWriter().message(1, writeRange(new ProtoWriter(), op.range));
}

// etcdserverpb.CompactionRequest: revision = 1, physical = 2.
export function writeCompact(w: ProtoWriter, revision: number): ProtoWriter {
  return w.int(1, revision).bool(2, true);
}

// ResponseHeader: revision = 3 (the others name the cluster, member and raft term).
function readHeaderRevision(buf: Buffer, [start, end]: [number, number]): number {
  let revision = 0;
  readMessage(buf, start, end, (r, field) => field === 3 && ((revision = r.varint()), true));
  return revision;
}

// mvccpb.KeyValue: key = 1, create_revision = 2, mod_revision = 3, version = 4, value = 5.
export function readKeyValue(buf: Buffer, [start, end]: [number, number]): KeyValue {
  const kv: KeyValue = { key: '', value: EMPTY, createRevision: 0, modRevision: 0, version: 0 };
  readMessage(buf, start, end, (r, field, wire) => {
    if (field === 1 && wire === 2) kv.key = buf.toString('utf8', ...r.span());
    else if (field === 2) kv.createRevision = r.varint();
    else if (field === 3) kv.modRevision = r.varint();
    else if (field === 4) kv.version = r.varint();
    else if (field === 5 && wire === 2) kv.value = buf.subarray(...r.span());
    else return false;
    return true;
  });
  return kv;
}
const EMPTY = Buffer.alloc(0);

// RangeResponse: header = 1, kvs = 2, more = 3, count = 4.
export function readRange(buf: Buffer, start = 0, end = buf.length): RangeResult {
  const out: RangeResult = { revision: 0, kvs: [], more: false, count: 0 };
  readMessage(buf, start, end, (r, field, wire) => {
    if (field === 1 && wire === 2) out.revision = readHeaderRevision(buf, r.span());
    else if (field === 2 && wire === 2) out.kvs.push(readKeyValue(buf, r.span()));
    else if (field === 3 && wire === 0) out.more = r.varint() !== 0;
    else if (field === 4 && wire === 0) out.count = r.varint();
    else return false;
    return true;
  });
  return out;
}

// TxnResponse: header = 1, succeeded = 2, responses = 3; ResponseOp: response_range = 1.
export function readTxn(buf: Buffer): TxnResult {
  const out: TxnResult = { revision: 0, succeeded: false, responses: [] };
  readMessage(buf, 0, buf.length, (r, field, wire) => {
    if (field === 1 && wire === 2) out.revision = readHeaderRevision(buf, r.span());
    else if (field === 2 && wire === 0) out.succeeded = r.varint() !== 0;
    else if (field === 3 && wire === 2) {
      const [s, e] = r.span();
      let kvs: KeyValue[] = [];
      readMessage(buf, s, e, (op, f, w) => f === 1 && w === 2 && ((kvs = readRange(buf, ...op.span()).kvs), true));
      out.responses.push(kvs);
    } else return false;
    return true;
  });
  return out;
}

/** The header revision of any response whose header is field 1 (Compact, Put, Delete...). */
export function readRevision(buf: Buffer): number {
  let revision = 0;
  readMessage(buf, 0, buf.length, (r, field, wire) => field === 1 && wire === 2 && ((revision = readHeaderRevision(buf, r.span())), true));
  return revision;
}

// etcdserverpb.LeaseGrantRequest: TTL = 1 (seconds), ID = 2 (0: etcd picks one).
export function writeLeaseGrant(w: ProtoWriter, ttlSeconds: number): ProtoWriter {
  return w.int(1, ttlSeconds);
}

// LeaseGrantResponse: header = 1, ID = 2, TTL = 3, error = 4.
export function readLeaseGrant(buf: Buffer): { id: bigint; ttl: number; error: string } {
  const out = { id: 0n, ttl: 0, error: '' };
  readMessage(buf, 0, buf.length, (r, field, wire) => {
    if (field === 2 && wire === 0) out.id = r.varintBig();
    else if (field === 3 && wire === 0) out.ttl = r.varint();
    else if (field === 4 && wire === 2) out.error = buf.toString('utf8', ...r.span());
    else return false;
    return true;
  });
  return out;
}
