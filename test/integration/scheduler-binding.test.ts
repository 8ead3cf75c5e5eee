// kube-scheduler against a real apiserver and etcd: pods bind and the scheduler says why.
// There is no kubelet here: the test registers Ready nodes itself. One scheduler, at a tenth of
// Kubernetes' time (backoffs of 1 s take 100 ms), serves every test; each test clears the cluster.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { SCHEDULING_RESULT_ANNOTATION } from '../../scheduler/explanation.ts';
import { startScheduler, type Scheduler } from '../../scheduler/scheduler.ts';
import { antiAffinity } from '../../scheduler/testing.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { clearCluster, node, pod, podScheduled, sleep, waitFor, waitForEvents } from './scheduler-fixtures.ts';

const NS = 'default';
const clock = realClock(0.1);

let cp: ControlPlane;
let client: KubeClient;
let scheduler: Scheduler;
const logs: string[] = [];

beforeAll(async () => {
  cp = await startControlPlane();
  client = new KubeClient({ server: cp.url, clock });
  scheduler = await startScheduler({ client, clock, port: 0, log: (l) => logs.push(l), random: () => 0.5 });
});

afterEach(async () => {
  await clearCluster(client, NS);
  await waitFor('the scheduler cache to empty', () => scheduler.cache.nodeCount === 0 && scheduler.cache.podCount === 0);
});

afterAll(async () => {
  await scheduler?.stop();
  await cp?.stop();
});

const get = (name: string) => client.get('pods', name, NS);
const create = async (p: Pod) => client.create('pods', p);
const boundNode = async (name: string) => (await get(name)).spec.nodeName;
/** Waits until every named pod is bound; returns name -> node. */
async function waitBound(names: string[], timeoutMs = 15_000): Promise<Record<string, string>> {
  return waitFor(`${names.join(', ')} to be bound`, async () => {
    const nodes = await Promise.all(names.map(boundNode));
    return nodes.every(Boolean) ? Object.fromEntries(names.map((n, i) => [n, nodes[i]!])) : undefined;
  }, timeoutMs);
}
/** Pods requesting cpu and memory in the nodes' own 1 : 2Gi ratio, so BalancedAllocation ties everywhere. */
const sized = (name: string, cpu: number, o: Parameters<typeof pod>[1] = {}) =>
  pod(name, { cpu: `${cpu * 1000}m`, memory: `${cpu * 2 * 1024}Mi`, ...o });

