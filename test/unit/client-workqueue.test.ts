// The workqueue's promises, pinned one by one (client/workqueue.ts).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { ItemExponentialFailureRateLimiter } from '../../client/rate-limiters.ts';
import { WorkQueue } from '../../client/workqueue.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const q = new WorkQueue(new FakeClock());
    q.add('default/a');
    q.add('default/a');
    q.add('default/b');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('default/a');
    expect(await q.get()).toBe('default/b');
    expect(q.len()).toBe(0);
  });

  it('never hands one key to two workers at once', async () => {
    const q = new WorkQueue(new FakeClock());
    q.add('k');
    const first = await q.get();
    q.add('k'); // a change arrives while worker 1 holds the key
    const second = q.get(); // worker 2 waits
    let handed: string | undefined;
    void second.then((k) => (handed = k));
    await tick();
    expect(first).toBe('k');
    expect(handed).toBeUndefined();
    expect(q.len()).toBe(0);
    q.done('k');
    await tick();
    expect(handed).toBe('k');
  });

  it('brings back a key added during processing exactly once after done()', async () => {
    const q = new WorkQueue(new FakeClock());
    q.add('k');
    const k = (await q.get())!;
    q.add(k);
    q.add(k);
    q.add(k);
    expect(q.len()).toBe(0);
    q.done(k);
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('k');
    q.done('k');
    expect(q.len()).toBe(0);
  });

  it('does not requeue a key that was not added again while processing', async () => {
    const q = new WorkQueue(new FakeClock());
    q.add('k');
    q.done((await q.get())!);
    expect(q.len()).toBe(0);
  });

  it('serves many concurrent workers without ever overlapping a key', async () => {
    const q = new WorkQueue(new FakeClock());
    const holding = new Set<string>();
    let overlaps = 0;
    let processed = 0;
    const worker = async () => {
      for (;;) {
        const key = await q.get();
        if (key === undefined) return;
        if (holding.has(key)) overlaps++;
        holding.add(key);
        if (processed++ < 300) q.add(key); // keep re-adding the key we hold
        await tick();
        holding.delete(key);
        q.done(key);
      }
    };
    for (let i = 0; i < 20; i++) q.add(`k${i % 5}`);
    const workers = Array.from({ length: 8 }, worker);
    while (processed < 300) await tick();
    await tick();
    q.shutDown();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
  });

  it('delivers addAfter keys when their time comes, earliest first', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock);
    q.addAfter('late', 300);
    q.addAfter('early', 100);
    q.addAfter('now', 0);
    expect(q.len()).toBe(1);
    clock.advance(99);
    expect(q.len()).toBe(1);
    clock.advance(1);
    clock.advance(200);
    const order = [await q.get(), await q.get(), await q.get()];
    expect(order).toEqual(['now', 'early', 'late']);
  });

  it('keeps the earlier time when a waiting key is added after again', () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock);
    q.addAfter('k', 1000);
    q.addAfter('k', 50);
    q.addAfter('k', 5000);
    clock.advance(50);
    expect(q.len()).toBe(1);
    clock.advance(10_000);
    expect(q.len()).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('backs a failing key off exponentially and resets it on forget()', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock, { rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) });
    const readyAfter: number[] = [];
    for (let i = 0; i < 4; i++) {
      q.addRateLimited('k');
      const start = clock.now();
      while (q.len() === 0) clock.advance(1);
      readyAfter.push(clock.now() - start);
      q.done((await q.get())!);
    }
    expect(readyAfter).toEqual([5, 10, 20, 40]);
    expect(q.numRequeues('k')).toBe(4);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
    q.addRateLimited('k');
    clock.advance(5);
    expect(q.len()).toBe(1);
  });

  it('releases waiting get() calls with undefined on shutDown and ignores later adds', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock);
    const waiting = [q.get(), q.get()];
    q.addAfter('later', 1000);
    q.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    q.add('x');
    expect(q.len()).toBe(0);
    expect(await q.get()).toBeUndefined();
    expect(clock.pending()).toBe(0); // the delayed add was cancelled
  });
});
