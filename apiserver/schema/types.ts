// Field types: refusing a value Go could not decode
// =================================================
// CONCEPT   The real apiserver decodes every body into a Go struct, so a value of the wrong JSON
//           type can never be stored: `"replicas": "three"` cannot go into an int32, and the
//           request fails with 400 BadRequest before any validation runs, whatever
//           fieldValidation says. We walk the body beside the typed tables (known-fields.ts) and
//           stop at the first value that does not fit, worded as Go's encoding/json words it: the
//           struct that holds the field, the field's JSON path (list indexes left out, as Go does)
//           and the Go type.
// REAL K8S  sigs.k8s.io/json internal/golang/encoding/json/decode.go (literalStore, array,
//           object, UnmarshalTypeError, addErrorContext: the decoder keeps the first error) and
//           transformDecodeError in staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go.
// SHIPS     The harbour clerk who will not write "three" in the box printed for a number.
// EXAMPLE   checkTypes('Pod', { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80.5 }] }] } })
//           => 400 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number 80.5
//               into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'
// SKIPPED   Values Go's custom decoders judge (IntOrString, Quantity, Time) fail in real Kubernetes
//           with their decoder's own words, without a field path ("json: cannot unmarshal bool into
//           Go value of type int32"); we name the field instead. A quantity's syntax ("2 cores") is
//           left to validation (422). JSON.parse keeps no literal, so 80.0 and 1e3 pass as integers.
//           Untyped (`scalar`) leaves and unnamed structs deeper than spec/status are not judged.

import { badRequest } from '../status.ts';
import { goTimeParseError } from './go-time.ts';
import { knownFieldsForKind } from './known-fields.ts';
import { goTypeOf, Leaf, MapOf, structNameOf, type Fields, type ListOf, type Shape } from './shape.ts';
import { cannotBeHandled } from './strict.ts';

/** Go's errorContext: the kind being decoded, the struct holding the field, the path to it. */
interface Where {
  kind: string;
  struct?: string;
  path: readonly string[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How Go names a JSON value in "cannot unmarshal X into ...". */
function jsonWord(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

// Go's UnmarshalTypeError.Error(). Where the tables cannot name the struct or the type (a table
// another kind wrote with untyped helpers) we say nothing and leave the value to the strategies.
function unmarshalError(word: string, goType: string | undefined, where: Where): string | undefined {
  if (goType === undefined || where.struct === undefined) return undefined;
  return `json: cannot unmarshal ${word} into Go struct field ${where.struct}.${where.path.join('.')} of type ${goType}`;
}

// ## Leaves
// @doc: schema-types-leaf
const INT_RANGE = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 63), 2 ** 63 - 1] } as const;

/** An integer Go's strconv.ParseInt accepts and the type can hold, else the "number 80.5" error. */
function checkInteger(value: number, bits: 'int32' | 'int64', goType: string, where: Where): string | undefined {
  const [min, max] = INT_RANGE[bits];
  if (Number.isInteger(value) && value >= min && (bits === 'int64' ? value < 2 ** 63 : value <= max)) return undefined;
  return unmarshalError(`number ${String(value)}`, goType, where);
}

function checkLeaf(leaf: Leaf, value: unknown, where: Where): string | undefined {
  const wrong = () => unmarshalError(jsonWord(value), leaf.goType, where);
  switch (leaf.json) {
    case 'string': return typeof value === 'string' ? undefined : wrong();
    case 'bool': return typeof value === 'boolean' ? undefined : wrong();
    case 'float64': return typeof value === 'number' ? undefined : wrong();
    case 'int32':
    case 'int64': return typeof value === 'number' ? checkInteger(value, leaf.json, leaf.goType, where) : wrong();
    case 'intOrString':
      if (typeof value === 'string') return undefined;
      return typeof value === 'number' ? checkInteger(value, 'int32', leaf.goType, where) : wrong();
    case 'quantity': return typeof value === 'string' || typeof value === 'number' ? undefined : wrong();
    case 'time':
    case 'microTime': return typeof value === 'string' ? goTimeParseError(value, leaf.json) : wrong();
    case 'object': return isPlainObject(value) ? undefined : wrong();
  }
}

