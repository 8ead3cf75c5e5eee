// Strategic merge patch: a merge patch that knows the object's schema
// ===================================================================
// CONCEPT   Like a JSON merge patch (maps merge, null deletes), except that lists the Go types tag
//           with patchStrategy "merge" merge element by element, by a key such as a container's
//           name. So kubectl can change one container's image without resending the others.
//           A few `$` directives say what a plain value cannot: delete this element, replace this
//           whole map or list, keep only these keys, put the list in this order.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (v1.32):
//           StrategicMergeMapPatch, mergeMap, handleDirectiveInMergeMap, applyRetainKeysDirective;
//           the apiserver calls it from apiserver/pkg/endpoints/handlers/patch.go (strategicPatchObject).
//           Content-Type `application/strategic-merge-patch+json`: `kubectl apply`, `cordon`, `label`.
// SHIPS     An amendment slip the harbour master reads with the filing rules at hand.
// EXAMPLE   pod containers [{name:a,image:x},{name:b,image:old}]
//             + {spec:{"$setElementOrder/containers":[{name:a},{name:b}],
//                      containers:[{name:b,image:new}]}}
//             => containers [{name:a,image:x},{name:b,image:new}]
// SKIPPED   the client side (CreateTwoWayMergePatch / CreateThreeWayMergePatch, which kubectl runs);
//           see REAL WORLD for where we are stricter or tidier than Go.

import { PatchError } from './errors.ts';
import { cloneJson, isJsonObject, type JsonObject } from './json-value.ts';
import {
  GENERIC_OBJECT_PATCH_META,
  patchMetaForKind,
  type FieldPatchMeta,
  type StructPatchMeta,
} from './patch-meta.ts';
import { applySetElementOrder, mergeList, SET_ELEMENT_ORDER, type MergeMapFn } from './smp-lists.ts';

const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

/** What mergeMap returns for `{"$patch":"delete"}`: the caller removes the field. */
const DELETE_FIELD = Symbol('delete this field');

/**
 * Applies a strategic merge patch (`application/strategic-merge-patch+json`) to an object of the
 * given kind, using that kind's table in patch-meta.ts (a kind without a table gets ObjectMeta's
 * tags and the defaults: lists replace, maps merge).
 *
 * Directives: `null` deletes a key; `"$patch": "replace" | "delete" | "merge"` in a map or as a
 * list element; `$setElementOrder/<list>`; `$deleteFromPrimitiveList/<list>`; `$retainKeys`.
 *
 * Throws PatchError 400 when `patch` is not a JSON object or a directive is malformed (Go's
 * mergepatch.ErrBadPatchFormat... errors), and 422 when the patch does not fit the object: an
 * unknown directive, a list element without its merge key, a `$setElementOrder` out of order.
 * Never mutates `original` or `patch`.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: string): unknown {
  if (!isJsonObject(patch)) {
    // The words Go's json.Unmarshal uses when the body is not an object.
    const got = patch === null ? 'null' : Array.isArray(patch) ? 'array' : typeof patch;
    throw new PatchError(`json: cannot unmarshal ${got} into Go value of type map[string]interface {}`, 400);
  }
  const fields = patchMetaForKind(kind) ?? GENERIC_OBJECT_PATCH_META;
  const live = isJsonObject(original) ? cloneJson(original) : {};
  const result = mergeMap(live, cloneJson(patch), fields);
  return result === DELETE_FIELD ? {} : result;
}

// ## Merging one map
// `original` and `patch` are our own copies, so, like Go, we change them in place.
function mergeMap(original: JsonObject, patch: JsonObject, fields: StructPatchMeta): JsonObject | typeof DELETE_FIELD {
  // @doc: smp-map-directive
  // `$patch` speaks for the whole map, before any of its fields is looked at.
  if (Object.hasOwn(patch, '$patch')) {
    const directive = patch.$patch;
    if (directive !== 'replace' && directive !== 'delete' && directive !== 'merge') {
      throw new PatchError(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
    }
    delete patch.$patch;
    if (directive === 'delete') return DELETE_FIELD;
    // Replace: the live map is forgotten; the rest of the patch map, tidied, is the new value.
    if (directive === 'replace') return mergeMap({}, patch, fields);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, fields, mergeElement);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deleteFromPrimitiveList(original, key, value);
    } else if (key.startsWith('$')) {
      throw new PatchError(`unknown strategic merge patch directive ${key} in map: ${JSON.stringify(patch)}`);
    } else if (value === null) {
      delete original[key];
    } else {
      const merged = mergeField(original[key], value, fields[key] ?? {});
      if (merged === DELETE_FIELD) delete original[key];
      else original[key] = merged;
    }
  }
  return original;
}

// ## Merging one field, by the strategy its Go tag names
function mergeField(live: unknown, value: unknown, meta: FieldPatchMeta): unknown {
  const fields = meta.fields ?? {};
  if (isJsonObject(value)) {
    // A new map, or one replacing a scalar, is merged into {} so its nulls and directives go.
    if (meta.patchStrategy === 'replace' || !isJsonObject(live)) return mergeMap({}, value, fields);
    return mergeMap(live, value, fields);
  }
  if (Array.isArray(value) && meta.patchStrategy === 'merge') {
    return mergeList(Array.isArray(live) ? live : [], value, meta, mergeElement);
  }
  // Scalars, and lists without a merge strategy (tolerations, taints), replace.
  return value;
}

// List elements hold no map-level `$patch` (smp-lists.ts consumes it), so this never deletes.
const mergeElement: MergeMapFn = (original, patch, fields) => {
  const merged = mergeMap(original, patch, fields);
  return merged === DELETE_FIELD ? {} : merged;
};

// ## $deleteFromPrimitiveList/<field>: remove these values from a list of strings
// kubectl apply sends it when a finalizer (or podCIDR) leaves the manifest.
function deleteFromPrimitiveList(original: JsonObject, key: string, values: unknown): void {
  const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
  if (!Array.isArray(values) || field === '') throw new PatchError('invalid patch format of primitive list', 400);
  const live = original[field];
  if (Array.isArray(live)) original[field] = live.filter((item) => !values.includes(item));
}

// ## $retainKeys: keep only the listed keys of the live map
// Sent for fields with the retainKeys strategy (a pod volume): switching a volume from emptyDir to
// hostPath must drop emptyDir, which a plain merge would keep. Every key the patch sets must be listed.
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const keep = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw new PatchError('invalid patch format of retainKeys', 400);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.includes(key)) throw new PatchError('invalid patch format of retainKeys', 400);
  }
  for (const key of Object.keys(original)) {
    if (!keep.includes(key)) delete original[key];
  }
}

// REAL WORLD
// Go stores a value the live object lacks exactly as the patch wrote it, so a new map keeps its
// nulls and `{"$patch":"delete"}` on an absent field stores that map; decoding into the Go struct
// then hides most of it. We merge new values into an empty map instead, and `$patch: delete`
// removes the field (Go leaves `{}`). Go also rejects `$patch: merge` ("unknown patch type"),
// which we accept as the explicit default. The apiserver answers 415 for custom resources, which
// have no Go struct; patchMetaForKind returns undefined for them so the handler can do the same.
