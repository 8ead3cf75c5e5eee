// NodeResourcesLeastAllocated: spreading score
// ===========================================
// CONCEPT   Prefer the emptiest node, so load spreads and one node's failure hurts fewer pods.
//           Per resource: (allocatable - requested-after-placement) / allocatable x 100, then the
//           weighted average over cpu and memory. This was kube-scheduler's default for years.
// REAL K8S  pkg/scheduler/framework/plugins/noderesources/least_allocated.go (v1.32); since v1.23
//           NodeResourcesFit's scoringStrategy `LeastAllocated` (the default strategy).
// SHIPS     The crane loads the emptiest ship.
// EXAMPLE   node 2/8 cpu requested + pod 1 cpu  =>  cpu score (8-3)*100/8 = 62
// SKIPPED   extended resources, ephemeral-storage.

import { MAX_NODE_SCORE, type PluginFactory, type ScorePlugin } from '../framework/interfaces.ts';
import { resourceScore, resourcesFromArgs, weightsOf } from './resource-allocation.ts';

export const NAME = 'NodeResourcesLeastAllocated';

/** leastRequestedScore: more free is better; over capacity scores 0. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export const nodeResourcesLeastAllocated: PluginFactory = (args): ScorePlugin => {
  const weights = weightsOf(resourcesFromArgs(args));
  return {
    name: NAME,
    shipsWords: 'emptiest ship',
    score(_state, pod, node) {
      return resourceScore(weights, pod, node, false, leastRequestedScore);
    },
  };
};
