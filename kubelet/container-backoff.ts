// CrashLoopBackOff: how long a crashed container waits before its next restart
// ============================================================================
// CONCEPT   A container that keeps crashing is restarted with growing pauses, so a broken pod does
//           not burn the node: the first restart is immediate, then each next one waits 10 s, 20 s,
//           40 s ... up to 5 minutes. While it waits, the container shows
//           `waiting: CrashLoopBackOff` ("back-off 40s restarting failed container=..."). A container
//           that ran for 10 minutes (twice the cap) since its last restart has proved itself: its
//           next crash starts again from 10 s.
//           The clock starts at the container's *finish* time: "in back-off" means fewer than
//           `backoff` ms have passed since it exited.
// REAL K8S  staging/src/k8s.io/client-go/util/flowcontrol/backoff.go (Backoff.Next, IsInBackOffSince,
//           hasExpired = 2 x maxDuration), pkg/kubelet/kubelet.go (backOffPeriod 10 s,
//           MaxContainerBackOff 300 s), pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff)
// SHIPS     A deckhand who keeps falling overboard is fished out more slowly each time.
// EXAMPLE   crash #1 -> restart at once; crash #2 -> wait 10 s; #3 -> 20 s; #4 -> 40 s ... -> 300 s
// SKIPPED   jitter (client-go adds none for the kubelet's container backoff either), the periodic GC.

import type { Clock } from '../client/clock.ts';

/** Backoff durations, Kubernetes ms. */
export interface ContainerBackoffOptions {
  /** The first back-off. @default 10000 (backOffPeriod) */
  initialMs?: number;
  /** The cap. @default 300000 (MaxContainerBackOff) */
  maxMs?: number;
}

interface Entry {
  backoffMs: number;
  /** When Next() last ran: the container's last (re)start. */
  lastUpdate: number;
}

/** Per-container exponential back-off, keyed "podUID_containerName" (getStableKey). */
export class ContainerBackoff {
  private readonly entries = new Map<string, Entry>();
  readonly initialMs: number;
  readonly maxMs: number;

  constructor(private readonly clock: Clock, options: ContainerBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 10_000;
    this.maxMs = options.maxMs ?? 300_000;
  }

  /**
   * True while a container that finished at `finishedAt` (ms) must still wait (IsInBackOffSince).
   * An entry untouched for 2 x max is stale: no back-off.
   */
  isInBackOffSince(key: string, finishedAt: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(this.clock.now(), e)) return false;
    return this.clock.since(finishedAt) < e.backoffMs;
  }

  /** Kubernetes ms left before a container that finished at `finishedAt` may restart (0 if none). */
  remaining(key: string, finishedAt: number): number {
    if (!this.isInBackOffSince(key, finishedAt)) return 0;
    return Math.max(0, this.entries.get(key)!.backoffMs - this.clock.since(finishedAt));
  }

  /**
   * Kubernetes ms left while `key` is in back-off counted from its last Next()
   * (IsInBackOffSinceUpdate): the image puller's question "may I try this pull again yet?".
   */
  remainingSinceUpdate(key: string): number {
    const e = this.entries.get(key);
    if (!e || this.expired(this.clock.now(), e)) return 0;
    return Math.max(0, e.backoffMs - this.clock.since(e.lastUpdate));
  }

  /**
   * Records a restart (Next): the first sets `initialMs`, each later one doubles it up to `maxMs`.
   * `eventTime` is the finish time of the crash being restarted; a crash more than 2 x max after the
   * last restart starts over.
   */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    // @doc: kubelet-crashloop-reset
    if (!e || this.expired(eventTime, e)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
      return;
    }
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = this.clock.now();
  }

  /** The current back-off of `key` in Kubernetes ms (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Forgets a container (its pod is gone). */
  reset(key: string): void {
    this.entries.delete(key);
  }

  // hasExpired: measured in Kubernetes time, so we convert wall ms through the clock's scale.
  private expired(at: number, e: Entry): boolean {
    return (at - e.lastUpdate) / this.clock.timeScale > 2 * this.maxMs;
  }
}

/** "10s", "1m20s", "5m0s": Go's time.Duration.String() for whole seconds, as the messages print it. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}
