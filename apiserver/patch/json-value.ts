// JSON values: the three helpers every patch type needs
// =====================================================
// CONCEPT   A patch works on plain decoded JSON (objects, arrays, strings, numbers, booleans,
//           null), never on typed objects. Every patch type needs to tell a JSON object from an
//           array, copy a document before changing it, and compare two values by content.
// REAL K8S  The apiserver patches the JSON encoding of the stored object, then decodes the result:
//           staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (v1.32), `applyPatch`.
// SHIPS     The blank forms every amendment is written on.
// EXAMPLE   isJsonObject({}) => true, isJsonObject([]) => false, deepEqualJson([1], [1]) => true
// SKIPPED   number precision: JavaScript numbers are float64, like Go's interface{} decoding.

/** A decoded JSON object (what Go decodes as map[string]interface{}). */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of a JSON value, so a patch can change the copy freely.
 * We promise callers we never mutate their inputs; copying first is the simplest way to keep it.
 */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** Structural equality of two JSON values: same type, same keys, same elements in the same order. */
export function deepEqualJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqualJson(item, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && deepEqualJson(a[key], b[key]));
}
