// Strategic merge patch directives ($patch, $setElementOrder, $retainKeys, ...) and errors.
import { describe, expect, it } from 'vitest';
import { PatchError } from '../../apiserver/patch/errors.ts';
import { applyStrategicMergePatch } from '../../apiserver/patch/strategic-merge-patch.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const containers = (...names: string[]) => names.map((name) => ({ name, image: `${name}:1` }));
const podWith = (...names: string[]) => ({ spec: { containers: containers(...names) } });
const names = (result: unknown) =>
  (result as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name);

interface OrderCase {
  name: string;
  live: string[];
  patch: object;
  want: string[];
}

// Go: mergePatchIntoOriginal + normalizeElementOrder. $setElementOrder wins, then patch order,
// and elements only the live object has stay next to their old neighbours.
const orderCases: OrderCase[] = [
  {
    name: 'reorders a merging list as $setElementOrder says',
    live: ['a', 'b', 'c'],
    patch: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] },
    want: ['c', 'a', 'b'],
  },
  {
    name: 'puts an added container where $setElementOrder places it',
    live: ['a', 'c'],
    patch: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'b', image: 'b:1' }] },
    want: ['a', 'b', 'c'],
  },
  {
    name: 'keeps containers the order does not list near their live neighbours',
    live: ['a', 'x', 'b'],
    patch: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] },
    want: ['x', 'b', 'a'],
  },
  {
    name: 'without $setElementOrder, follows the patch order for the elements it names',
    live: ['a', 'b', 'c'],
    patch: { containers: [{ name: 'c' }, { name: 'a' }] },
    want: ['b', 'c', 'a'],
  },
];

interface ErrorCase {
  name: string;
  kind?: string;
  original?: object;
  patch: unknown;
  code: 400 | 422;
  message: string;
}

const errorCases: ErrorCase[] = [
  { name: 'rejects a patch that is a JSON array', patch: [{ op: 'add' }], code: 400, message: 'cannot unmarshal array' },
  { name: 'rejects a patch that is a string', patch: 'spec', code: 400, message: 'cannot unmarshal string' },
  { name: 'rejects a null patch', patch: null, code: 400, message: 'cannot unmarshal null' },
  { name: 'rejects an unknown $patch value in a map', patch: { spec: { $patch: 'shred' } }, code: 422, message: 'unknown patch type: shred' },
  {
    name: 'rejects an unknown $patch value in a list element',
    original: podWith('a'),
    patch: { spec: { containers: [{ name: 'a', $patch: 'shred' }] } },
    code: 422,
    message: 'unknown patch type: shred',
  },
  { name: 'rejects an unknown directive', patch: { spec: { '$sortBy/containers': ['name'] } }, code: 422, message: 'unknown strategic merge patch directive $sortBy/containers' },
  {
    name: 'rejects a container without its merge key',
    original: podWith('a'),
    patch: { spec: { containers: [{ image: 'x' }] } },
    code: 422,
    message: 'does not contain declared merge key: name',
  },
  {
    name: 'rejects a delete element without its merge key',
    original: podWith('a'),
    patch: { spec: { containers: [{ $patch: 'delete' }] } },
    code: 422,
    message: 'does not contain declared merge key: name',
  },
  {
    name: 'rejects a patch list out of $setElementOrder order',
    original: podWith('a', 'b'),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] } },
    code: 422,
    message: "doesn't match $setElementOrder list",
  },
  { name: 'rejects a $setElementOrder that is not a list', patch: { spec: { '$setElementOrder/containers': 'a' } }, code: 400, message: 'invalid patch format of setElementOrder list' },
  { name: 'rejects a $deleteFromPrimitiveList that is not a list', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, code: 400, message: 'invalid patch format of primitive list' },
  { name: 'rejects a $retainKeys that is not a list', patch: { spec: { $retainKeys: 'a' } }, code: 400, message: 'invalid patch format of retainKeys' },
  {
    name: 'rejects a patch that sets a key $retainKeys does not keep',
    patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['name'], emptyDir: {} }] } },
    code: 400,
    message: 'invalid patch format of retainKeys',
  },
  {
    name: 'rejects a merging list that mixes strings and numbers',
    original: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { finalizers: [1] } },
    code: 422,
    message: 'list element types are not identical',
  },
];

