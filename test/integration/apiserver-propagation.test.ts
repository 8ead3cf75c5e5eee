// kube-apiserver integration: a DELETE's propagationPolicy becomes a finalizer
// ============================================================================
// CONCEPT   With no controller-manager running, we can see exactly what the apiserver does with
//           DeleteOptions: Orphan and Foreground put the "orphan" / "foregroundDeletion" finalizer on
//           the owner and stamp deletionTimestamp (and a new generation); a second DELETE may swap
//           them; Background removes them and deletes at once. Kinds our garbage collector does not
//           follow (ConfigMaps) delete at once whatever the policy.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go (Delete,
//           updateForGracefulDeletionAndFinalizers, deletionFinalizersForGarbageCollection, markAsDeleting)
// SHIPS     The radio room pins the note to the office door; nobody acts on it in this harbour.
// EXAMPLE   DELETE rc/web {propagationPolicy: Orphan}  =>  200, finalizers ["orphan"], deletionTimestamp set
// SKIPPED   What the garbage collector then does (test/compat/kubectl-cascade.test.ts).

import { describe, expect, it } from 'vitest';
import { rc, useApiServer } from '../helpers/apiserver-http.ts';

const { api, ok, refused } = useApiServer({ serviceClusterIPRange: '127.96.82.0/24' });
const rcs = '/api/v1/namespaces/default/replicationcontrollers';
const del = (policy: string) => ({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: policy });

describe('propagationPolicy on DELETE', () => {
  it('Foreground holds the owner with "foregroundDeletion", Orphan swaps it, Background deletes it', async () => {
    const created = await ok('POST', rcs, rc('web'), 201);
    expect(created.metadata.generation).toBe(1);

    const foreground = await ok('DELETE', `${rcs}/web`, del('Foreground'));
    expect(foreground.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(foreground.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(foreground.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(foreground.metadata.generation).toBe(2); // markAsDeleting

    const orphan = await ok('DELETE', `${rcs}/web`, del('Orphan'));
    expect(orphan.metadata.finalizers).toEqual(['orphan']);
    expect(orphan.metadata.deletionTimestamp).toBe(foreground.metadata.deletionTimestamp);
    expect(orphan.metadata.generation).toBe(2);

    // Asking again for what is already there writes nothing.
    const again = await ok('DELETE', `${rcs}/web?propagationPolicy=Orphan`);
    expect(again.metadata.resourceVersion).toBe(orphan.metadata.resourceVersion);

    await ok('DELETE', `${rcs}/web`, del('Background'));
    expect((await api('GET', `${rcs}/web`)).status).toBe(404);
  });

  it('keeps other finalizers, and a finalizer already on the object decides when the DELETE names no policy', async () => {
    await ok('POST', rcs, { ...rc('held'), metadata: { name: 'held', finalizers: ['example.com/hold', 'orphan'] } }, 201);
    const marked = await ok('DELETE', `${rcs}/held`);
    expect(marked.metadata.finalizers).toEqual(['example.com/hold', 'orphan']);
    const background = await ok('DELETE', `${rcs}/held`, del('Background'));
    expect(background.metadata.finalizers).toEqual(['example.com/hold']);
    await ok('PATCH', `${rcs}/held`, { metadata: { finalizers: null } }, 200, { 'content-type': 'application/merge-patch+json' });
    expect((await api('GET', `${rcs}/held`)).status).toBe(404);
  });

  it('reads the policy from the query string and the deprecated orphanDependents from the body', async () => {
    await ok('POST', '/apis/apps/v1/namespaces/default/replicasets', {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'front' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'front' } }, template: { metadata: { labels: { app: 'front' } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } } },
    }, 201);
    const byQuery = await ok('DELETE', '/apis/apps/v1/namespaces/default/replicasets/front?propagationPolicy=Foreground');
    expect(byQuery.metadata.finalizers).toEqual(['foregroundDeletion']);
    const byBoolean = await ok('DELETE', '/apis/apps/v1/namespaces/default/replicasets/front', { orphanDependents: true });
    expect(byBoolean.metadata.finalizers).toEqual(['orphan']);
    await ok('DELETE', '/apis/apps/v1/namespaces/default/replicasets/front', { orphanDependents: false });
    expect((await api('GET', '/apis/apps/v1/namespaces/default/replicasets/front')).status).toBe(404);
  });

  it('deletes a kind the garbage collector does not follow at once, whatever the policy', async () => {
    await ok('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'genesis' }, data: { a: '1' } }, 201);
    const gone = await ok('DELETE', '/api/v1/namespaces/default/configmaps/genesis', del('Foreground'));
    expect(gone.metadata.finalizers).toBeUndefined();
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/genesis')).status).toBe(404);
  });

  it('refuses orphanDependents together with propagationPolicy (422), and stores nothing', async () => {
    await ok('POST', rcs, rc('both'), 201);
    await refused('DELETE', `${rcs}/both`, { orphanDependents: true, propagationPolicy: 'Foreground' }, {
      code: 422, reason: 'Invalid', field: 'propagationPolicy',
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Foreground": orphanDependents and deletionPropagation cannot be both set',
    });
    await refused('DELETE', rcs, { orphanDependents: false, propagationPolicy: 'Orphan' }, { code: 422, reason: 'Invalid' });
    await refused('DELETE', `${rcs}/both?propagationPolicy=Sideways`, undefined, {
      code: 422, reason: 'Invalid', field: 'propagationPolicy',
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
    });
    expect((await ok('GET', `${rcs}/both`)).metadata.deletionTimestamp).toBeUndefined();
  });
});
