// Node status reporter: register once, then report on change or every 5 minutes
// ==============================================================================
// CONCEPT   The loop around node-status.ts. At start the kubelet creates its Node (or takes over
//           one that exists, after a restart), retrying until the apiserver answers. Then every
//           nodeStatusUpdateFrequency (10 s) it recomputes the status and compares it with what the
//           API holds, ignoring heartbeat times: it PATCHes nodes/NAME/status only when something
//           changed, or when nodeStatusReportFrequency (5 min) has passed since the last report.
//           Heartbeats proper go through the Lease (node-lease.ts).
// REAL K8S  pkg/kubelet/kubelet_node_status.go (registerWithAPIServer, tryRegisterWithAPIServer,
//           syncNodeStatus, updateNodeStatus, tryUpdateNodeStatus: the 5 min report), pkg/util/node
//           (PatchNodeStatus)
// SHIPS     The captain's report to the harbour master: sent when something changed, else now and then.
// EXAMPLE   register() -> POST /api/v1/nodes (409: GET + PATCH labels) -> every 10 s: compare -> PATCH status
// SKIPPED   re-registration after the Node object is deleted (a real kubelet does not either, until restarted).

import type { Node } from '../api/types.ts';
import { Backoff } from '../client/backoff.ts';
import type { Clock, Timer } from '../client/clock.ts';
import { isAlreadyExists } from '../client/errors.ts';
import { isNewer } from '../client/informer.ts';
import type { KubeClient } from '../client/rest.ts';
import { computeNodeStatus, initialNode, nodeStatusChanged, stampConditions, type MachineSpec, type NodeState } from './node-status.ts';

/** Options of a NodeStatusReporter. */
export interface NodeStatusReporterOptions {
  client: Pick<KubeClient, 'create' | 'get' | 'patch'>;
  clock: Clock;
  machine: MachineSpec;
  bootID: string;
  /** --pod-cidr, written into spec.podCIDR at registration when the node has none. */
  podCIDR?: string;
  /** The runtime figures at this moment. */
  state: () => NodeState;
  /** The Node as the informer has it (may lag behind our own writes). */
  cachedNode: () => Node | undefined;
  /** --node-status-update-frequency, Kubernetes ms. @default 10000 */
  updateFrequencyMs?: number;
  /** --node-status-report-frequency, Kubernetes ms. @default 300000 */
  reportFrequencyMs?: number;
  /** @default console.warn */
  log?: (line: string) => void;
}

/** Registers one Node and keeps its status current (the kubelet's syncNodeStatus loop). */
export class NodeStatusReporter {
  /** The newest Node object we know (from our writes or the informer). */
  node?: Node;
  private lastReport = 0;
  private timer?: Timer;
  private soon = false;
  private syncing?: Promise<void>;
  private stopped = false;
  /** Status patches sent, for tests and benchmarks. */
  reports = 0;

  constructor(private readonly options: NodeStatusReporterOptions) {}

  /** Creates the Node, or adopts an existing one (registerWithAPIServer); retries until it works. */
  async register(): Promise<Node> {
    const { client, clock, machine } = this.options;
    const backoff = new Backoff({ initialMs: 100, factor: 2, capMs: 7000, jitter: 0 });
    const status = computeNodeStatus(machine, this.options.state(), this.options.bootID);
    status.conditions = stampConditions(status.conditions!, undefined, clock.nowISO());
    while (!this.stopped) {
      try {
        this.node = await client.create('nodes', initialNode(machine, status, this.options.podCIDR));
        this.lastReport = clock.now();
        return this.node;
      } catch (e) {
        if (isAlreadyExists(e)) return this.adopt();
        (this.options.log ?? console.warn)(`kubelet ${machine.name}: unable to register node: ${e instanceof Error ? e.message : String(e)}`);
        await clock.sleep(backoff.next());
      }
    }
    throw new Error('kubelet stopped before the node registered');
  }

  // "Node was previously registered": we take it over, fill in a missing pod CIDR, and report.
  private async adopt(): Promise<Node> {
    const { client, machine, podCIDR } = this.options;
    let node = await client.get('nodes', machine.name);
    const labels = initialNode(machine, {}).metadata.labels!;
    const spec = !node.spec?.podCIDR && podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : undefined;
    node = await client.patch('nodes', machine.name, { metadata: { labels }, ...(spec ? { spec } : {}) });
    this.node = node;
    await this.sync(true);
    return this.node;
  }

  /** Recomputes every update period; reports when needed. */
  start(): void {
    this.timer = this.options.clock.setInterval(() => void this.sync(false), this.options.updateFrequencyMs ?? 10_000);
  }

  /** Something changed (images, pod CIDR, pressure): report soon rather than at the next tick. */
  requestSync(): void {
    if (this.soon || this.stopped) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      void this.sync(false);
    });
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  // @doc: kubelet-node-status-report
  private sync(force: boolean): Promise<void> {
    if (this.syncing) return this.syncing;
    this.syncing = this.syncOnce(force).catch((e) => {
      (this.options.log ?? console.warn)(`kubelet ${this.options.machine.name}: error updating node status: ${e instanceof Error ? e.message : String(e)}`);
    }).finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(force: boolean): Promise<void> {
    const { clock, machine, client } = this.options;
    if (this.stopped || !this.node) return;
    const cached = this.options.cachedNode();
    const latest = cached && isNewer(this.node, cached) ? cached : this.node;
    const status = computeNodeStatus(machine, this.options.state(), this.options.bootID);
    status.conditions = stampConditions(status.conditions!, latest.status?.conditions, clock.nowISO());
    const due = clock.since(this.lastReport) >= (this.options.reportFrequencyMs ?? 300_000);
    if (!force && !due && !nodeStatusChanged(latest.status, status)) return;
    this.reports++;
    this.node = await client.patch('nodes', machine.name, { status }, { subresource: 'status' });
    this.lastReport = clock.now();
  }
}
