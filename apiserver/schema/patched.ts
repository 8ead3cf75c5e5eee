// Decoding a patched object: why a PATCH words its decode errors differently
// ==========================================================================
// CONCEPT   A PATCH body is not an object but a change. The apiserver applies it to the stored
//           object, then decodes the result into the Go struct, and only that decode can find a
//           value of the wrong type or, under `?fieldValidation=Strict`, an unknown field. Such a
//           failure is not "your body cannot be handled" (400) but "your patch made something
//           invalid": 422 Invalid on the field `patch`, quoting what Go had in hand, which is the
//           patched object's JSON for a JSON or merge patch, and the patch itself, printed as a Go
//           map, for a strategic merge patch. kubectl prints it as
//             The request is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (v1.32):
//           jsonPatcher.applyPatchToCurrentObject and applyPatchToObject, both
//           errors.NewInvalid(schema.GroupKind{}, "", field.Invalid(field.NewPath("patch"), ...)).
// SHIPS     The clerk who applies your amendment to the filed manifest, then reads the result back.
// EXAMPLE   merge patch {"spec":{"replicas":"3"}} on an RC  =>  422 Invalid, message
//             ' "" is invalid: patch: Invalid value: "{\"apiVersion\":\"v1\",...}": json: cannot
//               unmarshal string into Go struct field ReplicationControllerSpec.spec.replicas of type int32'
// SKIPPED   Strict errors in the patch body itself (a duplicate key; `json patch unknown field` in
//           an operation). Go's JSON for a merge patch has its own key order; ours is the stored
//           order. For a strategic merge patch real Kubernetes reports a type error through the
//           unstructured converter ("cannot restore slice from string"); we keep the decoder's
//           clearer words, which name the field.

import type { PatchType } from '../patch/apply-patch.ts';
import { failure, type StatusError } from '../status.ts';
import { goQuote, strictDecodingErrors, strictDecodingMessage } from './strict.ts';
import { typeErrorOf } from './types.ts';

export interface PatchDecode {
  type: PatchType;
  /** The decoded PATCH body, as the client sent it. */
  patch: unknown;
  /** True under `?fieldValidation=Strict`. */
  strict: boolean;
}

/**
 * Decodes `patched` (the stored object with the patch applied) as `kind`. Throws the 422 of
 * patch.go for a value of the wrong type and, when `how.strict`, for unknown fields.
 */
export function checkPatchedObject(kind: string, patched: unknown, how: PatchDecode): void {
  // As in Go, a type error wins over strict errors: the decode failed before they counted.
  const typeError = typeErrorOf(kind, patched);
  if (typeError) throw patchInvalid(patchValue(how, patched), typeError);
  if (!how.strict) return;
  const unknown = strictDecodingErrors(kind, patched);
  if (unknown.length) throw patchInvalid(patchValue(how, patched), strictDecodingMessage(unknown));
}

// field.Invalid(...).Error() with a string value: `patch: Invalid value: "<%q of value>": detail`,
// inside NewInvalid's `%s %q is invalid: %v` with an empty kind and name, hence the odd start.
function patchInvalid(value: string, detail: string): StatusError {
  const body = `Invalid value: ${goQuote(value)}: ${detail}`;
  return failure(422, 'Invalid', ` "" is invalid: patch: ${body}`, {
    causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }],
  });
}

function patchValue(how: PatchDecode, patched: unknown): string {
  return how.type === 'strategic' ? goPrint(how.patch) : JSON.stringify(patched);
}

// ## fmt.Sprintf("%+v", patchMap)
// Go prints a map[string]interface{} as map[key:value ...] with the keys sorted, a list as
// [a b], nil as <nil>, and a float64 with %g (exponent from 1e+06 up, as Go writes it).
/** A decoded JSON value as Go's fmt prints it with %v. @example goPrint({ b: [1, 'x'], a: null }) // 'map[a:<nil> b:[1 x]]' */
export function goPrint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goPrint((value as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  if (typeof value === 'number') return goNumber(value);
  return String(value);
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp >= -4 && exp < 6) return String(n);
  return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}
