// Pod admission: does the pod fit on this node?
// =============================================
// CONCEPT   The scheduler already checked that a pod fits, but the kubelet checks again before it
//           runs anything: a pod can be bound by hand (`spec.nodeName` in the manifest, or a POST to
//           pods/NAME/binding), and the scheduler's view may be stale. The kubelet adds up the
//           requests of the pods it already admitted and compares them with its allocatable. A pod
//           that does not fit is *rejected*: phase Failed, reason OutOfcpu / OutOfmemory / OutOfpods,
//           and it is never started (a controller may make a replacement elsewhere).
// REAL K8S  pkg/kubelet/lifecycle/predicate.go (predicateAdmitHandler.Admit, InsufficientResourceError,
//           OutOfCPU = "OutOfcpu"), pkg/kubelet/kubelet.go (canAdmitPod, rejectPod: "Pod was rejected: "),
//           pkg/scheduler/framework/plugins/noderesources/fit.go (fitsRequest: pods, cpu, memory order),
//           k8s.io/component-helpers/resource/helpers.go (PodRequests: max(sum containers, max init))
// SHIPS     The captain checks the manifest against the ship's free deck space before loading.
// EXAMPLE   allocatable cpu 4, other pods 1 cpu, new pod 8 cpu  =>
//           { admit: false, reason: "OutOfcpu",
//             message: "Node didn't have enough resource: cpu, requested: 8000, used: 1000, capacity: 4000" }
// SKIPPED   node affinity / taint / host port re-checks, extended resources, the eviction manager's
//           admit handler, pod overhead, preemption of critical pods (HandleAdmissionFailure).

import type { Pod, ResourceList } from '../api/types.ts';
import { cpuMillis, memoryBytes } from '../api/quantity.ts';

/** What a pod asks for, in the units the kubelet sums: millicores and bytes. */
export interface PodRequests {
  cpu: number;
  memory: number;
}

/** The answer of an admit handler (lifecycle.PodAdmitResult). */
export type AdmitResult = { admit: true } | { admit: false; reason: string; message: string };

/**
 * A pod's effective requests: the sum over its containers, or the largest init container's if
 * that is bigger (init containers run one at a time, before the others).
 */
export function podRequests(pod: Pod): PodRequests {
  const sum = { cpu: 0, memory: 0 };
  for (const c of pod.spec.containers) {
    sum.cpu += cpuMillis(c.resources?.requests?.cpu);
    sum.memory += memoryBytes(c.resources?.requests?.memory);
  }
  for (const c of pod.spec.initContainers ?? []) {
    sum.cpu = Math.max(sum.cpu, cpuMillis(c.resources?.requests?.cpu));
    sum.memory = Math.max(sum.memory, memoryBytes(c.resources?.requests?.memory));
  }
  return sum;
}

/**
 * Decides whether `pod` may run next to `otherPods` (the pods already admitted and not finished)
 * on a node with `allocatable`. Checks pods, cpu, memory in that order and reports the first
 * shortfall, as the real predicate does.
 * @example admitPod(pod, running, { cpu: '4', memory: '8Gi', pods: '110' })
 */
export function admitPod(pod: Pod, otherPods: readonly Pod[], allocatable: ResourceList): AdmitResult {
  const capacity = {
    pods: Number(allocatable.pods ?? 110),
    cpu: cpuMillis(allocatable.cpu ?? 0),
    memory: memoryBytes(allocatable.memory ?? 0),
  };
  if (otherPods.length + 1 > capacity.pods) {
    return reject('pods', 1, otherPods.length, capacity.pods);
  }
  const want = podRequests(pod);
  const used = { cpu: 0, memory: 0 };
  for (const other of otherPods) {
    const r = podRequests(other);
    used.cpu += r.cpu;
    used.memory += r.memory;
  }
  // @doc: kubelet-admission-fit
  // A pod that requests nothing always fits (BestEffort pods only compete for the pod count).
  if (want.cpu > 0 && used.cpu + want.cpu > capacity.cpu) return reject('cpu', want.cpu, used.cpu, capacity.cpu);
  if (want.memory > 0 && used.memory + want.memory > capacity.memory) {
    return reject('memory', want.memory, used.memory, capacity.memory);
  }
  return { admit: true };
}

function reject(resource: string, requested: number, used: number, capacity: number): AdmitResult {
  return {
    admit: false,
    reason: `OutOf${resource}`,
    message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
  };
}

/** The status message of a rejected pod, as kubelet.rejectPod writes it. */
export function rejectionMessage(message: string): string {
  return `Pod was rejected: ${message}`;
}
