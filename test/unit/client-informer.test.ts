// The informer against a scripted apiserver: list, watch, resume, 410 relist, cache, handlers.
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { KubeList, KubeObject, Pod, WatchEvent } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { ApiError } from '../../client/errors.ts';
import { Informer } from '../../client/informer.ts';
import type { ListWatchClient } from '../../client/reflector.ts';
import type { WatchOptions } from '../../client/watch.ts';

const tick = () => new Promise((r) => setImmediate(r));

interface Stream {
  queue: WatchEvent[];
  ended: boolean;
  error?: unknown;
  wake?: () => void;
}

/** A tiny apiserver for one collection: revisions, history, compaction, dropped streams. */
class FakeApi implements ListWatchClient {
  rev = 100;
  compacted = 0;
  down = false;
  expiredAsEvent = false;
  objects = new Map<string, Pod>();
  history: WatchEvent[] = [];
  watchCalls: (string | undefined)[] = [];
  listCalls = 0;
  private streams = new Set<Stream>();

  put(name: string, spec: Partial<Pod['spec']> = {}, extra: Partial<Pod['metadata']> = {}): Pod {
    const old = this.objects.get(name);
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra, resourceVersion: String(++this.rev) },
      spec: { containers: [{ name: 'besu', image: 'besu' }], ...spec },
    };
    this.objects.set(name, pod);
    this.emit({ type: old ? 'MODIFIED' : 'ADDED', object: pod });
    return pod;
  }

  del(name: string): void {
    const pod = this.objects.get(name)!;
    this.objects.delete(name);
    this.emit({ type: 'DELETED', object: { ...pod, metadata: { ...pod.metadata, resourceVersion: String(++this.rev) } } });
  }

  async list(): Promise<KubeList<KubeObject>> {
    this.listCalls++;
    if (this.down) throw Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const items = [...this.objects.values()].map((o) => structuredClone(o));
    return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(this.rev) }, items };
  }

  watch<T extends KubeObject>(_resource: string, options: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
    this.watchCalls.push(options.resourceVersion);
    return this.stream(options) as AsyncIterable<WatchEvent<T>>;
  }

  /** Ends every open stream: cleanly (a server timeout) or with a connection reset. */
  drop(how: 'end' | 'reset'): void {
    for (const s of this.streams) {
      s.ended = true;
      if (how === 'reset') s.error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      s.wake?.();
    }
    this.streams.clear();
  }

  compact(): void {
    this.compacted = this.rev;
    this.history = [];
  }

  private emit(event: WatchEvent): void {
    this.history.push(event);
    for (const s of this.streams) {
      s.queue.push(structuredClone(event));
      s.wake?.();
    }
  }

  private async *stream(options: WatchOptions): AsyncGenerator<WatchEvent> {
    if (this.down) throw Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const from = Number(options.resourceVersion ?? this.rev);
    if (from < this.compacted) {
      const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' } as const;
      if (!this.expiredAsEvent) throw new ApiError(status);
      yield { type: 'ERROR', object: status as unknown as KubeObject };
    }
    const s: Stream = { queue: this.history.filter((e) => Number(e.object.metadata.resourceVersion) > from).map((e) => structuredClone(e)), ended: false };
    this.streams.add(s);
    options.signal?.addEventListener('abort', () => { s.ended = true; s.wake?.(); });
    for (;;) {
      if (s.queue.length) {
        const event = s.queue.shift()!;
        if (event.type === 'ERROR') throw new ApiError(event.object as never);
        yield event;
      } else if (s.ended) {
        if (s.error) throw s.error;
        return;
      } else await new Promise<void>((r) => (s.wake = r));
    }
  }
}