// ## Lists, maps and structs
// A list's items and a map's values keep the errorContext of the field that holds them: a bad
// `command[2]` is reported at "Container.spec.containers.command", of the item's type (string).
function checkList(shape: ListOf, value: unknown, where: Where): string | undefined {
  if (!Array.isArray(value)) return unmarshalError(jsonWord(value), goTypeOf(shape), where);
  for (const item of value) {
    const error = check(shape[0], item, where);
    if (error) return error;
  }
  return undefined;
}

function checkMap(shape: MapOf, value: unknown, where: Where): string | undefined {
  if (!isPlainObject(value)) return unmarshalError(jsonWord(value), shape.goType, where);
  for (const item of Object.values(value)) {
    const error = check(shape.value, item, where);
    if (error) return error;
  }
  return undefined;
}

/** Kubernetes names a kind's structs after it: a Deployment's top level and its DeploymentSpec. */
function conventionalName(where: Where): string | undefined {
  if (where.path.length === 0) return where.kind;
  const [first] = where.path;
  if (where.path.length === 1 && (first === 'spec' || first === 'status')) return `${where.kind}${first === 'spec' ? 'Spec' : 'Status'}`;
  return undefined;
}

// Keys the struct does not have are skipped: unknown fields are strict.ts's business.
function checkStruct(shape: Fields, value: unknown, where: Where): string | undefined {
  const name = structNameOf(shape) ?? conventionalName(where);
  if (!isPlainObject(value)) return unmarshalError(jsonWord(value), name && `v1.${name}`, where);
  for (const [key, child] of Object.entries(value)) {
    if (!Object.hasOwn(shape, key)) continue;
    const error = check(shape[key], child, { kind: where.kind, struct: name, path: [...where.path, key] });
    if (error) return error;
  }
  return undefined;
}

// @doc: schema-types-walk
function check(shape: Shape, value: unknown, where: Where): string | undefined {
  // `null` decodes into any Go field as its zero value; an untyped leaf accepts anything.
  if (value === null || value === undefined || typeof shape === 'string') return undefined;
  if (shape instanceof Leaf) return checkLeaf(shape, value, where);
  if (shape instanceof MapOf) return checkMap(shape, value, where);
  if (Array.isArray(shape)) return checkList(shape as ListOf, value, where);
  return checkStruct(shape as Fields, value, where);
}

// ## The API

/**
 * The first value in `body` that a `kind` could not be decoded from, worded as Go words it, or
 * undefined when everything fits (or the kind has no table). `body` must be an object.
 * @example typeErrorOf('ReplicationController', { spec: { replicas: 'three' } })
 *   // 'json: cannot unmarshal string into Go struct field ReplicationControllerSpec.spec.replicas of type int32'
 */
export function typeErrorOf(kind: string, body: unknown): string | undefined {
  const fields = knownFieldsForKind(kind);
  return fields && typeErrorIn(fields, body, kind);
}

/** The same walk against any table, e.g. one a test writes; `kind` names the top-level struct. */
export function typeErrorIn(fields: Fields, body: unknown, kind: string): string | undefined {
  return isPlainObject(body) ? check(fields, body, { kind, path: [] }) : undefined;
}

/**
 * The decode step of a create, an update or a subresource body: throws 400 BadRequest when a
 * value has the wrong type, as kube-apiserver's transformDecodeError words it:
 *
 *   Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct
 *   field Container.spec.containers.command of type string
 */
export function checkTypes(kind: string, body: unknown): void {
  const error = typeErrorOf(kind, body);
  if (error) throw badRequest(cannotBeHandled(kind, body, error));
}
