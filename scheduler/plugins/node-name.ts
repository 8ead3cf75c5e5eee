// NodeName: a pod that names its node goes only there
// ===================================================
// CONCEPT   spec.nodeName is normally *written* by the scheduler (through pods/binding). A pod
//           created with it already set skips the scheduler entirely; this filter exists so that
//           every other path that asks "could the pod run on node X?" (preemption, simulations)
//           gives the same answer.
// REAL K8S  pkg/scheduler/framework/plugins/nodename/node_name.go (v1.32)
// SHIPS     A container addressed to one ship is not loaded on any other.
// EXAMPLE   pod.spec.nodeName "node-2" on node-1  =>  UnschedulableAndUnresolvable
//           "node(s) didn't match the requested node name"
// SKIPPED   Nothing. Kubernetes' NodeName has no PreFilter; ours answers Skip for a pod that names
//           no node, which changes no verdict and saves one call per node per cycle.

import { SKIP, Status, type FilterPlugin, type PluginFactory, type PreFilterPlugin } from '../framework/interfaces.ts';

export const NAME = 'NodeName';
/** ErrReason in node_name.go. */
export const ERR_REASON = "node(s) didn't match the requested node name";

// Unresolvable: evicting pods from node-1 never turns it into node-2.
const rejected = new Status('UnschedulableAndUnresolvable', ERR_REASON);

export const nodeName: PluginFactory = (): PreFilterPlugin & FilterPlugin => ({
  name: NAME,
  events: ['NodeAdd'],
  preFilter(_state, pod) {
    return pod.pod.spec?.nodeName ? null : SKIP;
  },
  filter(_state, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    if (!wanted || wanted === node.name) return null;
    return rejected;
  },
});
