// ReplicaSet and ReplicationController status: what the controller last counted
// ==============================================================================
// CONCEPT   spec says what we want, status says what we saw: `replicas` (active pods we own),
//           `fullyLabeledReplicas` (those carrying every template label), `readyReplicas`,
//           `availableReplicas` (ready for minReadySeconds) and `observedGeneration` (the spec
//           generation this count belongs to, so `kubectl rollout status`-style tools know whether
//           the controller has caught up). A create or delete that failed shows as a ReplicaFailure
//           condition until a sync succeeds. Status is written last, after acting, and only when it
//           changed: a write per sync would wake every watcher of RCs for nothing.
// REAL K8S  pkg/controller/replicaset/replica_set_utils.go (calculateStatus, updateReplicaSetStatus,
//           NewReplicaSetCondition, SetCondition, RemoveCondition)
// SHIPS     The board outside the replication office: ordered 4, afloat 4, sailing 3.
// EXAMPLE   rs replicas 4, pods [ready, ready, pending]  =>  { replicas: 3, readyReplicas: 2, ... }
// SKIPPED   nothing.

import type { Pod, ReplicationControllerStatus } from '../api/types.ts';
import { matchesLabels, selectorFromSet } from '../api/labels.ts';
import type { Clock } from '../client/clock.ts';
import { isNotFound } from '../client/errors.ts';
import type { ControllerClient } from './context.ts';
import { isPodAvailable, isPodReady } from './pod-util.ts';
import { message } from './pod-control.ts';
import type { Replicated } from './replica-set.ts';

/** The condition type a failed create or delete sets. */
export const REPLICA_FAILURE = 'ReplicaFailure';

/** The status `pods` (the claimed, active pods) amount to (calculateStatus). */
export function calculateStatus(rc: Replicated, pods: readonly Pod[], manageError: unknown, clock: Clock): ReplicationControllerStatus {
  const templateLabels = selectorFromSet(rc.spec.template?.metadata?.labels ?? {});
  const ready = pods.filter(isPodReady);
  const status: ReplicationControllerStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => matchesLabels(templateLabels, p.metadata.labels)).length,
    readyReplicas: ready.length,
    availableReplicas: ready.filter((p) => isPodAvailable(p, rc.spec.minReadySeconds ?? 0, clock)).length,
    observedGeneration: rc.status?.observedGeneration,
  };
  let conditions = (rc.status?.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE);
  const failure = rc.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined) {
    const diff = pods.length - (rc.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : undefined;
    conditions = [...conditions, failure ?? { type: REPLICA_FAILURE, status: 'True', reason, message: message(manageError), lastTransitionTime: clock.nowISO() }];
  }
  if (conditions.length) status.conditions = conditions;
  return status;
}

const COUNTS = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const;

/**
 * Writes `status` unless it is what the RC already says for its current generation
 * (updateReplicaSetStatus). Status belongs to this controller alone, so we send a merge patch of
 * the status subresource without a resourceVersion: a cache one write behind cannot make it fail,
 * and nobody else's change can be lost. (Kubernetes PUTs it, re-reading the RC after a conflict.)
 */
export async function updateStatus(client: ControllerClient, resource: string, rc: Replicated, status: ReplicationControllerStatus): Promise<void> {
  const old = rc.status;
  const same = COUNTS.every((k) => (old?.[k] ?? 0) === (status[k] ?? 0))
    && old?.observedGeneration === rc.metadata.generation
    && JSON.stringify(old?.conditions ?? []) === JSON.stringify(status.conditions ?? []);
  if (same) return;
  const next = { ...status, observedGeneration: rc.metadata.generation, conditions: status.conditions ?? null };
  try {
    await client.patch(resource, rc.metadata.name!, { status: next }, { namespace: rc.metadata.namespace, subresource: 'status' });
  } catch (e) {
    if (!isNotFound(e)) throw e; // deleted meanwhile: nothing left to report on
  }
}
