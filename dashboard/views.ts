// Views: each Kubernetes object boiled down to what the picture shows
// ===================================================================
// CONCEPT   The page draws ships, containers and buoys, not API objects. For each object the
//           informers hold we compute a small *view*: a pod's colour family and kubectl word, a
//           node's Ready word and how full its hold is (requests against allocatable, the numbers
//           the scheduler packs by), a Service's ready endpoints. These are pure functions of
//           objects, so a unit test can check every colour and every dock reason without a cluster.
// REAL K8S  `kubectl get pods` STATUS (staging/src/k8s.io/kubectl/pkg/... printPod in
//           pkg/printers/internalversion/printers.go), `kubectl describe node` "Allocated resources"
//           (kubectl/pkg/describe/describe.go), leader election's Lease expiry
//           (client-go/tools/leaderelection/leaderelection.go, isLeaseValid).
// SHIPS     The harbour master's shorthand for each container, ship and buoy.
// EXAMPLE   podView(pending pod, { failedScheduling: "0/3 nodes are available: 3 Insufficient cpu." })
//             => { tone: "pending", status: "Pending", reason: "0/3 nodes are available: 3 Insufficient cpu." }
// SKIPPED   init containers' requests and pod overhead (we sum app containers, like the terminal view).

import type { Endpoints, Event, Lease, Node, Pod, Service, Taint } from '../api/types.ts';
import { cpuMillis, memoryBytes } from '../api/quantity.ts';
import { podChip } from '../cluster/view/snapshot.ts';
import { eventInShipsWords, eventTime } from '../cluster/view/ships-words.ts';
import type { EventView, NodeView, PodView, ServiceView } from './protocol.ts';
import { controllerOf, workloadOf, type ReplicaSetLookup } from './workloads.ts';

/** What a pod's view needs beyond the pod itself. */
export interface PodContext {
  /** The message of the pod's newest FailedScheduling Event, if any. */
  failedScheduling?: string;
  /** Whether some scheduler is working (changes the words for a pod nobody has looked at yet). @default true */
  schedulerUp?: boolean;
  /** Where to find a ReplicaSet owner's own owner (its Deployment). @default none: the owner is the workload */
  replicaSets?: ReplicaSetLookup;
}

/** A pod as the picture shows it. */
export function podView(pod: Pod, ctx: PodContext = {}): PodView {
  const chip = podChip(pod);
  const owner = controllerOf(pod);
  const view: PodView = {
    key: `${chip.namespace}/${chip.name}`,
    namespace: chip.namespace,
    name: chip.name,
    tone: chip.tone,
    status: chip.status,
    cpuMillis: requests(pod, 'cpu'),
    memoryBytes: requests(pod, 'memory'),
    restarts: (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
  };
  if (pod.spec.nodeName) view.node = pod.spec.nodeName;
  else if (chip.tone === 'pending') view.reason = dockReason(pod, ctx);
  if (owner) {
    view.owner = { kind: owner.kind, name: owner.name };
    view.workload = workloadOf(view.owner, chip.namespace, ctx.replicaSets ?? { get: () => undefined });
  }
  if (pod.status?.podIP) view.ip = pod.status.podIP;
  return view;
}

// @doc: dashboard-dock-reason
// Why a pod waits on the dock. The scheduler writes its verdict twice: as the PodScheduled=False
// condition on the pod (what `kubectl describe pod` shows under Conditions) and as a FailedScheduling
// Event. We prefer the condition, which always holds the latest attempt.
function dockReason(pod: Pod, ctx: PodContext): string {
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (condition?.message) return condition.message;
  if (ctx.failedScheduling) return ctx.failedScheduling;
  return ctx.schedulerUp === false ? 'no crane is working: kube-scheduler is down' : 'waiting for a crane (not yet scheduled)';
}

/** Sum of a resource's requests over the pod's app containers (millicores or bytes); bad quantities count 0. */
export function requests(pod: Pod, resource: 'cpu' | 'memory'): number {
  const parse = resource === 'cpu' ? cpuMillis : memoryBytes;
  let total = 0;
  for (const c of pod.spec.containers ?? []) {
    try {
      total += parse(c.resources?.requests?.[resource]);
    } catch {
      // An invalid quantity was rejected by the apiserver; an old object may still carry one.
    }
  }
  return total;
}

/** Pods that hold their requests on a node: everything not finished (kubectl describe's rule). */
export function holdsResources(pod: PodView): boolean {
  return pod.tone !== 'succeeded' && pod.tone !== 'failed';
}

/** A node as the picture shows it; `pods` are the views of the pods bound to it. */
export function nodeView(node: Node, pods: Iterable<PodView>): NodeView {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const view: NodeView = {
    name: node.metadata.name ?? '',
    ready: ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown',
    cordoned: Boolean(node.spec?.unschedulable),
    taints: (node.spec?.taints ?? []).map(taintText),
    cpu: { used: 0, total: safe(cpuMillis, alloc.cpu) },
    memory: { used: 0, total: safe(memoryBytes, alloc.memory) },
    maxPods: safe(memoryBytes, alloc.pods) || 110,
  };
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (ip) view.ip = ip;
  for (const p of pods) {
    if (!holdsResources(p)) continue;
    view.cpu.used += p.cpuMillis;
    view.memory.used += p.memoryBytes;
  }
  return view;
}

/** "node.kubernetes.io/unreachable:NoExecute", as kubectl describe prints taints. */
export function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** A Service with its Endpoints' ready and not-ready address counts. */
export function serviceView(svc: Service, endpoints?: Endpoints): ServiceView {
  const subsets = endpoints?.subsets ?? [];
  return {
    key: `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name ?? ''}`,
    namespace: svc.metadata.namespace ?? 'default',
    name: svc.metadata.name ?? '',
    type: svc.spec.type ?? 'ClusterIP',
    ...(svc.spec.clusterIP ? { clusterIP: svc.spec.clusterIP } : {}),
    ports: (svc.spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`),
    ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0),
    notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
  };
}

/** An Event in plain (ships) words, with the object it concerns named the kubectl way. */
export function eventView(e: Event): EventView {
  const o = e.involvedObject ?? {};
  return {
    key: `${e.metadata.namespace ?? 'default'}/${e.metadata.name ?? ''}`,
    time: eventTime(e),
    text: eventInShipsWords(e),
    reason: e.reason ?? '',
    type: e.type === 'Warning' ? 'Warning' : 'Normal',
    object: `${o.kind ?? 'Object'} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? ''}`,
    count: e.count ?? 1,
  };
}

// @doc: dashboard-leader-from-lease
// Who leads: the holderIdentity of the component's Lease in kube-system - but only while the Lease
// is valid. A leader that died keeps its name in the Lease until someone else takes over, so a Lease
// not renewed within leaseDurationSeconds (scaled by the time scale) has no leader at all.
/** The holder of a leader-election Lease, or undefined when nobody holds it or it expired. */
export function leaderOf(lease: Lease | undefined, nowMs: number, timeScale: number): string | undefined {
  const holder = lease?.spec.holderIdentity;
  if (!lease || !holder) return undefined;
  const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? '') || 0;
  const validMs = (lease.spec.leaseDurationSeconds ?? 15) * 1000 * timeScale;
  return nowMs - renewed > validMs ? undefined : holder;
}

function safe(parse: (q?: string) => number, q: string | undefined): number {
  try {
    return parse(q);
  } catch {
    return 0;
  }
}
