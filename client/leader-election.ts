// Leader election: one active scheduler, one active controller-manager
// ===================================================================
// CONCEPT   For high availability we run two schedulers, but two cranes must never move the same
//           container. So replicas elect a leader through a Lease object: the leader writes its name
//           into spec.holderIdentity and keeps refreshing spec.renewTime. The others watch the lease;
//           if nobody has touched it for leaseDurationSeconds, the holder is presumed dead and one of
//           them takes it. Every write is an update carrying the resourceVersion we read
//           (compare-and-swap), so when two candidates race, etcd lets exactly one win; the other gets
//           409 Conflict. A leader that cannot renew within renewDeadline steps down *before* the
//           lease expires for the others (10 s < 15 s), so two never lead at once. On a clean
//           shutdown the leader clears
//           holderIdentity, so a successor takes over at once instead of waiting out the lease.
// REAL K8S  staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go (LeaderElector,
//           tryAcquireOrRenew, acquire, renew, release), resourcelock/leaselock.go
// SHIPS     The harbour's one crane key: whoever holds it must show it every few seconds or lose it.
// EXAMPLE   const le = new LeaderElector({ client, clock, name: 'kube-scheduler', identity: host,
//             onStartedLeading: (signal) => scheduler.run(signal), onStoppedLeading: () => exit(0) });
//           await le.run();   // returns when leadership is lost or stop() is called
// SKIPPED   ConfigMap/Endpoints locks, MultiLock, the coordinated (LeaseCandidate) election of 1.31+.
//
// REAL WORLD client-go judges expiry by when the candidate itself *saw* the record change
// (observedTime), never by the renewTime written in it, so clock skew between machines cannot make
// two leaders; the price is a takeover up to about two retry periods later than the lease says.
// Our components all run on one machine, on one clock, so we trust renewTime (capped at now) and
// wake exactly at expiry: a dead leader is replaced within leaseDuration of its last renewal.

import { hostname } from 'node:os';
import type { Lease } from '../api/types.ts';
import type { Clock } from './clock.ts';
import { isAlreadyExists, isConflict, isNotFound } from './errors.ts';
import type { KubeClient } from './rest.ts';

/** The lease calls an elector makes. */
export type LeaseClient = Pick<KubeClient, 'get' | 'create' | 'update'>;

/** Options of a LeaderElector (leaderelection.LeaderElectionConfig). */
export interface LeaderElectionOptions {
  client: LeaseClient;
  clock: Clock;
  /** The Lease's name. @example "kube-scheduler" */
  name: string;
  /** @default "kube-system" */
  namespace?: string;
  /** This candidate's unique name. @default `${hostname()}_${random}` */
  identity?: string;
  /** Others wait this long after the last renewal they saw before taking over. @default 15 */
  leaseDurationSeconds?: number;
  /** The leader steps down if it could not renew for this long. @default 10 */
  renewDeadlineSeconds?: number;
  /** Time between tries to acquire or renew. @default 2 */
  retryPeriodSeconds?: number;
  /** Clear holderIdentity on stop(), so the next candidate leads at once. @default true */
  releaseOnCancel?: boolean;
  /** Now leading; `signal` aborts when leadership ends. Start the real work here. */
  onStartedLeading?: (signal: AbortSignal) => void;
  /** No longer leading (lost, or stopped). Real components exit here. */
  onStoppedLeading?: () => void;
  /** Someone (perhaps us) is now the leader. */
  onNewLeader?: (identity: string) => void;
  /** @default console.warn */
  log?: (message: string) => void;
}

const JITTER_FACTOR = 1.2; // leaderelection.JitterFactor

/** Competes for one Lease; see the header. */
export class LeaderElector {
  readonly identity: string;
  private readonly o: Required<Omit<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader'>> & LeaderElectionOptions;
  private observed?: Lease;
  private observedTime = 0;
  private leading = false;
  private stopped = false;
  private leadership?: AbortController;
  private reportedLeader?: string;

