// kube-apiserver integration: create, get, list, update and delete every resource type
// =====================================================================================
// CONCEPT   Every resource this apiserver serves goes through the same five verbs, spoken as
//           plain HTTP to a real apiserver backed by a real etcd, the way every component of the
//           cluster does. The contract the rest of the project relies on: resourceVersions come
//           from etcd and only grow, an update is a compare-and-swap on the resourceVersion read
//           (a stale one gets 409 Conflict), and generateName picks a fresh name.
// REAL K8S  test/integration/apiserver/apiserver_test.go
// SHIPS     A drill in the radio room: file, amend, strike off, and check every ship heard it.
// EXAMPLE   POST /api/v1/namespaces/default/pods {...}  =>  201, metadata.resourceVersion "42"
// SKIPPED   Paging, server-side apply, authentication.

import { describe, expect, it } from 'vitest';
import { eventually, type Obj, pod, rc, rvOf, useApiServer } from '../helpers/apiserver-http.ts';

const { api, ok } = useApiServer({ serviceClusterIPRange: '127.96.61.0/24' });

// ## CRUD for every resource type
// Each case: where its collection lives, a valid object, and a change an update may make.
interface Case {
  resource: string;
  collection: string;
  object: Obj;
  change(o: Obj): void;
  changed(o: Obj): unknown;
}

const cases: Case[] = [
  { resource: 'pods', collection: '/api/v1/namespaces/default/pods', object: pod('crud-pod'), change: (o) => (o.spec.containers[0].image = 'hyperledger/besu:24.2'), changed: (o) => o.spec.containers[0].image },
  { resource: 'nodes', collection: '/api/v1/nodes', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'crud-node' }, spec: {} }, change: (o) => (o.spec.unschedulable = true), changed: (o) => o.spec.unschedulable },
  { resource: 'namespaces', collection: '/api/v1/namespaces', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crud-ns' } }, change: (o) => (o.metadata.labels.team = 'blue'), changed: (o) => o.metadata.labels.team },
  { resource: 'replicationcontrollers', collection: '/api/v1/namespaces/default/replicationcontrollers', object: rc('crud-rc'), change: (o) => (o.spec.replicas = 4), changed: (o) => o.spec.replicas },
  {
    resource: 'services',
    collection: '/api/v1/namespaces/default/services',
    object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'crud-svc' }, spec: { selector: { app: 'besu' }, ports: [{ port: 8545 }] } },
    change: (o) => (o.spec.selector = { app: 'besu2' }),
    changed: (o) => o.spec.selector.app,
  },
  {
    resource: 'endpoints',
    collection: '/api/v1/namespaces/default/endpoints',
    object: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'crud-ep' }, subsets: [{ addresses: [{ ip: '127.244.1.2' }], ports: [{ port: 8545 }] }] },
    change: (o) => (o.subsets[0].addresses = [{ ip: '127.244.1.3' }]),
    changed: (o) => o.subsets[0].addresses[0].ip,
  },
  {
    resource: 'events',
    collection: '/api/v1/namespaces/default/events',
    object: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'crud-ev' }, involvedObject: { kind: 'Pod', name: 'crud-pod', namespace: 'default' }, reason: 'Scheduled', message: 'placed' },
    change: (o) => (o.count = 2),
    changed: (o) => o.count,
  },
  {
    resource: 'leases',
    collection: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases',
    object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'crud-lease' }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } },
    change: (o) => (o.spec.holderIdentity = 'node-2'),
    changed: (o) => o.spec.holderIdentity,
  },
];

describe('CRUD on every resource type', () => {
  for (const c of cases) {
    it(`creates, gets, lists, updates and deletes ${c.resource}`, async () => {
      const name = c.object.metadata.name;
      const path = `${c.collection}/${name}`;

      const created = await ok('POST', c.collection, c.object);
      expect(created.kind).toBe(c.object.kind);
      expect(created.apiVersion).toBe(c.object.apiVersion);
      expect(created.metadata).toMatchObject({ name, uid: expect.any(String), creationTimestamp: expect.any(String) });
      expect(rvOf(created)).toBeGreaterThan(0);

      const got = await ok('GET', path);
      expect(got.metadata.uid).toBe(created.metadata.uid);
      expect(got.metadata.resourceVersion).toBe(created.metadata.resourceVersion);

      const list = await ok('GET', c.collection);
      expect(list.kind).toBe(`${c.object.kind}List`);
      expect(list.items.map((o: Obj) => o.metadata.name)).toContain(name);
      expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(rvOf(created));

      // An update is a compare-and-swap on the resourceVersion we read.
      const edit = structuredClone(got);
      edit.metadata.labels ??= {};
      c.change(edit);
      const updated = await ok('PUT', path, edit);
      expect(rvOf(updated)).toBeGreaterThan(rvOf(created));
      expect(c.changed(updated)).toEqual(c.changed(edit));
      expect(updated.metadata.uid).toBe(created.metadata.uid);

      // The same stale body again: someone (we) wrote in between.
      const stale = await api('PUT', path, edit);
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409 });
      expect(stale.body.message).toContain('the object has been modified');

      const deleted = await api('DELETE', path);
      expect(deleted.status).toBe(200);
      // A namespace turns Terminating and is removed once empty; everything else goes at once.
      await eventually(async () => {
        const after = await api('GET', path);
        expect(after.status).toBe(404);
        expect(after.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
      });
      const listAfter = await ok('GET', c.collection);
      expect(listAfter.items.map((o: Obj) => o.metadata.name)).not.toContain(name);
    });
  }

  it('gives each write a higher resourceVersion than the last', async () => {
    const path = '/api/v1/namespaces/default/pods';
    const versions: number[] = [];
    let current = await ok('POST', path, pod('rv-pod'));
    versions.push(rvOf(current));
    for (const label of ['a', 'b', 'c']) {
      current.metadata.labels = { step: label };
      current = await ok('PUT', `${path}/rv-pod`, current);
      versions.push(rvOf(current));
    }
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    await ok('DELETE', `${path}/rv-pod`);
  });

  it('names an object from generateName with a random suffix', async () => {
    const path = '/api/v1/namespaces/default/pods';
    const body = pod('');
    delete body.metadata.name;
    body.metadata.generateName = 'besu-';
    const a = await ok('POST', path, body);
    const b = await ok('POST', path, body);
    expect(a.metadata.name).toMatch(/^besu-[a-z0-9]{5}$/);
    expect(b.metadata.name).toMatch(/^besu-[a-z0-9]{5}$/);
    expect(a.metadata.name).not.toBe(b.metadata.name);
    expect(a.metadata.generateName).toBe('besu-');
    await ok('DELETE', `${path}/${a.metadata.name}`);
    await ok('DELETE', `${path}/${b.metadata.name}`);
  });
});
