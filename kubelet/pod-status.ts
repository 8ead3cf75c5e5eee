// Pod status: what the kubelet reports about a pod
// ================================================
// CONCEPT   The kubelet is the only one who knows what really runs, so it writes the pod's status:
//           the phase (Pending, Running, Succeeded, Failed), one status per container (waiting with a
//           reason such as ContainerCreating or CrashLoopBackOff, running since when, or terminated
//           with an exit code), restart counts, the pod and host IPs, and the conditions controllers
//           read: Ready decides whether a Service sends the pod traffic.
//           This module is pure: the kubelet's per-container records in, a PodStatus out.
// REAL K8S  pkg/kubelet/kubelet_pods.go (generateAPIPodStatus, getPhase, convertToAPIContainerStatuses),
//           pkg/kubelet/status/generate.go (GenerateContainersReadyCondition, GeneratePodReadyCondition,
//           GeneratePodReadyToStartContainersCondition), pkg/apis/core/v1/helper/qos/qos.go (GetPodQOS)
// SHIPS     The captain's report of each container on deck: loading, stowed, or gone overboard.
// EXAMPLE   one container running and ready  => phase Running, Ready True, containerStatuses[0].state.running
//           Always + container crashed       => phase Running, waiting CrashLoopBackOff, lastState.terminated
//           Never + exit 1                   => phase Failed
// SKIPPED   ephemeral containers, sidecars, readiness gates, resize status.
//           (Init containers: their statuses, phase and Initialized condition come from init-containers.ts.)

import type { ContainerState, ContainerStatus, Pod, PodCondition, PodPhase, PodSpec, PodStatus } from '../api/types.ts';
import { initializedCondition, initPhase } from './init-containers.ts';

/** The kubelet's record of one container, as much as the status needs. */
export interface ContainerRecordView {
  name: string;
  image: string;
  imageID?: string;
  containerID?: string;
  state: ContainerState;
  lastState: ContainerState;
  restartCount: number;
  ready: boolean;
  started: boolean;
}

/** What the kubelet knows about a pod it runs. */
export interface PodRuntimeView {
  hostIP: string;
  podIP?: string;
  startTime?: string;
  /** The sandbox (here: the pod IP) exists. */
  sandboxReady: boolean;
  containers: ContainerRecordView[];
  /** The init containers, in spec order. @default [] */
  initContainers?: ContainerRecordView[];
  /** The pod is finished or being deleted: its containers will not be restarted (podIsTerminal). */
  terminal: boolean;
}

/** The conditions the kubelet owns; others (PodScheduled, DisruptionTarget) are kept as they are. */
export const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];

/** Guaranteed, Burstable or BestEffort, from requests and limits (GetPodQOS). */
export function podQOS(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(spec.initContainers ?? []), ...spec.containers];
  const any = all.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = all.every((c) => ['cpu', 'memory'].every((r) => {
    const limit = c.resources?.limits?.[r];
    const request = c.resources?.requests?.[r];
    return limit !== undefined && (request === undefined || request === limit);
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * The pod phase from its containers' states (getPhase). A waiting container that ran before
 * (it has a lastState) counts as stopped, not as "not started yet".
 */
export function getPhase(spec: PodSpec, statuses: readonly ContainerStatus[], podIsTerminal: boolean): PodPhase {
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of spec.containers) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s?.state) unknown++;
    else if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  // @doc: kubelet-get-phase
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (spec.restartPolicy === 'Always' || spec.restartPolicy === undefined) return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return spec.restartPolicy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

function toContainerStatus(c: ContainerRecordView): ContainerStatus {
  const status: ContainerStatus = {
    name: c.name, state: c.state, lastState: c.lastState, ready: c.ready, restartCount: c.restartCount,
    image: c.image, imageID: c.imageID ?? '', started: c.started,
  };
  if (c.containerID) status.containerID = c.containerID;
  return status;
}

function condition(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False', lastProbeTime: null };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/**
 * The status the kubelet wants the pod to have (generateAPIPodStatus). Conditions carry no
 * lastTransitionTime here: mergePodStatus fills them against the current object.
 */
export function generatePodStatus(pod: Pod, view: PodRuntimeView): PodStatus {
  const containerStatuses = view.containers.map(toContainerStatus);
  const initContainerStatuses = (view.initContainers ?? []).map(toContainerStatus);
  let phase = initPhase(pod.spec, initContainerStatuses) ?? getPhase(pod.spec, containerStatuses, view.terminal);
  // A pod never leaves a terminal phase.
  const old = pod.status?.phase;
  if (old === 'Succeeded' || old === 'Failed') phase = old;
  const unready = view.containers.filter((c) => !c.ready).map((c) => c.name);
  const done = phase === 'Succeeded' || phase === 'Failed';
  const reason = done ? 'PodCompleted' : 'ContainersNotReady';
  const message = done ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const allReady = unready.length === 0 && !done;
  const status: PodStatus = {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', view.sandboxReady),
      initializedCondition(pod.spec, initContainerStatuses),
      condition('Ready', allReady, reason, message),
      condition('ContainersReady', allReady, reason, message),
    ],
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
    ...(view.podIP ? { podIP: view.podIP, podIPs: [{ ip: view.podIP }] } : {}),
    ...(view.startTime ? { startTime: view.startTime } : {}),
    ...(initContainerStatuses.length ? { initContainerStatuses } : {}),
    containerStatuses,
    qosClass: pod.status?.qosClass ?? podQOS(pod.spec),
  };
  return status;
}

/** The status of a pod the kubelet refused to run (rejectPod). */
export function rejectedPodStatus(pod: Pod, reason: string, message: string): PodStatus {
  return { phase: 'Failed', reason, message, qosClass: pod.status?.qosClass ?? podQOS(pod.spec) };
}

/**
 * Combines the kubelet's status with the pod's current one (the status manager's merge): the
 * conditions others own are kept; a condition whose status did not change keeps its
 * lastTransitionTime; a pod IP once reported is kept by a pod that no longer has a sandbox.
 */
export function mergePodStatus(current: PodStatus | undefined, wanted: PodStatus, now: string): PodStatus {
  const old = current?.conditions ?? [];
  const mine = (wanted.conditions ?? []).map((c) => {
    const prev = old.find((o) => o.type === c.type);
    return { ...c, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
  });
  const others = old.filter((c) => !KUBELET_CONDITIONS.includes(c.type));
  const merged: PodStatus = { ...wanted, conditions: [...mine, ...others] };
  if (!merged.podIP && current?.podIP) {
    merged.podIP = current.podIP;
    merged.podIPs = current.podIPs;
  }
  if (current?.nominatedNodeName) merged.nominatedNodeName = current.nominatedNodeName;
  return merged;
}

/** Deep equality of JSON values, ignoring key order (what "nothing changed" means). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
