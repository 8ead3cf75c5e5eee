// Rolling update and Recreate: moving pods from the old ReplicaSets to the new one
// ================================================================================
// CONCEPT   RollingUpdate works in small steps, one per sync, each one a single scale of a
//           ReplicaSet: first grow the new ReplicaSet as far as maxSurge allows; if it cannot grow,
//           shrink the old ones as far as maxUnavailable allows - unhealthy old pods first (they
//           serve nothing, so removing them costs no availability), then available ones while at
//           least replicas - maxUnavailable stay available. Every pod that becomes ready lets the
//           next step happen. Recreate is blunter: scale every old ReplicaSet to zero, wait until
//           their pods are really gone, then scale the new one up to full size.
// REAL K8S  pkg/controller/deployment/rolling.go (rolloutRolling, reconcileNewReplicaSet,
//           reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate),
//           recreate.go (rolloutRecreate, oldPodsRunning, scaleUpNewReplicaSetForRecreate)
// SHIPS     Refit a few ships at a time, keeping enough at sea; or call the whole fleet in first.
// EXAMPLE   replicas 3, surge 1, unavailable 0; old 3 available, new 0
//           => new 1 ... (ready) => old 2 => new 2 ... => old 0, new 3
// SKIPPED   nothing of substance.

import type { Deployment, ReplicaSet } from '../api/apps-types.ts';
import type { Pod } from '../api/types.ts';
import { activeReplicaSets, availableReplicas, maxUnavailable, newRSNewReplicas, actualReplicas, replicaSetsByCreation, specReplicas } from './deployment-util.ts';
import { deploymentComplete } from './deployment-status.ts';
import { cleanupDeployment, getAllReplicaSets, scaleReplicaSet, syncRolloutStatus, type DeploymentActions, type WorkingDeployment } from './deployment-sync.ts';

// ## The arithmetic, pure so a test can pin it

/**
 * How far old ReplicaSets may shrink in this step: all pods, minus the minimum available,
 * minus new pods not yet available (they might never become so; counting them would let a
 * broken rollout take the old pods down with it).
 */
export function maxScaledDown(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable(d);
  const newUnavailable = (newRS.spec.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  return specReplicas(allRSs) - minAvailable - newUnavailable;
}

/** cleanupUnhealthyReplicas, as a plan: old ReplicaSets (oldest first) lose their unavailable pods. */
export function unhealthyCleanup(oldRSs: readonly ReplicaSet[], budget: number): [ReplicaSet, number][] {
  const plan: [ReplicaSet, number][] = [];
  let done = 0;
  for (const rs of [...oldRSs].sort(replicaSetsByCreation)) {
    const size = rs.spec.replicas ?? 0;
    const unhealthy = size - (rs.status?.availableReplicas ?? 0);
    if (done >= budget || size === 0 || unhealthy <= 0) continue;
    const cut = Math.min(budget - done, unhealthy);
    plan.push([rs, size - cut]);
    done += cut;
  }
  return plan;
}

/** scaleDownOldReplicaSetsForRollingUpdate, as a plan: shrink while more than the minimum is available. */
export function availableScaleDown(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[]): [ReplicaSet, number][] {
  const minAvailable = (d.spec.replicas ?? 1) - maxUnavailable(d);
  const total = availableReplicas(allRSs) - minAvailable;
  const plan: [ReplicaSet, number][] = [];
  let done = 0;
  for (const rs of [...oldRSs].sort(replicaSetsByCreation)) {
    const size = rs.spec.replicas ?? 0;
    if (done >= total) break;
    if (size === 0) continue;
    const cut = Math.min(size, total - done);
    plan.push([rs, size - cut]);
    done += cut;
  }
  return plan;
}

// ## RollingUpdate

// @doc: deployment-rolling
export async function rolloutRolling(dc: DeploymentActions, d: WorkingDeployment, rsList: ReplicaSet[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSets(dc, d, rsList, true);
  if (!newRS) return;
  const allRSs = [...oldRSs, newRS];
  if (await reconcileNewReplicaSet(dc, d, allRSs, newRS)) return void (await syncRolloutStatus(dc, allRSs, newRS, d));
  if (await reconcileOldReplicaSets(dc, d, allRSs, activeReplicaSets(oldRSs), newRS)) return void (await syncRolloutStatus(dc, allRSs, newRS, d));
  if (deploymentComplete(d, d.status)) await cleanupDeployment(dc, oldRSs, d);
  await syncRolloutStatus(dc, allRSs, newRS, d);
}

async function reconcileNewReplicaSet(dc: DeploymentActions, d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const want = d.spec.replicas ?? 1;
  const size = newRS.spec.replicas ?? 0;
  if (size === want) return false;
  if (size > want) return (await scaleReplicaSet(dc, newRS, want, d, 'down')).scaled;
  return (await scaleReplicaSet(dc, newRS, newRSNewReplicas(d, allRSs, newRS), d, 'up')).scaled;
}

async function reconcileOldReplicaSets(dc: DeploymentActions, d: Deployment, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (specReplicas(oldRSs) === 0) return false;
  const budget = maxScaledDown(d, allRSs, newRS);
  if (budget <= 0) return false;
  let scaledDown = 0;
  const current = new Map(oldRSs.map((rs) => [rs.metadata.uid, rs]));
  for (const [rs, to] of unhealthyCleanup(oldRSs, budget)) {
    const result = await scaleReplicaSet(dc, rs, to, d, 'down');
    current.set(rs.metadata.uid, result.rs);
    scaledDown += (rs.spec.replicas ?? 0) - to;
  }
  const old = [...current.values()];
  for (const [rs, to] of availableScaleDown(d, [...old, newRS], old)) {
    await scaleReplicaSet(dc, rs, to, d, 'down');
    scaledDown += (rs.spec.replicas ?? 0) - to;
  }
  return scaledDown > 0;
}

// ## Recreate

/** oldPodsRunning: any old pod not yet finished, even one already terminating. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podsByRS: ReadonlyMap<string, Pod[]>): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (uid === newRS?.metadata.uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

// @doc: deployment-recreate
export async function rolloutRecreate(dc: DeploymentActions, d: WorkingDeployment, rsList: ReplicaSet[], podsByRS: ReadonlyMap<string, Pod[]>): Promise<void> {
  // Do not create the new ReplicaSet yet: that would scale up before the old ones are down.
  let [newRS, oldRSs] = await getAllReplicaSets(dc, d, rsList, false);
  let scaled = false;
  for (const rs of activeReplicaSets(oldRSs)) scaled = (await scaleReplicaSet(dc, rs, 0, d, 'down')).scaled || scaled;
  if (scaled || oldPodsRunning(newRS, oldRSs, podsByRS)) return void (await syncRolloutStatus(dc, [...oldRSs, newRS!].filter(Boolean), newRS, d));
  if (!newRS) [newRS, oldRSs] = await getAllReplicaSets(dc, d, rsList, true);
  if (!newRS) return;
  if ((newRS.spec.replicas ?? 0) !== (d.spec.replicas ?? 1)) newRS = (await scaleReplicaSet(dc, newRS, d.spec.replicas ?? 1, d, 'up')).rs;
  if (deploymentComplete(d, d.status)) await cleanupDeployment(dc, oldRSs, d);
  await syncRolloutStatus(dc, [...oldRSs, newRS], newRS, d);
}
