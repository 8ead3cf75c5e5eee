// A kubelet against a real apiserver and etcd: the Node registers and turns Ready with the fields a
// real kubelet reports, its Lease is renewed every 10 s (scaled), the full status is not re-sent
// while nothing changes, the kubelet server answers /healthz and /pods, and a node without a pod
// CIDR stays NotReady until node-ipam (here: the test) writes spec.podCIDR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startKubelet, type Kubelet } from '../../kubelet/kubelet.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { waitForTruthy } from '../helpers/wait.ts';

const R = 1 + Math.floor(Math.random() * 250);
const clock = realClock(0.05); // lease every 10 s -> 0.5 s
let cp: ControlPlane;
let client: KubeClient;
const kubelets: Kubelet[] = [];

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 10_000) => waitForTruthy<T>(what, fn, ms);

beforeAll(async () => {
  cp = await startControlPlane();
  client = new KubeClient({ server: cp.url, clock });
});
afterAll(async () => {
  for (const k of kubelets) await k.stop();
  await cp?.stop();
});

async function start(name: string, ip: string, podCIDR?: string): Promise<Kubelet> {
  const k = await startKubelet({ client, nodes: [{ name, ip, podCIDR }], port: 0, log: () => {} });
  kubelets.push(k);
  return k;
}

describe('node registration and heartbeat', () => {
  let kubelet: Kubelet;
  beforeAll(async () => {
    kubelet = await start('node-a', `127.0.248.${R}`, `127.248.${R}.0/24`);
  });

  it('registers a Ready node as a real kubelet describes it', async () => {
    const node = await client.get('nodes', 'node-a');
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'node-a', 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'harbour-sim' });
    expect(node.spec).toMatchObject({ podCIDR: `127.248.${R}.0/24` });
    expect(node.status!.capacity).toMatchObject({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(node.status!.allocatable).toMatchObject({ cpu: '4', memory: '8286208Ki', pods: '110' });
    expect(node.status!.addresses).toEqual([{ type: 'InternalIP', address: `127.0.248.${R}` }, { type: 'Hostname', address: 'node-a' }]);
    expect(node.status!.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-harbour', containerRuntimeVersion: 'harbour-sim://1.0' });
    const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(ready.lastHeartbeatTime).toBeTruthy();
    expect(node.status!.daemonEndpoints!.kubeletEndpoint!.Port).toBeGreaterThan(0);
  });

  it('renews its Lease in kube-node-lease every 10 s of cluster time', async () => {
    const first = await until('the lease', () => client.get('leases', 'node-a', 'kube-node-lease'));
    expect(first.spec).toMatchObject({ holderIdentity: 'node-a', leaseDurationSeconds: 40 });
    expect(first.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Node', name: 'node-a' })]);
    const renewed = await until('a renewal', async () => {
      const l = await client.get('leases', 'node-a', 'kube-node-lease');
      return l.spec.renewTime !== first.spec.renewTime && l;
    }, 5000);
    const gap = Date.parse(renewed.spec.renewTime!) - Date.parse(first.spec.renewTime!);
    expect(gap).toBeGreaterThanOrEqual(400);
    expect(gap).toBeLessThan(3000);
  });

  it('does not re-send its status while nothing changes (reports every 5 min or on change)', async () => {
    const before = kubelet.nodes[0].reporter.reports;
    await new Promise((r) => setTimeout(r, 1500)); // three status periods of 10 s
    expect(kubelet.nodes[0].reporter.reports).toBe(before);
  });

  it('serves /healthz and /pods on the node IP', async () => {
    const port = (await client.get('nodes', 'node-a')).status!.daemonEndpoints!.kubeletEndpoint!.Port;
    expect(await (await fetch(`http://127.0.248.${R}:${port}/healthz`)).text()).toBe('ok');
    const list = await (await fetch(`http://127.0.248.${R}:${port}/pods`)).json();
    expect(list).toMatchObject({ kind: 'PodList', apiVersion: 'v1', items: [] });
  });
});

describe('a node without a pod CIDR', () => {
  it('stays NotReady until spec.podCIDR arrives, then runs pods from that range', async () => {
    await start('node-b', `127.0.249.${R}`);
    const notReady = await client.get('nodes', 'node-b');
    expect(notReady.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    await client.create('pods', { metadata: { name: 'waits', namespace: 'default' }, spec: { nodeName: 'node-b', containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.get('pods', 'waits', 'default')).status?.podIP).toBeUndefined();
    // What kube-controller-manager's node-ipam will do:
    await client.patch('nodes', 'node-b', { spec: { podCIDR: `127.249.${R}.0/24`, podCIDRs: [`127.249.${R}.0/24`] } });
    await until('Ready', async () => (await client.get('nodes', 'node-b')).status!.conditions!.find((c) => c.type === 'Ready')!.status === 'True');
    const pod = await until('a pod IP', async () => {
      const p = await client.get('pods', 'waits', 'default');
      return p.status?.phase === 'Running' && p;
    });
    expect(pod.status!.podIP).toBe(`127.249.${R}.2`);
  });
});

describe('hollow nodes: one process, many nodes', () => {
  it('registers each node on its own IP and routes every pod to its node from one shared watch', async () => {
    const { hollowNodes } = await import('../../kubelet/kubelet.ts');
    const specs = hollowNodes({ count: 3, prefix: `hollow-${R}-`, firstIP: `127.0.250.${Math.min(R, 250)}`, clusterCIDR: `127.250.0.0/16` });
    const k = await startKubelet({ client, nodes: specs, port: 0, log: () => {} });
    kubelets.push(k);
    const nodes = await Promise.all(specs.map((s) => client.get('nodes', s.name)));
    expect(nodes.map((n) => n.status!.addresses![0].address)).toEqual(specs.map((s) => s.ip));
    for (const [i, s] of specs.entries()) {
      await client.create('pods', { metadata: { name: `h-${i}`, namespace: 'default' }, spec: { nodeName: s.name, containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    }
    for (const [i, s] of specs.entries()) {
      const pod = await until(`h-${i} Running`, async () => {
        const p = await client.get('pods', `h-${i}`, 'default');
        return p.status?.phase === 'Running' && p;
      });
      expect(pod.status!.hostIP).toBe(s.ip);
      expect(pod.status!.podIP!.startsWith(s.podCIDR!.split('.').slice(0, 3).join('.'))).toBe(true);
      const port = nodes[i].status!.daemonEndpoints!.kubeletEndpoint!.Port;
      const list = (await (await fetch(`http://${s.ip}:${port}/pods`)).json()) as { items: { metadata: { name: string } }[] };
      expect(list.items.map((p) => p.metadata.name)).toEqual([`h-${i}`]);
    }
  });
});