describe('kube-scheduler binds pods through the apiserver', () => {
  it('binds a pod: spec.nodeName, PodScheduled=True, a Scheduled event and the explanation annotation', async () => {
    for (const n of ['node-1', 'node-2', 'node-3']) await client.create('nodes', node(n));
    // node-2 already carries 2 cpu (a pod bound by hand), so bin-packing prefers it.
    await create(sized('ballast', 2, { nodeName: 'node-2' }));
    const x = await create(sized('x', 1));

    await waitBound(['x']);
    const bound = await get('x');
    expect(bound.spec.nodeName).toBe('node-2');
    expect(podScheduled(bound)).toMatchObject({ type: 'PodScheduled', status: 'True' });

    const [event] = await waitForEvents(client, x, 'Scheduled');
    expect(event).toMatchObject({
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned default/x to node-2',
      source: { component: 'default-scheduler', host: scheduler.identity },
      involvedObject: { kind: 'Pod', name: 'x', namespace: NS, uid: x.metadata.uid },
    });

    const annotation = await waitFor('the explanation annotation', async () => (await get('x')).metadata.annotations?.[SCHEDULING_RESULT_ANNOTATION]);
    const compact = JSON.parse(annotation);
    expect(compact).toMatchObject({ node: 'node-2', profile: 'default-scheduler', feasible: '3/3' });
    expect(compact.top[0]).toMatchObject({ node: 'node-2' });
    expect(Object.keys(compact.top[0].scores)).toContain('NodeResourcesMostAllocated');
    expect(logs.some((l) => l.startsWith('crane: default/x -> node-2, fullest ship that fits'))).toBe(true);
  });

  it('bin-packs with the default profile (fullest node that fits) and spreads with spread-scheduler (emptiest)', async () => {
    for (const n of ['node-1', 'node-2', 'node-3']) await client.create('nodes', node(n)); // 4 cpu, 8Gi each
    await create(sized('ballast-1', 0.5, { nodeName: 'node-1' }));
    await create(sized('ballast-2', 2, { nodeName: 'node-2' }));

    // Packing: a and b fill node-2 to 4/4; c no longer fits there and takes the next fullest, node-1.
    for (const n of ['a', 'b', 'c']) await create(sized(n, 1));
    const packed = await waitBound(['a', 'b', 'c']);
    expect(Object.values(packed).sort()).toEqual(['node-1', 'node-2', 'node-2']);
    // Node totals now: node-1 1.5, node-2 4 (full), node-3 0.

    // Spreading, one at a time: node-3 (0) then node-3 (1 < 1.5) then node-1 (1.5 < 2).
    const spread = { schedulerName: 'spread-scheduler' };
    const placed: string[] = [];
    for (const n of ['s1', 's2', 's3']) {
      await create(sized(n, 1, spread));
      placed.push((await waitBound([n]))[n]!);
    }
    expect(placed).toEqual(['node-3', 'node-3', 'node-1']);
    const compact = JSON.parse((await get('s1')).metadata.annotations![SCHEDULING_RESULT_ANNOTATION]!);
    expect(compact).toMatchObject({ node: 'node-3', profile: 'spread-scheduler', feasible: '2/3', filtered: { 'NodeResourcesFit: Insufficient cpu, Insufficient memory': ['node-2'] } });
  });

  it('leaves a pod too big for every node Pending, explains why, and binds it once a big enough node joins', async () => {
    for (const n of ['node-1', 'node-2', 'node-3']) await client.create('nodes', node(n));
    const big = await create(pod('big', { cpu: '8' }));

    const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    const [failed] = await waitForEvents(client, big, 'FailedScheduling');
    expect(failed).toMatchObject({ type: 'Warning', reason: 'FailedScheduling', message, source: { component: 'default-scheduler' } });
    const pending = await waitFor('PodScheduled=False', async () => {
      const p = await get('big');
      // The condition and the explanation annotation are separate writes: wait for both.
      return podScheduled(p)?.status === 'False' && p.metadata.annotations?.[SCHEDULING_RESULT_ANNOTATION] !== undefined && p;
    });
    expect(pending.spec.nodeName).toBeUndefined();
    expect(pending.status?.phase).toBe('Pending');
    expect(podScheduled(pending)).toMatchObject({ status: 'False', reason: 'Unschedulable', message });

    // The scheduler's own endpoint has the whole story: every filter on every node.
    const res = await fetch(`${scheduler.url}/explanations/default/big`);
    expect(res.status).toBe(200);
    const explanation = (await res.json()) as Record<string, any>;
    expect(explanation).toMatchObject({ pod: 'default/big', profile: 'default-scheduler', selectedNode: null, message });
    for (const n of ['node-1', 'node-2', 'node-3']) {
      expect(explanation.filter[n]).toMatchObject({ NodeUnschedulable: 'passed', TaintToleration: 'passed', NodeResourcesFit: 'Insufficient cpu' });
    }
    expect(explanation.postFilter).toEqual({ message: 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.' });
    const queue = await (await fetch(`${scheduler.url}/queue`)).json();
    expect(queue).toEqual({ active: [], backoff: [], unschedulable: ['default/big'] });
    expect((await fetch(`${scheduler.url}/explanations/default/nobody`)).status).toBe(404);
    expect(await (await fetch(`${scheduler.url}/healthz`)).text()).toBe('ok');
    expect(await (await fetch(`${scheduler.url}/leader`)).json()).toEqual({ leader: true });
    // The annotation holds the compact form of the same failure.
    const compact = JSON.parse(pending.metadata.annotations![SCHEDULING_RESULT_ANNOTATION]!);
    expect(compact).toMatchObject({ node: null, feasible: '0/3', message, filtered: { 'NodeResourcesFit: Insufficient cpu': ['node-1', 'node-2', 'node-3'] } });

    // A big ship arrives (NodeAdd wakes the pod): it binds there.
    await client.create('nodes', node('node-4', { cpu: '16', memory: '32Gi' }));
    expect((await waitBound(['big']))['big']).toBe('node-4');
    expect(podScheduled(await get('big'))).toMatchObject({ status: 'True' });
    const after = (await (await fetch(`${scheduler.url}/explanations/default/big`)).json()) as Record<string, any>;
    expect(after.selectedNode).toBe('node-4');
  });

  it('retries an unschedulable pod after a backoff scaled by the time scale (1 s of Kubernetes time = 100 ms)', async () => {
    await client.create('nodes', node('node-1'));
    await create(pod('huge', { cpu: '32' }));
    await waitFor('huge to be unschedulable', () => scheduler.queue.pendingPods().unschedulable.includes('default/huge'), 10_000);
    const added = Date.now();
    await client.create('nodes', node('node-huge', { cpu: '64', memory: '64Gi' }));
    await waitBound(['huge']);
    // Its backoff is 1 or 2 s of Kubernetes time: 100-200 ms of wall time at scale 0.1, not 1-2 s.
    expect(Date.now() - added).toBeLessThan(800);
  });

  it('filters cordoned and tainted nodes, with the FailedScheduling wording of Kubernetes', async () => {
    await client.create('nodes', node('node-1', { unschedulable: true }));
    await client.create('nodes', node('node-2', { taints: [{ key: 'dedicated', value: 'besu', effect: 'NoSchedule' }] }));
    await client.create('nodes', node('node-3', { cpu: '2', memory: '4Gi' }));

    // Only node-3 takes a pod without a toleration.
    await create(sized('plain-1', 1));
    expect((await waitBound(['plain-1']))['plain-1']).toBe('node-3');

    // plain-2 needs 2 cpu: node-3 has 1 left, the others refuse it for other reasons.
    const plain2 = await create(pod('plain-2', { cpu: '2', memory: '1Gi' }));
    const [failed] = await waitForEvents(client, plain2, 'FailedScheduling');
    expect(failed!.message).toBe(
      '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: besu}, 1 node(s) were unschedulable. ' +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );

    // A pod that tolerates the taint may use node-2 (the only node with room for 3 cpu).
    const tolerations = [{ key: 'dedicated', operator: 'Equal' as const, value: 'besu', effect: 'NoSchedule' as const }];
    await create(sized('tolerant', 3, { tolerations }));
    expect((await waitBound(['tolerant']))['tolerant']).toBe('node-2');
    expect(await boundNode('plain-2')).toBeUndefined();

    // Uncordoning node-1 is the event plain-2 was waiting for.
    await client.patch('nodes', 'node-1', { spec: { unschedulable: false } });
    expect((await waitBound(['plain-2']))['plain-2']).toBe('node-1');
  });

  it('keeps validators with required anti-affinity on different nodes: 4 on 3 nodes leaves one Pending', async () => {
    for (const n of ['node-1', 'node-2', 'node-3']) await client.create('nodes', node(n));
    const labels = { app: 'validator' };
    const validators = ['validator-0', 'validator-1', 'validator-2', 'validator-3'];
    await Promise.all(validators.map((n) => create(pod(n, { cpu: '100m', labels, affinity: antiAffinity(labels) }))));

    const pendingOne = await waitFor('3 bound and 1 Unschedulable', async () => {
      const pods = await Promise.all(validators.map(get));
      const bound = pods.filter((p) => p.spec.nodeName);
      const waiting = pods.filter((p) => podScheduled(p)?.reason === 'Unschedulable');
      return bound.length === 3 && waiting.length === 1 && { bound, waiting: waiting[0]! };
    });
    expect(pendingOne.bound.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(podScheduled(pendingOne.waiting)!.message).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    // Still one Pending a while later: nothing that could help has happened.
    await sleep(500);
    expect((await Promise.all(validators.map(get))).filter((p) => !p.spec.nodeName)).toHaveLength(1);
  });
});
