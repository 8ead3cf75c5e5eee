// JSON patch: a list of edit operations
// =====================================
// CONCEPT   Instead of a partial object, the client sends the edits themselves, applied in order:
//           add, remove, replace, move, copy, and test (a guard: stop unless this value is here).
//           Because `test` fails the whole patch, a client can do compare-and-swap on one field.
// REAL K8S  RFC 6902, applied by gopkg.in/evanphx/json-patch.v4 (patch.go) from
//           staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (v1.32).
//           Content-Type `application/json-patch+json`; `kubectl patch --type=json` sends one.
// SHIPS     A list of numbered corrections to a manifest, applied top to bottom, all or none.
// EXAMPLE   {spec:{replicas:1}} + [{op:"test",path:"/spec/replicas",value:1},
//                                  {op:"replace",path:"/spec/replicas",value:3}]  =>  {spec:{replicas:3}}
// SKIPPED   negative array indices and the copy-size limit (evanphx options Kubernetes leaves off
//           or sets high); see REAL WORLD for where we are stricter than evanphx v4.

import { PatchError } from './errors.ts';
import { arrayIndex, findParent, parsePointer, readPointer } from './json-pointer.ts';
import { cloneJson, deepEqualJson, isJsonObject, type JsonObject } from './json-value.ts';

/** One RFC 6902 operation as the client sent it; we check its fields when we apply it. */
type Operation = JsonObject;

/**
 * Applies an RFC 6902 JSON patch (`application/json-patch+json`): the operations run in order on a
 * copy of `original`, and the first one that fails fails the whole patch (nothing is half-applied).
 *
 * Throws PatchError 400 "the patch must be a JSON array of operations" when `ops` is not an array
 * of objects (the body does not decode, as Kubernetes' DecodePatch rejects it), and PatchError 422
 * with evanphx/json-patch's wording when an operation does not apply, e.g.
 * "replace operation does not apply: doc is missing key: /spec/foo: missing value" or
 * "testing value /metadata/name failed: test failed".
 *
 * Never mutates `original` or `ops`.
 */
export function applyJsonPatch(original: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops) || !ops.every(isJsonObject)) {
    throw new PatchError('the patch must be a JSON array of operations', 400);
  }
  let doc = cloneJson(original);
  // @doc: json-patch-loop
  for (const op of ops) doc = applyOperation(doc, op);
  return doc;
}

// ## One operation
// Each operation returns the new document, because `add` or `replace` at "" swaps the root.
function applyOperation(doc: unknown, op: Operation): unknown {
  const kind = op.op;
  switch (kind) {
    case 'add':
      return addValue(doc, pointerOf(op, 'path', kind), valueOf(op, kind), op.path as string, 'add');
    case 'remove':
      return removeValue(doc, pointerOf(op, 'path', kind), op.path as string);
    case 'replace':
      return replaceValue(doc, pointerOf(op, 'path', kind), valueOf(op, kind), op.path as string);
    case 'move':
      return moveValue(doc, op);
    case 'copy':
      return copyValue(doc, op);
    case 'test':
      return testValue(doc, pointerOf(op, 'path', kind), valueOf(op, kind), op.path as string);
    default:
      // evanphx's words for an op it does not know, "bogus" or a missing one alike.
      throw new PatchError(`Unexpected kind: ${String(kind ?? 'unknown')}`);
  }
}

function pointerOf(op: Operation, field: 'path' | 'from', kind: string): string[] {
  const pointer = op[field];
  const tokens = typeof pointer === 'string' ? parsePointer(pointer) : undefined;
  if (tokens === undefined) throw new PatchError(`${kind} operation failed to decode ${field}: missing value`);
  return tokens;
}

function valueOf(op: Operation, kind: string): unknown {
  // RFC 6902 section 4: add, replace and test MUST carry a value (null is a value).
  if (!Object.hasOwn(op, 'value')) throw new PatchError(`${kind} operation, missing value field: missing value`);
  return op.value;
}

// ## add: create a key, insert into an array, or replace the whole document
// `verb` lets move and copy reuse add while still naming themselves in the error.
function addValue(doc: unknown, tokens: string[], value: unknown, path: string, verb: string): unknown {
  // We copy the value in, so later operations on the document never reach back into `ops`.
  const fresh = cloneJson(value);
  if (tokens.length === 0) return fresh;
  const slot = findParent(doc, tokens);
  if (!slot) {
    throw new PatchError(
      verb === 'add'
        ? `add operation does not apply: doc is missing path: "${path}": missing value`
        : `${verb} operation does not apply: doc is missing destination path: ${path}: missing value`,
    );
  }
  if (!Array.isArray(slot.parent)) {
    slot.parent[slot.key] = fresh;
    return doc;
  }
  // In an array, "-" appends and an index from 0 to length inserts before that element.
  const index = slot.key === '-' ? slot.parent.length : arrayIndex(slot.key);
  if (index === undefined || index > slot.parent.length) {
    throw new PatchError(
      `error in ${verb} for path: '${path}': Unable to access invalid index: ${slot.key}: invalid index referenced`,
    );
  }
  slot.parent.splice(index, 0, fresh);
  return doc;
}

