// An informer against a real apiserver and etcd: adds, updates and deletes arrive; it survives an
// apiserver restart and an etcd compaction under it, ending with exactly the cluster's state, its
// handlers having seen no change twice and none missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types.ts';
import { startApiServer, type ApiServer } from '../../apiserver/server.ts';
import { realClock } from '../../client/clock.ts';
import { Informer } from '../../client/informer.ts';
import { KubeClient } from '../../client/rest.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

const NS = 'informer-a';
const OTHER = 'informer-b';
const clock = realClock(0.1); // backoffs ten times faster than Kubernetes' defaults

let cp: ControlPlane;
let writerServer: ApiServer; // a second apiserver on the same etcd: we write through it while ours is down
let client: KubeClient; // talks to the apiserver the informer uses
let writer: KubeClient;

beforeAll(async () => {
  cp = await startControlPlane();
  writerServer = await startApiServer({ etcdServers: [cp.etcdUrl], port: 0, log: () => {} });
  client = new KubeClient({ server: cp.url, clock });
  writer = new KubeClient({ server: writerServer.url, clock });
  for (const name of [NS, OTHER]) await client.create('namespaces', { metadata: { name } });
});

afterAll(async () => {
  await writerServer?.close();
  await cp?.stop();
});

const pod = (name: string, ns = NS): Pod => ({
  metadata: { name, namespace: ns, labels: { app: 'besu' } },
  spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] },
});
const touch = (c: KubeClient, name: string, value: string) =>
  c.patch('pods', name, { metadata: { annotations: { step: value } } }, { namespace: NS });
const remove = (c: KubeClient, name: string) => c.delete('pods', name, { namespace: NS, gracePeriodSeconds: 0 });

/** What the handlers told us, checked as it arrives: each (name, rv) once, old always what we had. */
function watchHandlers(inf: Informer<Pod>) {
  const view = new Map<string, string>();
  const delivered = new Set<string>();
  const violations: string[] = [];
  const calls: string[] = [];
  const deliver = (p: Pod) => {
    const id = `${p.metadata.name}@${p.metadata.resourceVersion}`;
    if (delivered.has(id)) violations.push(`twice: ${id}`);
    delivered.add(id);
    view.set(p.metadata.name!, p.metadata.resourceVersion!);
  };
  inf.addEventHandler({
    onAdd: (p) => {
      if (view.has(p.metadata.name!)) violations.push(`add of known ${p.metadata.name}`);
      calls.push(`add ${p.metadata.name}`);
      deliver(p);
    },
    onUpdate: (old, p) => {
      if (view.get(old.metadata.name!) !== old.metadata.resourceVersion) violations.push(`stale old for ${p.metadata.name}`);
      calls.push(`update ${p.metadata.name}`);
      deliver(p);
    },
    onDelete: (p) => {
      if (!view.delete(p.metadata.name!)) violations.push(`delete of unknown ${p.metadata.name}`);
      calls.push(`delete ${p.metadata.name}`);
    },
  });
  return { view, violations, calls };
}

async function clusterState(): Promise<Map<string, string>> {
  const list = await writer.list('pods', { namespace: NS });
  return new Map(list.items.map((p) => [p.metadata.name!, p.metadata.resourceVersion!]));
}

async function converge(inf: Informer<Pod>, view: Map<string, string>, timeoutMs = 20_000): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const want = await clusterState();
    const cache = new Map(inf.list().map((p) => [p.metadata.name!, p.metadata.resourceVersion!]));
    if (same(want, cache) && same(want, view)) return want;
    if (Date.now() > deadline) {
      expect({ cache: [...cache], view: [...view] }).toEqual({ cache: [...want], view: [...want] });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

describe('Informer against a real apiserver', () => {
  it('sees adds, updates and deletes, survives a restart and a compaction, and never repeats or misses a change', async () => {
    const logs: string[] = [];
    const inf = new Informer<Pod>(client, 'pods', { namespace: NS, clock, log: (m) => logs.push(m) });
    const h = watchHandlers(inf);
    await client.create('pods', pod('seed'));
    inf.start();
    expect(await inf.waitForSync()).toBe(true);
    expect(h.calls).toEqual(['add seed']);

    // Phase 1: changes while connected arrive one by one, in order.
    for (const n of ['p1', 'p2', 'p3']) await client.create('pods', pod(n));
    await touch(client, 'p1', 'one');
    await remove(client, 'p2');
    await converge(inf, h.view);
    expect(h.calls.slice(1)).toEqual(['add p1', 'add p2', 'add p3', 'update p1', 'delete p2']);

    // Phase 2: the apiserver goes away; the cluster changes meanwhile (through the other apiserver);
    // ours comes back. The informer resumes from its last resourceVersion, or, when the new
    // apiserver's watch cache does not reach back that far (410), relists; handlers see the same.
    await cp.stopApiServer();
    await writer.create('pods', pod('p4'));
    await touch(writer, 'p3', 'two');
    await remove(writer, 'seed');
    await cp.restartApiServer();
    const mark2 = h.calls.length;
    await converge(inf, h.view);
    expect(h.calls.slice(mark2).sort()).toEqual(['add p4', 'delete seed', 'update p3']);

    // Phase 3: down again; changes, including a pod that comes and goes, and writes elsewhere that
    // move etcd's revision on; then etcd is compacted. Resuming is impossible (410): the informer
    // relists and reports exactly the difference.
    const relistsBefore = inf.relists;
    await cp.stopApiServer();
    await writer.create('pods', pod('p5'));
    await touch(writer, 'p1', 'three');
    await remove(writer, 'p3');
    await writer.create('pods', pod('ghost'));
    await remove(writer, 'ghost');
    for (let i = 0; i < 5; i++) await writer.create('pods', pod(`elsewhere-${i}`, OTHER));
    await cp.compact();
    await cp.restartApiServer();
    const mark3 = h.calls.length;
    await converge(inf, h.view);
    expect(inf.relists).toBeGreaterThan(relistsBefore);
    expect(h.calls.slice(mark3).sort()).toEqual(['add p5', 'delete p3', 'update p1']);

    // Phase 4: writes racing a restart (through both apiservers) still converge exactly.
    const writes = (async () => {
      for (let i = 0; i < 30; i++) {
        await touch(writer, 'p1', `race-${i}`);
        if (i % 10 === 0) await writer.create('pods', pod(`race-${i}`));
      }
    })();
    await cp.restartApiServer();
    await writes;
    await converge(inf, h.view);

    if (process.env.SHOW_LOGS) console.log(logs.join("\n"), "\nrelists", inf.relists);
    expect(h.violations).toEqual([]);
    expect(logs.some((l) => l.includes('410'))).toBe(true);
    inf.stop();
  });
});
