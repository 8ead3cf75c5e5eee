// kube-controller-manager against a real etcd and apiserver, with simulated kubelets and scheduler
// (controllers-sim.ts): RCs scale exactly, Endpoints follow readiness, LoadBalancers get an IP,
// nodes get podCIDRs, and deleting owners (or nodes) cleans up their pods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, Pod, ReplicationController, Service } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import type { KubeClient } from '../../client/rest.ts';
import { type SimCluster, type SimClusterHandle, startSimCluster } from '../helpers/sim-cluster.ts';
import { waitFor } from '../helpers/wait.ts';

const clock = realClock(0.05); // 40 s of Kubernetes time pass in 2 s
let cluster: SimClusterHandle;
let client: KubeClient;
let sim: SimCluster;
let logs: string[]; // KCM_LOGS=1 prints what the controllers said

beforeAll(async () => {
  ({ client, sim, logs } = cluster = await startSimCluster({ clock, nodes: ['node-1', 'node-2', 'node-3'] }));
});

afterAll(() => cluster?.stop());

const rcOf = (name: string, replicas: number): ReplicationController => ({
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1', ports: [{ name: 'rpc', containerPort: 8545 }] }] } } },
});
const owned = (rc: string) => sim.pods.list().filter((p) => p.metadata.ownerReferences?.some((r) => r.name === rc && r.kind === 'ReplicationController'));
const live = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp && !['Failed', 'Succeeded'].includes(p.status?.phase ?? ''));
const running = (rc: string) => live(owned(rc)).filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

/** Watches the most non-terminating pods of an RC ever seen at once. */
function peakOf(rc: string) {
  let peak = 0;
  const look = () => void (peak = Math.max(peak, live(owned(rc)).length));
  const off = sim.pods.addEventHandler({ onAdd: look, onUpdate: look, onDelete: look });
  return { get peak() { return peak; }, reset: () => void (peak = live(owned(rc)).length), off };
}

