// Resource allocation scoring: the arithmetic shared by the three resource scores
// ==============================================================================
// CONCEPT   MostAllocated, LeastAllocated and BalancedAllocation all look at the same numbers:
//           for cpu and memory, what the node would have requested *after* taking this pod,
//           against what it can allocate. They only differ in how they turn those fractions into
//           0-100. This file gathers the numbers; each plugin file holds its formula.
// REAL K8S  pkg/scheduler/framework/plugins/noderesources/resource_allocation.go (v1.32)
// SHIPS     The tally of how loaded each ship would be with this container aboard.
// EXAMPLE   node 6000m requested of 8000m, pod 1000m  =>  requested 7000, allocatable 8000
// SKIPPED   extended resources and ephemeral-storage in the resource list.
//
// MostAllocated and LeastAllocated count requests with the 100m / 200Mi minimum for containers
// that request nothing (NonZeroRequested: "useRequested: false"), so a node full of zero-request
// pods does not look empty. BalancedAllocation counts the real requests ("useRequested: true").

import type { NodeInfo, PodInfo } from '../framework/interfaces.ts';

/** config.ResourceSpec: which resources a score looks at, and how much each counts. */
export interface ResourceSpec {
  name: 'cpu' | 'memory';
  weight: number;
}

/** The default of NodeResourcesFitArgs.scoringStrategy.resources: cpu and memory, weight 1 each. */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** Reads `args.resources` (as in pluginConfig), falling back to cpu and memory at weight 1. */
export function resourcesFromArgs(args: Record<string, unknown>): readonly ResourceSpec[] {
  const list = (args.resources ?? (args.scoringStrategy as { resources?: unknown } | undefined)?.resources) as
    | { name: string; weight?: number }[]
    | undefined;
  if (!Array.isArray(list) || list.length === 0) return DEFAULT_RESOURCES;
  return list
    .filter((r) => r.name === 'cpu' || r.name === 'memory')
    .map((r) => ({ name: r.name as 'cpu' | 'memory', weight: r.weight ?? 1 }));
}

/** The resource list folded into one weight per resource (0 = not scored), for the hot loop. */
export interface ResourceWeights {
  cpu: number;
  memory: number;
}

export function weightsOf(resources: readonly ResourceSpec[]): ResourceWeights {
  const w = { cpu: 0, memory: 0 };
  for (const r of resources) w[r.name] += r.weight;
  return w;
}

/**
 * The score every "per-resource" plugin computes: for cpu and memory, what the node would have
 * requested with the pod aboard against what it can allocate, turned into 0-100 by `perResource`;
 * then the weighted average over resources that have any capacity (integer division, as int64 in
 * Go). Called once per node per plugin, so it reads NodeInfo's totals directly and allocates
 * nothing; V8 inlines `perResource` because each plugin passes its own constant function.
 */
export function resourceScore(
  w: ResourceWeights,
  pod: PodInfo,
  node: NodeInfo,
  useRequested: boolean,
  perResource: (requested: number, capacity: number) => number,
): number {
  const onNode = useRequested ? node.requested : node.nonZeroRequested;
  const ofPod = useRequested ? pod.requests : pod.nonZeroRequests;
  let nodeScore = 0;
  let weightSum = 0;
  const cpu = node.allocatable.milliCPU;
  if (w.cpu !== 0 && cpu !== 0) {
    nodeScore += perResource(onNode.milliCPU + ofPod.milliCPU, cpu) * w.cpu;
    weightSum += w.cpu;
  }
  const memory = node.allocatable.memory;
  if (w.memory !== 0 && memory !== 0) {
    nodeScore += perResource(onNode.memory + ofPod.memory, memory) * w.memory;
    weightSum += w.memory;
  }
  return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
}
