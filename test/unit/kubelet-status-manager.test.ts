// The status manager against a fake client: one patch per real change, none for repeats, the
// conditions others own kept, and the final delete with grace 0 and a uid precondition.
import { describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { generatePodStatus } from '../../kubelet/pod-status.ts';
import { StatusManager } from '../../kubelet/status-manager.ts';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup() {
  let pod: Pod = {
    metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '10' },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: 'T0' }] },
  };
  let rv = 10;
  const calls: { verb: string; body?: unknown; options?: unknown }[] = [];
  const client = {
    async patch(_r: string, _n: string, body: { status: PodStatus }, options: unknown) {
      calls.push({ verb: 'patch', body, options });
      const status = { ...pod.status, ...body.status };
      for (const [k, v] of Object.entries(status)) if (v === null) delete (status as Record<string, unknown>)[k];
      pod = { ...pod, metadata: { ...pod.metadata, resourceVersion: String(++rv) }, status };
      return pod;
    },
    async delete(_r: string, name: string, options: unknown) {
      calls.push({ verb: `delete ${name}`, options });
      return {};
    },
  };
  const clock = new FakeClock();
  // The "informer" lags: it keeps showing the first version until the test moves it.
  let cached = pod;
  const sm = new StatusManager({ client: client as never, clock, pods: { get: () => cached } as never });
  sm.start();
  const running = generatePodStatus(pod, {
    hostIP: '127.0.10.1', podIP: '127.244.1.2', sandboxReady: true, terminal: false,
    containers: [{ name: 'c', image: 'nginx:1.25', state: { running: { startedAt: 'T1' } }, lastState: {}, restartCount: 0, ready: true, started: true }],
  });
  return { sm, calls, running, pod: () => pod, catchUp: () => (cached = pod) };
}

describe('StatusManager', () => {
  it('patches pods/status once, keeping PodScheduled, and not again for the same status', async () => {
    const s = setup();
    s.sm.setPodStatus(s.pod(), s.running);
    await flush();
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0].options).toEqual({ namespace: 'default', subresource: 'status' });
    expect(s.pod().status!.conditions!.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    // The same status again, before and after the informer has caught up: nothing is sent.
    s.sm.setPodStatus(s.pod(), s.running);
    await flush();
    s.catchUp();
    s.sm.podUpdated(s.pod());
    await flush();
    expect(s.calls).toHaveLength(1);
    await s.sm.stop();
  });

  it('writes the final status, then deletes the pod with grace 0 on condition of its uid', async () => {
    const s = setup();
    s.sm.setPodStatus(s.pod(), { ...s.running, phase: 'Failed' });
    s.sm.requestDeletion(s.pod());
    await flush();
    expect(s.calls.map((c) => c.verb)).toEqual(['patch', 'delete p']);
    expect(s.calls[1].options).toEqual({ namespace: 'default', gracePeriodSeconds: 0, preconditions: { uid: 'u1' } });
    await s.sm.stop();
  });

  it('ignores a pod that is gone or was replaced by one with another uid', async () => {
    const s = setup();
    s.sm.setPodStatus({ ...s.pod(), metadata: { ...s.pod().metadata, uid: 'other' } }, s.running);
    await flush();
    expect(s.calls).toHaveLength(0);
    await s.sm.stop();
  });
});
