// Which pods to delete first when scaling down
// ===========================================
// CONCEPT   When an RC has 7 pods and wants 2, *which* 5 go matters: we remove the pods that are
//           doing the least good first. A pod that is not even scheduled does nothing; a Pending one
//           is still starting; a not-ready one serves no traffic; a pod doubled up on a node with
//           more of its siblings is a worse spread than a lonely one; a pod that only just became
//           ready has warmed up the least; one whose containers keep restarting is flaky; and among
//           equals the newest goes first, keeping the pods that have proven themselves longest.
// REAL K8S  pkg/controller/controller_utils.go (ActivePodsWithRanks.Less, podReadyTime,
//           maxContainerRestarts), pkg/controller/replicaset/replica_set.go (getPodsToDelete,
//           getPodsRankedByRelatedPodsOnSameNode)
// SHIPS     Unloading surplus: first the containers still on the dock, then those not yet lashed,
//           then the ones on the most crowded ship, and of equals the one loaded last.
// EXAMPLE   [running ready old, running ready new, pending, unscheduled], delete 2
//             => [unscheduled, pending]
// SKIPPED   LogarithmicScaleDown (see REAL WORLD).
//
// REAL WORLD Kubernetes compares ready and creation times on a log2 scale (the LogarithmicScaleDown
// feature, on since 1.22) and breaks ties by pod UID, so pods created around the same time are
// removed in a pseudo-random order rather than strictly newest first; that avoids always removing
// the pods of the latest rollout step. We compare the times directly, which is easier to predict
// when watching a lesson.

import type { Pod } from '../api/types.ts';
import { getPodCondition, isPodActive, isPodReady } from './pod-util.ts';

/** The annotation users set to steer scale-down (PodDeletionCost): lower goes first. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const readyTime = (pod: Pod) => (isPodReady(pod) ? getPodCondition(pod, 'Ready')?.lastTransitionTime : undefined);
const maxRestarts = (pod: Pod) => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
const deletionCost = (pod: Pod) => Number.parseInt(pod.metadata.annotations?.[POD_DELETION_COST] ?? '0', 10) || 0;

// afterOrZero: is t1 later than t2? A missing time counts as the latest of all.
function afterOrZero(t1: string | undefined, t2: string | undefined): boolean {
  if (!t1 || !t2) return !t1;
  return Date.parse(t1) > Date.parse(t2);
}

/**
 * Orders two pods for deletion (ActivePodsWithRanks.Less): negative when `a` should go before `b`.
 * `rankA` and `rankB` count the owner's active pods on each pod's node (more = more doubled up).
 */
// @doc: active-pods-order
export function compareForDeletion(a: Pod, b: Pod, rankA = 0, rankB = 0): number {
  const before = (aFirst: boolean) => (aFirst ? -1 : 1);
  // 1. Unassigned < assigned.
  const na = a.spec.nodeName ?? '';
  const nb = b.spec.nodeName ?? '';
  if (na !== nb && (!na || !nb)) return before(!na);
  // 2. Pending < Unknown < Running.
  const pa = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0;
  const pb = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return before(pa < pb);
  // 3. Not ready < ready.
  if (isPodReady(a) !== isPodReady(b)) return before(!isPodReady(a));
  // 4. Lower pod-deletion-cost < higher.
  if (deletionCost(a) !== deletionCost(b)) return before(deletionCost(a) < deletionCost(b));
  // 5. Doubled up (more siblings on the same node) < not doubled up.
  if (rankA !== rankB) return before(rankA > rankB);
  // 6. Ready for less time < ready for more time.
  const ra = readyTime(a);
  const rb = readyTime(b);
  if (isPodReady(a) && isPodReady(b) && ra !== rb) return before(afterOrZero(ra, rb));
  // 7. More container restarts < fewer.
  if (maxRestarts(a) !== maxRestarts(b)) return before(maxRestarts(a) > maxRestarts(b));
  // 8. Newer < older (no creation time counts as newest).
  const ca = a.metadata.creationTimestamp;
  const cb = b.metadata.creationTimestamp;
  if (ca !== cb) return before(afterOrZero(ca, cb));
  return 0;
}

/**
 * The `count` pods to delete from `pods` (getPodsToDelete). `related` are all the owner's pods,
 * used to rank how crowded each node is; pass `pods` when there is nothing else.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec.nodeName ?? '', (onNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
  const rank = (p: Pod) => onNode.get(p.spec.nodeName ?? '') ?? 0;
  return [...pods].sort((a, b) => compareForDeletion(a, b, rank(a), rank(b))).slice(0, count);
}
