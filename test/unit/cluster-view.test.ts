// The terminal view, from lists to lines: snapshot (cluster/view/snapshot.ts), drawing
// (cluster/view/render.ts) and events in ships words (cluster/view/ships-words.ts).
import { describe, expect, it } from 'vitest';
import type { Event, Lease, Node, Pod, PodPhase } from '../../api/types.ts';
import type { ComponentStatus } from '../../cluster/supervisor.ts';
import { renderHarbour, visible } from '../../cluster/view/render.ts';
import { eventInShipsWords } from '../../cluster/view/ships-words.ts';
import { buildSnapshot, dockReason, podChip } from '../../cluster/view/snapshot.ts';

const NOW = Date.parse('2026-11-22T10:00:00Z');

function node(name: string, cpu: string, memory: string, ready = 'True'): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: {},
    status: { allocatable: { cpu, memory }, capacity: { cpu, memory }, conditions: [{ type: 'Ready', status: ready }] },
  } as Node;
}

function pod(name: string, opts: { node?: string; cpu?: string; memory?: string; phase?: string; ready?: boolean; scheduled?: string } = {}): Pod {
  const conditions = [];
  if (opts.ready !== undefined) conditions.push({ type: 'Ready', status: opts.ready ? 'True' : 'False' });
  if (opts.scheduled) conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: opts.scheduled });
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { nodeName: opts.node, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: opts.cpu ?? '100m', memory: opts.memory ?? '128Mi' } } }] },
    status: { phase: (opts.phase ?? 'Running') as PodPhase, conditions },
  } as Pod;
}

function component(name: string, state: ComponentStatus['state'], extra: Partial<ComponentStatus> = {}): ComponentStatus {
  return { name, role: name.includes('/') ? 'node' : 'control-plane', node: name.split('/')[1], state, restarts: 0, since: NOW, ...extra };
}

function event(reason: string, message: string, extra: Partial<Event> = {}): Event {
  return {
    apiVersion: 'v1', kind: 'Event', metadata: { name: `e-${reason}`, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'besu-0', namespace: 'default' }, reason, message, type: 'Normal',
    lastTimestamp: new Date(NOW - 1000).toISOString(), ...extra,
  } as Event;
}

const lease = (name: string, holder: string, renewedAgoMs: number): Lease => ({
  apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-system' },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date(NOW - renewedAgoMs).toISOString() },
});

const components = [
  component('etcd', 'running'), component('kube-apiserver', 'running'), component('kube-scheduler', 'running'),
  component('kube-controller-manager', 'backoff', { message: 'killed by SIGKILL; restarting in 2.0 s' }),
  component('kubelet/node-1', 'running'), component('kube-proxy/node-1', 'running'),
  component('kubelet/node-2', 'crashed'), component('kube-proxy/node-2', 'running'),
];

const inputs = {
  nodes: [node('node-1', '2', '4Gi'), node('node-2', '4', '8Gi', 'Unknown')],
  pods: [
    pod('besu-a', { node: 'node-1', cpu: '500m', memory: '1Gi', ready: true }),
    pod('besu-b', { node: 'node-1', cpu: '500m', memory: '1Gi', ready: false }),
    pod('done', { node: 'node-1', cpu: '1', memory: '1Gi', phase: 'Succeeded' }),
    pod('too-big', { phase: 'Pending', scheduled: '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.' }),
  ],
  events: [event('Scheduled', 'Successfully assigned default/besu-0 to node-2')],
  leases: [lease('kube-scheduler', 'vm_8343855a-18c5-4bb9-8886-1f2e3d4c5b6a', 500), lease('kube-controller-manager', 'vm_old', 60_000)],
  components, timeScale: 0.1, now: NOW,
};

describe('harbour snapshot', () => {
  it('fills the bars with the requests of pods that still hold their place', () => {
    const ship = buildSnapshot(inputs).ships[0]!;
    expect(ship.cpu).toEqual({ used: 1000, total: 2000 }); // the Succeeded pod's 1 cpu is free again
    expect(ship.memory).toEqual({ used: 2 * 2 ** 30, total: 4 * 2 ** 30 });
    expect(ship.pods.map((p) => `${p.name}:${p.status}`)).toEqual(['besu-a:Running', 'besu-b:NotReady', 'done:Completed']);
  });

  it('puts unscheduled pods on the dock with the scheduler\'s reason', () => {
    expect(buildSnapshot(inputs).dock).toEqual([{ name: 'too-big', namespace: 'default', reason: expect.stringMatching(/^0\/2 nodes are available: 2 Insufficient cpu/) }]);
  });

  it('falls back to the last FailedScheduling event, then says whether a crane is working', () => {
    const waiting = pod('w', { phase: 'Pending' });
    const failed = event('FailedScheduling', '0/3 nodes are available: 3 node(s) didn\'t match pod anti-affinity rules.', { involvedObject: { kind: 'Pod', name: 'w', namespace: 'default' } });
    expect(dockReason(waiting, [failed])).toMatch(/anti-affinity/);
    expect(dockReason(waiting, [])).toBe('waiting for a crane (not yet scheduled)');
    expect(dockReason(waiting, [], false)).toBe('no crane is working: kube-scheduler is down');
  });

  it('names a leader only while its Lease is fresh', () => {
    const control = buildSnapshot(inputs).control;
    expect(control.find((c) => c.name === 'kube-scheduler')!.leader).toBe('vm_8343855a-18c5-4bb9-8886-1f2e3d4c5b6a');
    expect(control.find((c) => c.name === 'kube-controller-manager')!.leader).toBe('vm_old (expired)');
  });

  it('shows a crash loop as a failure, whatever the phase says', () => {
    const p = pod('crashy', { node: 'node-1' });
    p.status!.containerStatuses = [{ name: 'c', ready: false, restartCount: 3, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }];
    expect(podChip(p)).toMatchObject({ status: 'CrashLoopBackOff', tone: 'failed' });
  });
});

