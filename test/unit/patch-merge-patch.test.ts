// JSON merge patch (RFC 7386): null deletes, objects merge, everything else replaces.
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../apiserver/patch/merge-patch.ts';

/** Freezes a value all the way down, so a test fails if the patch code writes to its inputs. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

interface Case {
  name: string;
  original: unknown;
  patch: unknown;
  want: unknown;
}

// The examples of RFC 7386 appendix A, then what kubectl sends.
const cases: Case[] = [
  { name: 'replaces a scalar field', original: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'adds a field', original: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'deletes a field set to null', original: { a: 'b' }, patch: { a: null }, want: {} },
  { name: 'deletes only the named field', original: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { name: 'replaces an array whole', original: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'replaces a scalar with an array', original: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  {
    name: 'merges nested objects and deletes inside them',
    original: { a: { b: 'c' } },
    patch: { a: { b: 'd', c: null } },
    want: { a: { b: 'd' } },
  },
  { name: 'replaces an array of objects whole', original: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: 'lets a top-level array patch replace the document', original: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
  { name: 'lets a non-object patch replace an object', original: { a: 'b' }, patch: ['c'], want: ['c'] },
  { name: 'lets a null patch replace the document', original: { a: 'foo' }, patch: null, want: null },
  { name: 'creates an object where the target is a scalar', original: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { name: 'turns a non-object target into an object', original: [1, 2], patch: { a: 'b', c: null }, want: { a: 'b' } },
  {
    name: 'deletes nested nulls while creating new objects',
    original: {},
    patch: { a: { bb: { ccc: null } } },
    want: { a: { bb: {} } },
  },
  {
    name: 'scales a replication controller as kubectl scale does',
    original: { kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 1 } },
    patch: { spec: { replicas: 3 } },
    want: { kind: 'Scale', spec: { replicas: 3 }, status: { replicas: 1 } },
  },
  {
    name: 'removes a label with null and keeps the others',
    original: { metadata: { name: 'p', labels: { app: 'besu', tier: 'web' } } },
    patch: { metadata: { labels: { tier: null } } },
    want: { metadata: { name: 'p', labels: { app: 'besu' } } },
  },
  {
    name: 'replaces the containers list whole, unlike a strategic merge patch',
    original: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'old' }] } },
    patch: { spec: { containers: [{ name: 'b', image: 'new' }] } },
    want: { spec: { containers: [{ name: 'b', image: 'new' }] } },
  },
];

describe('applyMergePatch', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(applyMergePatch(deepFreeze(c.original), deepFreeze(c.patch))).toEqual(c.want);
    });
  }

  it('returns a result that shares no objects with its inputs', () => {
    const original = { spec: { template: { labels: { app: 'a' } } }, status: { x: 1 } };
    const patch = { spec: { selector: { app: 'a' } } };
    const result = applyMergePatch(original, patch) as typeof original & { spec: { selector: object } };
    result.status.x = 2;
    result.spec.selector = {};
    expect(original.status.x).toBe(1);
    expect(patch.spec.selector).toEqual({ app: 'a' });
  });
});
