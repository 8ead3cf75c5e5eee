// Expectations: never act twice on one decision because the watch is slow
// ========================================================================
// CONCEPT   The replication manager counts pods from its informer cache, and the cache lags: right
//           after we create 3 pods, the cache still shows the old count. A sync in that moment would
//           see "3 missing" again and create 3 more. So before acting we write down what we expect
//           to see ("3 creations", or "deletions of pods a, b"), and every watch event for one of
//           our pods ticks one off. Until the list is done we do not create or delete again (status
//           still updates). If the events never come (a dropped watch), the expectation expires after
//           5 minutes and we look afresh. Deletions are tracked by pod key, because a graceful delete
//           shows up twice (deletionTimestamp set, then gone) and must count once.
// REAL K8S  pkg/controller/controller_utils.go (ControllerExpectations, ControlleeExpectations,
//           UIDTrackingControllerExpectations, ExpectationsTimeout), replica_set.go (slowStartBatch)
// SHIPS     The office's order book: "3 containers ordered, 1 delivered" - nobody reorders meanwhile.
// EXAMPLE   e.expectCreations(rc, 3); e.satisfied(rc) => false
//           e.creationObserved(rc) x3;  e.satisfied(rc) => true
// SKIPPED   nothing of substance.

import type { Clock } from '../client/clock.ts';

/** ExpectationsTimeout: how long an unmet expectation blocks syncs (Kubernetes ms). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  /** Pod keys whose deletion we still wait to observe. */
  deleting: Set<string>;
  /** Wall-clock ms when set; expiry is judged on the scaled clock. */
  timestamp: number;
}

/** Per-controller expectations of creations and deletions (UIDTrackingControllerExpectations). */
export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  /** @param ttlMs expiry of unmet expectations. @default EXPECTATIONS_TIMEOUT_MS (5 minutes) */
  constructor(private readonly clock: Clock, private readonly ttlMs = EXPECTATIONS_TIMEOUT_MS) {}

  /**
   * SatisfiedExpectations: true when the controller may create or delete again - every expected
   * event arrived, the record expired, or there is none (a new controller, or after a restart).
   */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.clock.since(e.timestamp) > this.ttlMs;
  }

  /** We are about to create `count` pods (ExpectCreations); replaces any earlier record. */
  expectCreations(key: string, count: number): void {
    this.byKey.set(key, { add: count, del: 0, deleting: new Set(), timestamp: this.clock.now() });
  }

  /** We are about to delete these pods (ExpectDeletions); replaces any earlier record. */
  expectDeletions(key: string, podKeys: string[]): void {
    this.byKey.set(key, { add: 0, del: podKeys.length, deleting: new Set(podKeys), timestamp: this.clock.now() });
  }

  /** A pod of ours appeared in the watch, or a create failed / was skipped (CreationObserved). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  /** A pod we deleted was seen going (or the delete failed) (DeletionObserved); counted once per pod. */
  deletionObserved(key: string, podKey: string): void {
    const e = this.byKey.get(key);
    if (e?.deleting.delete(podKey)) e.del--;
  }

  /** Forgets a controller (its object is gone) (DeleteExpectations). */
  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** What we still wait for, for logs and tests. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.byKey.get(key);
    return e && { add: e.add, del: e.del };
  }
}

/**
 * Runs `fn` `count` times in batches of 1, 2, 4, 8 ... (slowStartBatch), stopping after the first
 * batch with a failure. A template the apiserver rejects then costs one failed call, not 500.
 * Returns how many calls succeeded and the first error.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length) return { successes, error: failed[0].reason };
    remaining -= batch;
  }
  return { successes };
}
