// Init containers in order, the phase and Initialized condition they impose, and the STATUS
// column kubectl prints for them (Init:0/2, Init:Error, Init:CrashLoopBackOff, PodInitializing).
import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodSpec } from '../../api/types.ts';
import { podStatusReason } from '../../apiserver/registry/pods.ts';
import { initializedCondition, initPhase, nextInitStep, shouldRestart } from '../../kubelet/init-containers.ts';

const spec = (restartPolicy: PodSpec['restartPolicy'] = 'Always'): PodSpec => ({
  restartPolicy, initContainers: [{ name: 'a', image: 'busybox:1.36' }, { name: 'b', image: 'busybox:1.36' }], containers: [{ name: 'app', image: 'nginx:1.25' }],
});
const ok = { terminated: { exitCode: 0, reason: 'Completed' } };
const failed = { terminated: { exitCode: 1, reason: 'Error' } };
const st = (name: string, state: ContainerStatus['state'], lastState: ContainerStatus['lastState'] = {}): ContainerStatus =>
  ({ name, state, lastState, ready: false, restartCount: 0, image: 'busybox:1.36', imageID: '' });

describe('nextInitStep', () => {
  it('starts the first init container that has not succeeded, one at a time', () => {
    expect(nextInitStep([{ state: ok, busy: false }, { state: { waiting: { reason: 'PodInitializing' } }, busy: false }])).toMatchObject({ kind: 'start', record: { busy: false } });
    expect(nextInitStep([{ state: { running: {} }, busy: true }, { state: {}, busy: false }])).toEqual({ kind: 'wait' });
    expect(nextInitStep([{ state: failed, busy: false }]).kind).toBe('exited');
    expect(nextInitStep([{ state: ok, busy: false }, { state: ok, busy: false }])).toEqual({ kind: 'done' });
  });

  it('restarts a failed init container under Always and OnFailure, never one that succeeded', () => {
    expect(shouldRestart('Always', 1, true)).toBe(true);
    expect(shouldRestart('OnFailure', 1, true)).toBe(true);
    expect(shouldRestart('Never', 1, true)).toBe(false);
    expect(shouldRestart('Always', 0, true)).toBe(false);
    expect(shouldRestart('Always', 0, false)).toBe(true);
  });
});

describe('phase and Initialized', () => {
  it('keeps the pod Pending until every init container succeeded; Never + failure is Failed', () => {
    expect(initPhase(spec(), [st('a', ok), st('b', { running: {} })])).toBe('Pending');
    expect(initPhase(spec(), [st('a', ok), st('b', ok)])).toBeUndefined();
    expect(initPhase(spec('Never'), [st('a', failed)])).toBe('Failed');
    expect(initPhase(spec('OnFailure'), [st('a', { waiting: { reason: 'CrashLoopBackOff' } }, failed)])).toBe('Pending');
  });

  it('names the init containers still to complete', () => {
    expect(initializedCondition(spec(), [st('a', ok), st('b', { running: {} })])).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [b]' });
    expect(initializedCondition(spec(), [st('a', ok), st('b', ok)]).status).toBe('True');
  });
});

describe('the STATUS column', () => {
  const pod = (init: ContainerStatus[], app: ContainerStatus['state'] = { waiting: { reason: 'PodInitializing' } }): Pod => ({
    metadata: { name: 'p' }, spec: spec(), status: { phase: 'Pending', initContainerStatuses: init, containerStatuses: [st('app', app)] },
  });
  it('prints what kubectl prints against a real cluster', () => {
    expect(podStatusReason(pod([st('a', { running: {} }), st('b', { waiting: { reason: 'PodInitializing' } })]))).toBe('Init:0/2');
    expect(podStatusReason(pod([st('a', ok), st('b', { running: {} })]))).toBe('Init:1/2');
    expect(podStatusReason(pod([st('a', failed), st('b', { waiting: { reason: 'PodInitializing' } })]))).toBe('Init:Error');
    expect(podStatusReason(pod([st('a', { waiting: { reason: 'CrashLoopBackOff' } }, failed)]))).toBe('Init:CrashLoopBackOff');
    expect(podStatusReason(pod([st('a', ok), st('b', ok)]))).toBe('PodInitializing');
    expect(podStatusReason(pod([st('a', ok), st('b', ok)], { running: {} }))).toBe('Pending');
  });
});
