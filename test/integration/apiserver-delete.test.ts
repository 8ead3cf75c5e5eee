// kube-apiserver integration: how pods and namespaces go away
// ===========================================================
// CONCEPT   An unscheduled pod is deleted at once. A bound pod is only marked (deletionTimestamp
//           plus a grace period) until its kubelet finishes the job, so binding, which makes a pod
//           "bound", is pinned here too. An eviction is a delete through policy/v1. Deleting a
//           namespace deletes everything in it, then the namespace; a delete on a collection
//           removes what its label selector picks, and nothing else.
// REAL K8S  pkg/registry/core/pod/strategy.go (CheckGracefulDelete), pkg/registry/core/pod/storage/
//           (BindingREST, EvictionREST), test/integration/evictions/, pkg/controller/namespace/deletion/
// SHIPS     Striking a ship off the register: at once if it never sailed, after it docks if it did.
// EXAMPLE   DELETE pods/besu-0 (bound)  =>  200, deletionTimestamp set, deletionGracePeriodSeconds 30
// SKIPPED   PodDisruptionBudgets (every eviction is allowed), finalizers.

import { describe, expect, it } from 'vitest';
import { eventually, type Obj, pod, rc, useApiServer } from '../helpers/apiserver-http.ts';

const { api, ok, createNamespace, bindPod } = useApiServer({ serviceClusterIPRange: '127.96.65.0/24' });

describe('pod deletion, binding and eviction', () => {
  const path = '/api/v1/namespaces/default/pods';

  it('deletes an unscheduled pod at once', async () => {
    await ok('POST', path, pod('quick'));
    const deleted = await ok('DELETE', `${path}/quick`);
    expect(deleted.metadata.name).toBe('quick');
    expect((await api('GET', `${path}/quick`)).status).toBe(404);
  });

  it('deletes a bound pod gracefully, and at once with gracePeriodSeconds=0', async () => {
    await ok('POST', path, pod('graceful'));
    await bindPod('default', 'graceful', 'node-1');
    const marked = await ok('DELETE', `${path}/graceful`);
    expect(marked.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    const deadline = Date.parse(marked.metadata.deletionTimestamp);
    expect(deadline).toBeGreaterThan(Date.now() + 20_000);

    // Still there, Terminating, until its kubelet (or we) finish the job.
    const still = await ok('GET', `${path}/graceful`);
    expect(still.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);
    const table = await ok('GET', `${path}/graceful`, undefined, 200, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(table.rows[0].cells[2]).toBe('Terminating');

    await ok('DELETE', `${path}/graceful?gracePeriodSeconds=0`);
    expect((await api('GET', `${path}/graceful`)).status).toBe(404);
  });

  it('binds a pod once: spec.nodeName and PodScheduled are set, a second bind is refused', async () => {
    await ok('POST', path, pod('bind-me'));
    await bindPod('default', 'bind-me', 'node-2');
    const bound = await ok('GET', `${path}/bind-me`);
    expect(bound.spec.nodeName).toBe('node-2');
    expect(bound.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]));
    const again = await api('POST', `${path}/bind-me/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-3' } });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('Conflict');
    expect(again.body.message).toContain('already assigned to node "node-2"');
    await ok('DELETE', `${path}/bind-me?gracePeriodSeconds=0`);
  });

  it('evicts pods through policy/v1 Eviction', async () => {
    await ok('POST', path, pod('evict-pending'));
    await ok('POST', path, pod('evict-bound'));
    await bindPod('default', 'evict-bound', 'node-1');
    const eviction = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });
    const first = await ok('POST', `${path}/evict-pending/eviction`, eviction('evict-pending'), 201);
    expect(first).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await api('GET', `${path}/evict-pending`)).status).toBe(404);

    await ok('POST', `${path}/evict-bound/eviction`, eviction('evict-bound'), 201);
    const terminating = await ok('GET', `${path}/evict-bound`);
    expect(terminating.metadata.deletionTimestamp).toEqual(expect.any(String));

    const missing = await api('POST', `${path}/nobody/eviction`, eviction('nobody'));
    expect(missing.status).toBe(404);
    await ok('DELETE', `${path}/evict-bound?gracePeriodSeconds=0`);
  });
});

describe('namespaces', () => {
  it('deleting a namespace deletes what is in it, then the namespace', async () => {
    await createNamespace('doomed');
    await ok('POST', '/api/v1/namespaces/doomed/pods', pod('inside'));
    await ok('POST', '/api/v1/namespaces/doomed/replicationcontrollers', rc('inside-rc'));
    const deleted = await ok('DELETE', '/api/v1/namespaces/doomed');
    expect(deleted.status.phase).toBe('Terminating');
    await eventually(async () => {
      expect((await api('GET', '/api/v1/namespaces/doomed')).status).toBe(404);
    });
    expect((await ok('GET', '/api/v1/namespaces/doomed/pods')).items).toEqual([]);
    expect((await ok('GET', '/api/v1/namespaces/doomed/replicationcontrollers')).items).toEqual([]);
  });

  it('deletes a collection selected by label, and leaves the rest', async () => {
    await createNamespace('sweep');
    const path = '/api/v1/namespaces/sweep/pods';
    await ok('POST', path, pod('old-1', { batch: 'old' }));
    await ok('POST', path, pod('old-2', { batch: 'old' }));
    await ok('POST', path, pod('new-1', { batch: 'new' }));
    const deleted = await ok('DELETE', `${path}?labelSelector=batch%3Dold`);
    expect(deleted.kind).toBe('PodList');
    expect(deleted.items.map((o: Obj) => o.metadata.name).sort()).toEqual(['old-1', 'old-2']);
    expect((await ok('GET', path)).items.map((o: Obj) => o.metadata.name)).toEqual(['new-1']);
  });

  it('starts with the built-in namespaces', async () => {
    const names = (await ok('GET', '/api/v1/namespaces')).items.map((n: Obj) => n.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
  });
});
