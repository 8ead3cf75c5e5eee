// Null as Go reads it: the zero value
// ===================================
// CONCEPT   JSON `null` is not a type error: Go's decoder leaves the field at its zero value (a
//           nil map or slice, an empty string, 0, an empty struct), and the encoder then writes
//           what that zero value looks like: nothing at all for the many `omitempty` fields.
//           So `"labels": null` stores no labels, and `"annotations": {"a": null}` stores "a": "".
//           We do the same on the way in, so no strategy or component ever meets a stray null
//           where the Go type allows none.
// REAL K8S  sigs.k8s.io/json internal/golang/encoding/json/decode.go (literalStore: "ignore null
//           for primitives/string"; SetZero for maps, slices and pointers), and the omitempty tags
//           in staging/src/k8s.io/api/core/v1/types.go.
// SHIPS     A blank box on the form is read as "nothing", not as the word "null".
// EXAMPLE   zeroNulls('Pod', { metadata: { labels: null, annotations: { a: null } } })
//           => { metadata: { annotations: { a: "" } } }
// SKIPPED   Times keep their null: a zero metav1.Time encodes as null (`lastProbeTime: null`).
//           Untyped (`scalar`) leaves are left as they are. Non-omitempty fields are dropped
//           rather than written as their zero value; to every reader here that is the same.

import { knownFieldsForKind } from './known-fields.ts';
import { isFields, Leaf, MapOf, type Fields, type Shape } from './shape.ts';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's zero value of a list item or map value, as its JSON encoder writes it; undefined to keep null. */
function zeroOf(shape: Shape): unknown {
  if (shape instanceof Leaf) {
    switch (shape.json) {
      case 'string': return '';
      case 'bool': return false;
      case 'quantity': return '0';
      case 'time':
      case 'microTime': return undefined;
      case 'object': return {};
      default: return 0;
    }
  }
  return isFields(shape) ? {} : undefined;
}

// A typed field that is null is dropped; a null inside a typed list or map becomes the zero value.
function fill(shape: Shape, value: unknown): void {
  if (Array.isArray(shape) && Array.isArray(value)) {
    value.forEach((item, i) => {
      const zero = item === null ? zeroOf(shape[0]) : undefined;
      if (zero !== undefined) value[i] = zero;
      else fill(shape[0], item);
    });
  } else if (shape instanceof MapOf && isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const zero = item === null ? zeroOf(shape.value) : undefined;
      if (zero !== undefined) value[key] = zero;
      else fill(shape.value, item);
    }
  } else if (isFields(shape) && isPlainObject(value)) {
    fillStruct(shape, value);
  }
}

function fillStruct(shape: Fields, value: Record<string, unknown>): void {
  for (const [key, child] of Object.entries(value)) {
    if (!Object.hasOwn(shape, key)) continue;
    const field = shape[key];
    const typed = typeof field !== 'string' && !(field instanceof Leaf && (field.json === 'time' || field.json === 'microTime'));
    if (child === null && typed) delete value[key];
    else fill(field, child);
  }
}

/**
 * Replaces the nulls of a decoded body (already type-checked) with what Go would have stored,
 * in place: typed fields that are null are removed, nulls inside typed lists and maps become the
 * item type's zero value. Kinds without a table are left alone.
 */
export function zeroNulls(kind: string, body: unknown): void {
  const fields = knownFieldsForKind(kind);
  if (fields && isPlainObject(body)) fillStruct(fields, body);
}
