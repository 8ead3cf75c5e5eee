// Field shapes: a Go struct's JSON field names, written down as data
// ===================================================================
// CONCEPT   The apiserver knows which fields a Pod may carry because a Pod is a Go struct: every
//           field with a `json:"name"` tag is known, every other key is unknown. TypeScript has no
//           such struct at runtime, so we write the same facts down as a small tree of shapes.
// REAL K8S  The `json:"..."` struct tags in staging/src/k8s.io/api/core/v1/types.go (v1.32), read by
//           reflection in sigs.k8s.io/json (the strict decoder) and runtime/converter.go.
// SHIPS     The blank form a manifest must be written on: every box has a printed label.
// EXAMPLE   { name: scalar, ports: listOf({ containerPort: scalar }), labels: freeMap }
//           is the shape of { name: "besu", ports: [{ containerPort: 8545 }], labels: { a: "b" } }
// SKIPPED   Types: we record which keys exist, not whether a value is a string or a number
//           (a wrong type is a different decode error, "cannot unmarshal ... into Go struct field").

/**
 * A leaf: a string, number, bool, timestamp, quantity, int-or-string, or a list of those.
 * Nothing inside it has field names, so there is nothing for the strict check to look at.
 */
export const scalar = 'scalar';

/**
 * A free-form map: Go `map[string]string` or a ResourceList. Any key is fine; labels,
 * annotations, nodeSelector, resources.requests, an RC's selector, a ConfigMap's data.
 */
export const freeMap = 'map';

/**
 * A subtree we do not check: the Go field is `runtime.RawExtension`, `FieldsV1` or
 * `map[string]interface{}` (so Kubernetes does not check it either), or its detail is not
 * worth writing down here (the inside of each volume source). Anything goes below it.
 */
export const unchecked = 'any';

/** The fields of one Go struct: JSON name => the shape of its value. Embedded structs are spread in. */
export type Fields = { readonly [jsonName: string]: Shape };

/** A list of structs (`[]Container`): the one element is the shape of every item. */
export type ListOf = readonly [Shape];

/** The shape of one JSON value, as the Go type it decodes into sees it. */
export type Shape = typeof scalar | typeof freeMap | typeof unchecked | Fields | ListOf;

/** A Go slice of structs, e.g. `listOf(container)` for `[]Container`. */
export function listOf(item: Shape): ListOf {
  return [item];
}

/** A struct whose fields are all leaves, e.g. `scalars('key', 'operator', 'values')`. */
export function scalars(...names: string[]): Fields {
  return Object.fromEntries(names.map((n) => [n, scalar]));
}

/**
 * A struct whose field names we check but whose values we do not: a typo in the name is
 * caught (`emptydir`), anything below a known name is accepted.
 */
export function namesOnly(...names: string[]): Fields {
  return Object.fromEntries(names.map((n) => [n, unchecked]));
}

/** True for a struct shape (a plain object), false for a leaf, map, unchecked or list. */
export function isFields(shape: Shape): shape is Fields {
  return typeof shape === 'object' && !Array.isArray(shape);
}
