// kube-apiserver integration: generation and the status and scale subresources
// ============================================================================
// CONCEPT   metadata.generation counts spec changes and nothing else. The status subresource
//           changes only status and the main resource only spec, so a controller reporting and a
//           user editing never overwrite each other. The scale subresource reads and writes an
//           RC's replicas as an autoscaling/v1 Scale, with the same conflict and validation rules.
// REAL K8S  pkg/registry/core/replicationcontroller/strategy.go (PrepareForUpdate, status strategy),
//           pkg/registry/core/replicationcontroller/storage/storage.go (ScaleREST),
//           test/integration/apiserver/apiserver_test.go
// SHIPS     The manifest (spec) is the owner's to change; the logbook (status) is the crew's.
// EXAMPLE   PUT replicationcontrollers/besu/status {spec.replicas: 9, status...}  =>  spec unchanged
// SKIPPED   Subresources this apiserver does not serve (pods/ephemeralcontainers, pods/resize).

import { describe, expect, it } from 'vitest';
import { pod, rc, rvOf, useApiServer } from '../helpers/apiserver-http.ts';

const { api, ok } = useApiServer({ serviceClusterIPRange: '127.96.64.0/24' });

describe('generation and the status subresource', () => {
  const path = '/api/v1/namespaces/default/replicationcontrollers/gen-rc';

  it('bumps generation on a spec change but not on a status change', async () => {
    const created = await ok('POST', '/api/v1/namespaces/default/replicationcontrollers', rc('gen-rc', 2));
    expect(created.metadata.generation).toBe(1);

    // A label change is not a spec change.
    created.metadata.labels = { ...created.metadata.labels, tier: 'chain' };
    const relabelled = await ok('PUT', path, created);
    expect(relabelled.metadata.generation).toBe(1);

    relabelled.spec.replicas = 3;
    const scaled = await ok('PUT', path, relabelled);
    expect(scaled.metadata.generation).toBe(2);

    scaled.status = { replicas: 3, readyReplicas: 1, observedGeneration: 2 };
    const reported = await ok('PUT', `${path}/status`, scaled);
    expect(reported.metadata.generation).toBe(2);
    expect(reported.status).toMatchObject({ replicas: 3, readyReplicas: 1, observedGeneration: 2 });
    expect(rvOf(reported)).toBeGreaterThan(rvOf(scaled));
  });

  it('does not count the same spec with its keys in another order as a change', async () => {
    // Typed clients (client-go, @kubernetes/client-node) re-serialize objects in their own key order.
    const reorder = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reorder);
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorder(v)]));
      return value;
    };
    const current = await ok('GET', path);
    const rewritten = { ...current, spec: reorder(current.spec) };
    const same = await ok('PUT', path, rewritten);
    expect(same.metadata.generation).toBe(current.metadata.generation);
    expect(same.metadata.resourceVersion).toBe(current.metadata.resourceVersion);

    // A pod's spec is frozen after creation; re-sending it in another order is still allowed.
    const p = await ok('POST', '/api/v1/namespaces/default/pods', pod('reordered'));
    const relabelled = { ...p, metadata: { ...p.metadata, labels: { touched: 'yes' } }, spec: reorder(p.spec) };
    expect((await ok('PUT', '/api/v1/namespaces/default/pods/reordered', relabelled)).metadata.labels).toEqual({ touched: 'yes' });
    await ok('DELETE', '/api/v1/namespaces/default/pods/reordered');
  });

  it('changes only status through /status, and only spec through the main resource', async () => {
    const current = await ok('GET', path);
    const viaStatus = structuredClone(current);
    viaStatus.spec.replicas = 9;
    viaStatus.metadata.labels = { sneaky: 'yes' };
    viaStatus.status.readyReplicas = 3;
    const afterStatus = await ok('PUT', `${path}/status`, viaStatus);
    expect(afterStatus.spec.replicas).toBe(3);
    expect(afterStatus.metadata.labels.sneaky).toBeUndefined();
    expect(afterStatus.status.readyReplicas).toBe(3);

    const viaMain = structuredClone(afterStatus);
    viaMain.status.readyReplicas = 0;
    viaMain.spec.replicas = 5;
    const afterMain = await ok('PUT', path, viaMain);
    expect(afterMain.spec.replicas).toBe(5);
    expect(afterMain.status.readyReplicas).toBe(3);

    // A merge patch on /status works the same way.
    const patched = await ok('PATCH', `${path}/status`, { spec: { replicas: 1 }, status: { readyReplicas: 5 } }, 200, { 'content-type': 'application/merge-patch+json' });
    expect(patched.spec.replicas).toBe(5);
    expect(patched.status.readyReplicas).toBe(5);
    await ok('DELETE', path);
  });

  it('lets a node report status without touching its spec', async () => {
    await ok('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'status-node' }, spec: { unschedulable: true } });
    const node = await ok('GET', '/api/v1/nodes/status-node');
    node.spec.unschedulable = false;
    node.status = { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] };
    const after = await ok('PUT', '/api/v1/nodes/status-node/status', node);
    expect(after.spec.unschedulable).toBe(true);
    expect(after.status.conditions[0].type).toBe('Ready');
    await ok('DELETE', '/api/v1/nodes/status-node');
  });
});

describe('the scale subresource', () => {
  const path = '/api/v1/namespaces/default/replicationcontrollers/scaled';

  it('reads and writes replicas as an autoscaling/v1 Scale', async () => {
    await ok('POST', '/api/v1/namespaces/default/replicationcontrollers', rc('scaled', 2));
    const scale = await ok('GET', `${path}/scale`);
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'scaled' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=scaled' } });

    const put = await ok('PUT', `${path}/scale`, { ...scale, spec: { replicas: 5 } });
    expect(put.spec.replicas).toBe(5);
    const afterPut = await ok('GET', path);
    expect(afterPut.spec.replicas).toBe(5);
    expect(afterPut.metadata.generation).toBe(2);

    const patched = await ok('PATCH', `${path}/scale`, { spec: { replicas: 1 } }, 200, { 'content-type': 'application/merge-patch+json' });
    expect(patched.spec.replicas).toBe(1);
    expect((await ok('GET', path)).spec.replicas).toBe(1);

    // A Scale carrying an old resourceVersion is a stale write.
    const stale = await api('PUT', `${path}/scale`, { ...scale, spec: { replicas: 7 } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');

    const negative = await api('PATCH', `${path}/scale`, { spec: { replicas: -1 } }, { 'content-type': 'application/merge-patch+json' });
    expect(negative.status).toBe(422);
    expect(negative.body.details.causes[0].field).toBe('spec.replicas');
    expect((await ok('GET', path)).spec.replicas).toBe(1);
    await ok('DELETE', path);
  });
});
