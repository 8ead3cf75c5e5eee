// Backoff figures: the rate limiters of client/rate-limiters.ts and the jittered backoff of backoff.ts.
import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from '../../client/backoff.ts';
import { FakeClock } from '../../client/clock.ts';
import {
  BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter,
} from '../../client/rate-limiters.ts';
import { isRetryable, retryAfterMs } from '../../client/transport.ts';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles from 5 ms per failure of the same key', () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    expect([1, 2, 3, 4, 5].map(() => rl.when('a'))).toEqual([5, 10, 20, 40, 80]);
    expect(rl.when('b')).toBe(5); // keys back off independently
    expect(rl.numRequeues('a')).toBe(5);
  });

  it('caps at 1000 s and never overflows', () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    const delays = Array.from({ length: 2000 }, () => rl.when('a'));
    expect(delays[17]).toBe(655_360);
    expect(delays[18]).toBe(1_000_000);
    expect(delays[1999]).toBe(1_000_000);
  });

  it('starts over after forget', () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    rl.when('a');
    rl.when('a');
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
    expect(rl.when('a')).toBe(5);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst of 100 through, then spaces keys 100 ms apart (10 qps)', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter(clock, 10, 100);
    const burst = Array.from({ length: 100 }, (_, i) => rl.when(`k${i}`));
    expect(burst.every((d) => d === 0)).toBe(true);
    expect(rl.when('k100')).toBeCloseTo(100);
    expect(rl.when('k101')).toBeCloseTo(200);
  });

  it('refills with time', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter(clock, 10, 100);
    for (let i = 0; i < 100; i++) rl.when('k');
    clock.advance(1000); // 10 tokens back
    const delays = Array.from({ length: 11 }, () => rl.when('k'));
    expect(delays.slice(0, 10).every((d) => d === 0)).toBe(true);
    expect(delays[10]).toBeCloseTo(100);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('takes the longer of per-item backoff and the overall bucket', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter(clock);
    expect(rl.when('a')).toBe(5); // item says 5 ms, bucket says 0
    for (let i = 0; i < 99; i++) rl.when(`x${i}`); // drain the bucket
    expect(rl.when('fresh')).toBeCloseTo(100); // item says 5 ms, bucket says 100 ms
    expect(rl.numRequeues('a')).toBe(1);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
  });
});

describe('backoff with jitter', () => {
  it('grows exponentially up to the cap without jitter', () => {
    const opts = { initialMs: 200, factor: 2, capMs: 5000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, opts))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('stays within [d, d * (1 + jitter)] for any random draw', () => {
    const opts = { initialMs: 200, factor: 2, capMs: 5000, jitter: 0.2 };
    for (let attempt = 0; attempt < 12; attempt++) {
      const d = Math.min(5000, 200 * 2 ** attempt);
      for (const r of [0, 0.25, 0.5, 0.999999]) {
        const delay = backoffDelay(attempt, opts, () => r);
        expect(delay).toBeGreaterThanOrEqual(d);
        expect(delay).toBeLessThanOrEqual(d * 1.2);
      }
      const random = Array.from({ length: 200 }, () => backoffDelay(attempt, opts));
      expect(Math.min(...random)).toBeGreaterThanOrEqual(d);
      expect(Math.max(...random)).toBeLessThan(d * 1.2);
    }
  });

  it('spreads retries of many clients apart', () => {
    const draws = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(3, { jitter: 1 }))));
    expect(draws.size).toBeGreaterThan(10);
  });

  it('resets to the initial delay after success', () => {
    const b = new Backoff({ initialMs: 800, capMs: 30_000, jitter: 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([800, 1600, 3200]);
    b.reset();
    expect(b.next()).toBe(800);
  });
});

describe('which failures are retried', () => {
  it('retries anything the server surely did not apply', () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      expect(isRetryable(method, { network: 'ECONNREFUSED' })).toBe(true);
      expect(isRetryable(method, { code: 429 })).toBe(true);
      expect(isRetryable(method, { code: 503 })).toBe(true);
    }
  });

  it('retries resets and 5xx only for idempotent verbs', () => {
    expect(isRetryable('GET', { network: 'ECONNRESET' })).toBe(true);
    expect(isRetryable('PUT', { code: 500 })).toBe(true);
    expect(isRetryable('POST', { network: 'ECONNRESET' })).toBe(false);
    expect(isRetryable('POST', { code: 500 })).toBe(false);
  });

  it('never retries a 4xx other than 429', () => {
    for (const code of [400, 401, 403, 404, 409, 410, 422]) expect(isRetryable('GET', { code })).toBe(false);
  });

  it('reads Retry-After in seconds', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
