// CrashLoopBackOff: the back-off table alone, then a pod worker restarting a crashing container on
// a FakeClock: restart at once, then after 10, 20, 40, 80, 160, 300, 300 s; restartCount and the
// CrashLoopBackOff waiting state along the way; restartPolicy Never and OnFailure.
import { describe, expect, it } from 'vitest';
import type { Container, Pod, PodStatus } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { ContainerBackoff, goDuration } from '../../kubelet/container-backoff.ts';
import { ImageManager } from '../../kubelet/images.ts';
import type { NodeContext } from '../../kubelet/node-context.ts';
import { PodWorker } from '../../kubelet/pod-worker.ts';
import { PortHost } from '../../kubelet/runtime/port-host.ts';
import { ContainerRuntime } from '../../kubelet/runtime/runtime.ts';

describe('ContainerBackoff', () => {
  it('doubles from 10 s to the 300 s cap', () => {
    const clock = new FakeClock();
    const b = new ContainerBackoff(clock);
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.next('k', clock.now());
      seen.push(b.get('k'));
      clock.advance(1000);
    }
    expect(seen).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('is in back-off until that long after the container finished', () => {
    const clock = new FakeClock();
    const b = new ContainerBackoff(clock);
    expect(b.isInBackOffSince('k', clock.now())).toBe(false); // first crash: restart at once
    b.next('k', clock.now());
    const finished = clock.now();
    clock.advance(9_999);
    expect(b.isInBackOffSince('k', finished)).toBe(true);
    expect(b.remaining('k', finished)).toBe(1);
    clock.advance(1);
    expect(b.isInBackOffSince('k', finished)).toBe(false);
  });

  it('starts over from 10 s once a container ran 10 minutes (twice the cap) since its last restart', () => {
    const clock = new FakeClock();
    const b = new ContainerBackoff(clock);
    b.next('k', clock.now());
    b.next('k', clock.now());
    expect(b.get('k')).toBe(20_000);
    clock.advance(600_001);
    expect(b.isInBackOffSince('k', clock.now())).toBe(false);
    b.next('k', clock.now());
    expect(b.get('k')).toBe(10_000);
  });

  it('prints durations the way Go does', () => {
    expect([goDuration(10_000), goDuration(80_000), goDuration(300_000)]).toEqual(['10s', '1m20s', '5m0s']);
  });
});

// ## A pod worker on a FakeClock

function setup(container: Partial<Container>, restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always') {
  const clock = new FakeClock();
  const statuses: PodStatus[] = [];
  const events: { at: number; reason: string; message: string }[] = [];
  const ctx: NodeContext = {
    nodeName: 'node-1', nodeIP: '127.0.10.1', clock,
    runtime: new ContainerRuntime(clock, new PortHost()),
    images: new ImageManager(clock),
    backoff: new ContainerBackoff(clock),
    status: { setPodStatus: (_p, s) => statuses.push(s), requestDeletion: () => {} },
    event: (_o, _type, reason, message) => events.push({ at: clock.now(), reason, message }),
    allocatePodIP: async () => '127.244.1.2', releasePodIP: () => {}, podCIDR: () => '127.244.1.0/24',
    config: { configMap: async () => undefined, secret: async () => undefined },
  };
  const pod: Pod = {
    metadata: { name: 'crash', namespace: 'default', uid: 'u-1' },
    spec: { restartPolicy, containers: [{ name: 'app', image: 'busybox:1.36', ...container }] },
  };
  const worker = new PodWorker(ctx, pod);
  const flush = async () => {
    for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
  };
  const run = async (ms: number, step = 250) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await flush();
    }
  };
  const last = () => statuses[statuses.length - 1];
  return { clock, statuses, events, worker, run, flush, last, t0: clock.now() };
}

describe('a crashing container', () => {
  it('restarts at once, then after 10, 20, 40, 80, 160, 300, 300 s', async () => {
    const s = setup({ command: ['sh', '-c', 'exit 1'] });
    void s.worker.start();
    await s.run(1_000_000, 500);
    const starts = s.events.filter((e) => e.reason === 'Started').map((e) => e.at);
    // Each instance runs 1 s (a process that exits at once still takes a moment); the gap between
    // one start and the next is that second plus the back-off.
    const gaps = starts.slice(1).map((t, i) => Math.round((t - starts[i] - 1000) / 1000));
    expect(gaps.slice(0, 8)).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
    const backoffs = s.events.filter((e) => e.reason === 'BackOff');
    expect(backoffs[0].message).toBe('Back-off restarting failed container app in pod crash_default(u-1)');
  });

  it('shows CrashLoopBackOff with the last termination while it waits, and counts restarts', async () => {
    const s = setup({ command: ['sh', '-c', 'echo boom; exit 1'] });
    void s.worker.start();
    await s.run(3_000);
    const cs = s.last().containerStatuses![0];
    expect(cs.restartCount).toBe(1);
    expect(cs.state?.waiting).toEqual({ reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=crash_default(u-1)' });
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(s.last().phase).toBe('Running');
    await s.run(10_000);
    expect(s.last().containerStatuses![0].restartCount).toBe(2);
    expect(s.last().containerStatuses![0].state?.running).toBeDefined();
  });

  it('stays terminated under restartPolicy Never: the pod Failed', async () => {
    const s = setup({ command: ['sh', '-c', 'exit 3'] }, 'Never');
    void s.worker.start();
    await s.run(5_000);
    expect(s.last().phase).toBe('Failed');
    expect(s.last().containerStatuses![0].state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(s.last().containerStatuses![0].restartCount).toBe(0);
    expect(s.events.filter((e) => e.reason === 'Started')).toHaveLength(1);
  });

  it('is not restarted after success under OnFailure: the pod Succeeded', async () => {
    const s = setup({ args: ['sleep', '5'] }, 'OnFailure');
    void s.worker.start();
    await s.run(4_000);
    expect(s.last().phase).toBe('Running');
    await s.run(3_000);
    expect(s.last().phase).toBe('Succeeded');
    expect(s.last().containerStatuses![0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });
});
