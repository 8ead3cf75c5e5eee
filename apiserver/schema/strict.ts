// Strict field validation: refusing fields the type does not have
// ===============================================================
// CONCEPT   A typo in a manifest (`imagee: nginx`) used to vanish silently: the apiserver decoded
//           the JSON into a Go struct, and a key with no struct field was dropped. Since v1.27
//           (GA) a client can ask for `?fieldValidation=Strict`, and kubectl does by default for
//           create, apply and replace. The apiserver then lists every unknown field, with its path,
//           and refuses the request with 400 BadRequest.
// REAL K8S  The strict decoder sigs.k8s.io/json (internal/golang/encoding/json/kubernetes_patch.go:
//           newFieldError, saveStrictError), runtime.NewStrictDecodingError in
//           apimachinery/pkg/runtime/error.go, and transformDecodeError in
//           apiserver/pkg/endpoints/handlers/rest.go, which create.go and update.go call.
// SHIPS     The harbour clerk who hands back a form with every box that is not on it circled.
// EXAMPLE   checkStrictFields("Pod", { spec: { foo: 1, containers: [{ imagee: "x" }] } })
//           => 400 'Pod in version "v1" cannot be handled as a Pod: strict decoding error:
//               unknown field "spec.foo", unknown field "spec.containers[0].imagee"'
// SKIPPED   Duplicate fields (`duplicate field "spec.replicas"`): JSON.parse keeps the last of two
//           equal keys and forgets the first, so by the time we see the body the evidence is gone.
//           Kinds without a table in known-fields.ts are not checked at all.

import { badRequest } from '../status.ts';
import { knownFieldsForKind } from './known-fields.ts';
import { isFields, type Shape } from './shape.ts';

/**
 * The decoder stops collecting after this many strict errors, so a body of garbage does not
 * produce a megabyte of error message. (saveStrictError: `len(d.savedStrictErrors) >= 100`.)
 */
export const MAX_STRICT_ERRORS = 100;

// ## The walk
// We walk the body and the known-field tree side by side, in the body's key order (JSON.parse
// keeps document order, and the Go decoder reports in document order too). A key the tree does
// not have is reported and not descended into: its whole value is unknown, so one error covers it.
// A value whose JSON type does not fit the shape (an object where a list belongs) is left
// alone: Go reports that as a different, non-strict error, which is not this check's business.
// @doc: schema-strict-walk
function walk(shape: Shape, value: unknown, path: string, errors: string[]): void {
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => walk(shape[0], item, `${path}[${i}]`, errors));
    return;
  }
  if (!isFields(shape) || !isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    // Paths join keys with "." and list items with "[i]": spec.containers[0].imagee.
    const at = path === '' ? key : `${path}.${key}`;
    if (Object.hasOwn(shape, key)) walk(shape[key], child, at, errors);
    else record(errors, `unknown field ${goQuote(at)}`);
  }
}

/** Adds one error unless it is already there or the list is full (dedupe and cap, as Go does). */
function record(errors: string[], message: string): void {
  if (errors.length < MAX_STRICT_ERRORS && !errors.includes(message)) errors.push(message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Go prints the path with strconv.Quote. For ordinary field names that is just "name"; we also
// escape what Go escapes in ASCII (quotes, backslashes, control characters) so odd keys match.
const goEscapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** Go's strconv.Quote for ASCII text: `spec.foo` => `"spec.foo"`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (goEscapes[ch]) out += goEscapes[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// ## The API

/**
 * Every unknown field in `body` for `kind`, each as the decoder words it:
 * `unknown field "spec.containers[0].imagee"`. Empty when the body is clean or the kind has
 * no known-field table. At most MAX_STRICT_ERRORS entries.
 * @example strictDecodingErrors('Service', { spec: { typo: 1 } })  // ['unknown field "spec.typo"']
 */
export function strictDecodingErrors(kind: string, body: unknown): string[] {
  const fields = knownFieldsForKind(kind);
  if (!fields) return [];
  const errors: string[] = [];
  walk(fields, body, '', errors);
  return errors;
}

/**
 * The text of runtime.NewStrictDecodingError: the errors after one prefix, comma-separated.
 * @example strictDecodingMessage(['unknown field "spec.foo"'])  // 'strict decoding error: unknown field "spec.foo"'
 */
export function strictDecodingMessage(errors: readonly string[]): string {
  return `strict decoding error: ${errors.join(', ')}`;
}

/**
 * The server side of `?fieldValidation=Strict` for a create (POST) or update (PUT) body.
 * Returns quietly when every field is known (or the kind has no table); otherwise throws a
 * 400 BadRequest StatusError worded exactly as kube-apiserver's transformDecodeError words it:
 *
 *   Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"
 *
 * which kubectl prints after `Error from server (BadRequest): error when creating "pod.yaml": `.
 * The version is the one the body names in apiVersion (`policy/v1` => "v1"), else "v1".
 */
export function checkStrictFields(kind: string, body: unknown): void {
  const errors = strictDecodingErrors(kind, body);
  if (errors.length === 0) return;
  throw badRequest(cannotBeHandled(kind, body, strictDecodingMessage(errors)));
}

/**
 * transformDecodeError's wording for a body that did not decode, strict or type error alike.
 * @example cannotBeHandled('Pod', body, 'strict decoding error: ...')
 *   // 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: ...'
 */
export function cannotBeHandled(kind: string, body: unknown, detail: string): string {
  return `${kind} in version ${goQuote(versionOf(body))} cannot be handled as a ${kind}: ${detail}`;
}

function versionOf(body: unknown): string {
  const apiVersion = isPlainObject(body) ? body.apiVersion : undefined;
  if (typeof apiVersion !== 'string' || apiVersion === '') return 'v1';
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

// REAL WORLD
// - Duplicate keys: the real decoder also reports `duplicate field "metadata.name"`. To do that
//   we would need the raw bytes and a JSON tokenizer instead of JSON.parse; a YAML body reaches
//   the apiserver with its duplicates already turned into an error by YAMLToJSONStrict.
// - PATCH words it differently: strict errors in a JSON, merge or strategic merge patch come back
//   as 422 Invalid, `patch: Invalid value: "...": strict decoding error: ...` (patched.ts builds
//   that), and server-side apply as 400 `error strict decoding YAML: ...`.
// - DELETE bodies (DeleteOptions) are decoded leniently: DELETE has no fieldValidation parameter.
//   The DeleteOptions table exists for the `deleteOptions` inside an Eviction.
// - `?fieldValidation=Warn` (the server default) keeps the request and sends each error back as
//   a `Warning: unknown field "spec.foo"` header instead; Ignore drops them silently.
