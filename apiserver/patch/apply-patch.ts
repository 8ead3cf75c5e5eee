// Apply a PATCH: pick the patch type from the Content-Type
// ========================================================
// CONCEPT   PATCH sends a change, not a whole object, and the Content-Type says which language the
//           change is written in. The apiserver applies it to the stored object, then validates
//           and stores the result like an update.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (v1.32): PatchResource
//           checks the Content-Type against the supported patch types, applyPatcher dispatches.
// SHIPS     The radio room reads the header of an amendment to know which rulebook applies.
// EXAMPLE   patchTypeFor("application/strategic-merge-patch+json; charset=utf-8")  =>  "strategic"
// SKIPPED   server-side apply (`application/apply-patch+yaml`, managed fields): kubectl only sends
//           it with --server-side, and the handler answers 415 for it.

import { applyJsonPatch } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

/** The three patch types kubectl sends, by the name `kubectl patch --type` uses. */
export type PatchType = 'json' | 'merge' | 'strategic';

/** Content-Type (without parameters) => patch type. */
export const PATCH_CONTENT_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

/**
 * The patch type a PATCH request's Content-Type names, ignoring parameters such as charset;
 * undefined for anything else (the handler answers 415 UnsupportedMediaType, as Kubernetes does).
 */
export function patchTypeFor(contentType: string | undefined): PatchType | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return Object.hasOwn(PATCH_CONTENT_TYPES, mediaType) ? PATCH_CONTENT_TYPES[mediaType] : undefined;
}

/**
 * Applies a decoded patch body of the given type to a stored object of the given kind and returns
 * the patched object (a new value; neither input is changed). Throws PatchError (400 or 422).
 * The caller still validates the result and keeps immutable fields (name, uid) as they were.
 */
export function applyPatch(type: PatchType, original: unknown, patch: unknown, kind: string): unknown {
  switch (type) {
    case 'json':
      return applyJsonPatch(original, patch);
    case 'merge':
      return applyMergePatch(original, patch);
    case 'strategic':
      return applyStrategicMergePatch(original, patch, kind);
  }
}
