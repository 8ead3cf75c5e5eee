// Node lifecycle and taint eviction decisions on a FakeClock: a node silent past the grace period
// becomes Unknown, gets the unreachable taints and its pods turn not ready; pods leave when their
// tolerationSeconds run out; everything is undone when the node comes back.
import { describe, expect, it } from 'vitest';
import type { Lease, Node, Pod, Taint } from '../../api/types.ts';
import { NodeLifecycleController } from '../../controllers/node-lifecycle.ts';
import { TaintEvictionController } from '../../controllers/taint-eviction.ts';
import { desiredControllerTaints, matchingTolerations, minTolerationMs, reconcileTaints } from '../../controllers/taints.ts';
import { deliver, fill, harness, node, pod } from './controllers-fake-client.ts';

const lease = (name: string, renewTime: string): Lease => ({
  apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, renewTime },
});
const UNREACHABLE: Taint[] = [
  { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:41Z' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:41Z' },
];

function lifecycle(nodes: Node[], pods: Pod[] = []) {
  const h = harness();
  const nlc = new NodeLifecycleController({ client: h.client, factory: h.factory, clock: h.clock, recorder: h.recorder, log: h.log });
  fill(h.factory.informer('nodes'), nodes);
  fill(h.factory.informer('leases', { namespace: 'kube-node-lease' }), nodes.map((n) => lease(n.metadata.name!, h.clock.nowISO())));
  fill(h.factory.informer('pods'), pods);
  return { ...h, nlc, sync: (name: string) => nlc['sync'](name), leases: h.factory.informer('leases', { namespace: 'kube-node-lease' }), nodes: h.factory.informer('nodes') };
}

