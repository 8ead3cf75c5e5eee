// JSON merge patch: send the fields you want changed
// ==================================================
// CONCEPT   The simplest patch: a partial object. Its fields overwrite the object's, nested
//           objects merge recursively, `null` deletes a field, and arrays are replaced whole.
// REAL K8S  RFC 7386; the apiserver calls jsonpatch.MergePatch (gopkg.in/evanphx/json-patch.v4,
//           merge.go) from staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (v1.32).
//           Content-Type `application/merge-patch+json`; `kubectl scale` sends one to `/scale`.
// SHIPS     An amendment slip: cross out (null) or overwrite the lines it names, leave the rest.
// EXAMPLE   {spec:{replicas:1, selector:{app:"a"}}} + {spec:{replicas:3, selector:null}}
//             => {spec:{replicas:3}}
// SKIPPED   nothing of RFC 7386; see REAL WORLD for why lists are the weak spot.

import { cloneJson, isJsonObject, type JsonObject } from './json-value.ts';

/**
 * Applies an RFC 7386 JSON merge patch (`application/merge-patch+json`) and returns the result.
 *
 * - a patch that is not an object replaces the whole target (RFC 7386 section 2);
 * - `null` deletes the field; an object merges into the field recursively;
 * - anything else (a string, a number, an array) replaces the field.
 *
 * Never mutates `original` or `patch`: the result is a fresh value that shares nothing with them.
 * Never throws: every JSON value is a valid merge patch.
 *
 * @example applyMergePatch({ a: 1, b: [1, 2] }, { a: null, b: [3] })  // => { b: [3] }
 */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  // @doc: merge-patch-recursion
  // A non-object patch is the new value, whatever the target was: this is how arrays replace.
  if (!isJsonObject(patch)) return cloneJson(patch);
  // A target that is not an object (missing, a number, an array) becomes an empty object first,
  // so `{"spec":{"replicas":3}}` can create `spec` when the object has none.
  const result: JsonObject = isJsonObject(original) ? cloneJson(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

// REAL WORLD
// A merge patch cannot change one element of a list: `{"spec":{"containers":[{"name":"b",
// "image":"new"}]}}` would replace every container with that one half-written container. That is
// why Kubernetes invented the strategic merge patch (strategic-merge-patch.ts), which knows from
// the Go struct tags that containers merge by name. A merge patch also cannot set a field to an
// explicit null, because null means "delete"; the Kubernetes API avoids fields where null matters.
