// Strategic merge patch, part 2: merging lists
// ============================================
// CONCEPT   A list with strategy "merge" is treated as a set keyed by its merge key: patch
//           elements merge into the element with the same key, new keys are added, elements the
//           patch does not mention stay. Lists of strings (finalizers) take the union. Then the
//           order is settled: `$setElementOrder/<field>` wins, else the patch's order, else the live order.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (v1.32): mergeSlice,
//           mergeSliceWithSpecialElements, normalizeElementOrder, mergeSortedSlice, mergePatchIntoOriginal.
//           Ordering design: kubernetes/community design-proposals preserve-order-in-strategic-merge-patch.md
// SHIPS     The cargo list is filed by container name, so an amendment can touch one line.
// EXAMPLE   live [{name:a},{name:b,image:old}] + patch [{name:b,image:new}]
//             => [{name:a},{name:b,image:new}]
// SKIPPED   `$patch: merge` inside a list is an error in Go ("merging lists cannot yet be
//           specified"); we accept it as the explicit default.

import { PatchError } from './errors.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import type { FieldPatchMeta, StructPatchMeta } from './patch-meta.ts';

/** The `$setElementOrder/<field>` key prefix kubectl apply sends beside a merging list. */
export const SET_ELEMENT_ORDER = '$setElementOrder/';

/** Merges one patch map into one live map; strategic-merge-patch.ts passes its mergeMap in. */
export type MergeMapFn = (original: JsonObject, patch: JsonObject, fields: StructPatchMeta) => JsonObject;

/**
 * Merges a patch list into a live list whose field has strategy "merge" (Go: mergeSlice).
 * Lists of scalars take the union; lists of objects merge by `meta.patchMergeKey`, honouring
 * `{"$patch":"delete", <key>: v}` (drop that element) and `{"$patch":"replace"}` (the patch's
 * elements become the list). Both arguments may be changed; callers pass copies.
 */
export function mergeList(original: unknown[], patch: unknown[], meta: FieldPatchMeta, mergeMap: MergeMapFn): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  if (elementKind([...original, ...patch]) !== 'object') {
    const union = [...original, ...patch].filter((value, i, all) => all.indexOf(value) === i);
    return enforceOrder(union, patch, original, undefined);
  }
  const key = meta.patchMergeKey;
  if (!key) throw new PatchError('cannot merge lists without merge key for type map');
  // @doc: smp-merge-by-key
  const { base, rest } = applyListDirectives(original as JsonObject[], patch as JsonObject[], key);
  const fields = meta.fields ?? {};
  const merged = [...base];
  for (const element of rest) {
    requireMergeKey(element, key);
    const at = merged.findIndex((item) => item[key] === element[key]);
    // An element we already have merges field by field; a new one is added (its nulls dropped).
    if (at >= 0) merged[at] = mergeMap(merged[at], element, fields);
    else merged.push(mergeMap({}, element, fields));
  }
  return enforceOrder(merged, rest, base, key);
}

