// NodeResourcesFit: the pod's requests must fit in what the node has left
// ======================================================================
// CONCEPT   Every container may *request* cpu and memory. The scheduler books requests, not
//           actual use: a node fits when allocatable - (sum of requests of its pods, assumed ones
//           included) >= the pod's requests, and when it has a pod slot left (allocatable `pods`).
//           A pod that asks for nothing always fits cpu and memory, but still needs a slot.
// REAL K8S  pkg/scheduler/framework/plugins/noderesources/fit.go (Filter, fitsRequest) (v1.32)
// SHIPS     The container must fit in the free deck space the tally says is left.
// EXAMPLE   node 4 cpu allocatable, 3500m requested; pod asks 1 cpu  =>
//           Unschedulable "Insufficient cpu"
// SKIPPED   ephemeral-storage and extended resources, ignoredResources args, pod overhead,
//           the scoring strategies (our NodeResourcesMostAllocated/LeastAllocated plugins).
//
// Kubernetes computes the pod's requests in PreFilter and keeps them in CycleState; we computed
// them once when the pod entered the scheduler (PodInfo.requests), which is the same number.

import { Status, type FilterPlugin, type PluginFactory } from '../framework/interfaces.ts';

export const NAME = 'NodeResourcesFit';
export const REASON_TOO_MANY_PODS = 'Too many pods';
export const REASON_INSUFFICIENT_CPU = 'Insufficient cpu';
export const REASON_INSUFFICIENT_MEMORY = 'Insufficient memory';

// Unschedulable (not Unresolvable): evicting lower-priority pods frees requests, so preemption may
// help. Every combination of reasons is built once, so a rejection allocates nothing; the order
// (pods, cpu, memory) is the order fitsRequest appends them in.
const TOO_MANY = 1;
const CPU = 2;
const MEMORY = 4;
const statuses: Status[] = [];
for (let mask = 1; mask < 8; mask++) {
  const reasons: string[] = [];
  if (mask & TOO_MANY) reasons.push(REASON_TOO_MANY_PODS);
  if (mask & CPU) reasons.push(REASON_INSUFFICIENT_CPU);
  if (mask & MEMORY) reasons.push(REASON_INSUFFICIENT_MEMORY);
  statuses[mask] = new Status('Unschedulable', ...reasons);
}

export const nodeResourcesFit: PluginFactory = (): FilterPlugin => ({
  name: NAME,
  // A new or bigger node, or a pod leaving, frees room.
  events: ['NodeAdd', 'NodeUpdateAllocatable', 'AssignedPodDelete', 'AssignedPodUpdate'],
  // @doc: scheduler-fit-filter
  filter(_state, pod, node) {
    let mask = 0;
    if (node.pods.length + 1 > node.allocatable.allowedPodNumber) mask |= TOO_MANY;
    const want = pod.requests;
    if (want.milliCPU > 0 && want.milliCPU > node.allocatable.milliCPU - node.requested.milliCPU) mask |= CPU;
    if (want.memory > 0 && want.memory > node.allocatable.memory - node.requested.memory) mask |= MEMORY;
    return mask === 0 ? null : statuses[mask]!;
  },
});
