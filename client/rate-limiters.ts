// Rate limiters: how long a failed key waits before its next try
// =============================================================
// CONCEPT   When a controller's sync of a key fails, the key goes back on the queue *later*, not at
//           once: otherwise one broken object would spin a worker at 100 % CPU and hammer the
//           apiserver. Two limits combine. Per item, the delay doubles on every failure (5 ms, 10 ms,
//           20 ms ... up to 1000 s) until the sync succeeds and the controller calls `forget`. Overall,
//           a token bucket (10 per second, bursts of 100) keeps many failing keys together from
//           flooding the apiserver. The queue uses whichever delay is longer.
// REAL K8S  staging/src/k8s.io/client-go/util/workqueue/default_rate_limiters.go
//           (ItemExponentialFailureRateLimiter, BucketRateLimiter, MaxOfRateLimiter,
//           DefaultControllerRateLimiter); the bucket is golang.org/x/time/rate's Limiter.
// SHIPS     A clerk whose form keeps bouncing puts it at the bottom of an ever taller pile.
// EXAMPLE   failures of one key:  when() => 5, 10, 20, 40 ms ...;  forget(key); when() => 5 ms
//           101 different keys at once: the first 100 pass (burst), the 101st waits 100 ms.
// SKIPPED   ItemFastSlowRateLimiter and the typed (generic) variants.

import type { Clock } from './clock.ts';

/** The contract a rate-limiting queue asks of its limiter (workqueue.RateLimiter). */
export interface RateLimiter<K = string> {
  /** How long `key` should wait (Kubernetes ms) before it is added again; counts a failure. */
  when(key: K): number;
  /** The key succeeded: stop tracking it, so its next failure starts from the base delay again. */
  forget(key: K): void;
  /** How many times `key` has failed since it was last forgotten. */
  numRequeues(key: K): number;
}

/**
 * Per-item exponential backoff: base * 2^failures, capped (ItemExponentialFailureRateLimiter).
 * @example new ItemExponentialFailureRateLimiter(5, 1_000_000) // client-go's defaults: 5 ms .. 1000 s
 */
export class ItemExponentialFailureRateLimiter<K = string> implements RateLimiter<K> {
  private failures = new Map<K, number>();

  /**
   * @param baseMs the first delay. @default 5
   * @param maxMs no delay exceeds this. @default 1_000_000 (1000 s)
   */
  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}

  when(key: K): number {
    const exp = this.failures.get(key) ?? 0;
    this.failures.set(key, exp + 1);
    // We stop doubling once past the cap, so 2^exp never overflows into Infinity or NaN.
    const backoff = this.baseMs * Math.pow(2, exp);
    return Number.isFinite(backoff) ? Math.min(backoff, this.maxMs) : this.maxMs;
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * An overall token bucket shared by all keys (BucketRateLimiter around rate.NewLimiter(qps, burst)).
 * Tokens refill at `qps` per Kubernetes second up to `burst`; each `when()` reserves one, and if the
 * bucket is in debt the caller waits until its token would have arrived.
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  private tokens: number;
  private last: number;

  /**
   * @param qps tokens added per second. @default 10
   * @param burst bucket size, the number of keys that may pass at once. @default 100
   */
  constructor(
    private readonly clock: Clock,
    private readonly qps = 10,
    private readonly burst = 100,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_key: K): number {
    // Refill for the time that passed (in Kubernetes seconds), then take one token, possibly going
    // into debt: a negative balance of n tokens means the reservation is n / qps seconds away.
    this.tokens = Math.min(this.burst, this.tokens + (this.clock.since(this.last) / 1000) * this.qps);
    this.last = this.clock.now();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  // The bucket does not track keys: forgetting one changes nothing (as in client-go).
  forget(_key: K): void {}

  numRequeues(_key: K): number {
    return 0;
  }
}

/** The longest delay of several limiters (MaxOfRateLimiter). */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(key: K): number {
    // Every limiter must see the failure (each counts it), so we ask them all before taking the max.
    return Math.max(...this.limiters.map((l) => l.when(key)));
  }

  forget(key: K): void {
    for (const l of this.limiters) l.forget(key);
  }

  numRequeues(key: K): number {
    return Math.max(...this.limiters.map((l) => l.numRequeues(key)));
  }
}

/**
 * What every controller uses unless it says otherwise (DefaultControllerRateLimiter):
 * per item 5 ms doubling to 1000 s, overall 10 qps with bursts of 100, the longer delay wins.
 */
export function defaultControllerRateLimiter<K = string>(clock: Clock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(5, 1_000_000),
    new BucketRateLimiter<K>(clock, 10, 100),
  );
}
