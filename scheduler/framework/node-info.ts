// PodInfo and NodeInfo: the scheduler's pre-digested view of pods and nodes
// ========================================================================
// CONCEPT   Quantities like "500m" and "2Gi" are strings in the API. Parsing them on every node
//           of every cycle would dominate the scheduler's time, so we parse a pod once when it
//           enters the scheduler (PodInfo) and keep running totals per node (NodeInfo): adding a
//           pod to a node is three additions, and a Filter compares two numbers.
// REAL K8S  pkg/scheduler/framework/types.go (NewPodInfo, NodeInfo.AddPodInfo/RemovePod/SetNode,
//           calculateResource), pkg/scheduler/util/pod_resources.go (DefaultMilliCPURequest)
// SHIPS     The crane keeps a running tally chalked on each ship's side instead of re-weighing cargo.
// EXAMPLE   newPodInfo(pod with 2 containers of 250m)  =>  requests.milliCPU 500
//           addPodToNode(nodeInfo, podInfo)             =>  nodeInfo.requested.milliCPU += 500
// SKIPPED   pod overhead, sidecar (restartable init) containers, ephemeral-storage, extended
//           resources, in-place resize, pod-level resources, host ports, image states.

import type { Container, Node, Pod } from '../../api/types.ts';
import { cpuMillis, integerValue, memoryBytes } from '../../api/quantity.ts';
import type { NodeInfo, PodInfo, Resource } from './interfaces.ts';

/** schedutil.DefaultMilliCPURequest: what a container with no cpu request counts as, for scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** schedutil.DefaultMemoryRequest: 200 MiB, likewise. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;
/** The kubelet's default maxPods; used when a node reports no `pods` allocatable at all. */
export const DEFAULT_MAX_PODS = 110;

let generation = 0;
/** A process-wide increasing number, as nextGeneration() in types.go. */
export function nextGeneration(): number {
  return ++generation;
}

// ## Pod requests
//
// Containers run side by side, so their requests add up; init containers run one at a time
// *before* them, so the pod needs the larger of "all containers" and "the biggest init container".

function containerRequest(c: Container, nonZero: boolean): { cpu: number; mem: number } {
  const r = c.resources?.requests;
  const cpu = r?.cpu !== undefined ? cpuMillis(r.cpu) : nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0;
  const mem = r?.memory !== undefined ? memoryBytes(r.memory) : nonZero ? DEFAULT_MEMORY_REQUEST : 0;
  return { cpu, mem };
}

/** resourcehelper.PodRequests: max(sum of containers, each init container), per resource. */
export function podRequests(pod: Pod, nonZero = false): Resource {
  let milliCPU = 0;
  let memory = 0;
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequest(c, nonZero);
    milliCPU += r.cpu;
    memory += r.mem;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequest(c, nonZero);
    milliCPU = Math.max(milliCPU, r.cpu);
    memory = Math.max(memory, r.mem);
  }
  return { milliCPU, memory, allowedPodNumber: 0 };
}

/** framework.NewPodInfo: parse a pod once. Call again for every new version of the pod. */
export function newPodInfo(pod: Pod): PodInfo {
  const ns = pod.metadata.namespace ?? 'default';
  const key = `${ns}/${pod.metadata.name ?? ''}`;
  return {
    pod,
    key,
    uid: pod.metadata.uid ?? key,
    priority: pod.spec?.priority ?? 0,
    requests: podRequests(pod, false),
    nonZeroRequests: podRequests(pod, true),
    tolerations: pod.spec?.tolerations ?? [],
    requiredAntiAffinity: pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [],
  };
}

// ## Node totals

/** An empty NodeInfo, for a node or for pods bound to a node we have not seen yet. */
export function newNodeInfo(name: string, node: Node | null = null): NodeInfo {
  const info: NodeInfo = {
    node: null,
    name,
    pods: [],
    podsWithRequiredAntiAffinity: [],
    requested: { milliCPU: 0, memory: 0, allowedPodNumber: 0 },
    nonZeroRequested: { milliCPU: 0, memory: 0, allowedPodNumber: 0 },
    allocatable: { milliCPU: 0, memory: 0, allowedPodNumber: 0 },
    labels: {},
    taints: [],
    unschedulable: false,
    generation: nextGeneration(),
  };
  if (node) setNode(info, node);
  return info;
}

/** NodeInfo.SetNode: take a new version of the Node object; pods and totals stay. */
export function setNode(info: NodeInfo, node: Node): void {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  info.node = node;
  info.allocatable = {
    milliCPU: cpuMillis(alloc.cpu),
    memory: memoryBytes(alloc.memory),
    // `pods` is a plain integer quantity ("110").
    allowedPodNumber: alloc.pods !== undefined ? integerValue(alloc.pods) : DEFAULT_MAX_PODS,
  };
  info.labels = node.metadata.labels ?? {};
  info.taints = node.spec?.taints ?? [];
  info.unschedulable = node.spec?.unschedulable === true;
  info.generation = nextGeneration();
}

/** NodeInfo.AddPodInfo: the pod now counts against this node. */
export function addPodToNode(info: NodeInfo, pod: PodInfo): void {
  info.pods.push(pod);
  if (pod.requiredAntiAffinity.length > 0) info.podsWithRequiredAntiAffinity.push(pod);
  update(info, pod, 1);
}

/** NodeInfo.RemovePod: by uid. Returns false when the pod was not on this node. */
export function removePodFromNode(info: NodeInfo, uid: string): boolean {
  const i = info.pods.findIndex((p) => p.uid === uid);
  if (i < 0) return false;
  const [pod] = info.pods.splice(i, 1);
  const j = info.podsWithRequiredAntiAffinity.findIndex((p) => p.uid === uid);
  if (j >= 0) info.podsWithRequiredAntiAffinity.splice(j, 1);
  update(info, pod!, -1);
  return true;
}

function update(info: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
  info.requested.milliCPU += sign * pod.requests.milliCPU;
  info.requested.memory += sign * pod.requests.memory;
  info.nonZeroRequested.milliCPU += sign * pod.nonZeroRequests.milliCPU;
  info.nonZeroRequested.memory += sign * pod.nonZeroRequests.memory;
  info.generation = nextGeneration();
}

/** A copy that can be changed without touching the cache (preemption's "what if" evaluations). */
export function cloneNodeInfo(info: NodeInfo): NodeInfo {
  return {
    ...info,
    pods: [...info.pods],
    podsWithRequiredAntiAffinity: [...info.podsWithRequiredAntiAffinity],
    requested: { ...info.requested },
    nonZeroRequested: { ...info.nonZeroRequested },
    allocatable: { ...info.allocatable },
  };
}
