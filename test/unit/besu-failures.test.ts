// Failure annotations: parsing, and each failure firing at the right Kubernetes time.
import { describe, expect, it } from 'vitest';
import { FakeClock, realClock } from '../../client/clock.ts';
import { parseDuration } from '../../kubelet/besu/config.ts';
import { BASE_MEMORY_BYTES, FailureSchedule, parseByteRate, parseFailurePlan } from '../../kubelet/besu/failures.ts';
import { startBesu } from '../../kubelet/besu/index.ts';
import { BesuRegistry } from '../../kubelet/besu/network.ts';

const Mi = 1024 * 1024;
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('parsing', () => {
  it('reads Go-style durations', () => {
    expect(['30s', '1m30s', '500ms', '2h', '1.5s', '0'].map(parseDuration)).toEqual([30_000, 90_000, 500, 7_200_000, 1500, 0]);
    expect(['', '30', 's', '10x', '-5s'].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads memory growth rates as Kubernetes quantities per second or minute', () => {
    expect(parseByteRate('50Mi/s')).toBe(50 * Mi);
    expect(parseByteRate('60Mi/min')).toBe(Mi);
    expect(parseByteRate('1G/s')).toBe(1e9);
    expect(parseByteRate('50Mi')).toBeUndefined();
    expect(parseByteRate('lots/s')).toBeUndefined();
  });

  it('builds a plan from the documented annotations and warns about bad values', () => {
    const { plan, warnings } = parseFailurePlan({
      'besu.harbour.dev/crash-after': '30s',
      'besu.harbour.dev/fail-readiness': 'true',
      'besu.harbour.dev/fail-liveness': '1m',
      'besu.harbour.dev/slow-start': '20s',
      'besu.harbour.dev/memory-growth': '50Mi/s',
    });
    expect(plan).toEqual({ crashAfterMs: 30_000, failReadinessAfterMs: 0, failLivenessAfterMs: 60_000, slowStartMs: 20_000, memoryGrowthBytesPerSecond: 50 * Mi });
    expect(warnings).toEqual([]);
    const bad = parseFailurePlan({ 'besu.harbour.dev/crash-after': 'soon', 'besu.harbour.dev/fail-readiness': 'maybe' });
    expect(bad.plan).toEqual({ crashAfterMs: undefined });
    expect(bad.warnings).toEqual([
      'Ignoring annotation besu.harbour.dev/crash-after="soon": expected a duration such as "30s"',
      'Ignoring annotation besu.harbour.dev/fail-readiness="maybe": expected "true", "false" or a duration',
    ]);
  });
});

describe('FailureSchedule on a FakeClock', () => {
  function run(annotations: Record<string, string>, limit?: number) {
    const clock = new FakeClock();
    const events: string[] = [];
    const at = () => `${clock.since(start)}`;
    const start = clock.now();
    const schedule = new FailureSchedule(parseFailurePlan(annotations).plan, clock, limit);
    schedule.start({
      crash: () => events.push(`crash@${at()}`),
      oomKill: () => events.push(`oom@${at()}`),
      startupDone: () => events.push(`started@${at()}`),
    });
    return { clock, events, schedule };
  }

  it('crashes after crash-after', () => {
    const { clock, events } = run({ 'besu.harbour.dev/crash-after': '30s' });
    clock.advance(29_999);
    expect(events).toEqual(['started@0']);
    clock.advance(1);
    expect(events).toEqual(['started@0', 'crash@30000']);
  });

  it('opens JSON-RPC only after slow-start', () => {
    const { clock, events, schedule } = run({ 'besu.harbour.dev/slow-start': '20s' });
    expect(schedule.starting()).toBe(true);
    clock.advance(20_000);
    expect(events).toEqual(['started@20000']);
    expect(schedule.starting()).toBe(false);
  });

  it('grows memory at the given rate and OOM-kills when it reaches the limit', () => {
    // 100Mi base, 50Mi/s, limit 1124Mi: (1124 - 100) / 50 = 20.48 s
    const { clock, events, schedule } = run({ 'besu.harbour.dev/memory-growth': '50Mi/s' }, 1124 * Mi);
    expect(schedule.memoryBytes()).toBe(BASE_MEMORY_BYTES);
    clock.advance(10_000);
    expect(schedule.memoryBytes()).toBe(BASE_MEMORY_BYTES + 500 * Mi);
    clock.advance(10_479);
    expect(events).toEqual(['started@0']);
    clock.advance(1);
    expect(events).toEqual(['started@0', 'oom@20480']);
    expect(schedule.memoryBytes()).toBe(1124 * Mi);
  });

  it('never OOMs without a limit, and OOMs at once under a limit below the base', () => {
    expect(run({ 'besu.harbour.dev/memory-growth': '50Mi/s' }).schedule.oomAfterMs()).toBeUndefined();
    const tiny = run({}, 64 * Mi);
    tiny.clock.advance(0);
    expect(tiny.events).toEqual(['started@0', 'oom@0']);
  });

  it('fails readiness or liveness from the given time on', () => {
    const { clock, schedule } = run({ 'besu.harbour.dev/fail-readiness': 'true', 'besu.harbour.dev/fail-liveness': '45s' });
    expect(schedule.readinessFailing()).toBe(true);
    expect(schedule.livenessFailing()).toBe(false);
    clock.advance(45_000);
    expect(schedule.livenessFailing()).toBe(true);
    schedule.cancel();
    expect(clock.pending()).toBe(0);
  });
});

describe('startBesu failures (no sockets, FakeClock)', () => {
  const base = (clock: FakeClock, annotations: Record<string, string>, exits: string[], memoryLimitBytes?: number) =>
    startBesu({ podIP: '127.3.0.1', clock, annotations, env: { HOSTNAME: 'besu-0' }, memoryLimitBytes, serve: false, registry: new BesuRegistry(), log: () => {}, onExit: (code, reason) => exits.push(`${code} ${reason}`) });

  it('exits with code 1 (Error) at crash-after, and 137 (OOMKilled) at the memory limit', async () => {
    const clock = new FakeClock();
    const exits: string[] = [];
    const crasher = await base(clock, { 'besu.harbour.dev/crash-after': '30s' }, exits);
    expect(crasher.live()).toBe(true);
    clock.advance(30_000);
    await flush();
    expect(exits).toEqual(['1 Error']);
    expect([crasher.phase(), crasher.live(), crasher.ready(), crasher.memoryBytes()]).toEqual(['exited', false, false, 0]);

    const leaky = await base(clock, { 'besu.harbour.dev/memory-growth': '100Mi/s' }, exits, 300 * Mi);
    clock.advance(1999);
    await flush();
    expect(leaky.memoryBytes()).toBeGreaterThan(290 * Mi);
    clock.advance(1);
    await flush();
    expect(exits).toEqual(['1 Error', '137 OOMKilled']);
  });

  it('is neither live nor ready during slow-start, and never ready with fail-readiness', async () => {
    const clock = new FakeClock();
    const slow = await base(clock, { 'besu.harbour.dev/slow-start': '20s', 'besu.harbour.dev/fail-readiness': '30s' }, []);
    expect([slow.phase(), slow.live(), slow.ready()]).toEqual(['starting', false, false]);
    clock.advance(20_000);
    await flush();
    expect([slow.phase(), slow.live(), slow.ready()]).toEqual(['running', true, true]);
    clock.advance(10_000);
    expect([slow.live(), slow.ready()]).toEqual([true, false]);
    await slow.stop();
    expect(slow.phase()).toBe('stopped');
  });

  it('rejects a pod IP outside 127.0.0.0/8', async () => {
    await expect(startBesu({ podIP: '10.0.0.5', clock: realClock(), annotations: {}, env: {}, log: () => {}, onExit: () => {} })).rejects.toThrow(/loopback/);
  });
});
