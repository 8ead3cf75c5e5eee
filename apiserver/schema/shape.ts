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
//           Typed leaves (`str`, `int32`, `quantity`, ...) also say which JSON values decode into the
//           Go type; types.ts checks them. The older `scalar` leaf stays untyped: anything goes.
// SKIPPED   Go package paths: every struct here lives in a package named v1 (core, meta,
//           autoscaling, coordination, policy), so a struct's Go type is "v1." + its name.

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
export type Shape = typeof scalar | typeof freeMap | typeof unchecked | Leaf | MapOf | Fields | ListOf;

// ## Typed leaves
// A typed leaf knows which JSON values its Go type accepts and the name Go prints for that type
// in "cannot unmarshal string into Go struct field ... of type int32". `null` always decodes.

/** Which JSON values a leaf accepts; `object` is a struct we do not look inside (a volume source). */
export type LeafJson = 'string' | 'bool' | 'int32' | 'int64' | 'float64' | 'intOrString' | 'quantity' | 'time' | 'microTime' | 'object';

/** One typed leaf: its JSON rule and the Go type name (reflect's Type.String()). */
export class Leaf {
  constructor(readonly json: LeafJson, readonly goType: string) {}
}

/** Go `string`. */
export const str = new Leaf('string', 'string');
/** Go `bool`. */
export const bool = new Leaf('bool', 'bool');
/** Go `int32`: a JSON number with no fraction, from -2147483648 to 2147483647. */
export const int32 = new Leaf('int32', 'int32');
/** Go `int64`: a JSON number with no fraction. */
export const int64 = new Leaf('int64', 'int64');
/** Go `float64`: any JSON number. */
export const float64 = new Leaf('float64', 'float64');
/** util/intstr.IntOrString: an int32 or a string (`targetPort: 8545` or `targetPort: rpc`). */
export const intOrString = new Leaf('intOrString', 'intstr.IntOrString');
/** api/resource.Quantity: a string ("500m") or a number (0.5); its syntax is validation's business. */
export const quantity = new Leaf('quantity', 'resource.Quantity');
/** metav1.Time: an RFC 3339 string, "2024-05-01T10:00:00Z". */
export const time = new Leaf('time', 'v1.Time');
/** metav1.MicroTime: RFC 3339 with exactly six fraction digits, "2024-05-01T10:00:00.000000Z". */
export const microTime = new Leaf('microTime', 'v1.MicroTime');
/** Go `[]string`. */
export const strings: ListOf = [str];

/**
 * A Go named string type, such as `type Protocol string`: it decodes exactly like a string but
 * Go prints its own name. @example named('v1.Protocol')
 */
export function named(goType: string): Leaf {
  return new Leaf('string', goType);
}

/** A struct we check is an object but do not look inside, e.g. opaque('v1.EmptyDirVolumeSource'). */
export function opaque(goType: string): Leaf {
  return new Leaf('object', goType);
}

// ## Typed maps
/** A Go map with string keys whose values all have one shape, e.g. `map[string]string`. */
export class MapOf {
  constructor(readonly value: Shape, readonly goType: string) {}
}

/** Go `map[string]string`: labels, annotations, nodeSelector, an RC's or Service's selector. */
export const stringMap = new MapOf(str, 'map[string]string');
/** core/v1 ResourceList, `map[ResourceName]resource.Quantity`: requests, limits, capacity. */
export const resourceList = new MapOf(quantity, 'v1.ResourceList');

// ## Struct names
// Go names the struct that holds the bad field ("Go struct field ContainerPort.spec..."), so a
// struct's table may carry its Go name. It is kept under a symbol that is not enumerable, so
// Object.entries and a spread (`{ ...container, extra }`) never copy it by accident.
const goStructName = Symbol('go struct name');

/** Names a struct table after its Go type and returns it: struct('ContainerPort', { ... }). */
export function struct<T extends Fields>(goName: string, fields: T): T {
  Object.defineProperty(fields, goStructName, { value: goName, enumerable: false });
  return fields;
}

/** The Go name given with struct(), or undefined for a table nobody named. */
export function structNameOf(fields: Fields): string | undefined {
  return (fields as { [goStructName]?: string })[goStructName];
}

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
  return typeof shape === 'object' && !Array.isArray(shape) && !(shape instanceof Leaf) && !(shape instanceof MapOf);
}

/**
 * The Go type name of a shape, as Go prints it: "int32", "[]v1.Container", "map[string]string",
 * "v1.PodSpec". Undefined where a table does not say (untyped leaves, unnamed structs).
 */
export function goTypeOf(shape: Shape): string | undefined {
  if (shape instanceof Leaf || shape instanceof MapOf) return shape.goType;
  if (Array.isArray(shape)) {
    const item = goTypeOf(shape[0]);
    return item === undefined ? undefined : `[]${item}`;
  }
  if (isFields(shape)) {
    const name = structNameOf(shape);
    return name === undefined ? undefined : `v1.${name}`;
  }
  return undefined;
}
