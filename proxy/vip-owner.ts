// The VIP owner: which node's proxy answers on the Service virtual IPs
// ====================================================================
// CONCEPT   On a real cluster every node's kube-proxy writes the same ClusterIP rules, and each
//           node's kernel catches the traffic its own pods send. Here every node shares one
//           loopback interface, and one address:port can be bound by one process only. So the
//           virtual IPs (ClusterIPs, external IPs, load-balancer IPs) are served by exactly one
//           proxy at a time: the holder of the Lease kube-system/kube-proxy-vip-owner, elected with
//           client-go's leader election. NodePorts need no election: each node's proxy binds them
//           on its own node IP.
//           The holder renews the Lease every retryPeriod; if its node dies (the process is killed,
//           so renewals stop), another proxy takes the Lease once leaseDurationSeconds have passed
//           since the last renewal it saw, and binds the VIPs. (The old listeners died with the
//           process; if the old proxy is still alive but lost the Lease, it closes them itself, and
//           the new owner retries its binds until they are free.) A proxy that stops cleanly
//           releases the Lease, so a successor takes over at once.
//           After losing the Lease we compete again, like a replica that restarts.
// REAL K8S  No such thing in kube-proxy: its rules are per node. The election is client-go's
//           tools/leaderelection (as kube-scheduler and kube-controller-manager use it); the idea of
//           one node answering for a virtual IP is what MetalLB's layer-2 mode and keepalived do.
// SHIPS     One radio room at a time answers the harbour's public channels; if its ship sinks,
//           the next one picks up the microphone.
// EXAMPLE   const vip = new VipOwnerElection({ client, clock, identity: 'node-1', onChange: (own) => sync() });
//           vip.start(); ...; await vip.stop();
// SKIPPED   Preferring a healthy or least-loaded node; spreading VIPs over several owners.
//
// REAL WORLD Each node's kernel owns the ClusterIPs for its own pods, so there is nothing to elect
// and no takeover gap. Load-balancer IPs are announced by the cloud's load balancer or by MetalLB
// (ARP/BGP), which does elect one node per IP in layer-2 mode, much as we do here.

import type { Clock } from '../client/clock.ts';
import { LeaderElector, type LeaseClient } from '../client/leader-election.ts';

/** Options of the VIP-owner election. Timings are Kubernetes seconds (scaled by the clock). */
export interface VipOwnerOptions {
  client: LeaseClient;
  clock: Clock;
  /** This proxy's name in the Lease: its node name. */
  identity: string;
  /** @default "kube-proxy-vip-owner" */
  name?: string;
  /** @default "kube-system" */
  namespace?: string;
  /** @default 15 */
  leaseDurationSeconds?: number;
  /** @default 10 */
  renewDeadlineSeconds?: number;
  /** @default 2 */
  retryPeriodSeconds?: number;
  /** Called with true when we start serving the VIPs and false when we must stop. */
  onChange: (owner: boolean) => void;
  /** @default console.log */
  log?: (message: string) => void;
}

/** Competes for the VIP-owner Lease until stopped. */
export class VipOwnerElection {
  private elector?: LeaderElector;
  private stopped = false;
  private owner = false;
  private loop?: Promise<void>;

  constructor(private readonly options: VipOwnerOptions) {}

  /** Starts competing in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Whether this proxy serves the VIPs right now. */
  isOwner(): boolean {
    return this.owner;
  }

  /** The current holder as last seen ("" if none). */
  holder(): string {
    return this.elector?.getLeader() ?? '';
  }

  /**
   * Stops competing. By default the Lease is released so another proxy takes over at once;
   * `release: false` simulates a crash (the others wait out the lease duration).
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    await this.elector?.stop(options);
    await this.loop;
  }

  private async run(): Promise<void> {
    const o = this.options;
    const log = o.log ?? ((m: string) => console.log(m));
    while (!this.stopped) {
      this.elector = new LeaderElector({
        client: o.client, clock: o.clock, identity: o.identity,
        name: o.name ?? 'kube-proxy-vip-owner', namespace: o.namespace ?? 'kube-system',
        leaseDurationSeconds: o.leaseDurationSeconds ?? 15, renewDeadlineSeconds: o.renewDeadlineSeconds ?? 10,
        retryPeriodSeconds: o.retryPeriodSeconds ?? 2, log,
        onStartedLeading: () => this.set(true),
        onStoppedLeading: () => this.set(false),
        onNewLeader: (id) => id !== o.identity && log(`${id} serves the Service VIPs (ClusterIPs, external and load-balancer IPs)`),
      });
      await this.elector.run();
      // Lost the Lease (or stopped): pause one retry period, then compete again.
      if (!this.stopped) await o.clock.sleep((o.retryPeriodSeconds ?? 2) * 1000);
    }
  }

  private set(owner: boolean): void {
    if (owner === this.owner) return;
    this.owner = owner;
    this.options.onChange(owner);
  }
}
