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

import { MAX_NODE_SCORE, type PluginFactory, type ScorePlugin } from '../framework/interfaces.ts';
import { allocation, resourcesFromArgs } from './resource-allocation.ts';

export const NAME = 'NodeResourcesBalancedAllocation';

/** balancedResourceScorer: fractions capped at 1; std over the resources that have capacity. */
export function balancedScore(requested: Float64Array, allocatable: Float64Array, n: number): number {
  let total = 0;
  let count = 0;
  let first = 0;
  let second = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    if (allocatable[i] === 0) continue;
    const fraction = Math.min(1, requested[i]! / allocatable[i]!);
    if (count === 0) first = fraction;
    else if (count === 1) second = fraction;
    total += fraction;
    sumSquares += fraction * fraction;
    count++;
  }
  let std = 0;
  if (count === 2) std = Math.abs((first - second) / 2);
  else if (count > 2) {
    const mean = total / count;
    std = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const nodeResourcesBalancedAllocation: PluginFactory = (args): ScorePlugin => {
  const resources = resourcesFromArgs(args);
  const requested = new Float64Array(resources.length);
  const allocatable = new Float64Array(resources.length);
  return {
    name: NAME,
    shipsWords: 'best balanced ship',
    score(_state, pod, node) {
      allocation(resources, pod, node, true, requested, allocatable);
      return balancedScore(requested, allocatable, resources.length);
    },
  };
};
