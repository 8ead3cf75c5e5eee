// Node lease: the heartbeat
// =========================
// CONCEPT   Every 10 s the kubelet renews a small Lease object named after its node in the
//           kube-node-lease namespace: holderIdentity = the node, leaseDurationSeconds = 40,
//           renewTime = now. The node lifecycle controller reads renewTime: a node whose lease is
//           older than the grace period (40 s) is presumed lost and marked Unknown. A Lease is tiny,
//           so 5,000 nodes heartbeating cost the apiserver far less than 5,000 full Node statuses.
//           The lease is owned by the Node (ownerReferences), so deleting the Node deletes it.
// REAL K8S  staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go (controller.Run,
//           sync, ensureLease, retryUpdateLease, newLease: renewInterval = 0.25 x leaseDuration),
//           pkg/kubelet/kubelet.go (nodeLeaseController, NodeLeaseDurationSeconds = 40)
// SHIPS     The ship's regular "all well" on the radio; silence for 40 s means trouble.
// EXAMPLE   kube-node-lease/node-1: { holderIdentity: "node-1", leaseDurationSeconds: 40,
//           renewTime: "2026-01-01T00:00:10.000000Z" }  ... 10 s later renewTime moves on
// SKIPPED   the lease controller's own exponential back-off (we retry on the next tick).

import type { Lease } from '../api/types.ts';
import type { Clock, Timer } from '../client/clock.ts';
import { isConflict, isNotFound } from '../client/errors.ts';
import { microTime } from '../client/leader-election.ts';
import type { KubeClient } from '../client/rest.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Options of a node's lease controller. */
export interface NodeLeaseOptions {
  client: Pick<KubeClient, 'get' | 'create' | 'update'>;
  clock: Clock;
  nodeName: string;
  /** The Node's uid, for the ownerReference (undefined until registered). */
  nodeUID: () => string | undefined;
  /** --node-lease-duration-seconds. @default 40 */
  leaseDurationSeconds?: number;
  /** Renew interval, Kubernetes ms. @default 0.25 x the lease duration (10 s) */
  renewIntervalMs?: number;
  /**
   * Called after each successful renewal: how late it was written, and how late its timer fired
   * (our own event-loop lag), both in Kubernetes ms past the renewal's slot.
   */
  onRenew?: (writtenLateMs: number, firedLateMs: number) => void;
  /** @default console.warn */
  log?: (line: string) => void;
}

/** Renews one node's Lease on a fixed schedule. */
export class NodeLease {
  private lease?: Lease;
  private timer?: Timer;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly duration: number;
  private nextAt = 0;
  /** Successful renewals, for tests and benchmarks. */
  renewals = 0;

  constructor(private readonly options: NodeLeaseOptions) {
    this.duration = options.leaseDurationSeconds ?? 40;
    this.intervalMs = options.renewIntervalMs ?? this.duration * 250;
  }

  /** Renews now, then every interval. `firstDelayMs` staggers many nodes' heartbeats. */
  start(firstDelayMs = 0): void {
    this.nextAt = this.options.clock.now() + firstDelayMs * this.options.clock.timeScale;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  // @doc: kubelet-lease-schedule
  // Ticks fall on a fixed grid (start + k x interval), so one slow renewal does not push every
  // later one back; lateness is measured against the grid.
  private schedule(): void {
    if (this.stopped) return;
    const { clock } = this.options;
    const waitMs = Math.max(0, (this.nextAt - clock.now()) / clock.timeScale);
    this.timer = clock.setTimeout(() => void this.tick(), waitMs);
  }

  private async tick(): Promise<void> {
    const due = this.nextAt;
    const firedLate = this.options.clock.since(due);
    this.nextAt += this.intervalMs * this.options.clock.timeScale;
    try {
      await this.renew();
      this.renewals++;
      this.options.onRenew?.(this.options.clock.since(due), firedLate);
    } catch (e) {
      (this.options.log ?? console.warn)(`node lease ${this.options.nodeName}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // A renewal slower than the interval skips the ticks it overran instead of bunching them.
    const { clock } = this.options;
    while (this.nextAt < clock.now()) this.nextAt += this.intervalMs * clock.timeScale;
    this.schedule();
  }

  /** One renewal: update our copy (compare-and-swap); re-read or create it when that fails. */
  private async renew(): Promise<void> {
    const { client, clock, nodeName } = this.options;
    if (this.stopped) return;
    if (this.lease) {
      try {
        this.lease = await client.update('leases', this.withRenewTime(this.lease));
        return;
      } catch (e) {
        if (!isConflict(e) && !isNotFound(e)) throw e;
      }
    }
    try {
      const current = await client.get('leases', nodeName, NODE_LEASE_NAMESPACE);
      this.lease = await client.update('leases', this.withRenewTime(current));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const uid = this.options.nodeUID();
      this.lease = await client.create('leases', {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: {
          name: nodeName, namespace: NODE_LEASE_NAMESPACE,
          ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid }] } : {}),
        },
        spec: { holderIdentity: nodeName, leaseDurationSeconds: this.duration, renewTime: microTime(clock.now()) },
      });
    }
  }

  private withRenewTime(lease: Lease): Lease {
    const uid = this.options.nodeUID();
    const owned = lease.metadata.ownerReferences?.length || !uid;
    return {
      ...lease,
      metadata: owned ? lease.metadata : { ...lease.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.options.nodeName, uid }] },
      spec: { ...lease.spec, holderIdentity: this.options.nodeName, leaseDurationSeconds: this.duration, renewTime: microTime(this.options.clock.now()) },
    };
  }
}
