// The Controller base: handlers enqueue, workers sync after the caches sync, errors back off.
import { describe, expect, it } from 'vitest';
import type { KubeList, KubeObject, Pod, WatchEvent } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { Controller } from '../../client/controller.ts';
import { Informer } from '../../client/informer.ts';
import type { ListWatchClient } from '../../client/reflector.ts';
import type { WatchOptions } from '../../client/watch.ts';

const tick = () => new Promise((r) => setImmediate(r));
const pod = (name: string, rv: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: rv }, spec: { containers: [] },
});

/** Lists whatever `items` holds once `ready` resolves; the watch streams pushed events. */
function fakeApi(items: Pod[]) {
  let release!: () => void;
  const ready = new Promise<void>((r) => (release = r));
  const pushed: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  const api: ListWatchClient = {
    async list(): Promise<KubeList<KubeObject>> {
      await ready;
      return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '10' }, items };
    },
    watch<T extends KubeObject>(_r: string, o: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
      return (async function* () {
        o.signal?.addEventListener('abort', () => wake?.());
        while (!o.signal?.aborted) {
          if (pushed.length) yield pushed.shift() as WatchEvent<T>;
          else await new Promise<void>((r) => (wake = r));
        }
      })();
    },
  };
  return { api, release, push: (e: WatchEvent) => { pushed.push(e); wake?.(); } };
}

class Recorder extends Controller {
  synced: string[] = [];
  failures = new Map<string, number>();
  readonly pods: Informer<Pod>;

  constructor(api: ListWatchClient, clock: FakeClock) {
    super({ name: 'recorder', clock, workers: 2, log: () => {} });
    this.pods = this.watch(new Informer<Pod>(api, 'pods', { clock }));
  }

  protected async sync(key: string): Promise<void> {
    this.synced.push(`${key}@${this.pods.get(key)?.metadata.resourceVersion ?? 'gone'}`);
    const left = this.failures.get(key) ?? 0;
    if (left > 0) {
      this.failures.set(key, left - 1);
      throw new Error('apiserver said no');
    }
  }
}

describe('Controller', () => {
  it('starts its workers only after the caches have synced', async () => {
    const clock = new FakeClock();
    const { api, release } = fakeApi([pod('a', '1'), pod('b', '2')]);
    const c = new Recorder(api, clock);
    const running = c.run();
    await tick();
    expect(c.synced).toEqual([]);
    release();
    expect(await running).toBe(true);
    await tick();
    expect(c.synced.sort()).toEqual(['default/a@1', 'default/b@2']);
    await c.stop();
  });

  it('syncs the newest cached state of each changed key, deletes included', async () => {
    const clock = new FakeClock();
    const { api, release, push } = fakeApi([pod('a', '1')]);
    const c = new Recorder(api, clock);
    release();
    await c.run();
    await tick();
    push({ type: 'MODIFIED', object: pod('a', '11') });
    push({ type: 'DELETED', object: pod('a', '12') });
    for (let i = 0; i < 5; i++) await tick();
    expect(c.synced.at(-1)).toBe('default/a@gone');
    await c.stop();
  });

  it('requeues a failing key with growing backoff and forgets it once it succeeds', async () => {
    const clock = new FakeClock();
    const { api, release } = fakeApi([pod('a', '1')]);
    const c = new Recorder(api, clock);
    c.failures.set('default/a', 3);
    release();
    await c.run();
    const attemptsAt: number[] = [];
    const start = clock.now();
    for (let ms = 0; ms < 100; ms++) {
      for (let i = 0; i < 3; i++) await tick();
      while (attemptsAt.length < c.synced.length) attemptsAt.push(clock.now() - start);
      clock.advance(1);
    }
    expect(attemptsAt).toEqual([0, 5, 15, 35]); // waits of 5, 10, 20 ms
    expect(c.queue.numRequeues('default/a')).toBe(0);
    await c.stop();
  });

  it('stops its workers and the informers it started', async () => {
    const clock = new FakeClock();
    const { api, release } = fakeApi([]);
    const c = new Recorder(api, clock);
    release();
    await c.run();
    await c.stop();
    expect(c.pods.running).toBe(false);
    expect(await c.queue.get()).toBeUndefined();
  });
});
