// kube-apiserver integration: lists, selectors and server-side printing
// ======================================================================
// CONCEPT   A list is a consistent read from etcd, or, with resourceVersion=0, an answer from the
//           watch cache that never asks etcd. Label and field selectors filter it on the server.
//           Asked with the Table Accept header (as kubectl get asks), the server prints the rows
//           itself, with the columns a real cluster prints.
// REAL K8S  test/integration/apiserver/apiserver_test.go, test/integration/apiserver/watchcache_test.go,
//           pkg/printers/internalversion/printers.go (the columns)
// SHIPS     The harbour register, read out whole or filtered, or chalked up as a board.
// EXAMPLE   GET pods?labelSelector=app%3Dbesu  =>  PodList with the pods labelled app=besu
// SKIPPED   Paging (limit/continue).

import { describe, expect, it, vi } from 'vitest';
import { eventually, type Obj, pod, useApiServer } from '../helpers/apiserver-http.ts';

const server = useApiServer({ serviceClusterIPRange: '127.96.62.0/24' });
const { ok, createNamespace, bindPod } = server;

describe('lists', () => {
  it('serves resourceVersion=0 from the watch cache without asking etcd', async () => {
    await ok('POST', '/api/v1/namespaces/default/pods', pod('cached-pod'));
    // Wait until the cache has seen the pod, then read with and without resourceVersion=0.
    await eventually(async () => {
      const list = await ok('GET', '/api/v1/namespaces/default/pods?resourceVersion=0');
      expect(list.items.map((o: Obj) => o.metadata.name)).toContain('cached-pod');
    });
    const spy = vi.spyOn(server.cp.apiserver.store.etcd, 'list');
    try {
      const cached = await ok('GET', '/api/v1/namespaces/default/pods?resourceVersion=0');
      expect(spy).not.toHaveBeenCalled();
      expect(cached.items.map((o: Obj) => o.metadata.name)).toContain('cached-pod');
      expect(Number(cached.metadata.resourceVersion)).toBeGreaterThan(0);
      await ok('GET', '/api/v1/namespaces/default/pods');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    await ok('DELETE', '/api/v1/namespaces/default/pods/cached-pod');
  });

  it('filters by label and field selectors', async () => {
    await createNamespace('selectors');
    const path = '/api/v1/namespaces/selectors/pods';
    await ok('POST', path, pod('a', { app: 'besu', tier: 'chain' }));
    await ok('POST', path, pod('b', { app: 'besu' }));
    await ok('POST', path, pod('c', { app: 'web' }));
    await bindPod('selectors', 'c', 'node-1');
    const names = async (query: string) => (await ok('GET', `${path}?${query}`)).items.map((o: Obj) => o.metadata.name).sort();
    expect(await names('labelSelector=app%3Dbesu')).toEqual(['a', 'b']);
    expect(await names(`labelSelector=${encodeURIComponent('app in (besu,web),!tier')}`)).toEqual(['b', 'c']);
    expect(await names('fieldSelector=spec.nodeName%3Dnode-1')).toEqual(['c']);
    expect(await names('fieldSelector=metadata.name!%3Da')).toEqual(['b', 'c']);
    // The cluster-wide list sees the namespace too.
    expect((await ok('GET', '/api/v1/pods?fieldSelector=metadata.namespace%3Dselectors')).items).toHaveLength(3);
  });
});

describe('Table output', () => {
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

  it('answers a list with the columns kubectl get prints', async () => {
    await createNamespace('tables');
    await ok('POST', '/api/v1/namespaces/tables/pods', pod('t1'));
    await bindPod('tables', 't1', 'node-7');
    const table = await ok('GET', '/api/v1/namespaces/tables/pods', undefined, 200, { accept });
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    const columns = table.columnDefinitions as Obj[];
    expect(columns.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(columns.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(expect.arrayContaining(['IP', 'Node']));
    expect(table.rows).toHaveLength(1);
    const cells = table.rows[0].cells as unknown[];
    expect(cells.slice(0, 4)).toEqual(['t1', '0/1', 'Pending', '0']);
    expect(cells[columns.findIndex((c) => c.name === 'Node')]).toBe('node-7');
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 't1', namespace: 'tables' } });
    expect(Number(table.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  it('answers a single get as a one-row Table', async () => {
    const table = await ok('GET', '/api/v1/namespaces/tables/pods/t1', undefined, 200, { accept });
    expect(table.kind).toBe('Table');
    expect(table.rows.map((r: Obj) => r.cells[0])).toEqual(['t1']);
  });

  it('prints node status with SchedulingDisabled', async () => {
    await ok('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'table-node' }, spec: { unschedulable: true } });
    const table = await ok('GET', '/api/v1/nodes/table-node', undefined, 200, { accept });
    expect(table.columnDefinitions.map((c: Obj) => c.name).slice(0, 5)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(table.rows[0].cells[1]).toBe('Unknown,SchedulingDisabled');
    await ok('DELETE', '/api/v1/nodes/table-node');
  });
});
