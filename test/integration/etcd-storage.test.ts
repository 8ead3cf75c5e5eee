// The apiserver's own etcd client against a real etcd: create-if-absent, compare-and-swap
// updates and deletes, lists at a revision, 410 after compaction, and a watch that resumes across
// an etcd restart without losing or repeating a change, and ends when its revision is compacted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.ts';
import { startEtcd, type EtcdProcess } from '../../cluster/etcd.ts';
import { EtcdStore } from '../../apiserver/storage/etcd-store.ts';
import type { WatchEvent } from '../../apiserver/storage/etcd-watch.ts';
import { StatusError } from '../../apiserver/status.ts';

let dir: string;
let etcd: EtcdProcess;
let store: EtcdStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harbour-etcd-storage-'));
  etcd = await startEtcd({ dataDir: join(dir, 'etcd'), clientPort: 0, peerPort: 0 });
  store = new EtcdStore([etcd.url], 2);
});

afterAll(async () => {
  store?.close();
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const obj = (name: string, note = ''): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigNote', metadata: { name, annotations: { note } } }) as KubeObject;

describe('reads and writes', () => {
  it('creates only when absent, with side keys in the same transaction', async () => {
    const made = await store.create('/t/a', obj('a'), [{ key: '/t/reserved/1' }]);
    expect(made.ok).toBe(true);
    const rv = made.ok ? made.revision : 0;
    expect((await store.get('/t/a'))?.metadata.resourceVersion).toBe(String(rv));
    expect(await store.create('/t/a', obj('a'))).toEqual({ ok: false, why: 'exists' });
    // A taken side key fails the whole transaction: nothing is written.
    expect(await store.create('/t/b', obj('b'), [{ key: '/t/reserved/1' }])).toEqual({ ok: false, why: 'exists' });
    expect(await store.get('/t/b')).toBeUndefined();
  });

  it('updates and deletes only at the expected revision', async () => {
    const current = (await store.get('/t/a'))!;
    const rv = Number(current.metadata.resourceVersion);
    const updated = await store.update('/t/a', obj('a', 'second'), rv);
    expect(updated.ok && updated.revision).toBeGreaterThan(rv);
    expect(await store.update('/t/a', obj('a', 'stale'), rv)).toEqual({ ok: false, why: 'conflict' });
    expect(await store.update('/t/none', obj('none'), rv)).toEqual({ ok: false, why: 'notfound' });
    expect(await store.delete('/t/a', rv)).toEqual({ ok: false, why: 'conflict' });
    const latest = Number((await store.get('/t/a'))!.metadata.resourceVersion);
    expect((await store.delete('/t/a', latest, [{ key: '/t/reserved/1' }])).ok).toBe(true);
    expect(await store.get('/t/a')).toBeUndefined();
    expect((await store.create('/t/b', obj('b'), [{ key: '/t/reserved/1' }])).ok).toBe(true); // released
  });

  it('lists a prefix at a past revision, and answers 410 once that revision is compacted', async () => {
    await store.create('/l/1', obj('1'));
    const then = (await store.list('/l/')).revision;
    await store.create('/l/2', obj('2'));
    expect((await store.list('/l/', then)).items.map((o) => o.metadata.name)).toEqual(['1']);
    expect((await store.list('/l/')).items.map((o) => o.metadata.name)).toEqual(['1', '2']);
    await store.compact(await store.currentRevision());
    const err = await store.list('/l/', then).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(410);
  });

  it('stores and reads back a value larger than HTTP/2 and gRPC frames', async () => {
    const big = obj('big', 'x'.repeat(2 * 1024 * 1024));
    expect((await store.create('/t/big', big)).ok).toBe(true);
    expect((await store.get('/t/big'))!.metadata.annotations!.note).toHaveLength(2 * 1024 * 1024);
  });
});

describe('watch', () => {
  it('delivers every change in order, resumes across an etcd restart, and ends on compaction', async () => {
    const seen: string[] = [];
    let compacted = 0;
    const onEvents = (events: WatchEvent[]) => {
      for (const e of events) seen.push(`${e.type} ${e.kv.key} ${e.kv.modRevision}${e.prevKv ? ` prev ${e.prevKv.modRevision}` : ''}`);
    };
    const start = (await store.currentRevision()) + 1;
    const watch = store.watch({ prefix: '/w/', fromRevision: start, onEvents, onCompacted: (r) => (compacted = r) });
    const until = async (n: number) => {
      const deadline = Date.now() + 20_000;
      while (seen.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toHaveLength(n);
    };

    const a = await store.create('/w/a', obj('a'));
    await store.create('/elsewhere', obj('x')); // outside the prefix: not delivered
    const a2 = await store.update('/w/a', obj('a', '2'), a.ok ? a.revision : 0);
    await until(2);

    // etcd goes away and comes back with the same data; changes made meanwhile through another
    // client are delivered once the watch has reconnected, from where it left off.
    await etcd.stop();
    etcd = await startEtcd({ dataDir: etcd.dataDir, clientPort: Number(new URL(etcd.url).port), peerPort: 0 });
    const other = new EtcdStore([etcd.url], 1);
    const b = await other.create('/w/b', obj('b'));
    await other.delete('/w/a', a2.ok ? a2.revision : 0);
    await until(4);
    expect(seen).toEqual([
      `put /w/a ${a.ok && a.revision}`,
      `put /w/a ${a2.ok && a2.revision} prev ${a.ok && a.revision}`,
      `put /w/b ${b.ok && b.revision}`,
      `delete /w/a ${(b.ok ? b.revision : 0) + 1} prev ${a2.ok && a2.revision}`,
    ]);

    // A watch asked to start before the compacted revision is cancelled by etcd and says so.
    await other.compact(await other.currentRevision());
    const late = store.watch({ prefix: '/w/', fromRevision: start, onEvents: () => undefined, onCompacted: (r) => (compacted = r) });
    const deadline = Date.now() + 10_000;
    while (!compacted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(compacted).toBeGreaterThan(start);
    watch.cancel();
    late.cancel();
    other.close();
  });
});
