// The node lifecycle controller: notice when a node stops answering
// ================================================================
// CONCEPT   Every kubelet renews a Lease in kube-node-lease every 10 s (and posts its Ready
//           condition now and then). We remember, per node, *when we last saw* either signal change
//           (our own clock, so skewed clocks cannot fool us). If nothing changed for
//           node-monitor-grace-period (40 s), we presume the node lost: its Ready condition (and the
//           pressure conditions) become Unknown, "Kubelet stopped posting node status.", its pods'
//           Ready condition becomes False (so Services stop sending them traffic), and it gets the
//           node.kubernetes.io/unreachable taints: NoSchedule (no new pods) and NoExecute (the taint
//           eviction controller removes pods once their tolerationSeconds - 300 s by default - run
//           out). When the kubelet posts Ready again, the taints go. If *every* node looks down, the
//           fault is more likely ours (the control plane's network) than theirs, so we evict nothing.
// REAL K8S  pkg/controller/nodelifecycle/node_lifecycle_controller.go (monitorNodeHealth,
//           tryUpdateNodeHealth, processTaintBaseEviction, doNoScheduleTaintingPass, handleDisruption),
//           pkg/controller/util/node/controller_utils.go (MarkPodsNotReady, RecordNodeStatusChange)
// SHIPS     The harbour's watch officer: a ship silent past the grace period is posted missing,
//           flagged "no new cargo" and "unload", and its containers stop taking orders.
// EXAMPLE   node-2 lease last renewed 41 s ago (grace 40 s) => Ready Unknown, taints
//           [unreachable:NoSchedule, unreachable:NoExecute], its pods Ready=False, Event NodeNotReady
// SKIPPED   per-zone rate limits on tainting (--node-eviction-rate 0.1/s and friends: we taint at
//           once) and partial-disruption mode; label reconciliation. See REAL WORLD.
//
// REAL WORLD Kubernetes adds NoExecute taints through a per-zone rate-limited queue (one node every
// 10 s by default, slower when over 55% of a big zone is down) so a network split cannot empty a
// zone in one go. With a handful of simulated nodes we taint at once and keep only the all-down rule.