describe('NodeLifecycleController.sync', () => {
  it('leaves a node alone while its lease keeps being renewed', async () => {
    const t = lifecycle([node('n1'), node('n2')]);
    await t.sync('n1');
    expect(t.recorder.messages('RegisteredNode')).toEqual(['Registered Node n1 in Controller']);
    for (let i = 0; i < 6; i++) {
      t.clock.advance(10_000);
      deliver(t.leases, 'MODIFIED', lease('n1', t.clock.nowISO()));
      await t.sync('n1');
    }
    expect(t.client.actions()).toEqual([]);
  });

  it('marks a silent node Unknown after the grace period, with Kubernetes\' reason and message', async () => {
    const t = lifecycle([node('n1'), node('n2')], [pod('p', { node: 'n1', ready: true })]);
    await t.sync('n1');
    t.clock.advance(40_000);
    await t.sync('n1');
    expect(t.client.actions()).toEqual([]); // exactly the grace period: not yet
    t.clock.advance(1_000);
    await t.sync('n1');
    const written = t.client.of('updateStatus', 'nodes')[0].body as Node;
    const conditions = Object.fromEntries(written.status!.conditions!.map((c) => [c.type, c]));
    expect(conditions.Ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(conditions.MemoryPressure).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated' });
    expect(t.recorder.messages('NodeNotReady')).toEqual(['Node n1 status is now: NodeNotReady', 'Node is not ready']);
    // Its pods stop being ready, so Services stop sending them traffic.
    const podStatus = t.client.of('updateStatus', 'pods')[0].body as Pod;
    expect(podStatus.status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('False');
    expect(t.logs.some((l) => l.includes('n1 has not renewed its lease or posted status for 41s (grace period 40s)'))).toBe(true);
  });

  it('taints an Unknown node unreachable (NoSchedule and NoExecute), and untaints it when Ready again', async () => {
    const t = lifecycle([node('n1', 'Unknown'), node('n2')]);
    await t.sync('n1');
    const patch = t.client.of('patch', 'nodes')[0].body as { spec: { taints: Taint[] } };
    expect(patch.spec.taints.map((x) => `${x.key}:${x.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(patch.spec.taints[0].timeAdded).toBe('2026-01-01T00:00:00Z');
    // The kubelet is back and posts Ready: the taints go, a user's own taint stays.
    const mine: Taint = { key: 'example.com/gpu', effect: 'NoSchedule' };
    deliver(t.nodes, 'MODIFIED', { ...node('n1', 'True'), spec: { taints: [...UNREACHABLE, mine] } });
    await t.sync('n1');
    expect((t.client.of('patch', 'nodes')[1].body as { spec: { taints: Taint[] } }).spec.taints).toEqual([mine]);
  });

  it('evicts nothing when every node is down (full disruption): NoSchedule only', async () => {
    const t = lifecycle([node('n1', 'Unknown'), node('n2', 'Unknown')]);
    await t.sync('n1');
    const taints = (t.client.of('patch', 'nodes')[0].body as { spec: { taints: Taint[] } }).spec.taints;
    expect(taints.map((x) => x.effect)).toEqual(['NoSchedule']);
    expect(t.logs.some((l) => l.includes('entering full disruption mode'))).toBe(true);
  });

  it('gives a node that never posted status the startup grace period, counted from its creation', async () => {
    const t = lifecycle([node('n1', null), node('n2')]);
    t.leases.replace([], '1'); // no lease either
    await t.sync('n1');
    t.clock.advance(59_000);
    await t.sync('n1');
    expect(t.client.of('updateStatus')).toEqual([]);
    t.clock.advance(2_000);
    await t.sync('n1');
    const ready = (t.client.of('updateStatus', 'nodes')[0].body as Node).status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
  });

  it('forgets a deleted node', async () => {
    const t = lifecycle([node('n1'), node('n2')]);
    await t.sync('n1');
    deliver(t.nodes, 'DELETED', node('n1'));
    await t.sync('n1');
    expect(t.recorder.messages('RemovingNode')).toEqual(['Removing Node n1 from Controller']);
  });
});

function eviction(nodes: Node[], pods: Pod[]) {
  const h = harness();
  const tec = new TaintEvictionController({ client: h.client, factory: h.factory, clock: h.clock, recorder: h.recorder, log: h.log });
  fill(h.factory.informer('nodes'), nodes);
  fill(h.factory.informer('pods'), pods);
  return { ...h, sync: (key: string) => tec['sync'](key), nodes: h.factory.informer('nodes') };
}

describe('TaintEvictionController.sync', () => {
  const tainted = { ...node('n1', 'Unknown'), spec: { taints: UNREACHABLE } };

  it('deletes a pod when its tolerationSeconds (300 s by default) run out, marking why first', async () => {
    const t = eviction([tainted], [pod('p', { node: 'n1', ready: false })]);
    await t.sync('default/p');
    expect(t.client.actions()).toEqual([]);
    t.clock.advance(299_000);
    await t.sync('default/p');
    expect(t.client.actions()).toEqual([]);
    t.clock.advance(1_000);
    await t.sync('default/p');
    expect(t.client.actions()).toEqual(['updateStatus pods p', 'delete pods p']);
    const marked = t.client.of('updateStatus')[0].body as Pod;
    expect(marked.status!.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', reason: 'DeletionByTaintManager' }));
    expect(t.recorder.messages('TaintManagerEviction')).toEqual(['Marking for deletion Pod default/p']);
  });

  it('deletes at once a pod that does not tolerate the taint', async () => {
    const p = pod('p', { node: 'n1' });
    p.spec.tolerations = [];
    const t = eviction([tainted], [p]);
    await t.sync('default/p');
    expect(t.client.actions()).toEqual(['updateStatus pods p', 'delete pods p']);
  });

  it('never deletes a pod that tolerates the taint without a time limit', async () => {
    const p = pod('p', { node: 'n1' });
    p.spec.tolerations = [{ operator: 'Exists' }];
    const t = eviction([tainted], [p]);
    await t.sync('default/p');
    t.clock.advance(3_600_000);
    await t.sync('default/p');
    expect(t.client.actions()).toEqual([]);
  });

  it('cancels the countdown when the taint goes before it runs out', async () => {
    const t = eviction([tainted], [pod('p', { node: 'n1' })]);
    await t.sync('default/p');
    t.clock.advance(100_000);
    deliver(t.nodes, 'MODIFIED', node('n1'));
    await t.sync('default/p');
    t.clock.advance(300_000);
    await t.sync('default/p');
    expect(t.client.actions()).toEqual([]);
    expect(t.recorder.messages('TaintManagerEviction')).toEqual(['Cancelling deletion of Pod default/p']);
  });
});

describe('taint rules', () => {
  it('maps conditions to taints and keeps timeAdded of taints already there', () => {
    const n = { ...node('n1', 'False'), spec: { unschedulable: true } };
    expect(desiredControllerTaints(n).map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute',
    ]);
    expect(reconcileTaints(UNREACHABLE, UNREACHABLE.map(({ key, effect }) => ({ key, effect })), 'later')).toBeUndefined();
  });

  it('matches tolerations as Kubernetes does and takes the shortest tolerationSeconds', () => {
    const taints: Taint[] = [{ key: 'a', effect: 'NoExecute' }, { key: 'b', value: 'x', effect: 'NoExecute' }];
    const { all, used } = matchingTolerations(taints, [
      { key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
      { key: 'b', operator: 'Equal', value: 'x', tolerationSeconds: 30 },
    ]);
    expect(all).toBe(true);
    expect(minTolerationMs(used)).toBe(30_000);
    expect(matchingTolerations(taints, [{ key: 'b', operator: 'Equal', value: 'y' }]).all).toBe(false);
  });
});
