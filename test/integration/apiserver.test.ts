// kube-apiserver integration: CRUD and watch semantics against a real etcd
// ========================================================================
// CONCEPT   These tests speak plain HTTP to a real apiserver backed by a real etcd, the way every
//           component of the cluster does. They pin the contract the rest of the project relies
//           on: resourceVersions come from etcd and only grow, a stale write gets 409, generation
//           follows spec changes, subresources change only their part, a watch started at a list's
//           resourceVersion sees exactly what happened afterwards, and allocations (ClusterIPs,
//           NodePorts) never collide.
// REAL K8S  test/integration/apiserver/apiserver_test.go, test/integration/apiserver/watchcache_test.go,
//           test/integration/servicenodeport/, test/integration/evictions/
// SHIPS     A drill in the radio room: file, amend, strike off, and check every ship heard it.
// EXAMPLE   POST /api/v1/namespaces/default/pods {...}  =>  201, metadata.resourceVersion "42"
// SKIPPED   Paging, server-side apply, authentication.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ serviceClusterIPRange: '127.96.1.0/24' });
});

afterAll(async () => {
  await cp?.stop();
});

// ## Helpers: one HTTP call, one watch stream

interface Answer {
  status: number;
  body: Obj;
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${cp.url}${path}`, init);
  const text = await res.text();
  let parsed: Obj;
  try {
    parsed = JSON.parse(text) as Obj;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed };
}

/** Calls the API and insists on a status code, printing the answer when it differs. */
async function ok(method: string, path: string, body?: unknown, expected?: number, headers?: Record<string, string>): Promise<Obj> {
  const res = await api(method, path, body, headers);
  const want = expected ?? (method === 'POST' ? 201 : 200);
  if (res.status !== want) throw new Error(`${method} ${path}: expected ${want}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

interface WatchStream {
  events: Obj[];
  /** Waits until at least `count` events arrived (or the stream ended), then returns them. */
  waitFor(count: number, timeoutMs?: number): Promise<Obj[]>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `?watch=true` and collects one parsed event per line; resolves once headers arrived. */
async function watch(path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  const controller = new AbortController();
  const events: Obj[] = [];
  let wake = () => {};
  const res = await fetch(`${cp.url}${path}`, { signal: controller.signal, headers });
  if (res.status !== 200) throw new Error(`watch ${path}: ${res.status} ${await res.text()}`);
  let done = false;
  const ended = (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffered += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, i).trim();
          buffered = buffered.slice(i + 1);
          if (line) events.push(JSON.parse(line) as Obj);
        }
        wake();
      }
    } catch {
      // aborted by close()
    }
    done = true;
    wake();
  })();
  return {
    events,
    ended,
    close: () => controller.abort(),
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && !done && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      if (events.length < count) {
        throw new Error(`watch ${path}: wanted ${count} events, got ${events.length}: ${JSON.stringify(events.map(summary))}`);
      }
      return events;
    },
  };
}

const summary = (e: Obj) => `${e.type} ${e.object?.metadata?.name ?? e.object?.message ?? ''}`;
const rvOf = (o: Obj) => Number(o.metadata.resourceVersion);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pod(name: string, labels: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

function rc(name: string, replicas = 2): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } } },
  };
}

