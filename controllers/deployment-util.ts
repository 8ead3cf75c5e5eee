// Deployment arithmetic: surge, unavailability, revisions, the template hash
// =========================================================================
// CONCEPT   A rolling update is bounded by two numbers. maxSurge: how many pods may exist above
//           `replicas` (so new pods can start before old ones go); maxUnavailable: how many of the
//           `replicas` may be missing (so old pods can go before new ones are ready). Percentages
//           are of `replicas`: surge rounds up, unavailable rounds down, and if both come to 0 we
//           allow 1 unavailable, or nothing could ever move. Each version of the pod template gets
//           its own ReplicaSet, named after a hash of the template ("web-5d4f8c6b9") and numbered
//           by the `deployment.kubernetes.io/revision` annotation that `kubectl rollout history`
//           lists and `rollout undo` goes back through.
// REAL K8S  pkg/controller/deployment/util/deployment_util.go (ResolveFenceposts, MaxSurge,
//           MaxUnavailable, NewRSNewReplicas, Revision, MaxRevision, FindNewReplicaSet,
//           FindOldReplicaSets, EqualIgnoreHash, SetNewReplicaSetAnnotations), pkg/controller/
//           controller_utils.go (ComputeHash), apimachinery/pkg/util/intstr (GetScaledValueFromIntOrPercent)
// SHIPS     The refit rules: at most one extra ship at sea, at most one out of service at a time.
// EXAMPLE   replicas 10, maxSurge "25%", maxUnavailable "25%"  =>  surge 3 (2.5 up), unavailable 2 (2.5 down)
//           replicas 3, pods 3 old + 0 new  =>  newRSNewReplicas = 1 (total may reach 4)
// SKIPPED   the spew-printed DeepHashObject (we hash the template's canonical JSON: same idea,
//           different digits than a real cluster for the same template).

import type { Deployment, IntOrPercent, ReplicaSet } from '../api/apps-types.ts';
import type { PodTemplateSpec } from '../api/types.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** The label that ties a ReplicaSet and its pods to one template version (DefaultDeploymentUniqueLabelKey). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
const MAX_REV_HISTORY_CHARS = 2000;
const ANNOTATIONS_NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, 'deprecated.deployment.rollback.to',
]);

// ## Surge and unavailability

/** GetScaledValueFromIntOrPercent: 2 stays 2; "25%" of 10 is 2.5, rounded up or down. */
export function scaledValue(value: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (value === undefined) return 0;
  const percent = Number.parseInt(value, 10);
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** ResolveFenceposts: [surge, unavailable] for `desired` replicas; never both 0. */
export function resolveFenceposts(maxSurge: IntOrPercent | undefined, maxUnavailable: IntOrPercent | undefined, desired: number): [number, number] {
  const surge = scaledValue(maxSurge, desired, true);
  const unavailable = scaledValue(maxUnavailable, desired, false);
  // Rounding "25%" of 1 down gives 0; with no surge either nothing could move. Allow one missing.
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
}

const isRolling = (d: Deployment) => d.spec.strategy?.type !== 'Recreate';
const replicasOf = (d: Deployment) => d.spec.replicas ?? 1;

/** MaxSurge: how many pods above `replicas` a rolling update may run; 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  if (!isRolling(d)) return 0;
  const r = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(r?.maxSurge, r?.maxUnavailable, replicasOf(d))[0];
}

/** MaxUnavailable: how many of `replicas` may be unavailable; never more than replicas. */
export function maxUnavailable(d: Deployment): number {
  if (!isRolling(d) || replicasOf(d) === 0) return 0;
  const r = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(r?.maxSurge, r?.maxUnavailable, replicasOf(d))[1], replicasOf(d));
}

/** Sum of spec.replicas (GetReplicaCountForReplicaSets): what the ReplicaSets are asked for. */
export const specReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.spec.replicas ?? 0), 0);
/** Sum of status.replicas (GetActualReplicaCountForReplicaSets): the pods that exist. */
export const actualReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/**
 * NewRSNewReplicas: how big the new ReplicaSet may be now. Rolling: grow until all ReplicaSets
 * together reach replicas + maxSurge, never past replicas. Recreate: all at once (the old ones
 * are already at zero by then).
 */
