// Deployment sync: the new ReplicaSet, scaling, history cleanup, status
// =====================================================================
// CONCEPT   The building blocks both strategies use. getNewReplicaSet finds the ReplicaSet whose
//           template is the Deployment's, or creates it: named `<deployment>-<template hash>`, the
//           hash also stamped as the `pod-template-hash` label on it, in its selector and on its
//           pods, so two versions never claim each other's pods. It carries the next revision
//           number. scaleReplicaSet changes one ReplicaSet's size and says so in an Event
//           ("Scaled up replica set web-5d4f8c6b9 from 1 to 2"). scale() spreads a `kubectl scale`
//           over the ReplicaSets of a rollout in flight, in proportion to their size. Old
//           ReplicaSets at zero beyond revisionHistoryLimit are deleted. Status is written last.
// REAL K8S  pkg/controller/deployment/sync.go (getAllReplicaSetsAndSyncRevision, getNewReplicaSet,
//           scale, scaleReplicaSet, cleanupDeployment, syncDeploymentStatus), progress.go
//           (syncRolloutStatus), util/deployment_util.go (GetReplicaSetProportion, FindActiveOrLatest)
// SHIPS     The refit office's order book: which standing order is current, and its size.
// EXAMPLE   deployment web, template hash 5d4f8c6b9, old RSs at revisions 1 and 2
//           => creates rs web-5d4f8c6b9, revision "3", labels pod-template-hash=5d4f8c6b9
// SKIPPED   hash collisions beyond retrying with collisionCount + 1 (we count, as Kubernetes does).

import type { Deployment, DeploymentStatus, ReplicaSet } from '../api/apps-types.ts';
import type { Clock } from '../client/clock.ts';
import { isAlreadyExists, isNotFound } from '../client/errors.ts';
import { objectKey } from '../client/resources.ts';
import type { ControllerClient, EventSink, OwnWrites } from './context.ts';
import {
  activeReplicaSets, computeHash, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, maxRevision, maxSurge,
  newRSNewReplicas, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, revisionOf, setNewReplicaSetAnnotations,
  setReplicasAnnotations, specReplicas, replicaSetsByCreation,
} from './deployment-util.ts';
import { getCondition, newCondition, REASONS, rolloutStatus, setCondition } from './deployment-status.ts';
import { newControllerRef } from './pod-util.ts';
import { message } from './pod-control.ts';

/** What the rollout steps act through (the DeploymentController's `dc`). */
export interface DeploymentActions {
  client: ControllerClient;
  recorder: EventSink;
  clock: Clock;
  note: (message: string) => void;
  /** Our latest writes of ReplicaSets and Deployments, so a sync never acts on an older cache. */
  ownWrites: OwnWrites;
}

/** A Deployment being synced: a private, writable copy (never the cached object). */
export type WorkingDeployment = Deployment & { status: DeploymentStatus };

/**
 * getAllReplicaSetsAndSyncRevision: [new ReplicaSet or undefined, all the others]. With
 * `create`, a missing new ReplicaSet is created first.
 */
export async function getAllReplicaSets(dc: DeploymentActions, d: WorkingDeployment, rsList: ReplicaSet[], create: boolean): Promise<[ReplicaSet | undefined, ReplicaSet[]]> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(dc, d, rsList, oldRSs, create);
  return [newRS, oldRSs];
}

