// The plugin registry: plugin names to plugin factories
// =====================================================
// CONCEPT   Profiles and config files name plugins by string ("NodeResourcesFit"); the registry
//           is the one place that turns a name into code. An out-of-tree scheduler is "the
//           default registry plus my plugins" (app.WithPlugin in Kubernetes).
// REAL K8S  pkg/scheduler/framework/plugins/registry.go (NewInTreeRegistry),
//           pkg/scheduler/framework/runtime/registry.go (Registry) (v1.32)
// SHIPS     The crane's rule binders on a shelf, each with its name on the spine.
// EXAMPLE   inTreeRegistry().get("TaintToleration")!({}, handle).filter(...)
// SKIPPED   Plugins we do not simulate: NodePorts, VolumeBinding, PodTopologySpread, ImageLocality...

import type { PluginFactory } from './interfaces.ts';
import { defaultBinder, NAME as DEFAULT_BINDER } from '../plugins/default-binder.ts';
import { defaultPreemption, NAME as DEFAULT_PREEMPTION } from '../plugins/default-preemption.ts';
import { interPodAffinity, NAME as INTER_POD_AFFINITY } from '../plugins/inter-pod-affinity.ts';
import { nodeAffinity, NAME as NODE_AFFINITY } from '../plugins/node-affinity.ts';
import { nodeName, NAME as NODE_NAME } from '../plugins/node-name.ts';
import { nodeResourcesFit, NAME as NODE_RESOURCES_FIT } from '../plugins/node-resources-fit.ts';
import { nodeUnschedulable, NAME as NODE_UNSCHEDULABLE } from '../plugins/node-unschedulable.ts';
import { taintToleration, NAME as TAINT_TOLERATION } from '../plugins/taint-toleration.ts';
import { nodeResourcesMostAllocated, NAME as MOST_ALLOCATED } from '../plugins/most-allocated.ts';
import { nodeResourcesLeastAllocated, NAME as LEAST_ALLOCATED } from '../plugins/least-allocated.ts';
import { nodeResourcesBalancedAllocation, NAME as BALANCED_ALLOCATION } from '../plugins/balanced-allocation.ts';

/** Plugin name -> factory. */
export type Registry = Map<string, PluginFactory>;

/** Every plugin this simulator ships, under its Kubernetes name. */
export function inTreeRegistry(): Registry {
  return new Map<string, PluginFactory>([
    [NODE_NAME, nodeName],
    [NODE_UNSCHEDULABLE, nodeUnschedulable],
    [TAINT_TOLERATION, taintToleration],
    [NODE_AFFINITY, nodeAffinity],
    [NODE_RESOURCES_FIT, nodeResourcesFit],
    [INTER_POD_AFFINITY, interPodAffinity],
    [MOST_ALLOCATED, nodeResourcesMostAllocated],
    [LEAST_ALLOCATED, nodeResourcesLeastAllocated],
    [BALANCED_ALLOCATION, nodeResourcesBalancedAllocation],
    [DEFAULT_PREEMPTION, defaultPreemption],
    [DEFAULT_BINDER, defaultBinder],
  ]);
}

/** Adds out-of-tree plugins; a name already taken is an error, as Registry.Merge. */
export function mergeRegistry(base: Registry, extra: Registry): Registry {
  const merged = new Map(base);
  for (const [name, factory] of extra) {
    if (merged.has(name)) throw new Error(`a plugin named ${name} already exists`);
    merged.set(name, factory);
  }
  return merged;
}
