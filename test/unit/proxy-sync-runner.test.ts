// The sync runner on a fake clock: bursts fold into one run, runs are spaced by the min interval,
// a request during a run gets one more run after it, and a periodic full resync happens anyway.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { SyncRunner } from '../../proxy/sync-runner.ts';

const flush = () => new Promise((r) => setImmediate(r));

function setup(fn?: () => Promise<void>) {
  const clock = new FakeClock();
  let runs = 0;
  const runner = new SyncRunner(fn ?? (async () => void runs++), { clock, minIntervalMs: 1000, maxIntervalMs: 30_000 });
  return { clock, runner, runs: () => runs, count: () => runs++ };
}

describe('SyncRunner (BoundedFrequencyRunner)', () => {
  it('ignores requests until started, then folds a burst into one run', async () => {
    const { clock, runner, runs } = setup();
    runner.run();
    clock.advance(0);
    await flush();
    expect(runs()).toBe(0);
    runner.start();
    runner.run(); runner.run(); runner.run();
    clock.advance(0);
    await flush();
    expect(runs()).toBe(1);
  });

  it('waits out the min interval after a run before the next', async () => {
    const { clock, runner, runs } = setup();
    runner.start();
    await runner.runNow();
    runner.run();
    clock.advance(999);
    await flush();
    expect(runs()).toBe(1);
    clock.advance(1);
    await flush();
    expect(runs()).toBe(2);
  });

  it('runs once more after a run that was asked for again while running', async () => {
    let release!: () => void;
    let runs = 0;
    const clock = new FakeClock();
    const runner = new SyncRunner(() => new Promise<void>((r) => { runs++; release = r; }), { clock, minIntervalMs: 1000 });
    runner.start();
    const first = runner.runNow();
    runner.run(); runner.run();
    release();
    await first;
    await flush();
    clock.advance(1000);
    await flush();
    expect(runs).toBe(2);
    release();
  });

  it('resyncs every max interval, and stops for good', async () => {
    const { clock, runner, runs } = setup();
    runner.start();
    clock.advance(30_000);
    await flush();
    clock.advance(30_000);
    await flush();
    expect(runs()).toBe(2);
    await runner.stop();
    runner.run();
    clock.advance(60_000);
    await flush();
    expect(runs()).toBe(2);
    expect(clock.pending()).toBe(0);
  });

  it('reports a failed run and keeps going', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let fail = true;
    const runner = new SyncRunner(async () => { if (fail) throw new Error('bind failed'); }, { clock, onError: (e) => errors.push(e) });
    runner.start();
    await runner.runNow();
    fail = false;
    await runner.runNow();
    expect(errors).toHaveLength(1);
  });
});