async function getNewReplicaSet(dc: DeploymentActions, d: WorkingDeployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    const synced = await syncExistingNewRS(dc, d, existing, newRevision);
    // Later steps of this sync read rsList again: let them see what we just wrote.
    rsList.splice(rsList.indexOf(existing), 1, synced);
    return synced;
  }
  if (!create) return undefined;
  const hash = computeHash(d.spec.template, d.status.collisionCount);
  const template = structuredClone(d.spec.template!);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: template.metadata.labels, annotations: {},
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, template,
      selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector?.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } },
    },
  };
  rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs.metadata.annotations!, newRevision, false);
  const created = await createReplicaSet(dc, d, rs);
  if (!created) return undefined;
  rsList.push(created);
  if ((rs.spec.replicas ?? 0) > 0) dc.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${rs.spec.replicas}`);
  await setDeploymentRevision(dc, d, String(newRevision));
  setCondition(d.status, newCondition('Progressing', 'True', REASONS.NewReplicaSet, `Created new replica set "${created.metadata.name}"`, dc.clock));
  await writeStatus(dc, d, d.status);
  return created;
}

// The new ReplicaSet exists: bring its annotations and minReadySeconds up to date (a rollback
// re-uses an old ReplicaSet under a new revision number), and the Deployment's revision with it.
async function syncExistingNewRS(dc: DeploymentActions, d: WorkingDeployment, existing: ReplicaSet, newRevision: number): Promise<ReplicaSet> {
  const copy = structuredClone(existing) as ReplicaSet;
  const annotations = (copy.metadata.annotations ??= {});
  const changed = setNewReplicaSetAnnotations(d, annotations, newRevision, true);
  let rs = existing;
  if (changed || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
    copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
    rs = await dc.client.update('replicasets', copy);
    dc.ownWrites.record(objectKey(rs), rs);
  }
  await setDeploymentRevision(dc, d, rs.metadata.annotations?.[REVISION_ANNOTATION] ?? String(newRevision));
  if (d.spec.progressDeadlineSeconds !== undefined && !getCondition(d.status, 'Progressing')) {
    setCondition(d.status, newCondition('Progressing', 'True', REASONS.FoundNewRS, `Found new replica set "${rs.metadata.name}"`, dc.clock));
    await writeStatus(dc, d, d.status);
  }
  return rs;
}

async function createReplicaSet(dc: DeploymentActions, d: WorkingDeployment, rs: ReplicaSet): Promise<ReplicaSet | undefined> {
  try {
    const created = await dc.client.create('replicasets', rs);
    dc.ownWrites.record(objectKey(created), created);
    return created;
  } catch (e) {
    if (!isAlreadyExists(e)) {
      const msg = `Failed to create new replica set "${rs.metadata.name}": ${message(e)}`;
      setCondition(d.status, newCondition('Progressing', 'False', REASONS.FailedRSCreate, msg, dc.clock));
      await writeStatus(dc, d, d.status);
      dc.recorder.event(d, 'Warning', REASONS.FailedRSCreate, msg);
      throw e;
    }
    // Our cache may just not have it yet: if it is ours and the same template, it is the new one.
    const live = await dc.client.get('replicasets', rs.metadata.name!, rs.metadata.namespace);
    const ours = live.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid);
    if (ours && equalIgnoreHash(live.spec.template, d.spec.template)) return live;
    // A hash collision: another template hashed to the same name. Try the next hash.
    d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
    await writeStatus(dc, d, d.status);
    throw new Error(`hash collision for replica set ${rs.metadata.name}: collisionCount is now ${d.status.collisionCount}`);
  }
}

// SetDeploymentRevision: the Deployment shows the revision of its new ReplicaSet.
async function setDeploymentRevision(dc: DeploymentActions, d: WorkingDeployment, revision: string): Promise<void> {
  if (d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  d.metadata.annotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: revision };
  const written = await dc.client.patch('deployments', d.metadata.name!, { metadata: { annotations: { [REVISION_ANNOTATION]: revision } } }, { namespace: d.metadata.namespace });
  dc.ownWrites.record(objectKey(d), written);
}

/** scaleReplicaSet: a new size (and the replicas annotations), with a ScalingReplicaSet Event. */
export async function scaleReplicaSet(dc: DeploymentActions, rs: ReplicaSet, to: number, d: Deployment, operation?: 'up' | 'down'): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const from = rs.spec.replicas ?? 0;
  const copy = structuredClone(rs) as ReplicaSet;
  const annotationsChanged = setReplicasAnnotations((copy.metadata.annotations ??= {}), d);
  if (from === to && !annotationsChanged) return { scaled: false, rs };
  copy.spec.replicas = to;
  const updated = await dc.client.update('replicasets', copy);
  dc.ownWrites.record(objectKey(updated), updated);
  if (from === to) return { scaled: false, rs: updated };
  const way = operation ?? (to > from ? 'up' : 'down');
  dc.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${way} replica set ${rs.metadata.name} from ${from} to ${to}`);
  return { scaled: true, rs: updated };
}

