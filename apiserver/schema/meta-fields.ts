// Known fields of the meta/v1 types every kind shares
// ===================================================
// CONCEPT   apiVersion, kind and metadata are the same on every object, and a few small
//           structs (label selectors, object references, conditions, delete options) turn up
//           inside many kinds. We write them down once here and the per-kind tables reuse them.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (TypeMeta, ObjectMeta,
//           OwnerReference, ManagedFieldsEntry, LabelSelector, Condition, DeleteOptions) and
//           ObjectReference in staging/src/k8s.io/api/core/v1/types.go (v1.32).
// SHIPS     The header printed on every harbour form: name, owner, stamps.
// EXAMPLE   objectMeta.labels === freeMap     objectMeta.managedFields[0].fieldsV1 === unchecked
// SKIPPED   Nothing in these structs; FieldsV1 is raw JSON in Go too, so it is never checked.

import { freeMap, listOf, scalar, scalars, unchecked, type Fields } from './shape.ts';

/** metav1.TypeMeta, embedded (`json:",inline"`) at the top of every object. */
export const typeMeta: Fields = scalars('kind', 'apiVersion');

/** metav1.OwnerReference: who owns this object, for the garbage collector. */
export const ownerReference: Fields = scalars('apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion');

// ## managedFields
// Server-side apply's bookkeeping. `fieldsV1` is a trie of field names the manager owns; Go
// keeps it as raw bytes (FieldsV1.Raw), so the strict decoder never looks inside, and nor do we.
/** metav1.ManagedFieldsEntry. */
export const managedFieldsEntry: Fields = {
  ...scalars('manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'subresource'),
  fieldsV1: unchecked,
};

/**
 * metav1.ObjectMeta, all 15 JSON fields. `selfLink` is still a known field although
 * v1.20 stopped filling it in: an old manifest that carries one still decodes.
 */
export const objectMeta: Fields = {
  ...scalars('name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation'),
  ...scalars('creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'finalizers'),
  labels: freeMap,
  annotations: freeMap,
  ownerReferences: listOf(ownerReference),
  managedFields: listOf(managedFieldsEntry),
};

/** The three fields of a top-level object without spec or status: TypeMeta plus metadata. */
export const objectHeader: Fields = { ...typeMeta, metadata: objectMeta };

/** metav1.LabelSelector: matchLabels is a free-form map, matchExpressions a list of requirements. */
export const labelSelector: Fields = {
  matchLabels: freeMap,
  matchExpressions: listOf(scalars('key', 'operator', 'values')),
};

/** core/v1 ObjectReference: an event's involvedObject, a binding's target, an endpoint's targetRef. */
export const objectReference: Fields = scalars('kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath');

/** metav1.Condition, the standard condition (Service status uses it; pods and nodes have their own). */
export const metaCondition: Fields = scalars('type', 'status', 'observedGeneration', 'lastTransitionTime', 'reason', 'message');

/**
 * metav1.DeleteOptions, the body of a DELETE and the `deleteOptions` of an Eviction.
 * It embeds TypeMeta, so `kind: DeleteOptions` and `apiVersion: v1` are known fields.
 */
export const deleteOptions: Fields = {
  ...typeMeta,
  ...scalars('gracePeriodSeconds', 'orphanDependents', 'propagationPolicy', 'dryRun'),
  // Alpha in v1.32 (AllowUnsafeMalformedObjectDeletion), but the field exists, so it decodes.
  ignoreStoreReadErrorWithClusterBreakingPotential: scalar,
  preconditions: scalars('uid', 'resourceVersion'),
};
