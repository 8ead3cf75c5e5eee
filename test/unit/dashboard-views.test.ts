// The dashboard's views, records office keys and crew list: pure functions, checked one by one.
import { describe, expect, it } from 'vitest';
import type { Event, Lease } from '../../api/types.ts';
import { componentViews } from '../../dashboard/components.ts';
import { registryKey, WriteLog } from '../../dashboard/records.ts';
import { eventView, leaderOf, nodeView, podView, serviceView } from '../../dashboard/views.ts';
import { node, pod } from './dashboard-fakes.ts';

describe('podView', () => {
  it('paints a running, ready pod as running and names its ship and owner', () => {
    const v = podView(pod('besu-0', { node: 'node-2', phase: 'Running', owner: 'besu-rpc' }));
    expect(v).toMatchObject({ key: 'default/besu-0', node: 'node-2', tone: 'running', status: 'Running', owner: { kind: 'ReplicationController', name: 'besu-rpc' } });
    expect(v.reason).toBeUndefined();
  });

  it('paints a running pod that is not ready differently, with the word NotReady', () => {
    expect(podView(pod('a', { node: 'n', phase: 'Running', ready: false }))).toMatchObject({ tone: 'notready', status: 'NotReady' });
  });

  it('sums the requests the scheduler packs by', () => {
    expect(podView(pod('a', { cpu: '1500m', memory: '1Gi' }))).toMatchObject({ cpuMillis: 1500, memoryBytes: 2 ** 30 });
  });

  it('gives a pod on the dock the scheduler\'s PodScheduled message as its reason', () => {
    const p = pod('big');
    p.status!.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }];
    expect(podView(p, { failedScheduling: 'older' }).reason).toBe('0/3 nodes are available: 3 Insufficient cpu.');
  });

  it('falls back to the FailedScheduling event, then to whether any crane works', () => {
    expect(podView(pod('a'), { failedScheduling: '0/1 nodes are available' }).reason).toBe('0/1 nodes are available');
    expect(podView(pod('a'), { schedulerUp: false }).reason).toMatch(/kube-scheduler is down/);
    expect(podView(pod('a')).reason).toMatch(/not yet scheduled/);
  });
});

describe('nodeView', () => {
  it('fills the hold with the requests of active pods only', () => {
    const pods = [podView(pod('a', { node: 'n', cpu: '1', phase: 'Running' })), podView(pod('b', { node: 'n', cpu: '2', phase: 'Failed' }))];
    const v = nodeView(node('n', { cpu: '4', memory: '8Gi' }), pods);
    expect(v.cpu).toEqual({ used: 1000, total: 4000 });
    expect(v.memory.total).toBe(8 * 2 ** 30);
    expect(v).toMatchObject({ ready: 'Ready', cordoned: false, maxPods: 110, ip: '127.0.10.1' });
  });

  it('says NotReady, Unknown and cordoned, and prints taints as kubectl does', () => {
    expect(nodeView(node('n', { ready: 'False' }), []).ready).toBe('NotReady');
    const lost = nodeView(node('n', { ready: 'Unknown', unschedulable: true }), []);
    expect(lost).toMatchObject({ ready: 'Unknown', cordoned: true, taints: ['node.kubernetes.io/unreachable:NoExecute'] });
  });
});

describe('serviceView', () => {
  it('counts ready and not-ready endpoint addresses and shows NodePorts', () => {
    const v = serviceView(
      { metadata: { name: 's', namespace: 'default' }, spec: { type: 'NodePort', clusterIP: '127.96.0.10', ports: [{ port: 8545, nodePort: 30545 }] } },
      { metadata: { name: 's', namespace: 'default' }, subsets: [{ addresses: [{ ip: '1' }, { ip: '2' }], notReadyAddresses: [{ ip: '3' }] }] },
    );
    expect(v).toMatchObject({ key: 'default/s', ready: 2, notReady: 1, ports: ['8545:30545/TCP'], clusterIP: '127.96.0.10' });
  });
});

describe('eventView', () => {
  it('tells an event in plain words and names its object the kubectl way', () => {
    const e: Event = {
      metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'besu-0' },
      reason: 'Scheduled', message: 'Successfully assigned default/besu-0 to node-2', lastTimestamp: '2026-01-01T00:00:00Z', type: 'Normal',
    };
    expect(eventView(e)).toMatchObject({ key: 'default/e1', object: 'Pod default/besu-0', text: 'crane: besu-0 lifted onto node-2 [Scheduled]', time: Date.parse('2026-01-01T00:00:00Z') });
  });
});

describe('leaderOf', () => {
  const lease = (renewTime: string): Lease => ({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'host_1', leaseDurationSeconds: 15, renewTime } });
  const t0 = Date.parse('2026-01-01T00:00:00Z');

  it('names the holder of a Lease renewed within its duration (scaled by the time scale)', () => {
    expect(leaderOf(lease('2026-01-01T00:00:00.000000Z'), t0 + 1000, 0.1)).toBe('host_1');
  });

  it('names nobody once the Lease has expired, whatever holderIdentity says', () => {
    expect(leaderOf(lease('2026-01-01T00:00:00.000000Z'), t0 + 1600, 0.1)).toBeUndefined();
    expect(leaderOf(undefined, t0, 1)).toBeUndefined();
  });
});

describe('the records office', () => {
  it('derives the etcd keys the apiserver uses, historical prefixes included', () => {
    expect(registryKey('pods', { metadata: { name: 'a', namespace: 'default' } })).toBe('/registry/pods/default/a');
    expect(registryKey('nodes', { metadata: { name: 'node-1' } })).toBe('/registry/minions/node-1');
    expect(registryKey('replicationcontrollers', { metadata: { name: 'rc', namespace: 'ns' } })).toBe('/registry/controllers/ns/rc');
    expect(registryKey('services', { metadata: { name: 's', namespace: 'ns' } })).toBe('/registry/services/specs/ns/s');
    expect(registryKey('endpoints', { metadata: { name: 's', namespace: 'ns' } })).toBe('/registry/services/endpoints/ns/s');
  });

  it('keeps writes in revision order, whatever order the watches deliver them', () => {
    const log = new WriteLog(3);
    for (const rv of ['7', '5', '6', '8']) log.record('pods', { metadata: { name: rv, namespace: 'd', resourceVersion: rv } }, 'update', 0);
    expect(log.list().map((w) => w.revision)).toEqual([6, 7, 8]);
    expect(log.record('pods', { metadata: { name: 'x' } }, 'create', 0)).toBeUndefined();
  });
});

describe('componentViews', () => {
  it('takes the launcher\'s states and adds the Lease holders', () => {
    const v = componentViews([{ name: 'kube-scheduler', role: 'control-plane', state: 'crashed', restarts: 2 }], { 'kube-scheduler': 'h1' }, 'connected');
    expect(v).toEqual([{ name: 'kube-scheduler', role: 'control-plane', state: 'crashed', restarts: 2, leader: 'h1' }]);
  });

  it('without a launcher, tells what the API shows: watches for the apiserver, Leases for the others', () => {
    const v = componentViews(undefined, { 'kube-scheduler': 'h1' }, 'connected');
    expect(Object.fromEntries(v.map((c) => [c.name, c.state]))).toEqual({
      etcd: 'unknown', 'kube-apiserver': 'running', 'kube-scheduler': 'running', 'kube-controller-manager': 'unknown',
    });
    expect(componentViews(undefined, {}, 'retrying').find((c) => c.name === 'kube-apiserver')?.state).toBe('unreachable');
  });
});
