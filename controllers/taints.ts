// Taints from node conditions, and which tolerations match them
// =============================================================
// CONCEPT   The node lifecycle controller does not evict pods itself. It turns a node's conditions
//           into *taints* - "Ready is Unknown" becomes node.kubernetes.io/unreachable - and lets two
//           other parties react: the scheduler stops placing pods on a NoSchedule taint, and the
//           taint eviction controller removes running pods that do not tolerate a NoExecute taint
//           (or only tolerate it for tolerationSeconds). One rule table says which condition gives
//           which taint; the NoExecute pair (not-ready / unreachable) mirrors the Ready condition
//           and the two are mutually exclusive.
// REAL K8S  pkg/controller/nodelifecycle/node_lifecycle_controller.go
//           (nodeConditionToTaintKeyStatusMap, NotReadyTaintTemplate, UnreachableTaintTemplate,
//           doNoScheduleTaintingPass), pkg/apis/core/v1/helper/helpers.go (GetMatchingTolerations),
//           staging/src/k8s.io/api/core/v1/toleration.go (ToleratesTaint)
// SHIPS     Warning flags on a ship: "no new cargo" (NoSchedule), "unload everything" (NoExecute).
// EXAMPLE   Ready=Unknown  =>  [unreachable:NoSchedule, unreachable:NoExecute]
//           toleration { key: unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }
//             tolerates unreachable:NoExecute for 300 s
// SKIPPED   nothing.

import type { Node, Taint, Toleration } from '../api/types.ts';
import { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE } from '../api/types.ts';

/** Which condition status gives which NoSchedule taint key (nodeConditionToTaintKeyStatusMap). */
// @doc: taints-condition-table
export const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NODE_NOT_READY, Unknown: TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

/** The taint keys this controller owns; taints with other keys (a user's) are never touched. */
const MANAGED_KEYS = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_NODE_UNSCHEDULABLE]);

const sameTaint = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect && (a.value ?? '') === (b.value ?? '');

/**
 * The node-controller taints a node should carry now. `evict` false leaves out the NoExecute
 * taints (used while every node is down: see node-lifecycle.ts).
 */
export function desiredControllerTaints(node: Node, evict = true): Taint[] {
  const taints: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) taints.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) taints.push({ key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
  // The NoExecute pair follows the Ready condition alone.
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  if (evict && ready === 'False') taints.push({ key: TAINT_NODE_NOT_READY, effect: 'NoExecute' });
  if (evict && ready === 'Unknown') taints.push({ key: TAINT_NODE_UNREACHABLE, effect: 'NoExecute' });
  return taints;
}

/**
 * The node's whole taint list with the controller's taints set to `desired`: other taints stay as
 * they are, taints already present keep their timeAdded, new ones get `now`. Undefined: no change.
 */
export function reconcileTaints(current: readonly Taint[], desired: readonly Taint[], now: string): Taint[] | undefined {
  const kept = current.filter((t) => !MANAGED_KEYS.has(t.key) || desired.some((d) => sameTaint(d, t)));
  const added = desired.filter((d) => !current.some((t) => sameTaint(d, t))).map((d) => ({ ...d, timeAdded: now }));
  if (!added.length && kept.length === current.length) return undefined;
  return [...kept, ...added];
}

/** ToleratesTaint: does this toleration match this taint (key, operator, value, effect)? */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  // An empty key with operator Exists matches every key.
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/**
 * GetMatchingTolerations: whether every taint is tolerated, and the tolerations that did it
 * (the ones whose tolerationSeconds count).
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (!match) return { all: false, used: [] };
    used.push(match);
  }
  return { all: true, used };
}

/**
 * getMinTolerationTime, in Kubernetes ms: the shortest tolerationSeconds among `used` (0 or less
 * means at once), or -1 when none is bounded (the pod tolerates the taints forever).
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (!used.length) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** The NoExecute taints of a node (getNoExecuteTaints). */
export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}
