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

// ## Writing
// A growable buffer. Nested messages are written into their own writer and copied in with their
// length, which is how protobuf nests: a LEN field whose bytes are another message.
export class ProtoWriter {
  private buf: Buffer;
  private pos: number;

  /** @param reserve bytes left free at the start (the gRPC frame header goes there). @default 0 */
  constructor(private readonly reserve = 0) {
    this.buf = Buffer.allocUnsafe(256 + reserve);
    this.pos = reserve;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** A varint: 7 bits a byte, low bits first. Division, not shifts: revisions pass 2^31. */
  varint(n: number): this {
    this.room(10);
    while (n > 127) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** A 64-bit varint kept exact: etcd's lease IDs use all 63 bits, past what a JS number holds. */
  varintBig(n: bigint): this {
    this.room(10);
    while (n > 127n) {
      this.buf[this.pos++] = Number(n & 127n) | 128;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
    return this;
  }

  /** An int64 or enum field; proto3 leaves zero out unless `always` (a oneof member must be sent). */
  int(field: number, n: number, always = false): this {
    if (n === 0 && !always) return this;
    return this.varint(field * 8).varint(n);
  }

  bool(field: number, b: boolean): this {
    return b ? this.varint(field * 8).varint(1) : this;
  }

  bytes(field: number, b: string | Buffer): this {
    const length = typeof b === 'string' ? Buffer.byteLength(b) : b.length;
    this.varint(field * 8 + 2).varint(length);
    this.room(length);
    if (typeof b === 'string') this.buf.write(b, this.pos);
    else b.copy(this.buf, this.pos);
    this.pos += length;
    return this;
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  /** The bytes written, including the reserved head. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** The message length, not counting the reserved head. */
  get length(): number {
    return this.pos - this.reserve;
  }
}

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

// ## Reading
/** A cursor over one message, reading numbers as JS numbers (exact for revisions below 2^53). */
export class ProtoReader {
  pos: number;

  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('etcd sent a truncated message');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error('etcd sent a varint longer than 10 bytes');
  }

  /** A varint as a bigint, exact to 64 bits (lease IDs). */
  varintBig(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new Error('etcd sent a truncated message');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    throw new Error('etcd sent a varint longer than 10 bytes');
  }

  /** The next field's tag: its number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t % 8 };
  }

  /** A LEN field's bounds, for a nested reader or a slice. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new Error('etcd sent a truncated message');
    return [start, this.pos];
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.span();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`etcd sent an unknown wire type ${wire}`);
  }
}

/** Reads the fields of the message at [start, end), calling `onField` for each. */
export function readMessage(buf: Buffer, start: number, end: number, onField: (r: ProtoReader, field: number, wire: number) => boolean): void {
  const r = new ProtoReader(buf, start, end);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (!onField(r, field, wire)) r.skip(wire);
  }
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