async function createNamespace(name: string): Promise<void> {
  await ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

async function bindPod(ns: string, name: string, node: string): Promise<void> {
  await ok('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });
}

/** Polls until `check` passes, for effects that happen asynchronously (namespace removal). */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

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

describe('lists', () => {
  it('serves resourceVersion=0 from the watch cache without asking etcd', async () => {
    await ok('POST', '/api/v1/namespaces/default/pods', pod('cached-pod'));
    // Wait until the cache has seen the pod, then read with and without resourceVersion=0.
    await eventually(async () => {
      const list = await ok('GET', '/api/v1/namespaces/default/pods?resourceVersion=0');
      expect(list.items.map((o: Obj) => o.metadata.name)).toContain('cached-pod');
    });
    const spy = vi.spyOn(cp.apiserver.store.etcd, 'list');
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

describe('watch', () => {
  it('sees exactly the changes after a list, in order', async () => {
    const path = '/api/v1/namespaces/default/pods';
    await ok('POST', path, pod('before-list'));
    const list = await ok('GET', path);
    const rv = list.metadata.resourceVersion;

    const live = await watch(`${path}?watch=true&resourceVersion=${rv}`);
    const created = await ok('POST', path, pod('w1'));
    created.metadata.labels = { seen: 'yes' };
    const updated = await ok('PUT', `${path}/w1`, created);
    await ok('DELETE', `${path}/w1`);

    const events = await live.waitFor(3);
    await sleep(200);
    live.close();
    expect(events.map(summary)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    expect(events[0].object.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(events[1].object.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
    expect(events[1].object.metadata.labels).toEqual({ seen: 'yes' });
    expect(rvOf(events[2].object)).toBeGreaterThan(rvOf(updated));
    expect(events[0].object.kind).toBe('Pod');

    // A watch opened later from the same resourceVersion is replayed the same history.
    const replay = await watch(`${path}?watch=true&resourceVersion=${rv}`);
    const again = await replay.waitFor(3);
    replay.close();
    expect(again.slice(0, 3).map((e) => `${e.type} ${e.object.metadata.resourceVersion}`)).toEqual(
      events.map((e) => `${e.type} ${e.object.metadata.resourceVersion}`),
    );
    await ok('DELETE', `${path}/before-list`);
  });

  it('starts with synthetic ADDED events when no resourceVersion is given', async () => {
    await createNamespace('watch-initial');
    const path = '/api/v1/namespaces/watch-initial/pods';
    await ok('POST', path, pod('x'));
    await ok('POST', path, pod('y'));
    const w = await watch(`${path}?watch=true`);
    const events = await w.waitFor(2);
    w.close();
    expect(events.map(summary).sort()).toEqual(['ADDED x', 'ADDED y']);
  });

  it('turns a pod that stops matching a label selector into DELETED, and back into ADDED', async () => {
    await createNamespace('watch-labels');
    const path = '/api/v1/namespaces/watch-labels/pods';
    const w = await watch(`${path}?watch=true&labelSelector=app%3Dbesu&resourceVersion=${(await ok('GET', path)).metadata.resourceVersion}`);
    const p = await ok('POST', path, pod('p', { app: 'besu' }));
    await ok('POST', path, pod('other', { app: 'web' }));
    p.metadata.labels = { app: 'web' };
    const moved = await ok('PUT', `${path}/p`, p);
    moved.metadata.labels = { app: 'besu' };
    await ok('PUT', `${path}/p`, moved);
    const events = await w.waitFor(3);
    await sleep(200);
    w.close();
    expect(events.map(summary)).toEqual(['ADDED p', 'DELETED p', 'ADDED p']);
    // The DELETED carries the object as it now is (no longer matching).
    expect(events[1].object.metadata.labels).toEqual({ app: 'web' });
  });

  it('turns a pod that stops matching a field selector into DELETED', async () => {
    await createNamespace('watch-fields');
    const path = '/api/v1/namespaces/watch-fields/pods';
    const rv = (await ok('GET', path)).metadata.resourceVersion;
    // The scheduler's watch: pods that have no node yet.
    const w = await watch(`${path}?watch=true&fieldSelector=spec.nodeName%3D&resourceVersion=${rv}`);
    await ok('POST', path, pod('unscheduled'));
    await bindPod('watch-fields', 'unscheduled', 'node-1');
    const events = await w.waitFor(2);
    await sleep(200);
    w.close();
    expect(events.map(summary)).toEqual(['ADDED unscheduled', 'DELETED unscheduled']);
    expect(events[1].object.spec.nodeName).toBe('node-1');
  });

  it('watches one object by name', async () => {
    const path = '/api/v1/namespaces/default/pods';
    await ok('POST', path, pod('solo'));
    await ok('POST', path, pod('noise'));
    const w = await watch(`${path}/solo?watch=true`);
    await w.waitFor(1);
    const solo = await ok('GET', `${path}/solo`);
    solo.metadata.labels = { touched: '1' };
    await ok('PUT', `${path}/solo`, solo);
    const noise = await ok('GET', `${path}/noise`);
    noise.metadata.labels = { touched: '1' };
    await ok('PUT', `${path}/noise`, noise);
    const events = await w.waitFor(2);
    await sleep(200);
    w.close();
    expect(events.map(summary)).toEqual(['ADDED solo', 'MODIFIED solo']);
    await ok('DELETE', `${path}/solo`);
    await ok('DELETE', `${path}/noise`);
  });

  it('streams one-row Tables when asked with the Table Accept header', async () => {
    const path = '/api/v1/namespaces/default/pods';
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const rv = (await ok('GET', path)).metadata.resourceVersion;
    const w = await watch(`${path}?watch=true&resourceVersion=${rv}`, { accept });
    await ok('POST', path, pod('table-watch'));
    await ok('DELETE', `${path}/table-watch`);
    const events = await w.waitFor(2);
    w.close();
    expect(events[0].object.kind).toBe('Table');
    expect(events[0].object.columnDefinitions.map((c: Obj) => c.name).slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(events[0].object.rows[0].cells[0]).toBe('table-watch');
    expect(events[1].type).toBe('DELETED');
    expect(events[1].object.rows).toHaveLength(1);
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

describe('services', () => {
  const path = '/api/v1/namespaces/default/services';
  const nodePortService = (name: string, nodePort?: number): Obj => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 8545, ...(nodePort ? { nodePort } : {}) }] },
  });
  const inRange = (ip: string) => /^127\.96\.1\.(\d+)$/.test(ip) && Number(ip.split('.')[3]) >= 1 && Number(ip.split('.')[3]) <= 254;

  it('gives a ClusterIP service an address from the service range and defaults its ports', async () => {
    const svc = await ok('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { selector: { app: 'besu' }, ports: [{ port: 8545 }] } });
    expect(inRange(svc.spec.clusterIP)).toBe(true);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports[0]).toEqual({ port: 8545, targetPort: 8545, protocol: 'TCP' });
    await ok('DELETE', `${path}/plain`);
  });

  it('hands 20 concurrent NodePort services distinct ports and addresses', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => ok('POST', path, nodePortService(`np-${i}`))));
    const ports = created.map((s) => s.spec.ports[0].nodePort as number);
    const ips = created.map((s) => s.spec.clusterIP as string);
    expect(new Set(ports).size).toBe(20);
    expect(new Set(ips).size).toBe(20);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(30000), expect(port).toBeLessThanOrEqual(32767);
    for (const ip of ips) expect(inRange(ip)).toBe(true);

    // A port or address in use cannot be asked for again...
    const taken = await api('POST', path, nodePortService('np-clash', ports[0]));
    expect(taken.status).toBe(422);
    expect(taken.body).toMatchObject({ reason: 'Invalid' });
    expect(taken.body.message).toContain('already allocated');
    const ipClash = await api('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ip-clash' }, spec: { clusterIP: ips[0], ports: [{ port: 80 }] } });
    expect(ipClash.status).toBe(422);

    // ...until the service holding it is deleted.
    await ok('DELETE', `${path}/np-0`);
    const reused = await ok('POST', path, nodePortService('np-reuse', ports[0]));
    expect(reused.spec.ports[0].nodePort).toBe(ports[0]);
    const reusedIp = await ok('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ip-reuse' }, spec: { clusterIP: ips[0], ports: [{ port: 80 }] } });
    expect(reusedIp.spec.clusterIP).toBe(ips[0]);

    for (const name of ['np-reuse', 'ip-reuse', ...created.slice(1).map((s) => s.metadata.name)]) await ok('DELETE', `${path}/${name}`);
  });

  it('refuses a ClusterIP outside the range and keeps the address on update', async () => {
    const outside = await api('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'outside' }, spec: { clusterIP: '10.0.0.1', ports: [{ port: 80 }] } });
    expect(outside.status).toBe(422);
    expect(outside.body.details.causes[0].field).toBe('spec.clusterIPs[0]');

    const svc = await ok('POST', path, nodePortService('keep'));
    // An update that leaves clusterIP and nodePort out (as `kubectl apply` does) keeps them.
    const body = { ...svc, spec: { ...svc.spec, clusterIP: undefined, clusterIPs: undefined, ports: [{ port: 8545 }] } };
    const after = await ok('PUT', `${path}/keep`, body);
    expect(after.spec.clusterIP).toBe(svc.spec.clusterIP);
    expect(after.spec.ports[0].nodePort).toBe(svc.spec.ports[0].nodePort);
    await ok('DELETE', `${path}/keep`);
  });
});

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

// Last, because it restarts the apiserver: a fresh watch cache only remembers from its own start.
describe('watch after compaction', () => {
  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const path = '/api/v1/namespaces/default/pods';
    const old = (await ok('GET', path)).metadata.resourceVersion;
    await ok('POST', path, pod('after-old'));
    await ok('DELETE', `${path}/after-old`);
    await cp.compact();
    await cp.restartApiServer();

    const w = await watch(`${path}?watch=true&resourceVersion=${old}`);
    const events = await w.waitFor(1);
    await w.ended;
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('ERROR');
    expect(events[0].object).toMatchObject({ kind: 'Status', status: 'Failure', code: 410, reason: 'Expired' });
    expect(events[0].object.message).toContain('too old resource version');

    // A client that lists again gets a fresh resourceVersion it can watch from.
    const fresh = (await ok('GET', path)).metadata.resourceVersion;
    const resumed = await watch(`${path}?watch=true&resourceVersion=${fresh}`);
    await ok('POST', path, pod('after-relist'));
    expect((await resumed.waitFor(1)).map(summary)).toEqual(['ADDED after-relist']);
    resumed.close();
  });
});
