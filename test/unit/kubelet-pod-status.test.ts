// The status a kubelet reports: phase from container states, conditions, and the merge with the
// status already in the API (kept lastTransitionTime, kept PodScheduled).
import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodSpec } from '../../api/types.ts';
import {
  generatePodStatus, getPhase, mergePodStatus, podQOS, rejectedPodStatus, sameJson, type ContainerRecordView,
} from '../../kubelet/pod-status.ts';

const spec = (restartPolicy: PodSpec['restartPolicy'], n = 1): PodSpec => ({
  restartPolicy, containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: 'nginx:1.25' })),
});
const running = (name = 'c0'): ContainerStatus => ({ name, image: 'x', ready: true, restartCount: 0, state: { running: { startedAt: 't' } } });
const exited = (code: number, name = 'c0'): ContainerStatus => ({ name, image: 'x', ready: false, restartCount: 0, state: { terminated: { exitCode: code } } });
const creating = (name = 'c0'): ContainerStatus => ({ name, image: 'x', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } });
const backingOff = (name = 'c0'): ContainerStatus => ({
  name, image: 'x', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } },
});

describe('getPhase', () => {
  it.each([
    ['Pending while a container is still being created', spec('Always', 2), [running('c0'), creating('c1')], false, 'Pending'],
    ['Running once every container started and one runs', spec('Always', 2), [running('c0'), exited(0, 'c1')], false, 'Running'],
    ['Running while Always restarts a crashed container', spec('Always'), [backingOff()], false, 'Running'],
    ['Succeeded when all exited 0 and the policy is not Always', spec('OnFailure'), [exited(0)], false, 'Succeeded'],
    ['Failed when one exited non-zero under Never', spec('Never'), [exited(2)], false, 'Failed'],
    ['Running while OnFailure restarts a failure', spec('OnFailure'), [exited(2)], false, 'Running'],
    ['Failed when a deleted pod\'s containers were killed', spec('Always'), [exited(143)], true, 'Failed'],
    ['Pending with no container status at all', spec('Always'), [], false, 'Pending'],
  ] as const)('%s', (_name, s, statuses, terminal, phase) => {
    expect(getPhase(s, statuses as unknown as ContainerStatus[], terminal)).toBe(phase);
  });
});

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: spec('Always') };
const record = (over: Partial<ContainerRecordView> = {}): ContainerRecordView => ({
  name: 'c0', image: 'nginx:1.25', state: { running: { startedAt: '2026-01-01T00:00:00Z' } }, lastState: {},
  restartCount: 0, ready: true, started: true, containerID: 'harbour-sim://abc', imageID: 'docker.io/library/nginx@sha256:1', ...over,
});

describe('generatePodStatus', () => {
  it('reports a running, ready pod as the real kubelet does', () => {
    const status = generatePodStatus(pod, { hostIP: '127.0.10.1', podIP: '127.244.1.2', startTime: 'T0', sandboxReady: true, containers: [record()], terminal: false });
    expect(status).toMatchObject({
      phase: 'Running', hostIP: '127.0.10.1', hostIPs: [{ ip: '127.0.10.1' }], podIP: '127.244.1.2', podIPs: [{ ip: '127.244.1.2' }],
      startTime: 'T0', qosClass: 'BestEffort',
    });
    expect(status.conditions!.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True',
    ]);
    expect(status.containerStatuses![0]).toMatchObject({ name: 'c0', ready: true, started: true, restartCount: 0, containerID: 'harbour-sim://abc' });
  });

  it('names the unready containers in Ready and ContainersReady', () => {
    const status = generatePodStatus(pod, { hostIP: 'h', sandboxReady: true, containers: [record({ ready: false })], terminal: false });
    expect(status.conditions!.find((c) => c.type === 'Ready')).toEqual({
      type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [c0]', lastProbeTime: null,
    });
  });

  it('never moves a pod out of a terminal phase', () => {
    const done = { ...pod, status: { phase: 'Succeeded' as const } };
    expect(generatePodStatus(done, { hostIP: 'h', sandboxReady: false, containers: [record()], terminal: false }).phase).toBe('Succeeded');
  });

  it('writes a rejection as phase Failed with the reason and message only', () => {
    expect(rejectedPodStatus(pod, 'OutOfcpu', 'Pod was rejected: ...')).toEqual({ phase: 'Failed', reason: 'OutOfcpu', message: 'Pod was rejected: ...', qosClass: 'BestEffort' });
  });

  it('classifies QoS from requests and limits', () => {
    const withResources = (resources: object): PodSpec => ({ containers: [{ name: 'c', image: 'i', resources }] });
    expect(podQOS(withResources({ limits: { cpu: '1', memory: '1Gi' } }))).toBe('Guaranteed');
    expect(podQOS(withResources({ requests: { cpu: '1' } }))).toBe('Burstable');
    expect(podQOS(withResources({}))).toBe('BestEffort');
  });
});

describe('mergePodStatus', () => {
  const wanted = generatePodStatus(pod, { hostIP: 'h', podIP: 'ip', sandboxReady: true, containers: [record()], terminal: false });

  it('keeps PodScheduled (the scheduler wrote it) and stamps new conditions now', () => {
    const merged = mergePodStatus({ conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: 'T-1' }] }, wanted, 'T1');
    expect(merged.conditions!.map((c) => `${c.type}@${c.lastTransitionTime}`)).toEqual([
      'PodReadyToStartContainers@T1', 'Initialized@T1', 'Ready@T1', 'ContainersReady@T1', 'PodScheduled@T-1',
    ]);
  });

  it('keeps lastTransitionTime of a condition whose status did not change, so a re-sync changes nothing', () => {
    const first = mergePodStatus(undefined, wanted, 'T1');
    const again = mergePodStatus(first, wanted, 'T2');
    expect(sameJson(first, again)).toBe(true);
    const unready = generatePodStatus(pod, { hostIP: 'h', podIP: 'ip', sandboxReady: true, containers: [record({ ready: false })], terminal: false });
    const later = mergePodStatus(first, unready, 'T3');
    expect(later.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('T3');
    expect(later.conditions!.find((c) => c.type === 'Initialized')!.lastTransitionTime).toBe('T1');
  });

  it('keeps the pod IP once reported, after the sandbox is gone', () => {
    const gone = generatePodStatus(pod, { hostIP: 'h', sandboxReady: false, containers: [record()], terminal: true });
    expect(mergePodStatus({ podIP: '127.244.1.2', podIPs: [{ ip: '127.244.1.2' }] }, gone, 'T').podIP).toBe('127.244.1.2');
  });

  it('compares JSON ignoring key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: undefined }, {})).toBe(true);
  });
});