import { produce } from 'immer';
import type { Lease, Node, NodeCondition, Pod } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import { isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { loggerFor, recorderFor, seconds, type ControllerClient, type ControllerOptions, type EventSink } from './context.ts';
import { isPodReady } from './pod-util.ts';
import { desiredControllerTaints, reconcileTaints } from './taints.ts';

/** Timing flags of the node lifecycle controller, in Kubernetes ms (scaled by the clock). */
export interface NodeLifecycleOptions extends ControllerOptions {
  /** --node-monitor-grace-period: silence before a node is presumed lost. @default 40_000 */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period: the same, for a node that never posted status. @default 60_000 */
  nodeStartupGracePeriodMs?: number;
  /** --node-monitor-period: how often each node is looked at even when nothing happens. @default 5_000 */
  nodeMonitorPeriodMs?: number;
}

/** What we last saw of a node's heartbeats (nodeHealthData). */
interface NodeHealth {
  /** Wall-clock ms when a heartbeat last changed, by our own clock. */
  probeTimestamp: number;
  heartbeat?: string;
  renewTime?: string;
}

/** The namespace of node heartbeat Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

const PRESUMED_UNKNOWN = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const readyOf = (node: Node) => node.status?.conditions?.find((c) => c.type === 'Ready');

export class NodeLifecycleController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly client: ControllerClient;
  private readonly recorder: EventSink;
  private readonly note: (message: string) => void;
  private readonly health = new Map<string, NodeHealth>();
  private readonly grace: number;
  private readonly startupGrace: number;
  private readonly monitorPeriod: number;
  private disrupted = false;

  constructor(o: NodeLifecycleOptions) {
    super({ name: 'node-lifecycle-controller', clock: o.clock, workers: o.workers ?? 8, log: o.log });
    this.client = o.client;
    this.recorder = recorderFor(o, 'node-controller');
    this.note = loggerFor(o, 'node-lifecycle');
    this.grace = o.nodeMonitorGracePeriodMs ?? 40_000;
    this.startupGrace = o.nodeStartupGracePeriodMs ?? 60_000;
    this.monitorPeriod = o.nodeMonitorPeriodMs ?? 5_000;
    this.nodes = this.watch(o.factory.informer('nodes'));
    // A renewed lease or a newly bound pod is news about the node it names.
    this.leases = this.watch(o.factory.informer('leases', { namespace: NODE_LEASE_NAMESPACE }), {
      onAdd: (lease) => this.enqueue(lease.metadata.name!),
      onUpdate: (_old, lease) => this.enqueue(lease.metadata.name!),
    });
    this.pods = this.watch(o.factory.informer('pods'), {
      onAdd: (pod) => {
        if (pod.spec.nodeName) this.enqueue(pod.spec.nodeName);
      },
      onUpdate: (old, pod) => {
        if (pod.spec.nodeName && pod.spec.nodeName !== old.spec.nodeName) this.enqueue(pod.spec.nodeName);
      },
    });
  }

  // @doc: node-lifecycle-sync
  protected async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) {
      if (this.health.delete(name)) this.nodeEvent(name, 'RemovingNode', `Removing Node ${name} from Controller`);
      return;
    }
    if (!this.health.has(name)) this.nodeEvent(name, 'RegisteredNode', `Registered Node ${name} in Controller`);
    const { health, grace } = this.observe(node);
    const silent = this.clock.since(health.probeTimestamp);
    const presumedLost = silent > grace;
    // Having just written the node, our cached copy is stale: its update event brings us back here
    // to taint it, from the conditions we wrote.
    const wrote = presumedLost && (await this.markUnknown(node, silent, grace));
    this.checkDisruption();
    if (!wrote) await this.reconcileTaints(node);
    const ready = presumedLost ? 'Unknown' : readyOf(node)?.status;
    if (ready !== undefined && ready !== 'True') await this.markPodsNotReady(node);
    // Look again when the grace period would run out, and at least every monitor period.
    this.queue.addAfter(name, presumedLost ? this.monitorPeriod : Math.min(this.monitorPeriod, grace - silent + 1));
  }

  // tryUpdateNodeHealth's bookkeeping: a changed heartbeat or renewTime restarts the silence clock.
  private observe(node: Node): { health: NodeHealth; grace: number } {
    const ready = readyOf(node);
    const lease = this.leases.get(`${NODE_LEASE_NAMESPACE}/${node.metadata.name}`);
    const now = this.clock.now();
    let h = this.health.get(node.metadata.name!);
    if (!h) {
      // A node that never posted status gets its startup grace counted from its creation.
      const born = Date.parse(node.metadata.creationTimestamp ?? '');
      h = { probeTimestamp: ready || !Number.isFinite(born) ? now : born, heartbeat: ready?.lastHeartbeatTime };
      this.health.set(node.metadata.name!, h);
    } else if (ready && ready.lastHeartbeatTime !== h.heartbeat) {
      h.heartbeat = ready.lastHeartbeatTime;
      h.probeTimestamp = now;
    }
    const renew = lease?.spec.renewTime;
    if (renew && (!h.renewTime || Date.parse(renew) > Date.parse(h.renewTime))) {
      h.renewTime = renew;
      h.probeTimestamp = now;
    }
    return { health: h, grace: ready ? this.grace : this.startupGrace };
  }

  // Posts Ready (and the pressure conditions) Unknown; the kubelet will post True when it is back.
  private async markUnknown(node: Node, silent: number, grace: number): Promise<boolean> {
    const now = this.clock.nowISO();
    const wasReady = readyOf(node)?.status === 'True';
    const next = produce(node, (d) => {
      const conditions: NodeCondition[] = ((d.status ??= {}).conditions ??= []);
      for (const type of PRESUMED_UNKNOWN) {
        const c = conditions.find((x) => x.type === type);
        if (!c) {
          conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: now });
        } else if (c.status !== 'Unknown') {
          Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now });
        }
      }
    });
    if (next === node) return false;
    await this.client.updateStatus('nodes', next);
    this.note(`node ${node.metadata.name} has not renewed its lease or posted status for ${seconds(silent)} (grace period ${seconds(grace)}): its Ready condition is now Unknown`);
    if (wasReady) this.nodeEvent(node.metadata.name!, 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    return true;
  }

  // handleDisruption, reduced to one zone: when no node at all is Ready we stop tainting for eviction.
  private checkDisruption(): void {
    // A node that never posted status (still registering) is no evidence either way.
    const nodes = this.nodes.list();
    const reporting = nodes.filter((n) => readyOf(n));
    const down = reporting.length > 0 && reporting.every((n) => readyOf(n)!.status !== 'True');
    if (down === this.disrupted) return;
    this.disrupted = down;
    this.note(down
      ? 'every node is not Ready: entering full disruption mode, no pods will be evicted (the fault is probably ours, not the nodes\')'
      : 'some nodes are Ready again: leaving full disruption mode');
    for (const n of nodes) this.enqueue(n.metadata.name!);
  }

  // doNoScheduleTaintingPass + processTaintBaseEviction: taints follow the conditions in the cache.
  private async reconcileTaints(node: Node): Promise<void> {
    const current = node.spec?.taints ?? [];
    const next = reconcileTaints(current, desiredControllerTaints(node, !this.disrupted), this.clock.nowISO());
    if (!next) return;
    // The resourceVersion makes this a compare-and-swap: taints someone added meanwhile are not lost.
    await this.client.patch('nodes', node.metadata.name!, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: next } });
    const text = (ts: typeof current) => ts.map((t) => `${t.key}:${t.effect}`).join(', ');
    const added = next.filter((t) => !current.includes(t));
    const removed = current.filter((t) => !next.includes(t));
    const why = `Ready is ${readyOf(node)?.status ?? 'not posted'}`;
    if (added.length) this.note(`node ${node.metadata.name}: added taints ${text(added)} (${why})`);
    if (removed.length) this.note(`node ${node.metadata.name}: removed taints ${text(removed)} (${why})`);
  }

  // MarkPodsNotReady: pods on a node we cannot hear from must not receive traffic.
  private async markPodsNotReady(node: Node): Promise<void> {
    const now = this.clock.nowISO();
    const errors: unknown[] = [];
    const marked: string[] = [];
    for (const pod of this.pods.byIndex('nodeName', node.metadata.name!)) {
      if (!isPodReady(pod) || pod.spec.nodeName !== node.metadata.name) continue;
      const next = produce(pod, (d) => {
        const c = d.status!.conditions!.find((x) => x.type === 'Ready')!;
        Object.assign(c, { status: 'False', lastTransitionTime: now });
      });
      try {
        await this.client.updateStatus('pods', next);
        this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
        marked.push(pod.metadata.name!);
      } catch (e) {
        if (!isNotFound(e)) errors.push(e);
      }
    }
    if (marked.length) this.note(`node ${node.metadata.name} is not Ready: marked its pods not ready: ${marked.join(', ')}`);
    if (errors.length) throw errors[0];
  }

  private nodeEvent(name: string, reason: string, message: string): void {
    const node = this.nodes.get(name);
    this.recorder.event({ apiVersion: 'v1', kind: 'Node', name, uid: node?.metadata.uid ?? name }, 'Normal', reason, message);
    this.note(message);
  }
}
