// Workqueue: the to-do list between event handlers and a controller's workers
// =========================================================================
// CONCEPT   Informer handlers do not do work; they drop a *key* ("namespace/name") on this queue.
//           Workers take keys off and reconcile them. Three promises make controllers simple:
//             1. A key is queued at most once: ten changes to one pod before a worker gets to it
//                mean one sync, which reads the newest state from the cache anyway.
//             2. A key is never handed to two workers at once (the `processing` set).
//             3. A key added while a worker holds it is *not* lost: it waits in `dirty` and comes
//                back exactly once after the worker calls `done()`.
//           On top sit delays (`addAfter`) and rate-limited retries (`addRateLimited`, see
//           rate-limiters.ts), as client-go layers Type, DelayingQueue and RateLimitingQueue.
// REAL K8S  staging/src/k8s.io/client-go/util/workqueue/queue.go, delaying_queue.go,
//           rate_limiting_queue.go
// SHIPS     The office in-tray: one form per container, and a form being worked on stays on that desk.
// EXAMPLE   q.add("default/besu-0"); q.add("default/besu-0")   // len() === 1
//           const k = await q.get();  q.add(k)                   // len() === 0, k is processing
//           q.done(k)                                            // len() === 1: it came back once
// SKIPPED   metrics, ShutDownWithDrain. `get()` after `shutDown()` answers undefined at once, even if
//           keys remain queued (client-go hands those out first): our workers exit promptly.

import type { Clock, Timer } from './clock.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.ts';

/** Options of a WorkQueue. */
export interface WorkQueueOptions<K> {
  /** Decides how long `addRateLimited` waits. @default defaultControllerRateLimiter(clock) */
  rateLimiter?: RateLimiter<K>;
  /** A name for log lines. @default "" */
  name?: string;
}

/**
 * A rate-limiting, delaying work queue with client-go's semantics (workqueue.RateLimitingInterface).
 * Keys are compared by value (===), so use strings: "namespace/name", or "name" for cluster objects.
 */
export class WorkQueue<K = string> {
  readonly name: string;
  // `queue` is the order of work; every key in it is also in `dirty` and not in `processing`.
  private queue: K[] = [];
  private head = 0;
  private dirty = new Set<K>();
  private processing = new Set<K>();
  private waiters: ((key: K | undefined) => void)[] = [];
  private waiting = new Map<K, { readyAt: number; timer: Timer }>();
  private readonly rateLimiter: RateLimiter<K>;
  private shuttingDown = false;

  constructor(
    private readonly clock: Clock,
    options: WorkQueueOptions<K> = {},
  ) {
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(clock);
    this.name = options.name ?? '';
  }

  // ## The basic queue (queue.go)

  /** Marks `key` as needing processing (Add). A no-op if it is already queued, or after shutDown. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // @doc: workqueue-dirty-while-processing
    // A key some worker holds stays only in `dirty`; done() puts it back in line.
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /**
   * Resolves with the next key to process, waiting if the queue is empty (Get). The caller owns the
   * key until it calls `done(key)`. Resolves undefined once the queue is shut down: the worker exits.
   */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (this.head < this.queue.length) return Promise.resolve(this.take(this.dequeue()));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The worker finished `key` (Done); if it was added again meanwhile, it is queued once more. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
  }

  /** How many keys wait to be handed out (not counting delayed or processing ones). */
  len(): number {
    return this.queue.length - this.head;
  }

  /** Stops the queue: new adds are ignored, pending and future `get()`s resolve undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }

  /** Whether `shutDown()` was called. */
  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  // ## Delays (delaying_queue.go)

  /**
   * Adds `key` after `ms` Kubernetes milliseconds (AddAfter). If the key is already waiting, the
   * earlier of the two times wins, so a key is never delayed further by a second call.
   * @example q.addAfter("default/besu-0", 30_000) // look again in 30 s
   */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const readyAt = this.clock.now() + ms * this.clock.timeScale;
    const existing = this.waiting.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, timer });
  }

  // ## Rate-limited retries (rate_limiting_queue.go)

  /** Adds `key` after the rate limiter's delay (AddRateLimited): the retry path after a failed sync. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key succeeded: reset its backoff (Forget). It does not remove the key from the queue. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  /** How many times `key` was retried since it was last forgotten (NumRequeues). */
  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  // ## Internals

  // A waiting worker gets the key directly; otherwise it joins the end of the line.
  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(key));
    else this.queue.push(key);
  }

  private dequeue(): K {
    const key = this.queue[this.head++];
    // We compact the array now and then instead of shift()ing, which is O(n) per call.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  private take(key: K): K {
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }
}