/** Records what handlers saw, and checks the informer's exactly-once promise as it goes. */
function recorder(inf: Informer<Pod>) {
  const calls: string[] = [];
  const view = new Map<string, string>(); // name -> resourceVersion, as the handlers saw it
  const seen = new Set<string>(); // name@rv delivered (duplicates are failures)
  const dupes: string[] = [];
  const note = (name: string, rv: string) => {
    if (seen.has(`${name}@${rv}`)) dupes.push(`${name}@${rv}`);
    seen.add(`${name}@${rv}`);
  };
  inf.addEventHandler({
    onAdd: (p) => { calls.push(`add ${p.metadata.name}`); note(p.metadata.name!, p.metadata.resourceVersion!); view.set(p.metadata.name!, p.metadata.resourceVersion!); },
    onUpdate: (o, p) => { calls.push(`update ${p.metadata.name}`); note(p.metadata.name!, p.metadata.resourceVersion!); expect(view.get(o.metadata.name!)).toBe(o.metadata.resourceVersion); view.set(p.metadata.name!, p.metadata.resourceVersion!); },
    onDelete: (p) => { calls.push(`delete ${p.metadata.name}`); expect(view.has(p.metadata.name!)).toBe(true); view.delete(p.metadata.name!); },
  });
  return { calls, view, dupes };
}

async function setup(seed: string[] = ['a', 'b']) {
  const api = new FakeApi();
  for (const name of seed) api.put(name);
  const clock = new FakeClock();
  const inf = new Informer<Pod>(api, 'pods', { clock, log: () => {} });
  const rec = recorder(inf);
  inf.start();
  expect(await inf.waitForSync()).toBe(true);
  return { api, clock, inf, rec };
}

// Runs the event loop (and the fake clock, for backoffs) until `done()` holds.
async function until(clock: FakeClock, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) {
    await tick();
    clock.advance(500);
  }
  expect(done()).toBe(true);
}

const cacheState = (inf: Informer<Pod>) => new Map(inf.list().map((p) => [p.metadata.name!, p.metadata.resourceVersion!]));
const clusterState = (api: FakeApi) => new Map([...api.objects.values()].map((p) => [p.metadata.name!, p.metadata.resourceVersion!]));