// ## remove: the key or element must exist
function removeValue(doc: unknown, tokens: string[], path: string): unknown {
  const slot = tokens.length === 0 ? undefined : findParent(doc, tokens);
  if (!slot) throw new PatchError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  if (!Array.isArray(slot.parent)) {
    if (!Object.hasOwn(slot.parent, slot.key)) {
      throw new PatchError(
        `error in remove for path: '${path}': Unable to remove nonexistent key: ${slot.key}: missing value`,
      );
    }
    delete slot.parent[slot.key];
    return doc;
  }
  const index = arrayIndex(slot.key);
  if (index === undefined || index >= slot.parent.length) {
    throw new PatchError(
      `error in remove for path: '${path}': Unable to access invalid index: ${slot.key}: invalid index referenced`,
    );
  }
  slot.parent.splice(index, 1);
  return doc;
}

// ## replace: like remove then add, but the target must already exist
function replaceValue(doc: unknown, tokens: string[], value: unknown, path: string): unknown {
  if (tokens.length === 0) return cloneJson(value);
  const slot = findParent(doc, tokens);
  if (!slot) throw new PatchError(`replace operation does not apply: doc is missing path: ${path}: missing value`);
  const missingKey = `replace operation does not apply: doc is missing key: ${path}: missing value`;
  if (!Array.isArray(slot.parent)) {
    if (!Object.hasOwn(slot.parent, slot.key)) throw new PatchError(missingKey);
    slot.parent[slot.key] = cloneJson(value);
    return doc;
  }
  const index = arrayIndex(slot.key);
  if (index === undefined || index >= slot.parent.length) throw new PatchError(missingKey);
  slot.parent[index] = cloneJson(value);
  return doc;
}

// ## move: remove at `from`, add at `path`
function moveValue(doc: unknown, op: Operation): unknown {
  const from = pointerOf(op, 'from', 'move');
  const to = pointerOf(op, 'path', 'move');
  const fromText = op.from as string;
  const pathText = op.path as string;
  if (fromText === pathText) return doc;
  // RFC 6902 section 4.4: a value cannot move into its own child.
  if (pathText.startsWith(`${fromText}/`)) {
    throw new PatchError(`move operation does not apply: from path ${fromText} is a prefix of path ${pathText}`);
  }
  const source = readPointer(doc, from);
  if (from.length === 0 || !source.found) {
    throw new PatchError(`move operation does not apply: doc is missing from path: ${fromText}: missing value`);
  }
  const removed = removeValue(doc, from, fromText);
  return addValue(removed, to, source.value, pathText, 'move');
}

// ## copy: add a deep copy of the value at `from`
function copyValue(doc: unknown, op: Operation): unknown {
  const from = pointerOf(op, 'from', 'copy');
  const to = pointerOf(op, 'path', 'copy');
  const source = readPointer(doc, from);
  if (!source.found) {
    throw new PatchError(`copy operation does not apply: doc is missing from path: ${String(op.from)}: missing value`);
  }
  return addValue(doc, to, source.value, op.path as string, 'copy');
}

// ## test: the value at `path` must equal `value`, by content
function testValue(doc: unknown, tokens: string[], value: unknown, path: string): unknown {
  if (tokens.length > 0 && !findParent(doc, tokens)) {
    throw new PatchError(`test operation does not apply: is missing path: ${path}: missing value`);
  }
  const actual = readPointer(doc, tokens);
  if (!actual.found || !deepEqualJson(actual.value, value)) {
    throw new PatchError(`testing value ${path} failed: test failed`);
  }
  return doc;
}

// REAL WORLD
// Kubernetes 1.32 vendors evanphx/json-patch v4.12, which is laxer than RFC 6902 in two places we
// do not copy: `replace` of a missing object key quietly adds it, and `test` of a missing key with
// value null passes. We follow the RFC, so a student's `replace` typo fails loudly with v4's own
// "doc is missing key" message. Like the real handler, a body that does not decode as a list of
// operations is a 400 and an operation that does not apply is a 422 (PatchError.code).
