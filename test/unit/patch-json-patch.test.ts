// JSON patch (RFC 6902): ordered operations, all or nothing, with Kubernetes' error messages.
import { describe, expect, it } from 'vitest';
import { PatchError } from '../../apiserver/patch/errors.ts';
import { applyJsonPatch } from '../../apiserver/patch/json-patch.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A small pod, the document most cases patch. */
const pod = () => ({
  metadata: { name: 'besu-0', labels: { app: 'besu', 'app.kubernetes.io/name': 'besu', 'a~b': 'x' } },
  spec: { containers: [{ name: 'besu', image: 'besu:1' }], nodeName: 'node-1' },
});

interface Case {
  name: string;
  ops: unknown[];
  want: unknown;
  original?: unknown;
}

const cases: Case[] = [
  {
    name: 'adds an object key',
    ops: [{ op: 'add', path: '/metadata/labels/tier', value: 'web' }],
    want: { ...pod(), metadata: { ...pod().metadata, labels: { ...pod().metadata.labels, tier: 'web' } } },
  },
  {
    name: 'add overwrites an existing key',
    original: { a: 1 },
    ops: [{ op: 'add', path: '/a', value: 2 }],
    want: { a: 2 },
  },
  {
    name: 'adds into an array before the given index',
    original: { l: ['a', 'c'] },
    ops: [{ op: 'add', path: '/l/1', value: 'b' }],
    want: { l: ['a', 'b', 'c'] },
  },
  {
    name: 'appends to an array at "-"',
    ops: [{ op: 'add', path: '/spec/containers/-', value: { name: 'sidecar', image: 'busybox' } }],
    want: { ...pod(), spec: { ...pod().spec, containers: [...pod().spec.containers, { name: 'sidecar', image: 'busybox' }] } },
  },
  {
    name: 'appends at the index equal to the length',
    original: { l: [1] },
    ops: [{ op: 'add', path: '/l/1', value: 2 }],
    want: { l: [1, 2] },
  },
  {
    name: 'replaces the whole document with add at ""',
    original: { a: 1 },
    ops: [{ op: 'add', path: '', value: { b: 2 } }],
    want: { b: 2 },
  },
  {
    name: 'removes an object key',
    ops: [{ op: 'remove', path: '/spec/nodeName' }],
    want: { ...pod(), spec: { containers: pod().spec.containers } },
  },
  {
    name: 'removes an array element and shifts the rest',
    original: { l: ['a', 'b', 'c'] },
    ops: [{ op: 'remove', path: '/l/0' }],
    want: { l: ['b', 'c'] },
  },
  {
    name: 'replaces a container image by index',
    ops: [{ op: 'replace', path: '/spec/containers/0/image', value: 'besu:2' }],
    want: { ...pod(), spec: { ...pod().spec, containers: [{ name: 'besu', image: 'besu:2' }] } },
  },
  {
    name: 'reads ~1 as "/" in a label key',
    ops: [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }],
    want: { ...pod(), metadata: { name: 'besu-0', labels: { app: 'besu', 'a~b': 'x' } } },
  },
  {
    name: 'reads ~0 as "~"',
    ops: [{ op: 'replace', path: '/metadata/labels/a~0b', value: 'y' }],
    want: { ...pod(), metadata: { ...pod().metadata, labels: { ...pod().metadata.labels, 'a~b': 'y' } } },
  },
  {
    name: 'passes a test of the current value, then applies the rest (compare-and-swap)',
    original: { spec: { replicas: 1 } },
    ops: [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ],
    want: { spec: { replicas: 3 } },
  },
  {
    name: 'tests objects by content, whatever their key order',
    original: { m: { a: 1, b: [1, { c: 2 }] } },
    ops: [{ op: 'test', path: '/m', value: { b: [1, { c: 2 }], a: 1 } }],
    want: { m: { a: 1, b: [1, { c: 2 }] } },
  },
  {
    name: 'moves a value from one key to another',
    original: { metadata: { labels: { old: 'v' } } },
    ops: [{ op: 'move', from: '/metadata/labels/old', path: '/metadata/labels/new' }],
    want: { metadata: { labels: { new: 'v' } } },
  },
  {
    name: 'moves an array element to the end',
    original: { l: ['a', 'b', 'c'] },
    ops: [{ op: 'move', from: '/l/0', path: '/l/-' }],
    want: { l: ['b', 'c', 'a'] },
  },
  {
    name: 'copies a value, leaving the source in place',
    original: { metadata: { labels: { app: 'besu' } }, spec: {} },
    ops: [{ op: 'copy', from: '/metadata/labels', path: '/spec/selector' }],
    want: { metadata: { labels: { app: 'besu' } }, spec: { selector: { app: 'besu' } } },
  },
  {
    name: 'applies operations in order, each seeing the last one\'s result',
    original: {},
    ops: [
      { op: 'add', path: '/spec', value: {} },
      { op: 'add', path: '/spec/replicas', value: 2 },
      { op: 'copy', from: '/spec/replicas', path: '/spec/min' },
      { op: 'remove', path: '/spec/replicas' },
    ],
    want: { spec: { min: 2 } },
  },
  { name: 'returns a copy of the document for an empty patch', original: { a: 1 }, ops: [], want: { a: 1 } },
];

interface ErrorCase {
  name: string;
  ops: unknown;
  code: 400 | 422;
  message: string;
  original?: unknown;
}

