// The harbour at one instant: what the terminal view draws
// ========================================================
// CONCEPT   The view draws from a plain object computed from the informers' caches (nodes, pods,
//           events, kube-system Leases) and the supervisor's process states. Keeping this a pure
//           function of lists means a test can hand it three nodes and ten pods and check every bar
//           and every dock reason without starting anything.
// REAL K8S  `kubectl describe node` computes the same "Allocated resources" (sum of the requests of
//           the node's non-terminated pods against allocatable): staging/src/k8s.io/kubectl/pkg/
//           describe/describe.go (describeNodeResource). Leaders come from coordination.k8s.io Leases.
// SHIPS     A glance over the harbour: the control ship, each cargo ship's hold, the dock, the log.
// EXAMPLE   buildSnapshot({ nodes, pods, events, leases, components, timeScale: 0.1, now })
//             => { ships: [{ name: "node-1", cpu: { used: 1500, total: 2000 }, pods: [...] }], dock: [...] }
// SKIPPED   extended resources and ephemeral storage; init containers' requests (we sum app containers).

import type { Event, Lease, Node, Pod } from '../../api/types.ts';
import { cpuMillis, memoryBytes } from '../../api/quantity.ts';
import type { ComponentStatus } from '../supervisor.ts';
import { eventInShipsWords, eventTime } from './ships-words.ts';

/** What a pod looks like at a glance; `tone` picks its colour, `status` is the word kubectl shows. */
export interface PodChip {
  name: string;
  namespace: string;
  status: string;
  tone: 'running' | 'notready' | 'pending' | 'failed' | 'succeeded' | 'terminating';
}

export interface ShipRow {
  name: string;
  ip?: string;
  /** "Ready", "NotReady", "Unknown", or "absent" before the kubelet registered it. */
  ready: string;
  cordoned: boolean;
  cpu: { used: number; total: number };
  memory: { used: number; total: number };
  pods: PodChip[];
  kubelet?: ComponentStatus;
  proxy?: ComponentStatus;
}

export interface HarbourSnapshot {
  /** Control-plane components with the Lease holder when they lead. */
  control: (ComponentStatus & { leader?: string })[];
  ships: ShipRow[];
  /** Pods no crane has placed, with why they wait. */
  dock: { name: string; namespace: string; reason: string }[];
  /** Newest last. */
  log: { time: number; text: string; warning: boolean }[];
}

export interface SnapshotInputs {
  nodes: Node[];
  pods: Pod[];
  events: Event[];
  /** Leases in kube-system (leader election). */
  leases: Lease[];
  components: ComponentStatus[];
  /** Lines the launcher itself logged ("kube-scheduler went down"). */
  launcherLog?: HarbourSnapshot['log'];
  timeScale: number;
  now: number;
  /** How many log lines to keep. @default 6 */
  logLines?: number;
}

/** Lease name => the component that holds it (kube-scheduler's and kube-controller-manager's own names). */
const LEADER_LEASES: Record<string, string> = { 'kube-scheduler': 'kube-scheduler', 'kube-controller-manager': 'kube-controller-manager' };