describe('Informer', () => {
  it('lists first, then delivers adds, updates and deletes from the watch', async () => {
    const { api, clock, inf, rec } = await setup();
    expect(rec.calls).toEqual(['add a', 'add b']);
    api.put('c');
    api.put('a', { nodeName: 'node-1' });
    api.del('b');
    await until(clock, () => rec.calls.length === 5);
    expect(rec.calls.slice(2)).toEqual(['add c', 'update a', 'delete b']);
    expect(cacheState(inf)).toEqual(clusterState(api));
    inf.stop();
  });

  it('drops a replayed event it already holds', async () => {
    const { api, clock, inf, rec } = await setup();
    api.history.push({ type: 'MODIFIED', object: api.objects.get('a')! }); // the server repeats itself
    api.drop('end'); // reconnect: the watch replays from the list's revision
    api.put('c');
    await until(clock, () => rec.calls.includes('add c'));
    expect(rec.calls).toEqual(['add a', 'add b', 'add c']);
    expect(rec.dupes).toEqual([]);
    inf.stop();
  });

  it('resumes from the last resourceVersion after a dropped stream, without relisting', async () => {
    const { api, clock, inf, rec } = await setup();
    api.put('a', { nodeName: 'n1' }); // rv 103
    await until(clock, () => rec.calls.length === 3);
    api.drop('reset');
    api.put('b', { nodeName: 'n2' }); // happens while we are disconnected
    await until(clock, () => rec.calls.length === 4);
    expect(api.watchCalls).toEqual(['102', '103']);
    expect(api.listCalls).toBe(1);
    expect(inf.relists).toBe(0);
    expect(rec.calls.at(-1)).toBe('update b');
    inf.stop();
  });

  for (const form of ['HTTP 410', 'an ERROR event with a 410 Status'] as const) {
    it(`relists after ${form} and reports exactly the difference`, async () => {
      const { api, clock, inf, rec } = await setup(['a', 'b', 'e']);
      api.down = true;
      api.drop('reset');
      api.put('c'); // added while we were away
      api.put('a', { nodeName: 'n1' }); // changed
      api.del('b'); // deleted
      api.put('d');
      api.del('d'); // came and went: never seen, never needed
      api.compact(); // our revision is gone
      api.expiredAsEvent = form !== 'HTTP 410';
      api.down = false;
      await until(clock, () => inf.relists === 1 && rec.calls.length === 6);
      expect(rec.calls.slice(3).sort()).toEqual(['add c', 'delete b', 'update a']);
      expect(rec.dupes).toEqual([]);
      expect(cacheState(inf)).toEqual(clusterState(api));
      expect(rec.view).toEqual(clusterState(api));
      api.put('e', { nodeName: 'n2' }); // and the watch goes on from the new list
      await until(clock, () => rec.calls.length === 7);
      inf.stop();
    });
  }

  it('keeps retrying a failing list with backoff, then syncs', async () => {
    const api = new FakeApi();
    api.put('a');
    api.down = true;
    const clock = new FakeClock();
    const inf = new Informer<Pod>(api, 'pods', { clock, log: () => {} }).start();
    await until(clock, () => api.listCalls >= 3);
    expect(inf.hasSynced()).toBe(false);
    api.down = false;
    await until(clock, () => inf.hasSynced());
    expect(inf.keys()).toEqual(['default/a']);
    inf.stop();
  });

  it('hands out frozen objects: mutation throws, produce derives a new one', async () => {
    const { inf } = await setup();
    const pod = inf.get('default/a')!;
    expect(() => { (pod.spec as { nodeName?: string }).nodeName = 'x'; }).toThrow(TypeError);
    expect(() => pod.spec.containers.push({ name: 'x', image: 'x' })).toThrow(TypeError);
    const bound = produce(pod, (d) => { d.spec.nodeName = 'node-1'; });
    expect(bound.spec.nodeName).toBe('node-1');
    expect(pod.spec.nodeName).toBeUndefined();
    inf.stop();
  });

  it('indexes by namespace, nodeName, controller owner and custom functions', async () => {
    const api = new FakeApi();
    const owner = [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: 'rc-1', controller: true }];
    api.put('a', { nodeName: 'n1' }, { ownerReferences: owner, labels: { app: 'besu' } });
    api.put('b', { nodeName: 'n1' });
    api.put('c', { nodeName: 'n2' }, { ownerReferences: owner });
    const clock = new FakeClock();
    const inf = new Informer<Pod>(api, 'pods', { clock, indexers: { app: (p) => [p.metadata.labels?.app] } }).start();
    await inf.waitForSync();
    const names = (pods: Pod[]) => pods.map((p) => p.metadata.name).sort();
    expect(names(inf.byIndex('namespace', 'default'))).toEqual(['a', 'b', 'c']);
    expect(names(inf.byIndex('nodeName', 'n1'))).toEqual(['a', 'b']);
    expect(names(inf.byIndex('controllerUid', 'rc-1'))).toEqual(['a', 'c']);
    expect(names(inf.byIndex('app', 'besu'))).toEqual(['a']);
    api.put('b', { nodeName: 'n2' }); // moving re-files the index
    await until(clock, () => inf.byIndex('nodeName', 'n2').length === 2);
    expect(names(inf.byIndex('nodeName', 'n1'))).toEqual(['a']);
    inf.stop();
  });

  it('resyncs every cached object to onUpdate(obj, obj) on the clock', async () => {
    const api = new FakeApi();
    api.put('a');
    const clock = new FakeClock();
    const inf = new Informer<Pod>(api, 'pods', { clock, resyncPeriodMs: 30_000 });
    const resyncs: boolean[] = [];
    inf.addEventHandler({ onUpdate: (o, n) => resyncs.push(o === n) });
    await inf.start().waitForSync();
    clock.advance(29_999);
    expect(resyncs).toEqual([]);
    clock.advance(1);
    expect(resyncs).toEqual([true]);
    clock.advance(30_000);
    expect(resyncs).toEqual([true, true]);
    inf.stop();
  });

  it('replays the cache to a handler added after the sync, and survives a throwing handler', async () => {
    const { api, clock, inf } = await setup();
    const late: string[] = [];
    inf.addEventHandler({ onAdd: () => { throw new Error('boom'); } });
    inf.addEventHandler({ onAdd: (p, initial) => late.push(`${p.metadata.name}:${initial}`) });
    expect(late).toEqual(['a:true', 'b:true']);
    api.put('c');
    await until(clock, () => late.length === 3);
    expect(late[2]).toBe('c:false');
    inf.stop();
  });

  it('fills in apiVersion and kind that list items lack', async () => {
    const api = new FakeApi();
    api.objects.set('bare', { metadata: { name: 'bare', namespace: 'default', resourceVersion: '5' }, spec: { containers: [] } });
    const inf = new Informer<Pod>(api, 'pods', { clock: new FakeClock() }).start();
    await inf.waitForSync();
    expect(inf.get('default/bare')).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    inf.stop();
  });
});