const errorCases: ErrorCase[] = [
  { name: 'rejects a body that is an object, not a list', ops: { op: 'add' }, code: 400, message: 'the patch must be a JSON array of operations' },
  { name: 'rejects a list holding a non-object', ops: ['add'], code: 400, message: 'the patch must be a JSON array of operations' },
  {
    name: 'rejects replacing a key the object does not have',
    original: { spec: {} },
    ops: [{ op: 'replace', path: '/spec/foo', value: 1 }],
    code: 422,
    message: 'replace operation does not apply: doc is missing key: /spec/foo',
  },
  {
    name: 'rejects replacing under a parent that does not exist',
    ops: [{ op: 'replace', path: '/status/phase', value: 'Running' }],
    code: 422,
    message: 'replace operation does not apply: doc is missing path: /status/phase',
  },
  {
    name: 'rejects replacing an array index past the end',
    ops: [{ op: 'replace', path: '/spec/containers/1', value: {} }],
    code: 422,
    message: 'replace operation does not apply: doc is missing key: /spec/containers/1',
  },
  {
    name: 'rejects adding under a parent that does not exist',
    ops: [{ op: 'add', path: '/status/phase', value: 'Running' }],
    code: 422,
    message: 'add operation does not apply: doc is missing path: "/status/phase"',
  },
  {
    name: 'rejects adding past the end of an array',
    ops: [{ op: 'add', path: '/spec/containers/5', value: {} }],
    code: 422,
    message: "error in add for path: '/spec/containers/5': Unable to access invalid index: 5",
  },
  {
    name: 'rejects an array index with a leading zero',
    ops: [{ op: 'add', path: '/spec/containers/01', value: {} }],
    code: 422,
    message: 'Unable to access invalid index: 01',
  },
  {
    name: 'rejects removing a key that is not there',
    ops: [{ op: 'remove', path: '/metadata/annotations' }],
    code: 422,
    message: "error in remove for path: '/metadata/annotations': Unable to remove nonexistent key: annotations",
  },
  {
    name: 'rejects a failed test and applies nothing',
    ops: [
      { op: 'replace', path: '/spec/nodeName', value: 'node-2' },
      { op: 'test', path: '/metadata/name', value: 'besu-1' },
    ],
    code: 422,
    message: 'testing value /metadata/name failed',
  },
  {
    name: 'fails a test of a key that is not there',
    ops: [{ op: 'test', path: '/metadata/uid', value: 'x' }],
    code: 422,
    message: 'testing value /metadata/uid failed',
  },
  {
    name: 'fails a test under a parent that does not exist',
    ops: [{ op: 'test', path: '/status/phase', value: 'Running' }],
    code: 422,
    message: 'test operation does not apply: is missing path: /status/phase',
  },
  {
    name: 'rejects moving from a path that does not exist',
    ops: [{ op: 'move', from: '/spec/nope', path: '/spec/yes' }],
    code: 422,
    message: 'move operation does not apply: doc is missing from path: /spec/nope',
  },
  {
    name: 'rejects moving a value into its own child',
    ops: [{ op: 'move', from: '/spec', path: '/spec/inner' }],
    code: 422,
    message: 'move operation does not apply: from path /spec is a prefix of path /spec/inner',
  },
  {
    name: 'rejects copying to a destination whose parent does not exist',
    ops: [{ op: 'copy', from: '/spec/nodeName', path: '/status/hostIP' }],
    code: 422,
    message: 'copy operation does not apply: doc is missing destination path: /status/hostIP',
  },
  { name: 'rejects an unknown op', ops: [{ op: 'bogus', path: '/a' }], code: 422, message: 'Unexpected kind: bogus' },
  { name: 'rejects an operation without op', ops: [{ path: '/a' }], code: 422, message: 'Unexpected kind: unknown' },
  {
    name: 'rejects add without a value',
    ops: [{ op: 'add', path: '/spec/x' }],
    code: 422,
    message: 'add operation, missing value field',
  },
  {
    name: 'rejects a path that does not start with "/"',
    ops: [{ op: 'remove', path: 'spec' }],
    code: 422,
    message: 'remove operation failed to decode path',
  },
];

describe('applyJsonPatch', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(applyJsonPatch(deepFreeze(c.original ?? pod()), deepFreeze(c.ops))).toEqual(c.want);
    });
  }

  for (const c of errorCases) {
    it(c.name, () => {
      const original = deepFreeze(c.original ?? pod());
      let caught: unknown;
      try {
        applyJsonPatch(original, deepFreeze(c.ops));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(PatchError);
      expect((caught as PatchError).code).toBe(c.code);
      expect((caught as PatchError).message).toContain(c.message);
    });
  }

  it('copies values in, so later edits never reach the patch body', () => {
    const ops = [
      { op: 'add', path: '/spec/selector', value: { app: 'besu' } },
      { op: 'add', path: '/spec/selector/tier', value: 'web' },
    ];
    const result = applyJsonPatch({ spec: {} }, ops);
    expect(result).toEqual({ spec: { selector: { app: 'besu', tier: 'web' } } });
    expect(ops[0].value).toEqual({ app: 'besu' });
  });

  it('gives copy a deep copy, so editing the copy leaves the source alone', () => {
    const result = applyJsonPatch({ a: { x: 1 } }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'replace', path: '/b/x', value: 2 },
    ]);
    expect(result).toEqual({ a: { x: 1 }, b: { x: 2 } });
  });
});
