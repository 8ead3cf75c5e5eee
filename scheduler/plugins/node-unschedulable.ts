// NodeUnschedulable: cordoned nodes take no new pods
// ==================================================
// CONCEPT   `kubectl cordon` sets spec.unschedulable=true (and the node lifecycle controller adds
//           the node.kubernetes.io/unschedulable:NoSchedule taint). New pods must go elsewhere;
//           pods already there keep running. A pod that tolerates that taint (DaemonSet pods do)
//           may still land.
// REAL K8S  pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go (v1.32)
// SHIPS     A ship flying the "no more cargo" flag.
// EXAMPLE   node.spec.unschedulable=true  =>  UnschedulableAndUnresolvable "node(s) were unschedulable"
// SKIPPED   Nothing.

import { TAINT_NODE_UNSCHEDULABLE, type Taint } from '../../api/types.ts';
import { tolerationsTolerateTaint } from '../framework/helpers.ts';
import { Status, type FilterPlugin, type PluginFactory } from '../framework/interfaces.ts';

export const NAME = 'NodeUnschedulable';
/** ErrReasonUnschedulable in node_unschedulable.go. */
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const unschedulableTaint: Taint = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };
// Unresolvable: preemption cannot uncordon a node.
const rejected = new Status('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);

export const nodeUnschedulable: PluginFactory = (): FilterPlugin => ({
  name: NAME,
  // Uncordoning is a spec change that Kubernetes files under UpdateNodeTaint.
  events: ['NodeAdd', 'NodeUpdateTaint'],
  filter(_state, pod, node) {
    if (!node.unschedulable) return null;
    // "If pod tolerates the unschedulable taint, it also tolerates node.spec.unschedulable."
    if (tolerationsTolerateTaint(pod.tolerations, unschedulableTaint)) return null;
    return rejected;
  },
});
