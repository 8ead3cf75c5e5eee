// NodeResourcesMostAllocated: bin-packing score
// ============================================
// CONCEPT   Prefer the fullest node that still fits the pod, so whole nodes stay free for big pods
//           and idle nodes can be removed. Per resource: requested-after-placement / allocatable
//           x 100, then the weighted average over cpu and memory.
// REAL K8S  pkg/scheduler/framework/plugins/noderesources/most_allocated.go (v1.32). Since v1.23
//           this is NodeResourcesFit's scoringStrategy `MostAllocated`; before that it was a plugin
//           of this very name. We keep it a plugin so a profile reads as a list of policies; the
//           config loader maps the new form onto it.
// SHIPS     The crane loads the fullest ship that can still take the container.
// EXAMPLE   node 6/8 cpu requested + pod 1 cpu  =>  cpu score 7*100/8 = 87
// SKIPPED   extended resources, ephemeral-storage.

import { MAX_NODE_SCORE, type PluginFactory, type ScorePlugin } from '../framework/interfaces.ts';
import { resourceScore, resourcesFromArgs, weightsOf } from './resource-allocation.ts';

export const NAME = 'NodeResourcesMostAllocated';

/** mostRequestedScore: more requested is better. Over capacity (zero-request minimums) counts as full. */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) requested = capacity;
  return Math.trunc((requested * MAX_NODE_SCORE) / capacity);
}

export const nodeResourcesMostAllocated: PluginFactory = (args): ScorePlugin => {
  const weights = weightsOf(resourcesFromArgs(args));
  return {
    name: NAME,
    shipsWords: 'fullest ship that fits',
    // @doc: scheduler-most-allocated
    score(_state, pod, node) {
      return resourceScore(weights, pod, node, false, mostRequestedScore);
    },
  };
};
