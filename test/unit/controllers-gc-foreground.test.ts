// Foreground deletion reaches all the way down: a Deployment deleted with the
// "foregroundDeletion" finalizer has its ReplicaSets deleted in Foreground too (they have pods of
// their own), keeps its finalizer while any dependent remains, and lets go once none does.
import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../api/apps-types.ts';
import type { KubeObject, Pod } from '../../api/types.ts';
import { FINALIZER_FOREGROUND, GarbageCollector } from '../../controllers/garbage-collector.ts';
import { fill, harness, pod } from './controllers-fake-client.ts';

const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: [FINALIZER_FOREGROUND] };

const web: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'uid-web', resourceVersion: '5', ...deleting },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'besu', image: 'besu:1' }] } } },
};

function rs(name: string): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '6',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: web.spec.template },
  };
}

function podOf(owner: ReplicaSet, name: string): Pod {
  const p = pod(name, { node: 'n1', labels: { app: 'web' } });
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true }];
  return p;
}

function gc(deployments: Deployment[], replicaSets: ReplicaSet[], pods: Pod[]) {
  const h = harness();
  const c = new GarbageCollector({ client: h.client, factory: h.factory, clock: h.clock, log: h.log });
  fill(h.factory.informer('deployments') as never, deployments as KubeObject[]);
  fill(h.factory.informer('replicasets') as never, replicaSets as KubeObject[]);
  fill(h.factory.informer('pods') as never, pods as KubeObject[]);
  return { ...h, sync: (k: string) => c['sync'](k) };
}

describe('GarbageCollector, Foreground', () => {
  it('deletes a ReplicaSet that has pods in Foreground, and one without pods in Background', async () => {
    const full = rs('web-a');
    const empty = rs('web-b');
    const t = gc([web], [full, empty], [podOf(full, 'web-a-1')]);
    await t.sync('owner deployments default/web');
    expect(t.client.actions()).toEqual(['delete replicasets web-a', 'delete replicasets web-b']);
    expect(t.client.of('delete').map((c) => c.options?.propagationPolicy)).toEqual(['Foreground', 'Background']);
  });

  it('keeps the finalizer while a dependent is still being deleted', async () => {
    const going = { ...rs('web-a'), metadata: { ...rs('web-a').metadata, ...deleting } };
    const t = gc([web], [going], []);
    await t.sync('owner deployments default/web');
    expect(t.client.actions()).toEqual([]);
  });

  it('removes the finalizer once no dependent is left', async () => {
    const t = gc([web], [], []);
    await t.sync('owner deployments default/web');
    expect(t.client.actions()).toEqual(['patch deployments web']);
    expect(t.client.of('patch')[0].body).toMatchObject({ metadata: { finalizers: null } });
  });
});
