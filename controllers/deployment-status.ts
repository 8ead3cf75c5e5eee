// Deployment status: counts from the ReplicaSets, and the two conditions
// ======================================================================
// CONCEPT   A Deployment's status is added up from its ReplicaSets: `replicas` (pods that exist),
//           `updatedReplicas` (those of the new template), `readyReplicas`, `availableReplicas`,
//           `unavailableReplicas` (asked for but not available). Two conditions tell the story:
//             Available    True once at least replicas - maxUnavailable pods are available
//                          (MinimumReplicasAvailable), else False (MinimumReplicasUnavailable).
//             Progressing  True while the rollout moves (NewReplicaSetCreated, ReplicaSetUpdated),
//                          True with NewReplicaSetAvailable once it is complete, False with
//                          ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds.
//           `kubectl rollout status` waits for observedGeneration to reach generation, then for
//           updated = replicas, no old pods left, and available = updated.
// REAL K8S  pkg/controller/deployment/sync.go (calculateStatus), progress.go (syncRolloutStatus,
//           requeueStuckDeployment), util/deployment_util.go (DeploymentComplete,
//           DeploymentProgressing, DeploymentTimedOut, NewDeploymentCondition, SetDeploymentCondition),
//           kubectl/pkg/polymorphichelpers/rollout_status.go (DeploymentStatusViewer)
// SHIPS     The fleet board: afloat, refitted, sailing - and "refit on schedule" or "refit stalled".
// EXAMPLE   replicas 3, new RS 3/3 available, old RS 0  =>  Available True, Progressing True NewReplicaSetAvailable
// SKIPPED   nothing of substance.

import type { AppsCondition, Deployment, DeploymentStatus, ReplicaSet } from '../api/apps-types.ts';
import type { Clock } from '../client/clock.ts';
import { actualReplicas, availableReplicas, maxUnavailable, readyReplicas, specReplicas } from './deployment-util.ts';

export const REASONS = {
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  FailedRSCreate: 'ReplicaSetCreateError',
} as const;

/** NewDeploymentCondition: both times now. */
export function newCondition(type: string, status: AppsCondition['status'], reason: string, message: string, clock: Clock): AppsCondition {
  const now = clock.nowISO().slice(0, 19) + 'Z';
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export const getCondition = (status: DeploymentStatus | undefined, type: string) => status?.conditions?.find((c) => c.type === type);

/** SetDeploymentCondition: same status and reason is no news; a flip keeps nothing, else the transition time stays. */
export function setCondition(status: DeploymentStatus, condition: AppsCondition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c) => c.type !== type);
}

const replicasOf = (d: Deployment) => d.spec.replicas ?? 1;
const hasDeadline = (d: Deployment) => d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

/** calculateStatus: the counts, and Available. */
export function calculateStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, clock: Clock): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(allRSs) - available),
    conditions: [...(d.status?.conditions ?? [])],
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASONS.MinimumReplicasAvailable, 'Deployment has minimum availability.', clock));
  } else {
    setCondition(status, newCondition('Available', 'False', REASONS.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', clock));
  }
  return status;
}

/** DeploymentComplete: every replica updated, available, no old ones, and the spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than last time. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds (on the scaled clock). */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, clock: Clock): boolean {
  const c = getCondition(s, 'Progressing');
  if (!hasDeadline(d) || !c || c.reason === REASONS.NewRSAvailable) return false;
  if (c.reason === REASONS.TimedOut) return true;
  return c.lastUpdateTime !== undefined && clock.since(c.lastUpdateTime) > d.spec.progressDeadlineSeconds! * 1000;
}

/** syncRolloutStatus without the write: the status to store, with Progressing brought up to date. */
// @doc: deployment-progress
export function rolloutStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, clock: Clock): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, clock);
  if (!hasDeadline(d)) removeCondition(s, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && current?.reason === REASONS.NewRSAvailable;
  const rsText = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (hasDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      setCondition(s, newCondition('Progressing', 'True', REASONS.NewRSAvailable, `${rsText} has successfully progressed.`, clock));
    } else if (deploymentProgressing(d, s)) {
      // Progress refreshes lastUpdateTime even with the same reason: that is what the deadline measures.
      const c = newCondition('Progressing', 'True', REASONS.ReplicaSetUpdated, `${rsText} is progressing.`, clock);
      if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
      removeCondition(s, 'Progressing');
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, clock)) {
      setCondition(s, newCondition('Progressing', 'False', REASONS.TimedOut, `${rsText} has timed out progressing.`, clock));
    }
  }
  const failure = [newRS, ...allRSs].flatMap((rs) => rs?.status?.conditions ?? []).find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure) setCondition(s, { ...failure, lastUpdateTime: failure.lastTransitionTime });
  else removeCondition(s, 'ReplicaFailure');
  return s;
}

/**
 * requeueStuckDeployment: when to look again so a stalled rollout is noticed at its deadline
 * (ms on the scaled clock), or undefined when nothing is pending.
 */
export function stuckRequeueAfter(d: Deployment, s: DeploymentStatus, clock: Clock): number | undefined {
  const c = getCondition(s, 'Progressing');
  if (!hasDeadline(d) || !c || c.reason === REASONS.NewRSAvailable || c.reason === REASONS.TimedOut || deploymentComplete(d, s)) return undefined;
  if (!c.lastUpdateTime) return undefined;
  return Math.max(0, d.spec.progressDeadlineSeconds! * 1000 - clock.since(c.lastUpdateTime)) + 1000;
}
