// Picking the patch type from the Content-Type, and the patch-strategy table against types.go.
import { describe, expect, it } from 'vitest';
import { applyPatch, patchTypeFor } from '../../apiserver/patch/apply-patch.ts';
import { PatchError } from '../../apiserver/patch/errors.ts';
import { patchMetaForKind, type StructPatchMeta } from '../../apiserver/patch/patch-meta.ts';

describe('patchTypeFor', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['application/json-patch+json', 'json'],
    ['application/merge-patch+json', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/strategic-merge-patch+json; charset=utf-8', 'strategic'],
    ['Application/Merge-Patch+JSON', 'merge'],
    ['application/apply-patch+yaml', undefined],
    ['application/json', undefined],
    [undefined, undefined],
  ];
  for (const [contentType, want] of cases) {
    it(`reads ${String(contentType)} as ${String(want)}`, () => {
      expect(patchTypeFor(contentType)).toBe(want);
    });
  }
});

describe('applyPatch', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
  const body = { spec: { containers: [{ name: 'b', image: 'z' }] } };

  it('merges containers by name for a strategic merge patch', () => {
    expect(applyPatch('strategic', pod, body, 'Pod')).toEqual({
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'z' }] },
    });
  });

  it('replaces the containers list for a merge patch', () => {
    expect(applyPatch('merge', pod, body, 'Pod')).toEqual({ metadata: { name: 'p' }, spec: body.spec });
  });

  it('runs operations for a JSON patch', () => {
    const ops = [{ op: 'replace', path: '/spec/containers/1/image', value: 'z' }];
    expect(applyPatch('json', pod, ops, 'Pod')).toEqual(applyPatch('strategic', pod, body, 'Pod'));
  });

  it('throws a 400 PatchError when a JSON patch body is a merge patch', () => {
    expect(() => applyPatch('json', pod, body, 'Pod')).toThrow(PatchError);
  });
});

// Each row is a tag in staging/src/k8s.io/api/core/v1/types.go or meta/v1/types.go (v1.32).
describe('patchMetaForKind', () => {
  const field = (meta: StructPatchMeta | undefined, path: string[]) => {
    let fields = meta;
    let found: StructPatchMeta[string] | undefined;
    for (const name of path) {
      found = fields?.[name];
      fields = found?.fields;
    }
    return found;
  };
  const rows: [string, string, { patchStrategy?: string; patchMergeKey?: string } | undefined][] = [
    ['Pod', 'metadata.ownerReferences', { patchStrategy: 'merge', patchMergeKey: 'uid' }],
    ['Pod', 'metadata.finalizers', { patchStrategy: 'merge' }],
    ['Pod', 'spec.containers', { patchStrategy: 'merge', patchMergeKey: 'name' }],
    ['Pod', 'spec.initContainers', { patchStrategy: 'merge', patchMergeKey: 'name' }],
    ['Pod', 'spec.volumes', { patchStrategy: 'merge', patchMergeKey: 'name' }],
    ['Pod', 'spec.imagePullSecrets', { patchStrategy: 'merge', patchMergeKey: 'name' }],
    ['Pod', 'spec.tolerations', undefined],
    ['Pod', 'spec.containers.env', { patchStrategy: 'merge', patchMergeKey: 'name' }],
    ['Pod', 'spec.containers.ports', { patchStrategy: 'merge', patchMergeKey: 'containerPort' }],
    ['Pod', 'spec.containers.volumeMounts', { patchStrategy: 'merge', patchMergeKey: 'mountPath' }],
    ['Pod', 'status.conditions', { patchStrategy: 'merge', patchMergeKey: 'type' }],
    ['Pod', 'status.podIPs', { patchStrategy: 'merge', patchMergeKey: 'ip' }],
    ['Pod', 'status.containerStatuses', undefined],
    ['Node', 'spec.taints', undefined],
    ['Node', 'spec.podCIDRs', { patchStrategy: 'merge' }],
    ['Node', 'status.conditions', { patchStrategy: 'merge', patchMergeKey: 'type' }],
    ['Node', 'status.addresses', { patchStrategy: 'merge', patchMergeKey: 'type' }],
    ['ReplicationController', 'spec.template.spec.containers', { patchStrategy: 'merge', patchMergeKey: 'name' }],
    ['ReplicationController', 'spec.template.metadata.finalizers', { patchStrategy: 'merge' }],
    ['Service', 'spec.ports', { patchStrategy: 'merge', patchMergeKey: 'port' }],
    ['Endpoints', 'subsets', undefined],
    ['Namespace', 'spec.finalizers', undefined],
    ['Lease', 'metadata.ownerReferences', { patchStrategy: 'merge', patchMergeKey: 'uid' }],
  ];
  for (const [kind, path, want] of rows) {
    it(`${want ? `merges ${kind} ${path} by ${want.patchMergeKey ?? 'value'}` : `replaces ${kind} ${path}`}`, () => {
      const found = field(patchMetaForKind(kind), path.split('.'));
      if (want) expect(found).toMatchObject(want);
      else expect(found?.patchStrategy).toBeUndefined();
    });
  }

  it('has no table for a kind without a Go struct', () => {
    expect(patchMetaForKind('Widget')).toBeUndefined();
    expect(patchMetaForKind('toString')).toBeUndefined();
  });
});
