// kube-apiserver integration: watch semantics
// ===========================================
// CONCEPT   A watch started at a list's resourceVersion sees exactly what happened afterwards, in
//           order, and a second watch from the same resourceVersion is replayed the same history.
//           Without a resourceVersion it starts with synthetic ADDED events; an object that stops
//           matching a selector leaves as DELETED. A resourceVersion the watch cache no longer
//           remembers (after compaction) gets 410 Expired, and the client lists again.
// REAL K8S  test/integration/apiserver/watchcache_test.go, staging/src/k8s.io/apiserver/pkg/storage/cacher/
// SHIPS     Every ship keeps its radio on and hears each message once, in order.
// EXAMPLE   GET pods?watch=true&resourceVersion=42  =>  {"type":"ADDED","object":{...}} one per line
// SKIPPED   WebSocket upgrades, watch-list streaming.

import { describe, expect, it } from 'vitest';
import { type Obj, pod, rvOf, sleep, summary, useApiServer } from '../helpers/apiserver-http.ts';

const server = useApiServer({ serviceClusterIPRange: '127.96.63.0/24' });
const { ok, watch, createNamespace, bindPod } = server;

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

// Last, because it restarts the apiserver: a fresh watch cache only remembers from its own start.
describe('watch after compaction', () => {
  it('answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const path = '/api/v1/namespaces/default/pods';
    const old = (await ok('GET', path)).metadata.resourceVersion;
    await ok('POST', path, pod('after-old'));
    await ok('DELETE', `${path}/after-old`);
    await server.cp.compact();
    await server.cp.restartApiServer();

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
