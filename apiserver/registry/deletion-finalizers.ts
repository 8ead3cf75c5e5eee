// Propagation policy: how a DELETE asks the garbage collector to treat dependents
// ===============================================================================
// CONCEPT   `kubectl delete deployment web --cascade=orphan` sends a DELETE whose body is
//           DeleteOptions {propagationPolicy: "Orphan"}. The apiserver does not orphan anything
//           itself: it turns the policy into a *finalizer* on the owner and stamps
//           deletionTimestamp. The garbage collector (controllers/garbage-collector.ts) sees the
//           finalizer, does the work, then removes it - and the last finalizer gone completes the delete.
//             Orphan      => finalizer "orphan": dependents lose their ownerReference and stay.
//             Foreground  => finalizer "foregroundDeletion": the owner stays until its dependents are gone.
//             Background  => neither (and any left from before is removed): the owner goes at once and
//                            the collector deletes the dependents it leaves dangling.
//           With no policy in the request, a finalizer already on the object decides; failing that,
//           the kind's default (DeleteDependents for every apps/v1 kind and the RC: background;
//           OrphanDependents for batch/v1 Jobs, kept for back compatibility).
// REAL K8S  staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
//           (shouldOrphanDependents, shouldDeleteDependents, deletionFinalizersForGarbageCollection),
//           staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go (GarbageCollectionDeleteStrategy),
//           staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation (ValidateDeleteOptions)
// SHIPS     A note pinned to the office door: "close when the containers are re-stamped".
// EXAMPLE   finalizers [], {propagationPolicy: "Orphan"}           => { changed: true, finalizers: ["orphan"] }
//           finalizers ["orphan"], {propagationPolicy: "Background"} => { changed: true, finalizers: [] }
//           finalizers ["orphan"], {}                               => { changed: false, finalizers: ["orphan"] }
// SKIPPED   The OrphanDependents default of the old extensions/v1beta1 and apps/v1beta1 versions.
//
// REAL WORLD Kubernetes' garbage collector watches every resource (dynamic informers over
// discovery), so any kind may carry these finalizers. Ours follows only RCs, ReplicaSets,
// Deployments and Jobs as owners, so only their strategies opt in (defaultGarbageCollectionPolicy
// "DeleteDependents", Jobs "OrphanDependents"); every other kind says "Unsupported", as a real strategy may, and deletes
// without them - a finalizer nobody removes would leave the object Terminating for ever.

import type { DeleteOptions } from '../../api/types.ts';
import { failure } from '../status.ts';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** rest.GarbageCollectionPolicy: what a kind does with dependents when a DELETE says nothing. */
export type GarbageCollectionPolicy = 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';

/** DeleteOptions with the deprecated `orphanDependents` boolean that old clients still send. */
export type DeleteOptionsWithOrphan = DeleteOptions & { orphanDependents?: boolean };

// shouldOrphanDependents: the request's options first, then the object's finalizers, then the default.
function shouldOrphan(policy: GarbageCollectionPolicy, finalizers: string[], o: DeleteOptionsWithOrphan): boolean {
  if (policy === 'Unsupported') return false;
  if (o.orphanDependents !== undefined) return o.orphanDependents;
  if (o.propagationPolicy) return o.propagationPolicy === 'Orphan';
  // Validation keeps both finalizers from being set at once; the first one found decides.
  const first = finalizers.find((f) => f === FINALIZER_ORPHAN || f === FINALIZER_FOREGROUND);
  if (first) return first === FINALIZER_ORPHAN;
  return policy === 'OrphanDependents';
}

// shouldDeleteDependents: the same order; no kind defaults to foreground.
function shouldDeleteInForeground(policy: GarbageCollectionPolicy, finalizers: string[], o: DeleteOptionsWithOrphan): boolean {
  if (policy === 'Unsupported' || o.orphanDependents !== undefined) return false;
  if (o.propagationPolicy) return o.propagationPolicy === 'Foreground';
  const first = finalizers.find((f) => f === FINALIZER_ORPHAN || f === FINALIZER_FOREGROUND);
  return first === FINALIZER_FOREGROUND;
}

/**
 * deletionFinalizersForGarbageCollection: the object's finalizers after this DELETE, with "orphan"
 * and "foregroundDeletion" removed and added back as the options ask. `changed` is false when the
 * set is the same, so a repeated delete writes nothing.
 */
export function deletionFinalizers(policy: GarbageCollectionPolicy, current: string[] | undefined, options: DeleteOptionsWithOrphan): { changed: boolean; finalizers: string[] } {
  const existing = current ?? [];
  const next = existing.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (shouldOrphan(policy, existing, options)) next.push(FINALIZER_ORPHAN);
  if (shouldDeleteInForeground(policy, existing, options)) next.push(FINALIZER_FOREGROUND);
  const same = next.length === new Set(existing).size && next.every((f) => existing.includes(f));
  return same ? { changed: false, finalizers: existing } : { changed: true, finalizers: next };
}

/**
 * ValidateDeleteOptions (apimachinery's meta/v1/validation): the deprecated boolean and the policy
 * may not both be given, and the policy is one of three words. Both are 422, worded as Kubernetes
 * words them: `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: ...`.
 */
export function validateDeleteOptions(options: DeleteOptionsWithOrphan): void {
  const policy = options.propagationPolicy;
  if (options.orphanDependents !== undefined && policy !== undefined) {
    throw invalidDeleteOptions(`Invalid value: "${policy}": orphanDependents and deletionPropagation cannot be both set`, 'FieldValueInvalid');
  }
  if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    throw invalidDeleteOptions(`Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`, 'FieldValueNotSupported');
  }
}

function invalidDeleteOptions(message: string, reason: string) {
  return failure(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: ${message}`, {
    group: 'meta.k8s.io', kind: 'DeleteOptions', causes: [{ reason, message, field: 'propagationPolicy' }],
  });
}
