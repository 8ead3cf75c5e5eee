// Container records: what a pod worker remembers about each container
// ====================================================================
// CONCEPT   For every container of a pod the kubelet keeps its current state (waiting, running,
//           terminated), the state before the last restart, the restart count, whether it is ready,
//           and the handles of the running instance. The real kubelet rebuilds most of this from the
//           container runtime after a restart; ours dies with the process, so a restarted kubelet
//           rebuilds it from the pod's status in the API: a container that was running is taken as
//           lost (exit code 255, reason "Unknown", as after a node reboot) and restartCount goes on.
// REAL K8S  pkg/kubelet/container/runtime.go (Status, the restartCount label on containers),
//           pkg/kubelet/kubelet_pods.go (convertToAPIContainerStatuses), pkg/kubelet/events/event.go
// SHIPS     The tag on each container: where it is, how often it went overboard.
// EXAMPLE   API says running, restartCount 2  =>  { state: terminated Unknown 255, restartCount: 2 }
//           (the worker then restarts it: restartCount 3, lastState the "Unknown" termination)
// SKIPPED   ephemeral containers.

import type { Container, ContainerState, ObjectReference, Pod } from '../api/types.ts';
import type { Timer } from '../client/clock.ts';
import type { ContainerRecordView } from './pod-status.ts';
import type { ContainerProber } from './prober.ts';
import type { ExitStatus, RunningContainer } from './runtime/runtime.ts';

/** The worker's record of one container: what status reports, plus the live handles. */
export interface ContainerRecord extends ContainerRecordView {
  spec: Container;
  instance?: RunningContainer;
  prober?: ContainerProber;
  restartTimer?: Timer;
  /** Wall ms of the last exit, for the back-off. */
  finishedAtMs?: number;
  /** An init container (spec.initContainers): runs to completion before the app containers. */
  init?: boolean;
  /** An image pull is in flight (the worker must not start a second one). */
  pulling?: boolean;
}

/** The pod as events name it: "besu-0_default(uid)" (format.Pod). */
export function podDesc(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** The ObjectReference container events use: the pod, with fieldPath spec.containers{name} (or spec.initContainers{name}). */
export function containerRef(pod: Pod, container: string, init = false): ObjectReference {
  const { name, namespace, uid, resourceVersion } = pod.metadata;
  return { apiVersion: 'v1', kind: 'Pod', name, namespace, uid, resourceVersion, fieldPath: `spec.${init ? 'initContainers' : 'containers'}{${container}}` };
}

/**
 * A container's record when the worker starts. A container the API says had started before
 * was lost with the kubelet's process: it counts as exited (exit 255, reason Unknown, as after a
 * node reboot), so the restart policy decides, and restartCount carries on from the API's.
 */
export function initialRecord(spec: Container, pod: Pod, now: string, init = false): ContainerRecord {
  const cs = (init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find((c) => c.name === spec.name);
  const base = { spec, name: spec.name, image: spec.image, ready: false, started: false, lastState: {}, restartCount: 0, init };
  // With init containers, everything not yet started waits as PodInitializing (convertToAPIContainerStatuses).
  const waiting = { waiting: { reason: pod.spec.initContainers?.length ? 'PodInitializing' : 'ContainerCreating' } };
  if (!cs || (!cs.containerID && !cs.lastState?.terminated)) return { ...base, state: waiting };
  const lost = cs.state?.terminated ?? (cs.state?.running
    ? { exitCode: 255, reason: 'Unknown', message: 'The container was lost when the kubelet stopped', startedAt: cs.state.running.startedAt, finishedAt: now }
    : cs.lastState?.terminated);
  if (!lost) return { ...base, restartCount: cs.restartCount ?? 0, state: waiting };
  return { ...base, imageID: cs.imageID, containerID: cs.containerID, restartCount: cs.restartCount ?? 0, lastState: cs.lastState ?? {}, state: { terminated: { ...lost, ...(cs.containerID ? { containerID: cs.containerID } : {}) } } };
}

/** Records that the container's instance ended: terminated state, not ready, handles dropped. */
export function markExited(rec: ContainerRecord, exit: ExitStatus, nowMs: number, nowISO: string, message?: string, startedAt?: string): void {
  const startedISO = startedAt ?? rec.state.running?.startedAt;
  rec.prober = undefined;
  rec.instance = undefined;
  rec.ready = false;
  rec.started = false;
  rec.finishedAtMs = nowMs;
  const terminated: NonNullable<ContainerState['terminated']> = { exitCode: exit.exitCode, reason: exit.reason, finishedAt: nowISO };
  if (message) terminated.message = message;
  if (startedISO) terminated.startedAt = startedISO;
  // The real ContainerStateTerminated names the instance too (api/types.ts leaves the field out).
  if (rec.containerID) Object.assign(terminated, { containerID: rec.containerID });
  rec.state = { terminated };
}
