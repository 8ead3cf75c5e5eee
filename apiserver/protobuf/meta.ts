// meta/v1 field tables: ObjectMeta, DeleteOptions, LabelSelector
// ==============================================================
// CONCEPT   Every object's `metadata` and the options of a delete are meta/v1 messages, shared by
//           all groups. Field numbers are as in generated.proto; JSON names as in types.go. Where
//           the two orders differ (OwnerReference declares apiVersion = 5 first) we keep the
//           .proto's order, so a reader can hold this file next to it.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto and types.go (v1.32)
// SHIPS     The label every form carries, read off the wire.
// EXAMPLE   ObjectMeta bytes 0a 06 6c 65 73 73 6f 6e  =>  { name: "lesson" }
// SKIPPED   ListMeta and list kinds (we decode request bodies, which are single objects),
//           Status, WatchEvent, the option kinds other than DeleteOptions.

import { bool, int64, list, message, obj, ptr, str, stringMap, strings, time, type Field } from './schema.ts';

/** meta/v1 OwnerReference: `controller` and `blockOwnerDeletion` are *bool in Go. */
export const OwnerReference = message('OwnerReference', {
  5: str('apiVersion'),
  1: str('kind'),
  3: str('name'),
  4: str('uid'),
  6: ptr(bool('controller')),
  7: ptr(bool('blockOwnerDeletion')),
});

/** meta/v1 ManagedFieldsEntry: who set which fields (server-side apply's bookkeeping). */
export const ManagedFieldsEntry = message('ManagedFieldsEntry', {
  1: str('manager'),
  2: str('operation'),
  3: str('apiVersion'),
  4: time('time'),
  6: str('fieldsType'),
  7: { json: 'fieldsV1', type: 'fieldsV1' } satisfies Field,
  8: str('subresource'),
});

/** meta/v1 ObjectMeta. Fields 15 (initializers) and 16 (clusterName) are retired. */
export const ObjectMeta = message('ObjectMeta', {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  4: str('selfLink'),
  5: str('uid'),
  6: str('resourceVersion'),
  7: int64('generation'),
  8: time('creationTimestamp'),
  9: time('deletionTimestamp'),
  10: ptr(int64('deletionGracePeriodSeconds')),
  11: stringMap('labels'),
  12: stringMap('annotations'),
  13: list('ownerReferences', OwnerReference),
  14: strings('finalizers'),
  17: list('managedFields', ManagedFieldsEntry),
});

/** meta/v1 LabelSelectorRequirement: `key In (a, b)`. */
export const LabelSelectorRequirement = message('LabelSelectorRequirement', {
  1: str('key'),
  2: str('operator'),
  3: strings('values'),
});

/** meta/v1 LabelSelector: matchLabels ANDed with matchExpressions. */
export const LabelSelector = message('LabelSelector', {
  1: stringMap('matchLabels'),
  2: list('matchExpressions', LabelSelectorRequirement),
});

/** meta/v1 Condition, the standard condition shape (Service status uses it). */
export const Condition = message('Condition', {
  1: str('type'),
  2: str('status'),
  3: int64('observedGeneration'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});

/** meta/v1 Preconditions: delete only if the uid/resourceVersion still match. */
export const Preconditions = message('Preconditions', {
  1: ptr(str('uid')),
  2: ptr(str('resourceVersion')),
});

/** meta/v1 DeleteOptions: the body of a DELETE, and the `deleteOptions` of an Eviction. */
export const DeleteOptions = message('DeleteOptions', {
  1: ptr(int64('gracePeriodSeconds')),
  2: obj('preconditions', Preconditions),
  3: ptr(bool('orphanDependents')),
  4: ptr(str('propagationPolicy')),
  5: strings('dryRun'),
  6: ptr(bool('ignoreStoreReadErrorWithClusterBreakingPotential')),
});
