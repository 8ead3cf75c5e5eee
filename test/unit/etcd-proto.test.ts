// etcd's messages as we write and read them by hand, checked against protobufjs reading etcd's
// own .proto files (shipped in the etcd3 package): an independent encoder and decoder.
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ProtoReader, ProtoWriter } from '../../apiserver/storage/proto-codec.ts';
import { prefixEnd, readRange, readTxn, writeCompact, writeRange, writeTxn } from '../../apiserver/storage/etcd-proto.ts';
import { readWatchResponse } from '../../apiserver/storage/etcd-watch.ts';

const require = createRequire(import.meta.url);
const root = protobuf.loadSync(require.resolve('etcd3/proto/rpc.proto'));
const type = (name: string) => root.lookupType(name);
const plain = (name: string, bytes: Uint8Array) =>
  type(name).toObject(type(name).decode(bytes), { longs: Number, bytes: String, defaults: false, oneofs: false });
const text = (s: string) => Buffer.from(s).toString('base64');

describe('writing', () => {
  it('writes varints across the 32-bit boundary, as revisions eventually need', () => {
    for (const n of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1]) {
      const r = new ProtoReader(new ProtoWriter().varint(n).finish());
      expect(r.varint()).toBe(n);
      expect(r.done).toBe(true);
    }
  });

  it('writes a RangeRequest for a prefix at a revision', () => {
    const bytes = writeRange(new ProtoWriter(), { key: '/registry/pods/', rangeEnd: '/registry/pods0', revision: 5_000_000_000 }).finish();
    expect(plain('etcdserverpb.RangeRequest', bytes)).toEqual({ key: text('/registry/pods/'), rangeEnd: text('/registry/pods0'), revision: 5_000_000_000 });
  });

  it('writes the create-if-absent Txn: compare CREATE == 0 (sent although zero), then put', () => {
    const bytes = writeTxn(new ProtoWriter(), {
      compare: [{ target: 'CREATE', key: '/registry/pods/default/a', revision: 0 }],
      success: [{ put: { key: '/registry/pods/default/a', value: '{"kind":"Pod"}' } }],
    }).finish();
    const txn = type('etcdserverpb.TxnRequest').decode(bytes) as unknown as { compare: { targetUnion?: string; createRevision: unknown }[] };
    expect(txn.compare[0].targetUnion).toBe('createRevision'); // the oneof member is present
    expect(plain('etcdserverpb.TxnRequest', bytes)).toEqual({
      compare: [{ target: 1, key: text('/registry/pods/default/a'), createRevision: 0 }],
      success: [{ requestPut: { key: text('/registry/pods/default/a'), value: text('{"kind":"Pod"}') } }],
    });
  });

  it('writes a compare-and-swap Txn with a side key, a delete and a failure read', () => {
    const bytes = writeTxn(new ProtoWriter(), {
      compare: [{ target: 'MOD', key: '/k', revision: 42 }, { target: 'CREATE', key: '/ip', revision: 0 }],
      success: [{ put: { key: '/k', value: Buffer.from('v') } }, { delete: { key: '/old' } }],
      failure: [{ range: { key: '/k' } }],
    }).finish();
    expect(plain('etcdserverpb.TxnRequest', bytes)).toEqual({
      compare: [{ target: 2, key: text('/k'), modRevision: 42 }, { target: 1, key: text('/ip'), createRevision: 0 }],
      success: [{ requestPut: { key: text('/k'), value: text('v') } }, { requestDeleteRange: { key: text('/old') } }],
      failure: [{ requestRange: { key: text('/k') } }],
    });
  });

  it('reserves room for the gRPC prefix and grows past its first buffer', () => {
    const big = 'x'.repeat(100_000);
    const w = new ProtoWriter(5).bytes(2, big);
    expect(w.finish().length).toBe(w.length + 5);
    expect(plain('etcdserverpb.PutRequest', w.finish().subarray(5))).toEqual({ value: text(big) });
  });

  it('writes a physical CompactionRequest', () => {
    expect(plain('etcdserverpb.CompactionRequest', writeCompact(new ProtoWriter(), 99).finish())).toEqual({ revision: 99, physical: true });
  });

  it('ends a prefix range one byte above the prefix', () => {
    expect(prefixEnd('/registry/pods/').toString()).toBe('/registry/pods0');
  });
});

describe('reading', () => {
  const kv = (key: string, mod: number, value: string) => ({ key: Buffer.from(key), createRevision: 3, modRevision: mod, version: 2, value: Buffer.from(value) });
  const encode = (name: string, obj: object) => Buffer.from(type(name).encode(type(name).fromObject(obj)).finish());

  it('reads a RangeResponse: the header revision and every key-value', () => {
    const res = readRange(encode('etcdserverpb.RangeResponse', { header: { clusterId: 7, memberId: 8, revision: 2 ** 40, raftTerm: 3 }, kvs: [kv('/a', 10, '{"a":1}'), kv('/b', 11, '')], count: 2 }));
    expect(res.revision).toBe(2 ** 40);
    expect(res.kvs.map((k) => [k.key, k.modRevision, k.createRevision, k.version, k.value.toString()])).toEqual([
      ['/a', 10, 3, 2, '{"a":1}'],
      ['/b', 11, 3, 2, ''],
    ]);
  });

  it('reads a failed TxnResponse with the current object from the failure branch', () => {
    const res = readTxn(encode('etcdserverpb.TxnResponse', { header: { revision: 50 }, succeeded: false, responses: [{ responseRange: { kvs: [kv('/k', 49, 'now')] } }] }));
    expect(res).toMatchObject({ revision: 50, succeeded: false });
    expect(res.responses[0].map((k) => k.value.toString())).toEqual(['now']);
  });

  it('reads a successful TxnResponse whose branch answered with puts (no keys)', () => {
    const res = readTxn(encode('etcdserverpb.TxnResponse', { header: { revision: 51 }, succeeded: true, responses: [{ responsePut: { header: { revision: 51 } } }] }));
    expect(res).toEqual({ revision: 51, succeeded: true, responses: [[]] });
  });

  it('reads WatchResponse events, with previous values, and a compaction cancel', () => {
    const events = readWatchResponse(encode('etcdserverpb.WatchResponse', {
      header: { revision: 61 }, watchId: 0,
      events: [{ type: 0, kv: kv('/a', 60, 'new') }, { type: 1, kv: kv('/b', 61, ''), prevKv: kv('/b', 59, 'old') }],
    }));
    expect(events.canceled).toBe(false);
    expect(events.events.map((e) => [e.type, e.kv.key, e.kv.modRevision, e.prevKv?.value.toString()])).toEqual([
      ['put', '/a', 60, undefined],
      ['delete', '/b', 61, 'old'],
    ]);
    expect(readWatchResponse(encode('etcdserverpb.WatchResponse', { canceled: true, compactRevision: 40, cancelReason: 'compacted' }))).toEqual({ canceled: true, compactRevision: 40, events: [] });
  });

  it('refuses a truncated message instead of reading past its end', () => {
    const whole = encode('etcdserverpb.RangeResponse', { header: { revision: 5 }, kvs: [kv('/a', 4, 'value')] });
    expect(() => readRange(whole.subarray(0, whole.length - 3))).toThrow(/truncated/);
  });
});
