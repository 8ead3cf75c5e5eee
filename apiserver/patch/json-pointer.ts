// JSON pointer: an address inside a JSON document
// ===============================================
// CONCEPT   "/spec/containers/0/image" walks from the root: key "spec", key "containers", index 0,
//           key "image". A "/" inside a key is written "~1" and a "~" is written "~0".
// REAL K8S  RFC 6901, as gopkg.in/evanphx/json-patch.v4 (patch.go: findObject, decodePatchKey)
//           reads it for the apiserver's JSON patch (v1.32).
// SHIPS     A line reference on a manifest: section, item, line.
// EXAMPLE   "/metadata/labels/app.kubernetes.io~1name"  =>  ["metadata", "labels", "app.kubernetes.io/name"]
// SKIPPED   the URI fragment form ("#/spec"); negative array indices (an evanphx extension, off by default).

import { isJsonObject, type JsonObject } from './json-value.ts';

/** A container a pointer can step into, and the token naming the child inside it. */
export interface PointerSlot {
  /** The object or array that holds (or will hold) the value the pointer names. */
  parent: JsonObject | unknown[];
  /** The last reference token, unescaped: an object key, an array index, or "-" (past the end). */
  key: string;
}

/**
 * Splits a JSON pointer into its unescaped reference tokens. "" (the whole document) gives [].
 * Returns undefined when the pointer is not "" and does not start with "/".
 */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  // RFC 6901 section 4: first "~1" becomes "/", then "~0" becomes "~", so "~01" means "~1".
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * The array index a token names: decimal digits without a leading zero (RFC 6901 section 4).
 * Returns undefined for anything else, "-" included (the caller decides what "past the end" means).
 */
export function arrayIndex(token: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined;
}

/**
 * Reads the child a token names in an object or array.
 * Returns `{ found: false }` when the key is absent or the index is out of range.
 */
export function readChild(container: unknown, token: string): { found: boolean; value?: unknown } {
  if (Array.isArray(container)) {
    const index = arrayIndex(token);
    if (index === undefined || index >= container.length) return { found: false };
    return { found: true, value: container[index] };
  }
  if (isJsonObject(container) && Object.hasOwn(container, token)) {
    return { found: true, value: container[token] };
  }
  return { found: false };
}

/**
 * Walks every token but the last and returns the container the last one lives in, or undefined
 * when a step on the way is missing or is a string or number rather than an object or array.
 * `tokens` must not be empty: the whole document has no parent.
 */
export function findParent(doc: unknown, tokens: string[]): PointerSlot | undefined {
  let current: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    const child = readChild(current, token);
    if (!child.found) return undefined;
    current = child.value;
  }
  if (!isJsonObject(current) && !Array.isArray(current)) return undefined;
  return { parent: current, key: tokens[tokens.length - 1] };
}

/** Reads the value a whole pointer names; `{ found: false }` when any step is missing. */
export function readPointer(doc: unknown, tokens: string[]): { found: boolean; value?: unknown } {
  let current: unknown = doc;
  for (const token of tokens) {
    const child = readChild(current, token);
    if (!child.found) return child;
    current = child.value;
  }
  return { found: true, value: current };
}
