// Known fields of the meta/v1 types every kind shares
// ===================================================
// CONCEPT   apiVersion, kind and metadata are the same on every object, and a few small
//           structs (label selectors, object references, conditions, delete options) turn up
//           inside many kinds. We write them down once here, with their Go types, and the
//           per-kind tables reuse them.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (TypeMeta, ObjectMeta,
//           OwnerReference, ManagedFieldsEntry, LabelSelector, Condition, DeleteOptions) and
//           ObjectReference in staging/src/k8s.io/api/core/v1/types.go (v1.32).
// SHIPS     The header printed on every harbour form: name, owner, stamps.
// EXAMPLE   objectMeta.labels === stringMap     objectMeta.generation === int64
//           objectMeta.managedFields[0].fieldsV1 === unchecked
// SKIPPED   Nothing in these structs; FieldsV1 is raw JSON in Go too, so it is never checked.

import { bool, int64, listOf, named, str, stringMap, strings, struct, time, unchecked, type Fields } from './shape.ts';

/** types.UID, the Go type of every uid field: a string that Go prints as types.UID. */
export const uid = named('types.UID');

/** metav1.TypeMeta, embedded (`json:",inline"`) at the top of every object. */
export const typeMeta: Fields = { kind: str, apiVersion: str };

/** metav1.OwnerReference: who owns this object, for the garbage collector. */
export const ownerReference: Fields = struct('OwnerReference', {
  apiVersion: str, kind: str, name: str, uid, controller: bool, blockOwnerDeletion: bool,
});

// ## managedFields
// Server-side apply's bookkeeping. `fieldsV1` is a trie of field names the manager owns; Go
// keeps it as raw bytes (FieldsV1.Raw), so the strict decoder never looks inside, and nor do we.
/** metav1.ManagedFieldsEntry. */
export const managedFieldsEntry: Fields = struct('ManagedFieldsEntry', {
  manager: str,
  operation: named('v1.ManagedFieldsOperationType'),
  apiVersion: str,
  time,
  fieldsType: str,
  fieldsV1: unchecked,
  subresource: str,
});

/**
 * metav1.ObjectMeta, all 15 JSON fields. `selfLink` is still a known field although
 * v1.20 stopped filling it in: an old manifest that carries one still decodes.
 */
export const objectMeta: Fields = struct('ObjectMeta', {
  name: str, generateName: str, namespace: str, selfLink: str, uid, resourceVersion: str,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: listOf(ownerReference),
  finalizers: strings,
  managedFields: listOf(managedFieldsEntry),
});

/** The three fields of a top-level object without spec or status: TypeMeta plus metadata. */
export const objectHeader: Fields = { ...typeMeta, metadata: objectMeta };

/** metav1.LabelSelector: matchLabels is a map[string]string, matchExpressions a list of requirements. */
export const labelSelector: Fields = struct('LabelSelector', {
  matchLabels: stringMap,
  matchExpressions: listOf(struct('LabelSelectorRequirement', { key: str, operator: named('v1.LabelSelectorOperator'), values: strings })),
});

/** core/v1 ObjectReference: an event's involvedObject, a binding's target, an endpoint's targetRef. */
export const objectReference: Fields = struct('ObjectReference', {
  kind: str, namespace: str, name: str, uid, apiVersion: str, resourceVersion: str, fieldPath: str,
});

/** metav1.Condition, the standard condition (Service status uses it; pods and nodes have their own). */
export const metaCondition: Fields = struct('Condition', {
  type: str, status: named('v1.ConditionStatus'), observedGeneration: int64, lastTransitionTime: time, reason: str, message: str,
});

/**
 * metav1.DeleteOptions, the body of a DELETE and the `deleteOptions` of an Eviction.
 * It embeds TypeMeta, so `kind: DeleteOptions` and `apiVersion: v1` are known fields.
 */
export const deleteOptions: Fields = struct('DeleteOptions', {
  ...typeMeta,
  gracePeriodSeconds: int64,
  preconditions: struct('Preconditions', { uid, resourceVersion: str }),
  orphanDependents: bool,
  propagationPolicy: named('v1.DeletionPropagation'),
  dryRun: strings,
  // Alpha in v1.32 (AllowUnsafeMalformedObjectDeletion), but the field exists, so it decodes.
  ignoreStoreReadErrorWithClusterBreakingPotential: bool,
});
