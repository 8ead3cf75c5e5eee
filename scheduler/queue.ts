// The scheduling queue: activeQ, backoffQ and the unschedulable pods
// ==================================================================
// CONCEPT   Pending pods wait in three places:
//           - activeQ: ready to be tried, most important first (higher spec.priority, then the
//             one that has waited longest in the queue);
//           - backoffQ: failed recently; each pod waits 1 s, 2 s, 4 s, ... at most 10 s after its
//             n-th failed attempt before going back to activeQ, so one hopeless pod cannot hog
//             the scheduler;
//           - unschedulablePods: no node fits and nothing has changed. They sleep until a cluster
//             event that could help (a node added, relabelled, untainted or uncordoned, a pod
//             deleted) moves them back; which events count depends on the plugins that rejected
//             the pod. A pod still sleeping after 5 minutes is retried anyway, in case we missed
//             something.
// REAL K8S  pkg/scheduler/backend/queue/scheduling_queue.go (PriorityQueue, Pop,
//           AddUnschedulableIfNotPresent, MoveAllToActiveOrBackoffQueue, flushBackoffQCompleted,
//           flushUnschedulablePodsLeftover, calculateBackoffDuration)
//           (v1.32: pkg/scheduler/internal/queue/scheduling_queue.go)
// SHIPS     The dock: the loading line, the penalty bench, and the corner for containers no ship
//           can take until the harbour changes.
// EXAMPLE   q.add(pod); const p = await q.next();       // scheduling fails:
//           q.addUnschedulableIfNotPresent(p, q.schedulingCycle)   // -> unschedulablePods
//           q.moveAllToActiveOrBackoffQueue("NodeAdd")             // -> backoffQ, then activeQ
// SKIPPED   queueing hints (we match on event type only), PreEnqueue/scheduling gates, nominated
//           pods, the QueueSort plugin (the order is fixed: priority, then time queued).

import type { Pod } from '../api/types.ts';
import type { Clock, Timer } from '../client/clock.ts';
import type { ClusterEvent, PodInfo } from './framework/interfaces.ts';
import { newPodInfo } from './framework/node-info.ts';
import { Heap } from './heap.ts';
import { SCHEDULING_RESULT_ANNOTATION } from './explanation.ts';

/** framework.QueuedPodInfo: a pod and its history in the queue. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod was last added to a queue (ms). Orders activeQ; starts the backoff clock. */
  timestamp: number;
  /** Scheduling attempts so far; the backoff doubles with each. */
  attempts: number;
  /** When the pod was first popped, for "pending for ..." figures. */
  initialAttemptTimestamp?: number;
  /** Plugins that rejected the pod in its last attempt; empty after an error. */
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueOptions {
  clock: Clock;
  /** Backoff after the first failed attempt. @default 1000 (podInitialBackoffSeconds: 1) */
  podInitialBackoffMs?: number;
  /** The backoff never grows past this. @default 10000 (podMaxBackoffSeconds: 10) */
  podMaxBackoffMs?: number;
  /** Unschedulable pods are retried after this long anyway. @default 300000 (5 min) */
  podMaxInUnschedulablePodsDurationMs?: number;
  /** Which events may help a pod rejected by these plugins (Framework.eventsFor). Absent: every event. */
  eventsFor?: (plugins: Set<string>) => Set<ClusterEvent>;
}

/** Where a pod currently is, for the dashboard and tests. */
export interface PendingPods {
  active: string[];
  backoff: string[];
  unschedulable: string[];
}

const uidOf = (q: QueuedPodInfo) => q.podInfo.uid;