export function buildSnapshot(input: SnapshotInputs): HarbourSnapshot {
  const control = input.components.filter((c) => c.role === 'control-plane').map((c) => ({ ...c, leader: leaderOf(c.name, input) }));
  const nodeNames = new Set(input.nodes.map((n) => n.metadata.name ?? ''));
  // Ships the config plans but whose kubelet has not registered yet still get a row.
  const planned = input.components.filter((c) => c.node && !nodeNames.has(c.node)).map((c) => c.node!);
  const ships: ShipRow[] = [...nodeNames, ...new Set(planned)].sort(byNodeName).map((name) => {
    const node = input.nodes.find((n) => n.metadata.name === name);
    const pods = input.pods.filter((p) => p.spec.nodeName === name);
    const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const alloc = node?.status?.allocatable ?? node?.status?.capacity ?? {};
    return {
      name,
      ip: node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
      ready: node ? readyOf(node) : 'absent',
      cordoned: Boolean(node?.spec?.unschedulable),
      cpu: { used: sum(active, cpuMillis, 'cpu'), total: safe(cpuMillis, alloc.cpu) },
      memory: { used: sum(active, memoryBytes, 'memory'), total: safe(memoryBytes, alloc.memory) },
      pods: pods.map(podChip).sort((a, b) => a.name.localeCompare(b.name)),
      kubelet: input.components.find((c) => c.name === `kubelet/${name}`),
      proxy: input.components.find((c) => c.name === `kube-proxy/${name}`),
    };
  });
  const schedulerUp = input.components.find((c) => c.name === 'kube-scheduler')?.state === 'running';
  const dock = input.pods
    .filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp && (p.status?.phase ?? 'Pending') === 'Pending')
    .map((p) => ({ name: p.metadata.name ?? '', namespace: p.metadata.namespace ?? 'default', reason: dockReason(p, input.events, schedulerUp) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const k8sLog = input.events.map((e) => ({ time: eventTime(e), text: eventInShipsWords(e), warning: e.type === 'Warning' }));
  const log = [...k8sLog, ...(input.launcherLog ?? [])].sort((a, b) => a.time - b.time).slice(-(input.logLines ?? 6));
  return { control, ships, dock, log };
}

/** The word kubectl's STATUS column would show, and a colour family for it. */
export function podChip(p: Pod): PodChip {
  const base = { name: p.metadata.name ?? '', namespace: p.metadata.namespace ?? 'default' };
  if (p.metadata.deletionTimestamp) return { ...base, status: 'Terminating', tone: 'terminating' };
  const phase = p.status?.phase ?? 'Pending';
  const waiting = p.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).find(Boolean);
  const terminated = p.status?.containerStatuses?.map((c) => c.state?.terminated?.reason).find(Boolean);
  if (phase === 'Failed') return { ...base, status: p.status?.reason ?? terminated ?? 'Failed', tone: 'failed' };
  if (phase === 'Succeeded') return { ...base, status: 'Completed', tone: 'succeeded' };
  if (waiting && /BackOff|Err|Invalid/.test(waiting)) return { ...base, status: waiting, tone: 'failed' };
  if (phase === 'Pending') return { ...base, status: waiting ?? (p.spec.nodeName ? 'ContainerCreating' : 'Pending'), tone: 'pending' };
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return { ...base, status: ready ? 'Running' : 'NotReady', tone: ready ? 'running' : 'notready' };
}

/** Why a pod waits on the dock: the scheduler's PodScheduled message, else its last FailedScheduling event. */
export function dockReason(p: Pod, events: Event[], schedulerUp = true): string {
  const condition = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (condition?.message) return condition.message;
  const failed = events
    .filter((e) => e.reason === 'FailedScheduling' && e.involvedObject?.name === p.metadata.name && e.involvedObject?.namespace === p.metadata.namespace)
    .sort((a, b) => eventTime(b) - eventTime(a))[0];
  if (failed?.message) return failed.message;
  return schedulerUp ? 'waiting for a crane (not yet scheduled)' : 'no crane is working: kube-scheduler is down';
}

function leaderOf(component: string, input: SnapshotInputs): string | undefined {
  const leaseName = LEADER_LEASES[component];
  const lease = leaseName ? input.leases.find((l) => l.metadata.name === leaseName) : undefined;
  const holder = lease?.spec.holderIdentity;
  if (!holder) return undefined;
  // A Lease not renewed within its duration has no leader, whatever holderIdentity still says.
  const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? '') || 0;
  const validMs = (lease.spec.leaseDurationSeconds ?? 15) * 1000 * input.timeScale;
  return input.now - renewed > validMs ? `${holder} (expired)` : holder;
}

function readyOf(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
}

function sum(pods: Pod[], parse: (q?: string) => number, resource: 'cpu' | 'memory'): number {
  return pods.reduce((total, p) => total + p.spec.containers.reduce((t, c) => t + safe(parse, c.resources?.requests?.[resource]), 0), 0);
}

function safe(parse: (q?: string) => number, q: string | undefined): number {
  try {
    return parse(q);
  } catch {
    return 0;
  }
}

/** node-2 before node-10. */
function byNodeName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