describe('applyStrategicMergePatch: directives', () => {
  for (const c of orderCases) {
    it(c.name, () => {
      expect(names(applyStrategicMergePatch(deepFreeze(podWith(...c.live)), deepFreeze({ spec: c.patch }), 'Pod'))).toEqual(c.want);
    });
  }

  it('replaces a whole map with $patch: replace', () => {
    const original = { metadata: { labels: { app: 'besu', tier: 'web' } } };
    const patch = { metadata: { labels: { $patch: 'replace', zone: 'a' } } };
    expect(applyStrategicMergePatch(deepFreeze(original), deepFreeze(patch), 'Pod')).toEqual({ metadata: { labels: { zone: 'a' } } });
  });

  it('deletes a whole map with $patch: delete', () => {
    const original = { spec: { nodeSelector: { zone: 'a' }, nodeName: 'n1' } };
    const patch = { spec: { nodeSelector: { $patch: 'delete' } } };
    expect(applyStrategicMergePatch(deepFreeze(original), deepFreeze(patch), 'Pod')).toEqual({ spec: { nodeName: 'n1' } });
  });

  it('merges as usual under an explicit $patch: merge', () => {
    const original = { metadata: { labels: { app: 'besu' } } };
    const patch = { metadata: { labels: { $patch: 'merge', tier: 'web' } } };
    expect(applyStrategicMergePatch(original, patch, 'Pod')).toEqual({ metadata: { labels: { app: 'besu', tier: 'web' } } });
  });

  it('replaces the whole object with a top-level $patch: replace', () => {
    const patch = { $patch: 'replace', metadata: { name: 'p' } };
    expect(applyStrategicMergePatch({ metadata: { name: 'p', uid: 'u' }, spec: {} }, patch, 'Pod')).toEqual({ metadata: { name: 'p' } });
  });

  it('ignores a delete element whose key the live list does not have', () => {
    const patch = { spec: { containers: [{ $patch: 'delete', name: 'zzz' }] } };
    expect(names(applyStrategicMergePatch(podWith('a', 'b'), patch, 'Pod'))).toEqual(['a', 'b']);
  });

  it('drops the fields $retainKeys leaves out, as kubectl apply sends for a volume', () => {
    const original = { spec: { volumes: [{ name: 'data', emptyDir: {} }, { name: 'keys', secret: { secretName: 's' } }] } };
    const patch = {
      spec: {
        '$setElementOrder/volumes': [{ name: 'data' }, { name: 'keys' }],
        volumes: [{ name: 'data', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/var/besu' } }],
      },
    };
    expect(applyStrategicMergePatch(deepFreeze(original), deepFreeze(patch), 'Pod')).toEqual({
      spec: { volumes: [{ name: 'data', hostPath: { path: '/var/besu' } }, { name: 'keys', secret: { secretName: 's' } }] },
    });
  });

  it('drops nulls and directives from a value the live object does not have yet', () => {
    const patch = { metadata: { annotations: { a: '1', b: null } }, spec: { containers: [{ name: 'c', $patch: 'merge', image: 'c:1' }] } };
    expect(applyStrategicMergePatch({}, patch, 'Pod')).toEqual({
      metadata: { annotations: { a: '1' } },
      spec: { containers: [{ name: 'c', image: 'c:1' }] },
    });
  });

  it('never changes its inputs and shares no objects with the result', () => {
    const original = podWith('a', 'b');
    const patch = { spec: { containers: [{ name: 'b', image: 'new' }] } };
    const result = applyStrategicMergePatch(original, patch, 'Pod') as ReturnType<typeof podWith>;
    result.spec.containers[0].image = 'mutated';
    result.spec.containers[1].image = 'mutated';
    expect(original).toEqual(podWith('a', 'b'));
    expect(patch.spec.containers[0].image).toBe('new');
  });

  for (const c of errorCases) {
    it(c.name, () => {
      let caught: unknown;
      try {
        applyStrategicMergePatch(deepFreeze(c.original ?? {}), deepFreeze(c.patch), c.kind ?? 'Pod');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(PatchError);
      expect((caught as PatchError).code).toBe(c.code);
      expect((caught as PatchError).message).toContain(c.message);
    });
  }
});