/** framework.PriorityQueue. */
export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxInUnschedulable: number;
  private readonly activeQ: Heap<QueuedPodInfo>;
  private readonly backoffQ: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Set<string>();
  private waiters: (() => void)[] = [];
  private timers: Timer[] = [];
  private closed = false;
  /** Bumped by every pop: identifies a scheduling attempt. */
  schedulingCycle = 0;
  /** The cycle during which the last move request (cluster event) happened. */
  private moveRequestCycle = -1;

  constructor(private readonly options: SchedulingQueueOptions) {
    this.clock = options.clock;
    this.initialBackoff = options.podInitialBackoffMs ?? 1000;
    this.maxBackoff = options.podMaxBackoffMs ?? 10_000;
    this.maxInUnschedulable = options.podMaxInUnschedulablePodsDurationMs ?? 300_000;
    // PrioritySort's Less: higher priority first, then earlier timestamp.
    this.activeQ = new Heap(uidOf, (a, b) => a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && a.timestamp < b.timestamp));
    this.backoffQ = new Heap(uidOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  // ## Informer events for pending pods

  /** Add: a new pending pod goes straight to activeQ. */
  add(pod: Pod): void {
    const info = newPodInfo(pod);
    if (this.contains(info.uid)) return this.update(pod);
    this.pushActive({ podInfo: info, timestamp: this.clock.now(), attempts: 0, unschedulablePlugins: new Set() });
  }

  /**
   * Update: a pending pod changed. In a queue it is updated in place; an unschedulable pod whose
   * spec or labels changed gets another chance at once (the change may be what it needed).
   */
  update(pod: Pod): void {
    const info = newPodInfo(pod);
    const q = this.activeQ.get(info.uid) ?? this.backoffQ.get(info.uid);
    if (q) {
      q.podInfo = info;
      (this.activeQ.has(info.uid) ? this.activeQ : this.backoffQ).push(q);
      return;
    }
    const u = this.unschedulable.get(info.uid);
    if (u) {
      const changed = specChanged(u.podInfo.pod, pod);
      u.podInfo = info;
      if (changed) this.requeue(u);
      return;
    }
    if (!this.inFlight.has(info.uid)) this.add(pod);
  }

  /** Delete: the pod is gone (or bound by someone else). */
  delete(uid: string): void {
    this.activeQ.delete(uid);
    this.backoffQ.delete(uid);
    this.unschedulable.delete(uid);
    this.inFlight.delete(uid);
  }

  // ## The scheduler's side

  /** Pop: the most important active pod, or undefined. Counts an attempt and a cycle. */
  pop(): QueuedPodInfo | undefined {
    const q = this.activeQ.pop();
    if (!q) return undefined;
    q.attempts++;
    q.initialAttemptTimestamp ??= this.clock.now();
    this.schedulingCycle++;
    this.inFlight.add(q.podInfo.uid);
    return q;
  }

  /** Waits for an active pod; resolves undefined once the queue is closed. */
  async next(): Promise<QueuedPodInfo | undefined> {
    while (!this.closed) {
      const q = this.pop();
      if (q) return q;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return undefined;
  }

  /** Done: the pod's attempt is over (bound, or re-queued). */
  done(uid: string): void {
    this.inFlight.delete(uid);
  }

  /**
   * AddUnschedulableIfNotPresent: put back a pod whose attempt failed. An error (no plugin
   * rejected it) goes to backoffQ; so does a rejection when a cluster event happened while it was
   * being scheduled (the event might have helped and we must not sleep through it). Otherwise
   * the pod waits in unschedulablePods for a helpful event.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, podSchedulingCycle: number): void {
    this.done(q.podInfo.uid);
    if (this.contains(q.podInfo.uid)) return;
    q.timestamp = this.clock.now();
    if (q.unschedulablePlugins.size === 0 || this.moveRequestCycle >= podSchedulingCycle) this.backoffQ.push(q);
    else this.unschedulable.set(q.podInfo.uid, q);
  }

  /**
   * MoveAllToActiveOrBackoffQueue: a cluster event happened. Every unschedulable pod whose
   * rejecting plugins care about it moves: to backoffQ if its backoff has not expired, else to
   * activeQ.
   */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent | 'ForceActivate'): void {
    for (const q of [...this.unschedulable.values()]) {
      if (event === 'ForceActivate' || this.mayHelp(q, event)) this.requeue(q);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  private mayHelp(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (!this.options.eventsFor || q.unschedulablePlugins.size === 0) return true;
    return this.options.eventsFor(q.unschedulablePlugins).has(event);
  }

  // ## Timers

  /** calculateBackoffDuration: initial x 2^(attempts-1), capped. */
  backoffDuration(q: QueuedPodInfo): number {
    if (q.attempts === 0) return 0;
    let d = this.initialBackoff;
    for (let i = 1; i < q.attempts; i++) {
      if (d > this.maxBackoff - d) return this.maxBackoff;
      d += d;
    }
    return Math.min(d, this.maxBackoff);
  }

  // Timestamps are wall-clock ms (clock.now()); durations are Kubernetes ms, so the backoff is
  // scaled to wall time here: at --time-scale 0.1 a 1 s backoff ends 100 ms after the failure.
  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q) * this.clock.timeScale;
  }

  /** flushBackoffQCompleted: pods whose backoff expired go to activeQ. Runs every second. */
  flushBackoffQCompleted(): void {
    const now = this.clock.now();
    for (let q = this.backoffQ.peek(); q && this.backoffExpiry(q) <= now; q = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.pushActive(q);
    }
  }

  /** flushUnschedulablePodsLeftover: pods asleep longer than the limit are retried. Every 30 s. */
  flushUnschedulablePodsLeftover(): void {
    for (const q of [...this.unschedulable.values()]) {
      if (this.clock.since(q.timestamp) > this.maxInUnschedulable) this.requeue(q);
    }
  }

  /** Starts the two flush loops on the clock. */
  run(): void {
    this.timers.push(this.clock.setInterval(() => this.flushBackoffQCompleted(), 1000));
    this.timers.push(this.clock.setInterval(() => this.flushUnschedulablePodsLeftover(), 30_000));
  }

  /** Stops the timers and wakes every waiting `next()` with undefined. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.wake();
  }

  // ## Inspection

  pendingPods(): PendingPods {
    const keys = (qs: QueuedPodInfo[]) => qs.map((q) => q.podInfo.key).sort();
    return { active: keys(this.activeQ.list()), backoff: keys(this.backoffQ.list()), unschedulable: keys([...this.unschedulable.values()]) };
  }

  contains(uid: string): boolean {
    return this.activeQ.has(uid) || this.backoffQ.has(uid) || this.unschedulable.has(uid);
  }

  get length(): number {
    return this.activeQ.size + this.backoffQ.size + this.unschedulable.size;
  }

  // ## Moving pods

  private requeue(q: QueuedPodInfo): void {
    this.unschedulable.delete(q.podInfo.uid);
    if (this.backoffExpiry(q) > this.clock.now()) this.backoffQ.push(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPodInfo): void {
    this.backoffQ.delete(q.podInfo.uid);
    this.unschedulable.delete(q.podInfo.uid);
    this.activeQ.push(q);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * isPodUpdated: anything changed besides status and bookkeeping metadata. Our own explanation
 * annotation does not count, or every failed attempt would wake the pod it failed.
 */
function specChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { [SCHEDULING_RESULT_ANNOTATION]: _ours, ...annotations } = p.metadata.annotations ?? {};
    return JSON.stringify({ spec: p.spec, labels: p.metadata.labels, annotations });
  };
  return strip(a) !== strip(b);
}