describe('kube-controller-manager with a real apiserver', () => {
  it('gives every node its own podCIDR from 127.244.0.0/16', async () => {
    const cidrs = await waitFor('podCIDRs', async () => {
      const nodes = (await client.list('nodes')).items;
      const all = nodes.map((n) => n.spec?.podCIDR);
      return all.every(Boolean) && all.length === 3 && all;
    });
    expect(new Set(cidrs).size).toBe(3);
    for (const c of cidrs) expect(c).toMatch(/^127\.244\.\d+\.0\/24$/);
  });

  it('runs 4 pods for an RC of 4, then exactly 7, then exactly 2', async () => {
    const watch = peakOf('besu');
    await client.create('replicationcontrollers', rcOf('besu', 4));
    await waitFor('4 running pods', () => running('besu').length === 4);
    const rc = await waitFor('status', async () => {
      const r = await client.get('replicationcontrollers', 'besu', 'default');
      return r.status?.readyReplicas === 4 && r.status.availableReplicas === 4 && r.status.observedGeneration === r.metadata.generation && r;
    });
    expect(rc.status).toMatchObject({ replicas: 4, fullyLabeledReplicas: 4 });
    expect(watch.peak).toBe(4);
    const events = (await client.list('events', { namespace: 'default' })).items.filter((e) => e.involvedObject.name === 'besu');
    expect(events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^Created pod: besu-[a-z0-9]{5}$/)]));

    await client.patch('replicationcontrollers', 'besu', { spec: { replicas: 7 } }, { namespace: 'default' });
    await waitFor('7 running pods', () => running('besu').length === 7);
    expect(watch.peak).toBe(7);

    await client.patch('replicationcontrollers', 'besu', { spec: { replicas: 2 } }, { namespace: 'default' });
    await waitFor('2 pods left', () => live(owned('besu')).length === 2 && owned('besu').length === 2);
    await new Promise((r) => setTimeout(r, 500)); // and it stays at 2
    expect(live(owned('besu'))).toHaveLength(2);
    expect(watch.peak).toBe(7);
    watch.off();
  });

  it('keeps an Endpoints object in step with pod readiness, within a second', async () => {
    await client.create('services', { metadata: { name: 'besu', namespace: 'default' }, spec: { selector: { app: 'besu' }, ports: [{ name: 'rpc', port: 8545, targetPort: 'rpc' }] } } as Service);
    const ep = () => client.get('endpoints', 'besu', 'default');
    const addresses = (e: Endpoints, k: 'addresses' | 'notReadyAddresses') => (e.subsets ?? []).flatMap((s) => s[k] ?? []).map((a) => a.targetRef?.name).sort();
    const names = running('besu').map((p) => p.metadata.name!).sort();
    const first = await waitFor('endpoints', async () => {
      const e = await ep();
      return JSON.stringify(addresses(e, 'addresses')) === JSON.stringify(names) && e;
    });
    expect(first.subsets![0].ports).toEqual([{ name: 'rpc', port: 8545, protocol: 'TCP' }]);
    expect(first.subsets![0].addresses![0]).toMatchObject({ nodeName: expect.stringMatching(/^node-/), targetRef: { kind: 'Pod' } });

    const victim = running('besu')[0];
    await sim.kubelets.get(victim.spec.nodeName!)!.setReady(victim, false);
    await waitFor('not ready address', async () => addresses(await ep(), 'notReadyAddresses').includes(victim.metadata.name!), 1_000);
    await sim.kubelets.get(victim.spec.nodeName!)!.setReady(victim, true);
    await waitFor('ready again', async () => addresses(await ep(), 'addresses').includes(victim.metadata.name!), 1_000);
  });

  it('gives a LoadBalancer Service an IP from 127.200.0.0/16 and frees it on delete', async () => {
    await client.create('services', { metadata: { name: 'besu-rpc', namespace: 'default' }, spec: { type: 'LoadBalancer', selector: { app: 'besu' }, ports: [{ port: 8545 }] } } as Service);
    const svc = await waitFor('ingress IP', async () => {
      const s = await client.get('services', 'besu-rpc', 'default');
      return s.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
    });
    expect(svc.status!.loadBalancer!.ingress![0].ip).toMatch(/^127\.200\.\d+\.\d+$/);
    expect(svc.metadata.finalizers).toContain('service.kubernetes.io/load-balancer-cleanup');
    await client.delete('services', 'besu-rpc', { namespace: 'default' });
    await waitFor('service gone', async () => {
      try {
        await client.get('services', 'besu-rpc', 'default');
        return false;
      } catch {
        return true;
      }
    });
    expect(logs).toContain(`service-lb: default/besu-rpc: released load balancer address ${svc.status!.loadBalancer!.ingress![0].ip}`);
  });

  it('deletes an RC\'s pods when the RC is deleted (background propagation)', async () => {
    await client.delete('replicationcontrollers', 'besu', { namespace: 'default' });
    await waitFor('pods gone', () => owned('besu').length === 0);
  });

  it('leaves the pods running, owned by nobody, when the RC is deleted with propagationPolicy Orphan', async () => {
    await client.create('replicationcontrollers', rcOf('keep', 2));
    await waitFor('2 running pods', () => running('keep').length === 2);
    const names = running('keep').map((p) => p.metadata.name).sort();
    await client.delete('replicationcontrollers', 'keep', { namespace: 'default', propagationPolicy: 'Orphan' });
    await waitFor('rc gone', async () => !(await client.list('replicationcontrollers', { namespace: 'default' })).items.some((r) => r.metadata.name === 'keep'));
    await waitFor('orphans', () => {
      const pods = sim.pods.list().filter((p) => p.metadata.labels?.app === 'keep');
      return pods.length === 2 && pods.every((p) => !p.metadata.ownerReferences?.length) && pods;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.pods.list().filter((p) => p.metadata.labels?.app === 'keep' && !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort()).toEqual(names);
  });

  it('deletes pods bound to a node that was deleted, after the quarantine', async () => {
    const pods = sim.pods.list().filter((p) => p.metadata.labels?.app === 'keep');
    const node = pods[0].spec.nodeName!;
    sim.kubelets.get(node)!.kill();
    await client.delete('nodes', node);
    await waitFor('pods on the deleted node gone', () => !sim.pods.list().some((p) => p.spec.nodeName === node), 10_000);
  });
});