  constructor(options: LeaderElectionOptions) {
    this.o = {
      namespace: 'kube-system', identity: `${hostname()}_${Math.random().toString(36).slice(2, 10)}`,
      leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2, releaseOnCancel: true,
      log: (m: string) => console.warn(m),
      // An option passed as `undefined` means "use the default", not "no value".
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as LeaderElectionOptions),
    };
    this.identity = this.o.identity;
    if (!(this.o.leaseDurationSeconds > this.o.renewDeadlineSeconds)) throw new Error('leaseDuration must exceed renewDeadline');
  }

  /** Whether we hold the lease right now. */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder we last saw in the lease ("" if free). */
  getLeader(): string {
    return this.observed?.spec.holderIdentity ?? '';
  }

  /** Acquires (retrying every retryPeriod), leads while renewals succeed; resolves when that ends. */
  async run(): Promise<void> {
    if (!(await this.acquire())) return;
    this.leading = true;
    this.leadership = new AbortController();
    this.o.onStartedLeading?.(this.leadership.signal);
    await this.renew();
    if (this.leading) this.stepDown();
  }

  /**
   * Stops competing. A leader releases the lease (unless `release` is false, which simulates a crash:
   * the others must wait out leaseDurationSeconds).
   * @param options.release @default options.releaseOnCancel (true)
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    const wasLeading = this.leading;
    if (wasLeading) this.stepDown();
    if (wasLeading && (options.release ?? this.o.releaseOnCancel)) await this.release();
  }

  // ## The loops (acquire, renew)

  private async acquire(): Promise<boolean> {
    while (!this.stopped) {
      if (await this.tryAcquireOrRenew()) return !this.stopped;
      // We poll every jittered retry period, but wake exactly when the holder's lease runs out.
      const jittered = this.retryMs() * (1 + Math.random() * JITTER_FACTOR);
      const untilExpiry = this.o.leaseDurationSeconds * 1000 - this.o.clock.since(this.observedTime);
      await this.o.clock.sleep(untilExpiry > 0 ? Math.min(jittered, untilExpiry) : jittered);
    }
    return false;
  }

  // Each round: keep trying every retryPeriod; if renewDeadline passes without success, we lost.
  private async renew(): Promise<void> {
    while (!this.stopped) {
      const start = this.o.clock.now();
      const deadline = this.o.renewDeadlineSeconds * 1000;
      let renewed = false;
      while (!this.stopped && this.o.clock.since(start) < deadline) {
        renewed = await this.withDeadline(this.tryAcquireOrRenew(), deadline - this.o.clock.since(start));
        if (renewed) break;
        await this.o.clock.sleep(this.retryMs());
      }
      if (!renewed || this.stopped) return;
      await this.o.clock.sleep(this.retryMs());
    }
  }

  // @doc: leader-try-acquire-or-renew
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.o.clock.now();
    let lease: Lease;
    try {
      lease = await this.o.client.get('leases', this.o.name, this.o.namespace);
    } catch (e) {
      if (!isNotFound(e)) return this.failed('get', e);
      return this.write(() => this.o.client.create('leases', this.leaseFor(undefined, now)), now);
    }
    this.observe(lease, now);
    const holder = lease.spec.holderIdentity ?? '';
    const expired = this.o.clock.since(this.observedTime) >= this.o.leaseDurationSeconds * 1000;
    if (holder && holder !== this.identity && !expired) return false;
    return this.write(() => this.o.client.update('leases', this.leaseFor(lease, now)), now);
  }

  private async write(send: () => Promise<Lease>, now: number): Promise<boolean> {
    try {
      const written = await send();
      this.observe(written, now);
      return true;
    } catch (e) {
      // Conflict / AlreadyExists: another candidate wrote first. That is the election working.
      if (isConflict(e) || isAlreadyExists(e)) return false;
      return this.failed('write', e);
    }
  }

  // ## The lease record

  private leaseFor(old: Lease | undefined, now: number): Lease {
    const spec = old?.spec ?? {};
    const ours = spec.holderIdentity === this.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: old ? { ...old.metadata } : { name: this.o.name, namespace: this.o.namespace },
      spec: {
        holderIdentity: this.identity, leaseDurationSeconds: this.o.leaseDurationSeconds,
        acquireTime: ours && spec.acquireTime ? spec.acquireTime : microTime(now), renewTime: microTime(now),
        leaseTransitions: ours ? spec.leaseTransitions ?? 0 : old ? (spec.leaseTransitions ?? 0) + 1 : 0,
      },
    };
  }

  // We restart the expiry clock whenever the record changes (any write moves resourceVersion).
  // @doc: leader-observed-time
  private observe(lease: Lease, now: number): void {
    if (this.observed?.metadata.resourceVersion !== lease.metadata.resourceVersion) {
      this.observed = lease;
      // client-go starts the clock when *it* saw the change. Every process of this simulator shares
      // one machine's clock, so we may start it at the renewTime the holder wrote (never later than
      // now): a dead leader is then replaced within leaseDuration of its last renewal.
      const renewed = Date.parse(lease.spec.renewTime ?? '');
      this.observedTime = Number.isFinite(renewed) ? Math.min(now, renewed) : now;
    }
    const holder = lease.spec.holderIdentity ?? '';
    if (holder && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      this.o.onNewLeader?.(holder);
    }
  }

  // We re-read the lease each try: a renewal still in flight may have moved its resourceVersion.
  private async release(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const lease = await this.o.client.get('leases', this.o.name, this.o.namespace);
        if (lease.spec.holderIdentity !== this.identity) return;
        const now = microTime(this.o.clock.now());
        const spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
        await this.o.client.update('leases', { ...lease, spec });
        return;
      } catch (e) {
        if (!isConflict(e)) return void this.failed('release', e);
      }
    }
  }

  private stepDown(): void {
    this.leading = false;
    this.leadership?.abort();
    this.o.onStoppedLeading?.();
  }

  private failed(what: string, e: unknown): false {
    this.o.log(`leader election ${this.o.namespace}/${this.o.name}: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }

  private retryMs(): number {
    return this.o.retryPeriodSeconds * 1000;
  }

  // A renewal still in flight when the deadline passes counts as a failure: we must step down in time.
  private withDeadline(attempt: Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimeout(() => resolve(false), Math.max(0, ms));
      attempt.then((ok) => { timer.cancel(); resolve(ok); }, () => { timer.cancel(); resolve(false); });
    });
  }
}

/** metav1.MicroTime: RFC 3339 with microseconds, the format of a Lease's times. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