/**
 * scale: the Deployment's replicas changed (a scaling event). One active ReplicaSet takes the
 * whole count; otherwise the change is shared out in proportion to each ReplicaSet's size, so a
 * rollout in flight keeps its ratio of old to new.
 */
// @doc: deployment-proportional-scale
export async function scale(dc: DeploymentActions, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const want = d.spec.replicas ?? 1;
  const active = activeReplicaSets([...oldRSs, newRS]);
  if (active.length <= 1) {
    const target = active[0] ?? newRS ?? [...oldRSs].sort(replicaSetsByCreation).pop();
    if (target && target.spec.replicas !== want) await scaleReplicaSet(dc, target, want, d);
    return;
  }
  if (d.spec.strategy?.type === 'Recreate') return;
  for (const [rs, size] of proportionalSizes(d, active)) await scaleReplicaSet(dc, rs, size, d);
}

/** The size each active ReplicaSet gets when the total moves to replicas + maxSurge. */
export function proportionalSizes(d: Deployment, active: ReplicaSet[]): [ReplicaSet, number][] {
  const want = d.spec.replicas ?? 1;
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(active);
  // Larger first; among equals, newer first when growing and older first when shrinking.
  const sorted = [...active].sort((a, b) => (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0) || (toAdd > 0 ? -1 : 1) * replicaSetsByCreation(a, b));
  let added = 0;
  const sizes = sorted.map((rs): [ReplicaSet, number] => {
    const size = rs.spec.replicas ?? 0;
    if (toAdd === 0 || size === 0 || added === toAdd) return [rs, size];
    const annotated = Number.parseInt(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'] ?? '', 10) || (d.status?.replicas ?? 0) || size;
    const fraction = want === 0 ? -size : Math.round((size * allowed) / annotated) - size;
    const share = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
    added += share;
    return [rs, size + share];
  });
  // Leftovers from rounding go to the largest.
  if (sizes.length && toAdd !== 0) sizes[0][1] = Math.max(0, sizes[0][1] + toAdd - added);
  return sizes;
}

/** cleanupDeployment: delete the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupDeployment(dc: DeploymentActions, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of alive.slice(0, Math.max(0, alive.length - limit))) {
    // Never one that still has pods, or whose controller has not caught up with its spec.
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    dc.note(`${objectKey(d)}: deleting old replica set ${rs.metadata.name} (revision ${revisionOf(rs)}, beyond revisionHistoryLimit ${limit})`);
    await dc.client.delete('replicasets', rs.metadata.name!, { namespace: rs.metadata.namespace }).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }
}

/** syncRolloutStatus: compute, and write only when it changed. Returns the status now stored. */
export async function syncRolloutStatus(dc: DeploymentActions, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: WorkingDeployment): Promise<DeploymentStatus> {
  const status = rolloutStatus(allRSs.filter(Boolean), newRS, d, dc.clock);
  if (JSON.stringify(status) !== JSON.stringify(d.status)) await writeStatus(dc, d, status);
  return status;
}

/** Writes the whole status through the status subresource (ours alone, so no resourceVersion). */
export async function writeStatus(dc: DeploymentActions, d: WorkingDeployment, status: DeploymentStatus): Promise<void> {
  d.status = status;
  const body = { status: { ...status, conditions: status.conditions?.length ? status.conditions : null } };
  try {
    const written = await dc.client.patch('deployments', d.metadata.name!, body, { namespace: d.metadata.namespace, subresource: 'status' });
    dc.ownWrites.record(objectKey(d), written);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