describe('renderHarbour', () => {
  const lines = renderHarbour(buildSnapshot(inputs), { width: 80, color: false });

  it('fits 80 columns, coloured or not', () => {
    for (const line of [...lines, ...renderHarbour(buildSnapshot(inputs), { width: 80 })]) {
      expect(visible(line).length).toBeLessThanOrEqual(80);
    }
  });

  it('draws the control ship, each cargo ship, the dock and the log', () => {
    const text = lines.join('\n');
    expect(text).toMatch(/● kube-scheduler +up +cranes · leader vm_8343855a\n/);
    expect(text).toMatch(/✗ kube-controller-manager +DOWN +killed by SIGKILL; restarting in 2\.0 s/);
    expect(text).toMatch(/node-1 +Ready .*captain up {2}comms up/);
    expect(text).toMatch(/node-2 +Unknown .*captain DOWN/);
    expect(text).toMatch(/cpu █{7}░{7} 1\/2 +mem █{7}░{7} 2\/4Gi/);
    expect(text).toMatch(/● besu-a {2}◐ besu-b {2}✓ done/);
    expect(text).toContain('── dock: 1 waiting');
    expect(text).toContain('◌ too-big: 0/2 nodes are available: 2 Insufficient cpu.');
    expect(text).not.toContain('preemption');
    expect(text).toContain('crane: besu-0 lifted onto node-2 [Scheduled]');
  });

  it('squeezes each ship onto one line when the harbour is taller than the screen', () => {
    const compact = renderHarbour(buildSnapshot(inputs), { width: 80, color: false, compact: true });
    const ships = compact.filter((l) => /^ node-\d/.test(l));
    expect(ships).toHaveLength(2);
    expect(ships[0]).toMatch(/^ node-1 +Ready +cpu █{3}░{3} 1\/2 +mem █{3}░{3} 2\/4Gi +3 pods, captain up$/);
    expect(ships[1]).toMatch(/node-2 +Unknown .* 0 pods, captain DOWN$/);
    for (const line of compact) expect(visible(line).length).toBeLessThanOrEqual(80);
  });

  it('uses colour only when asked', () => {
    expect(lines.join('')).not.toContain('\x1b[');
    expect(renderHarbour(buildSnapshot(inputs)).join('')).toContain('\x1b[32m');
  });
});

describe('events in ships words', () => {
  it('tells the story and keeps the Kubernetes reason', () => {
    expect(eventInShipsWords(event('Scheduled', 'Successfully assigned default/besu-0 to node-2'))).toBe('crane: besu-0 lifted onto node-2 [Scheduled]');
    expect(eventInShipsWords(event('Pulling', 'Pulling image "hyperledger/besu:24.1"', { source: { component: 'kubelet', host: 'node-1' } })))
      .toBe('captain of node-1: sends for besu:24.1 for besu-0 [Pulling]');
    expect(eventInShipsWords(event('SuccessfulCreate', 'Created pod: besu-rpc-x7k2p', { involvedObject: { kind: 'ReplicationController', name: 'besu-rpc' } })))
      .toBe('replication office: rc/besu-rpc ordered new container besu-rpc-x7k2p [SuccessfulCreate]');
    expect(eventInShipsWords(event('NodeNotReady', 'Node node-2 status is now: NodeNotReady', { involvedObject: { kind: 'Node', name: 'node-2' } })))
      .toBe('node office: ship node-2 is not answering (Node node-2 status is now: NodeNotReady) [NodeNotReady]');
  });

  it('counts repeats and has a sentence for reasons it does not know', () => {
    expect(eventInShipsWords(event('SomethingNew', 'it happened', { count: 3, source: { component: 'default-scheduler' } })))
      .toBe('crane: besu-0: it happened (x3) [SomethingNew]');
  });
});
