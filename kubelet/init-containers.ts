// Init containers: set-up steps that must finish before the app starts
// ====================================================================
// CONCEPT   A pod may list `initContainers`: each runs to completion, one at a time and in order,
//           before any app container starts (wait for a database, fetch a genesis file, fix
//           permissions). An init container that fails is restarted by the pod's restartPolicy:
//           Always and OnFailure restart it (with the CrashLoopBackOff pauses), Never fails the whole
//           pod. Until all have succeeded the pod's Initialized condition is False
//           ("containers with incomplete status: [...]") and the app containers wait with reason
//           PodInitializing; `kubectl get pods` prints Init:0/2, Init:Error, Init:CrashLoopBackOff.
//           This module is pure: which init container is next, what the pod's phase and
//           Initialized condition are. The pod worker does the starting.
// REAL K8S  pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions: init containers first,
//           findNextInitContainerToRun), pkg/kubelet/kubelet_pods.go (getPhase: pendingInitialization,
//           failedInitialization), pkg/kubelet/status/generate.go (GeneratePodInitializedCondition)
// SHIPS     The lashings go on, one by one, before any cargo is loaded.
// EXAMPLE   [init-a: terminated 0, init-b: running]          => next: wait; Initialized False [init-b]
//           [init-a: terminated 1], restartPolicy Never       => phase Failed
//           [init-a: terminated 0, init-b: terminated 0]      => next: done; Initialized True
// SKIPPED   sidecars (init containers with restartPolicy Always), which keep running beside the app.

import type { ContainerState, ContainerStatus, PodCondition, PodSpec } from '../api/types.ts';

/** What the worker should do about the init containers (computePodActions' first question). */
export type InitStep<R> =
  | { kind: 'done' }
  | { kind: 'start'; record: R }
  /** The current one ran and stopped: let the restart policy decide. */
  | { kind: 'exited'; record: R }
  /** One is running, pulling, or waiting out a back-off: nothing to do now. */
  | { kind: 'wait' };

/** What the step needs to know about each init container, in spec order. */
export interface InitRecord {
  state: ContainerState;
  /** A live instance, a pull in flight, or a restart timer. */
  busy: boolean;
}

/** An init container that exited 0 has done its job and never runs again. */
export function initSucceeded(state: ContainerState): boolean {
  return state.terminated?.exitCode === 0;
}

/**
 * The next thing to do, walking the init containers in order (findNextInitContainerToRun):
 * skip those that succeeded; the first one that has not is started, waited for, or handed to
 * the restart policy.
 */
export function nextInitStep<R extends InitRecord>(records: readonly R[]): InitStep<R> {
  for (const record of records) {
    if (initSucceeded(record.state)) continue;
    if (record.busy) return { kind: 'wait' };
    if (record.state.terminated) return { kind: 'exited', record };
    return { kind: 'start', record };
  }
  return { kind: 'done' };
}

/** Whether a container that exited with `exitCode` is started again (the pod's restartPolicy). */
export function shouldRestart(policy: PodSpec['restartPolicy'], exitCode: number, init: boolean): boolean {
  if (init && exitCode === 0) return false;
  if (policy === 'Never') return false;
  return policy !== 'OnFailure' || exitCode !== 0;
}

/**
 * The phase the init containers impose, or undefined when they leave it to the app containers
 * (getPhase's first loop): a failed init container under Never fails the pod; one still to
 * succeed keeps it Pending.
 */
export function initPhase(spec: PodSpec, statuses: readonly ContainerStatus[]): 'Failed' | 'Pending' | undefined {
  let pending = 0;
  let failed = 0;
  for (const c of spec.initContainers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    if (s?.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failed++;
    } else if (s?.state?.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failed++;
    } else pending++;
  }
  // @doc: kubelet-init-phase
  if (failed > 0 && spec.restartPolicy === 'Never') return 'Failed';
  return pending > 0 || failed > 0 ? 'Pending' : undefined;
}

/** The Initialized condition (GeneratePodInitializedCondition). */
export function initializedCondition(spec: PodSpec, statuses: readonly ContainerStatus[]): PodCondition {
  const incomplete = (spec.initContainers ?? []).filter((c) => !initSucceeded(statuses.find((s) => s.name === c.name)?.state ?? {})).map((c) => c.name);
  if (!incomplete.length) return { type: 'Initialized', status: 'True', lastProbeTime: null };
  return { type: 'Initialized', status: 'False', lastProbeTime: null, reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` };
}
