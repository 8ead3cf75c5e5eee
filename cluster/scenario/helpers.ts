// Reading pods and nodes the way kubectl shows them
// =================================================
// CONCEPT   Scenario checks ask the same few questions again and again: is this pod Ready, is
//           that node Ready, which taints does it carry, how full is it, which ship would the
//           crane pick. Each answer here is a small pure function of the objects, written the way
//           kubectl and the scheduler compute it, so a lesson's assertion reads like its sentence.
// REAL K8S  pkg/api/v1/pod/util.go (IsPodReady), pkg/controller/nodelifecycle (Ready condition),
//           kubectl describe node "Allocated resources" (sum of requests of non-terminated pods),
//           pkg/scheduler/framework/plugins/noderesources/most_allocated.go (the fullest that fits).
// SHIPS     The harbour master's quick glances.
// EXAMPLE   isReady(pod)  nodeReady(node)  hasTaint(node, 'node.kubernetes.io/unreachable')
//           fullestThatFits(nodes, pods, { cpu: '1', memory: '2Gi' })   => "node-2"
// SKIPPED   init containers' requests and pod overhead in the sums.

import { cpuMillis, memoryBytes } from '../../api/quantity.ts';
import type { Node, Pod } from '../../api/types.ts';

/** Running with the Ready condition True (what READY 1/1 means). */
export function isReady(pod: Pod | undefined): boolean {
  return !!pod && pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp &&
    (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

/** Not being deleted and not finished: a pod that counts for its controller. */
export function isActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** The node's Ready condition status: "True", "False", "Unknown", or "absent". */
export function readyStatus(node: Node | undefined): string {
  return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'absent';
}

export function nodeReady(node: Node | undefined): boolean {
  return readyStatus(node) === 'True';
}

/** Whether the node carries a taint with this key (and effect, if given). */
export function hasTaint(node: Node | undefined, key: string, effect?: string): boolean {
  return node?.spec?.taints?.some((t) => t.key === key && (!effect || t.effect === effect)) ?? false;
}

/** The restart count of a pod's first (or named) container. */
export function restarts(pod: Pod | undefined, container?: string): number {
  const statuses = pod?.status?.containerStatuses ?? [];
  return (container ? statuses.find((c) => c.name === container) : statuses[0])?.restartCount ?? 0;
}

/** The waiting reason of a pod's first container: "CrashLoopBackOff", "ContainerCreating" ... */
export function waitingReason(pod: Pod | undefined): string | undefined {
  return pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
}

export interface Requests {
  cpu: string;
  memory: string;
}

/** Sum of the requests of a node's active pods, in millicores and bytes. */
export function requested(node: string, pods: Pod[]): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const p of pods) {
    if (p.spec.nodeName !== node || !isActive(p)) continue;
    for (const c of p.spec.containers) {
      cpu += cpuMillis(c.resources?.requests?.cpu ?? 0);
      memory += memoryBytes(c.resources?.requests?.memory ?? 0);
    }
  }
  return { cpu, memory };
}

/**
 * The ship the bin-packing crane should pick for a pod of `request`: among Ready, schedulable
 * nodes where it fits, the one fullest after placement (mean of cpu and memory fractions).
 * Undefined when it fits nowhere.
 */
export function fullestThatFits(nodes: Node[], pods: Pod[], request: Requests): string | undefined {
  let best: { name: string; fill: number } | undefined;
  for (const node of nodes) {
    const name = node.metadata.name!;
    if (!nodeReady(node) || node.spec?.unschedulable) continue;
    const fill = fillAfter(node, pods, request);
    if (fill === undefined) continue;
    if (!best || fill > best.fill || (fill === best.fill && name < best.name)) best = { name, fill };
  }
  return best?.name;
}

/** The node's fill (0..1, mean of cpu and memory) after adding `request`; undefined if it does not fit. */
export function fillAfter(node: Node, pods: Pod[], request: Requests): number | undefined {
  const used = requested(node.metadata.name!, pods);
  const cpu = used.cpu + cpuMillis(request.cpu);
  const memory = used.memory + memoryBytes(request.memory);
  const cpuCap = cpuMillis(node.status?.allocatable?.cpu ?? 0);
  const memCap = memoryBytes(node.status?.allocatable?.memory ?? 0);
  if (cpu > cpuCap || memory > memCap) return undefined;
  return (cpu / cpuCap + memory / memCap) / 2;
}

/** "1500m/2 cpu, 3Gi/4Gi" style summary of a node's requests, for narration. */
export function fillText(node: Node, pods: Pod[]): string {
  const used = requested(node.metadata.name!, pods);
  const cpuCap = cpuMillis(node.status?.allocatable?.cpu ?? 0);
  const memCap = memoryBytes(node.status?.allocatable?.memory ?? 0);
  const gi = (b: number) => `${(b / 2 ** 30).toFixed(b % 2 ** 30 ? 1 : 0)}Gi`;
  return `${used.cpu}m/${cpuCap}m cpu, ${gi(used.memory)}/${gi(memCap)} memory`;
}
