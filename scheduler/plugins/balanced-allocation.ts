// NodeResourcesBalancedAllocation: keep cpu and memory use in step
// ===============================================================
// CONCEPT   A node with 90% of its cpu booked but 10% of its memory strands the memory: nothing
//           else fits. This score prefers nodes where, after placing the pod, the used fractions of
//           cpu and memory are close: score = (1 - std) x 100, where for two resources
//           std = |cpuFraction - memoryFraction| / 2.
// REAL K8S  pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go (v1.32)
// SHIPS     Load the ship so it does not list: weight and volume used in the same proportion.
// EXAMPLE   cpu 50% and memory 10% after placement  =>  std 0.2  =>  score 80
// SKIPPED   Kubernetes v1.33 skips this score for pods that request nothing (BestEffort); v1.32,
//           which we follow, scores them too.

import { MAX_NODE_SCORE, type NodeInfo, type PluginFactory, type PodInfo, type ScorePlugin } from '../framework/interfaces.ts';
import { resourcesFromArgs, weightsOf, type ResourceWeights } from './resource-allocation.ts';

export const NAME = 'NodeResourcesBalancedAllocation';

/**
 * balancedResourceScorer for cpu and memory: fractions capped at 1, resources with no capacity
 * (or not listed) left out. With two fractions the standard deviation is |a - b| / 2; with one it
 * is 0. (Kubernetes also handles three or more resources; we only schedule on two.)
 */
export function balancedScore(w: ResourceWeights, pod: PodInfo, node: NodeInfo): number {
  const cpu = node.allocatable.milliCPU;
  const memory = node.allocatable.memory;
  if (w.cpu === 0 || w.memory === 0 || cpu === 0 || memory === 0) return MAX_NODE_SCORE;
  const cpuFraction = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / cpu);
  const memoryFraction = Math.min(1, (node.requested.memory + pod.requests.memory) / memory);
  const std = Math.abs((cpuFraction - memoryFraction) / 2);
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const nodeResourcesBalancedAllocation: PluginFactory = (args): ScorePlugin => {
  const weights = weightsOf(resourcesFromArgs(args));
  return {
    name: NAME,
    shipsWords: 'best balanced ship',
    // BalancedAllocation counts real requests ("useRequested: true"), not the 100m/200Mi minimums.
    score(_state, pod, node) {
      return balancedScore(weights, pod, node);
    },
  };
};