// ## Special elements: `$patch` inside a list speaks for the list
// Go: mergeSliceWithSpecialElements. A delete element names its victim by merge key; a replace
// element says "forget the live list, the other patch elements are the whole list".
function applyListDirectives(original: JsonObject[], patch: JsonObject[], key: string) {
  let base = original;
  let replace = false;
  const rest: JsonObject[] = [];
  for (const element of patch) {
    if (!Object.hasOwn(element, '$patch')) {
      rest.push(element);
      continue;
    }
    const { $patch: directive, ...others } = element;
    if (directive === 'delete') {
      requireMergeKey(element, key);
      base = base.filter((item) => item[key] !== element[key]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      if (Object.keys(others).length > 0) rest.push(others);
    } else {
      throw new PatchError(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(element)}`);
    }
  }
  return replace ? { base: [] as JsonObject[], rest } : { base, rest };
}

/**
 * Applies every `$setElementOrder/<field>` directive of one patch map (Go: mergePatchIntoOriginal):
 * merges the field's patch list into the live list, then orders the result as the directive says,
 * keeping live-only elements near their old neighbours. Removes the directive and the list it
 * handled from `patch`, so the caller's field loop does not merge that list a second time.
 */
export function applySetElementOrder(original: JsonObject, patch: JsonObject, fields: StructPatchMeta, mergeMap: MergeMapFn): void {
  for (const directive of Object.keys(patch)) {
    if (!directive.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directive];
    const field = directive.slice(SET_ELEMENT_ORDER.length);
    delete patch[directive];
    if (!Array.isArray(order) || field === '') throw new PatchError('invalid patch format of setElementOrder list', 400);
    const meta = fields[field] ?? {};
    // kubectl only sends the directive for merging lists; for any other field the order is the
    // patch's own, so we leave that field to the ordinary loop.
    if (meta.patchStrategy !== 'merge') continue;
    const live = Array.isArray(original[field]) ? (original[field] as unknown[]) : undefined;
    const patchList = Array.isArray(patch[field]) ? (patch[field] as unknown[]) : undefined;
    if (!live && !patchList) continue;
    const key = meta.patchMergeKey;
    if (patchList) validateAgainstOrder(patchList, order, key);
    const merged = patchList ? mergeList(live ?? [], patchList, meta, mergeMap) : live!;
    const listed = merged.filter((item) => indexIn(order, item, key) >= 0);
    const liveOnly = merged.filter((item) => indexIn(order, item, key) < 0);
    original[field] = mergeSorted(sortBy(liveOnly, live ?? [], key), sortBy(listed, order, key), live ?? [], key);
    if (patchList) delete patch[field];
  }
}

// The patch list must be in the same relative order as the directive, and contain nothing the
// directive leaves out (Go: validatePatchWithSetOrderList); delete elements are exempt.
function validateAgainstOrder(patchList: unknown[], order: unknown[], key: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const toCheck = key ? patchList.filter((item) => !(isJsonObject(item) && item.$patch === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < toCheck.length && o < order.length) {
    const item = toCheck[p];
    if (isJsonObject(item) && Object.hasOwn(item, '$patch')) {
      p++;
      continue;
    }
    if (sameElement(item, order[o], key, true)) p++;
    o++;
  }
  if (p < toCheck.length) {
    throw new PatchError(
      `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`,
    );
  }
}

// ## Ordering (Go: normalizeElementOrder + mergeSortedSlice)
// Elements the patch mentions follow the patch's order; the others keep the live order; the two
// runs are then interleaved by live position. An element new to the list has no live position,
// so it goes before the live-only element it is compared with: without $setElementOrder, additions
// come first. kubectl apply always sends $setElementOrder, so users rarely see that.
function enforceOrder(merged: unknown[], patch: unknown[], live: unknown[], key: string | undefined): unknown[] {
  const fromPatch = merged.filter((item) => indexIn(patch, item, key) >= 0);
  const liveOnly = merged.filter((item) => indexIn(patch, item, key) < 0);
  return mergeSorted(sortBy(liveOnly, live, key), sortBy(fromPatch, patch, key), live, key);
}

function mergeSorted(left: unknown[], right: unknown[], live: unknown[], key: string | undefined): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const l = indexIn(live, left[i], key);
      const r = indexIn(live, right[j], key);
      out.push(l >= 0 && r >= 0 && l < r ? left[i++] : right[j++]);
    }
  }
  return out;
}

function sortBy(items: unknown[], order: unknown[], key: string | undefined): unknown[] {
  // Array.prototype.sort is stable, like Go's sort.SliceStable.
  return [...items].sort((a, b) => {
    const ia = indexIn(order, a, key);
    const ib = indexIn(order, b, key);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  });
}

function indexIn(list: unknown[], item: unknown, key: string | undefined): number {
  return list.findIndex((candidate) => sameElement(candidate, item, key, false));
}

// Two elements are "the same" when their merge keys are equal; scalars when they are equal.
function sameElement(a: unknown, b: unknown, key: string | undefined, strict: boolean): boolean {
  if (!key) return a === b;
  if (isJsonObject(a) && isJsonObject(b) && Object.hasOwn(a, key) && Object.hasOwn(b, key)) return a[key] === b[key];
  if (strict) requireMergeKey(isJsonObject(a) && Object.hasOwn(a, key) ? b : a, key);
  return false;
}

function requireMergeKey(element: unknown, key: string): void {
  if (!isJsonObject(element) || !Object.hasOwn(element, key)) {
    throw new PatchError(`map: ${JSON.stringify(element)} does not contain declared merge key: ${key}`);
  }
}

// Go requires every element of a list to have one type (reflect.TypeOf), and no lists of lists.
function elementKind(items: unknown[]): string | undefined {
  let kind: string | undefined;
  for (const item of items) {
    const k = Array.isArray(item) ? 'list' : isJsonObject(item) ? 'object' : item === null ? 'null' : typeof item;
    if (k === 'list') throw new PatchError('lists of lists are not supported');
    if (kind !== undefined && k !== kind) throw new PatchError(`list element types are not identical: ${JSON.stringify(items)}`);
    kind = k;
  }
  return kind;
}