// @doc: deployment-new-rs-replicas
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const newCount = newRS.spec.replicas ?? 0;
  if (!isRolling(d)) return replicasOf(d);
  const maxTotal = replicasOf(d) + maxSurge(d);
  const current = specReplicas(allRSs);
  if (current >= maxTotal) return newCount;
  return newCount + Math.min(maxTotal - current, replicasOf(d) - newCount);
}

// ## Revisions

/** The revision number of a ReplicaSet (Revision); 0 when unset or unreadable. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } } | undefined): number {
  const n = Number.parseInt(obj?.metadata.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

/** MaxRevision: the highest revision among these ReplicaSets. */
export const maxRevision = (rss: readonly ReplicaSet[]) => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's own annotations (kubernetes.io/change-cause
 * for `rollout history`), raise the revision when it is behind, and remember the revisions a
 * ReplicaSet had before (a rollback re-uses an old ReplicaSet under a new number).
 * Changes `annotations` in place; returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, annotations: Record<string, string>, newRevision: number, exists: boolean): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_NOT_COPIED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const old = annotations[REVISION_ANNOTATION];
  const oldNumber = old === undefined ? 0 : Number.parseInt(old, 10);
  if (Number.isNaN(oldNumber)) return changed;
  if (oldNumber < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (old !== undefined) appendRevisionHistory(annotations, old);
  }
  if (!exists) changed = setReplicasAnnotations(annotations, d) || changed;
  return changed;
}

function appendRevisionHistory(annotations: Record<string, string>, old: string): void {
  const history = annotations[REVISION_HISTORY_ANNOTATION];
  const revisions = history ? history.split(',') : [];
  revisions.push(old);
  while (revisions.join(',').length > MAX_REV_HISTORY_CHARS) revisions.shift();
  annotations[REVISION_HISTORY_ANNOTATION] = revisions.join(',');
}

/** SetReplicasAnnotations: desired-replicas and max-replicas, read back by proportional scaling. */
export function setReplicasAnnotations(annotations: Record<string, string>, d: Deployment): boolean {
  const desired = String(replicasOf(d));
  const max = String(replicasOf(d) + maxSurge(d));
  if (annotations[DESIRED_REPLICAS_ANNOTATION] === desired && annotations[MAX_REPLICAS_ANNOTATION] === max) return false;
  annotations[DESIRED_REPLICAS_ANNOTATION] = desired;
  annotations[MAX_REPLICAS_ANNOTATION] = max;
  return true;
}

// ## Which ReplicaSet is the new one

/**
 * A value's JSON with keys sorted, so equal objects print equal whatever their key order. A null
 * member counts as absent, as it does once Go decodes it: `kubectl rollout undo` sends the
 * template back with `creationTimestamp: null`, and it is still the same template.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** ComputeHash: FNV-1a (32 bit) of the template and collisionCount, spelled with SafeEncodeString's alphabet. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let hash = 0x811c9dc5;
  const text = canonicalJson(template) + (collisionCount === undefined ? '' : String(collisionCount));
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  // rand.SafeEncodeString: no vowels, no 0/1/3, so a hash never spells a word.
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(hash)].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
}

/** EqualIgnoreHash: the same template once the pod-template-hash label is taken out of both. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined) => {
    const labels = { ...(t?.metadata?.labels ?? {}) };
    delete labels[POD_TEMPLATE_HASH_LABEL];
    return canonicalJson({ ...t, metadata: { ...t?.metadata, labels } });
  };
  return strip(a) === strip(b);
}

const byCreation = (a: ReplicaSet, b: ReplicaSet) =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** FindOldReplicaSets' second answer: every ReplicaSet but the new one, oldest first. */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rss);
  return [...rss].sort(byCreation).filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
}

/** FilterActiveReplicaSets: the ones asked for at least one pod. */
export const activeReplicaSets = (rss: readonly (ReplicaSet | undefined)[]) => rss.filter((rs): rs is ReplicaSet => (rs?.spec.replicas ?? 0) > 0);

export { byCreation as replicaSetsByCreation };
