// Node registration and heartbeats against a fake client: capacity and allocatable, the status
// report every 5 minutes or on change, and the Lease renewed every 10 s on a fixed grid.
import { describe, expect, it } from 'vitest';
import type { Lease, Node } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { ApiError } from '../../client/errors.ts';
import { NodeLease } from '../../kubelet/node-lease.ts';
import {
  computeNodeStatus, nodeAllocatable, nodeCapacity, nodeStatusChanged, stampConditions, type MachineSpec, type NodeState,
} from '../../kubelet/node-status.ts';
import { NodeStatusReporter } from '../../kubelet/node-status-reporter.ts';

const machine: MachineSpec = { name: 'node-1', ip: '127.0.10.1', cpu: '4', memory: '8Gi', pods: 110, kubeletPort: 10250 };
const idle: NodeState = { networkReady: true, memoryUsedBytes: 0, images: [] };
const flush = async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
};
const apiError = (code: number, reason: string) => new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason: reason as never });

describe('node status', () => {
  it('reports capacity, and allocatable without the 100Mi hard eviction threshold', () => {
    expect(nodeCapacity(machine)).toMatchObject({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(nodeAllocatable(machine)).toMatchObject({ cpu: '4', memory: '8286208Ki', pods: '110' });
  });

  it('is Ready with the kubelet\'s reasons, in the real order of conditions', () => {
    const s = computeNodeStatus(machine, idle, 'boot');
    expect(s.conditions!.map((c) => `${c.type}=${c.status}:${c.reason}`)).toEqual([
      'MemoryPressure=False:KubeletHasSufficientMemory', 'DiskPressure=False:KubeletHasNoDiskPressure',
      'PIDPressure=False:KubeletHasSufficientPID', 'Ready=True:KubeletReady',
    ]);
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '127.0.10.1' }, { type: 'Hostname', address: 'node-1' }]);
    expect(s.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(s.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-harbour', containerRuntimeVersion: 'harbour-sim://1.0', operatingSystem: 'linux', bootID: 'boot' });
  });

  it('is NotReady until the node has a pod CIDR', () => {
    const ready = computeNodeStatus(machine, { ...idle, networkReady: false }, 'b').conditions!.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(ready.message).toMatch(/NetworkPluginNotReady/);
  });

  it('moves heartbeats every time but transition times only on change, and ignores heartbeats when comparing', () => {
    const s1 = computeNodeStatus(machine, idle, 'b');
    s1.conditions = stampConditions(s1.conditions!, undefined, 'T1');
    const s2 = computeNodeStatus(machine, idle, 'b');
    s2.conditions = stampConditions(s2.conditions!, [...s1.conditions, { type: 'NetworkUnavailable', status: 'False' }], 'T2');
    expect(s2.conditions.find((c) => c.type === 'Ready')).toMatchObject({ lastHeartbeatTime: 'T2', lastTransitionTime: 'T1' });
    expect(s2.conditions.map((c) => c.type)).toContain('NetworkUnavailable');
    const s3 = computeNodeStatus(machine, idle, 'b');
    s3.conditions = stampConditions(s3.conditions!, s1.conditions, 'T3');
    expect(nodeStatusChanged(s1, s3)).toBe(false);
    expect(nodeStatusChanged(s1, { ...s3, images: [{ names: ['x'] }] })).toBe(true);
  });
});

function fakeNodeClient() {
  const calls: string[] = [];
  let node: Node | undefined;
  let rv = 1;
  return {
    calls,
    async create(_r: string, obj: Node) {
      calls.push('create');
      node = { ...obj, metadata: { ...obj.metadata, uid: 'uid-1', resourceVersion: String(rv++) } };
      return node;
    },
    async get() {
      calls.push('get');
      return node!;
    },
    async patch(_r: string, _n: string, body: Partial<Node>) {
      calls.push(`patch ${Object.keys(body).join(',')}`);
      node = { ...node!, ...body, metadata: { ...node!.metadata, resourceVersion: String(rv++) } };
      return node;
    },
  };
}

describe('NodeStatusReporter', () => {
  it('registers, stays quiet while nothing changes, reports every 5 min and at once on change', async () => {
    const clock = new FakeClock();
    const client = fakeNodeClient();
    let state = idle;
    const r = new NodeStatusReporter({ client: client as never, clock, machine, bootID: 'b', state: () => state, cachedNode: () => undefined, podCIDR: '127.244.1.0/24' });
    const node = await r.register();
    expect(node.spec).toEqual({ podCIDR: '127.244.1.0/24', podCIDRs: ['127.244.1.0/24'] });
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' });
    r.start();
    for (let i = 0; i < 29; i++) {
      clock.advance(10_000);
      await flush();
    }
    expect(client.calls).toEqual(['create']);
    clock.advance(10_000);
    await flush();
    expect(client.calls).toEqual(['create', 'patch status']);
    state = { ...idle, images: [{ name: 'nginx:1.25', imageID: 'docker.io/library/nginx@sha256:1', sizeBytes: 1 }] };
    r.requestSync();
    await flush();
    expect(client.calls).toEqual(['create', 'patch status', 'patch status']);
    r.stop();
  });

  it('adopts a node that already exists', async () => {
    const clock = new FakeClock();
    const client = fakeNodeClient();
    await client.create('nodes', { metadata: { name: 'node-1' }, spec: {} });
    client.calls.length = 0;
    client.create = async () => {
      client.calls.push('create');
      throw apiError(409, 'AlreadyExists');
    };
    const r = new NodeStatusReporter({ client: client as never, clock, machine, bootID: 'b', state: () => idle, cachedNode: () => undefined });
    await r.register();
    expect(client.calls).toEqual(['create', 'get', 'patch metadata', 'patch status']);
  });
});

describe('NodeLease', () => {
  it('creates the lease owned by the node, then renews it every 10 s', async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    let lease: Lease | undefined;
    const client = {
      async get() {
        calls.push('get');
        if (!lease) throw apiError(404, 'NotFound');
        return lease;
      },
      async create(_r: string, l: Lease) {
        calls.push('create');
        return (lease = { ...l, metadata: { ...l.metadata, resourceVersion: '1' } });
      },
      async update(_r: string, l: Lease) {
        calls.push(`update ${l.spec.renewTime}`);
        return (lease = l);
      },
    };
    const late: number[] = [];
    const nl = new NodeLease({ client: client as never, clock, nodeName: 'node-1', nodeUID: () => 'uid-1', onRenew: (ms) => late.push(ms) });
    nl.start();
    clock.advance(0);
    await flush();
    expect(calls).toEqual(['get', 'create']);
    expect(lease!.metadata).toMatchObject({ name: 'node-1', namespace: 'kube-node-lease', ownerReferences: [{ kind: 'Node', name: 'node-1', uid: 'uid-1' }] });
    expect(lease!.spec).toMatchObject({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' });
    clock.advance(10_000);
    await flush();
    clock.advance(10_000);
    await flush();
    expect(calls.slice(2)).toEqual(['update 2026-01-01T00:00:10.000000Z', 'update 2026-01-01T00:00:20.000000Z']);
    expect(late).toEqual([0, 0, 0]);
    nl.stop();
  });
});
