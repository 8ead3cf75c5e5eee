// Config data: the rules ConfigMaps and Secrets share
// ===================================================
// CONCEPT   A ConfigMap and a Secret are both bags of named values. A pod turns each key into an
//           environment variable or a file name, so keys must be safe for both: letters, digits,
//           '-', '_' and '.', at most 253 characters, and never "." or ".." (a file named ".." would
//           escape the volume's directory). The whole bag may hold at most 1 MiB, because it lives
//           in one etcd value and every kubelet that uses it keeps a copy.
//           Binary values travel as base64 text in JSON (Go's []byte); text that is not valid
//           base64 cannot even be decoded into the Go struct, so it is a 400, not a 422.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go (IsConfigMapKey),
//           pkg/apis/core/validation/validation.go (ValidateConfigMap, ValidateSecret and their
//           Update forms), Go's encoding/base64 (decodeQuantum, CorruptInputError)
// SHIPS     The rules for the ship's notice board: short labels, nothing that points off the board.
// EXAMPLE   isConfigMapKey("..")       => ["must not be '..'"]
//           base64Error("aGVsbG8=")    => undefined;  base64Error("not base64!") => "illegal base64 data at input byte 3"
// SKIPPED   Nothing of the rules; the messages of a malformed .dockerconfigjson are JavaScript's,
//           not Go's json package's.

import type { StatusCause } from '../../api/types.ts';
import { maxLenError, regexError } from '../../api/names.ts';
import { badRequest, cause } from '../status.ts';

/** corev1.MaxSecretSize, which ConfigMaps share: 1 MiB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const configMapKeyRegexp = new RegExp(`^${configMapKeyFmt}$`);

/** IsConfigMapKey: the problems with one key, empty when it is fine. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (Buffer.byteLength(key) > 253) errs.push(maxLenError(253));
  if (!configMapKeyRegexp.test(key)) errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** One cause per bad key of a map, on the field `data[key]` as Kubernetes names it. */
export function keyCauses(field: string, bag: Record<string, unknown> | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of Object.keys(bag ?? {})) {
    for (const m of isConfigMapKey(key)) causes.push(cause(`${field}[${key}]`, `Invalid value: "${key}": ${m}`));
  }
  return causes;
}

/** Bytes a value holds once decoded: UTF-8 length for text, decoded length for base64. */
export const textBytes = (v: unknown) => Buffer.byteLength(String(v ?? ''));
export const base64Bytes = (v: unknown) => Buffer.from(String(v ?? ''), 'base64').length;

/** field.TooLong for the whole bag, with the 1.32 wording. */
export function tooLarge(field: string): StatusCause {
  return cause(field, `Too long: may not be more than ${MAX_CONFIG_BYTES} bytes`, 'FieldValueTooLong');
}

// ## Immutability
// Once `immutable: true` is stored, the data and the flag itself are frozen. Kubelets stop
// watching immutable objects, which is the point of the feature: fewer watches at scale.
/** The causes ValidateConfigMapUpdate / ValidateSecretUpdate give for an immutable object. */
export function immutableCauses(next: Record<string, unknown>, old: Record<string, unknown>, fields: string[]): StatusCause[] {
  if (old.immutable !== true) return [];
  const frozen = (f: string) => cause(f, 'Forbidden: field is immutable when `immutable` is set', 'FieldValueForbidden');
  const causes: StatusCause[] = [];
  if (next.immutable !== true) causes.push(frozen('immutable'));
  for (const f of fields) if (!sameMap(next[f], old[f])) causes.push(frozen(f));
  return causes;
}

function sameMap(a: unknown, b: unknown): boolean {
  const x = (a ?? {}) as Record<string, unknown>;
  const y = (b ?? {}) as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.hasOwn(y, k) && x[k] === y[k]);
}

// ## Base64, as Go's decoder judges it
// Go's StdEncoding wants padding, skips \r and \n, and reports the byte offset of the first
// character it could not use. We mirror its decodeQuantum so the offset in the message is the
// one a real apiserver would print.
const ALPHABET = /[A-Za-z0-9+/]/;

/** "illegal base64 data at input byte N", or undefined when Go would decode the text. */
export function base64Error(s: string): string | undefined {
  let si = 0;
  const skipNewlines = () => { while (si < s.length && (s[si] === '\n' || s[si] === '\r')) si++; };
  const bad = (at: number) => `illegal base64 data at input byte ${at}`;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      if (si === s.length) return j === 0 ? undefined : bad(si - j);
      const c = s[si++];
      if (ALPHABET.test(c)) continue;
      if (c === '\n' || c === '\r') { j--; continue; }
      if (c !== '=' || j < 2) return bad(si - 1);
      if (j === 2) {
        skipNewlines();
        if (si === s.length) return bad(s.length);
        if (s[si] !== '=') return bad(si - 1);
        si++;
      }
      skipNewlines();
      return si < s.length ? bad(si) : undefined;
    }
  }
}

// ## Shapes Go would refuse to decode
const jsonType = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v);

/** The 400 Kubernetes gives when JSON cannot be decoded into the Go struct. */
const undecodable = (kind: string, why: string) => badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${why}`);

/**
 * Checks a `map[string]string` (or base64 `map[string][]byte`) field is an object of strings,
 * as Go's JSON decoder insists; null means absent, as in Go.
 */
export function checkStringMap(kind: string, field: string, bag: unknown, goValue = 'string'): void {
  if (bag === undefined || bag === null) return;
  const goMap = `map[string]${goValue === '[]byte' ? '[]uint8' : goValue}`;
  if (jsonType(bag) !== 'object') throw undecodable(kind, `json: cannot unmarshal ${jsonType(bag)} into Go struct field ${kind}.${field} of type ${goMap}`);
  for (const value of Object.values(bag as Record<string, unknown>)) {
    if (typeof value !== 'string' && value !== null) {
      throw undecodable(kind, `json: cannot unmarshal ${jsonType(value)} into Go struct field ${kind}.${field} of type ${goValue === '[]byte' ? '[]uint8' : goValue}`);
    }
  }
}

/**
 * Checks every value of a base64 map (Secret.data, ConfigMap.binaryData). The real apiserver
 * fails while decoding JSON into the Go struct, before any strategy runs: a 400 BadRequest.
 */
export function checkBase64Map(kind: string, field: string, bag: unknown): void {
  checkStringMap(kind, field, bag, '[]byte');
  for (const value of Object.values((bag ?? {}) as Record<string, string | null>)) {
    const problem = base64Error(value ?? '');
    if (problem) throw undecodable(kind, problem);
  }
}
