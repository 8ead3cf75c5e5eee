// The Job controller's arithmetic: count, decide, back off
// ========================================================
// CONCEPT   Everything the Job controller decides, as pure functions of the Job, its pods and the
//           time, so a test can pin each rule without a cluster:
//             count    pods are active (pending or running, not being deleted), terminating,
//                      succeeded or failed;
//             finish   enough successes => Complete; more failures than backoffLimit (or, with
//                      restartPolicy OnFailure, that many container restarts) => Failed
//                      BackoffLimitExceeded; running past activeDeadlineSeconds => Failed
//                      DeadlineExceeded;
//             size     how many pods should run: min(parallelism, completions - succeeded);
//             back off after consecutive failures, replacements wait 10 s, 20 s, 40 s ... (cap 10 min).
// REAL K8S  pkg/controller/job/job_controller.go (syncJob, manageJob, pastBackoffLimitOnFailure,
//           pastActiveDeadline, newCondition), pkg/controller/job/backoff_utils.go
//           (getRemainingTimeForFailuresCount, getFinishedTime), pkg/controller/job/indexed_job_utils.go
// SHIPS     The work order's tally sheet: crates unloaded, crates dropped, when to try again.
// EXAMPLE   completions 5, parallelism 2, 4 succeeded, 0 active     => want 1 active: create 1
//           backoffLimit 2, failed 3                                  => Failed BackoffLimitExceeded
//           3 failures in a row, the last 15 s ago                    => wait 25 s more (40 s - 15 s)
// SKIPPED   podFailurePolicy, successPolicy, backoffLimitPerIndex (validated by the apiserver only).

import type { Job, JobCondition } from '../api/batch-types.ts';
import type { Pod } from '../api/types.ts';
import { isPodReady } from './pod-util.ts';

/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff (job_controller.go, v1.32), in ms. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;
/** MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

/** The Job's pods sorted by what they count as. */
export interface PodCounts {
  active: Pod[];
  terminating: Pod[];
  succeeded: Pod[];
  failed: Pod[];
}

/** Sorts pods the way the status counts them (active excludes pods being deleted). */
export function classifyPods(pods: readonly Pod[]): PodCounts {
  const out: PodCounts = { active: [], terminating: [], succeeded: [], failed: [] };
  for (const pod of pods) {
    if (pod.status?.phase === 'Succeeded') out.succeeded.push(pod);
    else if (pod.status?.phase === 'Failed') out.failed.push(pod);
    else if (pod.metadata.deletionTimestamp) out.terminating.push(pod);
    else out.active.push(pod);
  }
  return out;
}

/** Number of active pods that are Ready (status.ready). */
export const readyCount = (pods: readonly Pod[]) => pods.filter(isPodReady).length;

// ## When is the Job finished?

/** A terminal outcome: the interim condition (FailureTarget / SuccessCriteriaMet) and the final one. */
export interface Finish {
  type: 'Complete' | 'Failed';
  interim: 'SuccessCriteriaMet' | 'FailureTarget';
  reason: string;
  message: string;
}

/** pastBackoffLimitOnFailure: with OnFailure, container restarts of running pods count as failures. */
export function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[]): boolean {
  if (job.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of active) {
    for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/**
 * Kubernetes milliseconds elapsed since a wall-clock instant (Clock.since): under a time scale of
 * 0.1 a 10 s back-off passes in 1 s of wall time, so every wait is measured through this.
 */
export type Since = (wallMs: number | string) => number;

/** pastActiveDeadline: Kubernetes ms left before activeDeadlineSeconds (counted from status.startTime) runs out. */
export function remainingDeadlineMs(job: Job, since: Since): number | undefined {
  const ads = job.spec.activeDeadlineSeconds;
  if (ads === undefined || !job.status?.startTime) return undefined;
  return ads * 1000 - since(job.status.startTime);
}

/**
 * The outcome syncJob reaches with these counts, or undefined while the Job should go on.
 * Failure wins over success, and is checked first, as in syncJob.
 */
// @doc: job-finish
export function jobFinish(job: Job, c: PodCounts, succeeded: number, failed: number, since: Since): Finish | undefined {
  if (failed > (job.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, c.active)) {
    return { type: 'Failed', interim: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  }
  const left = remainingDeadlineMs(job, since);
  if (left !== undefined && left <= 0) {
    return { type: 'Failed', interim: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  }
  const completions = job.spec.completions;
  // Without completions, any success means done - once the others have stopped on their own.
  const done = completions === undefined ? succeeded > 0 && c.active.length === 0 : succeeded >= completions;
  if (done) return { type: 'Complete', interim: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
  return undefined;
}

// ## How many pods should run?

/** manageJob's wantActive: parallelism, but never more than the completions still missing. */
// @doc: job-want-active
export function wantActive(job: Job, succeeded: number, active: number): number {
  if (job.spec.suspend) return 0;
  const parallelism = job.spec.parallelism ?? 1;
  if (job.spec.completions === undefined) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(parallelism, job.spec.completions - succeeded));
}

/**
 * The change to make: positive = pods to create, negative = pods to delete. Pods still terminating
 * count as present when podReplacementPolicy is Failed (a replacement waits for them to be gone).
 */
export function podDiff(job: Job, c: PodCounts, succeeded: number): number {
  const want = wantActive(job, succeeded, c.active.length);
  const waiting = job.spec.podReplacementPolicy === 'Failed' ? c.terminating.length : 0;
  const diff = want - c.active.length - waiting;
  if (diff > 0) return Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  return Math.max(Math.min(0, want - c.active.length), -MAX_POD_CREATE_DELETE_PER_SYNC);
}

// ## Back-off (backoff_utils.go)

/**
 * getFinishedTime: the latest container finish, else when the pod was deleted, else `fallback`.
 * `observed` (wall ms, by pod uid) wins when given: API timestamps are whole seconds, which under
 * a time scale of 0.05 is 20 s of cluster time - longer than the back-off itself.
 */
export function finishedTime(pod: Pod, fallback: number, observed?: ReadonlyMap<string, number>): number {
  const seen = observed?.get(pod.metadata.uid ?? '');
  if (seen !== undefined) return seen;
  const ends = (pod.status?.containerStatuses ?? []).map((s) => s.state?.terminated?.finishedAt).filter((t): t is string => Boolean(t));
  if (ends.length) return Math.max(...ends.map((t) => Date.parse(t)));
  if (pod.metadata.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp);
  return fallback;
}

/** The failures since the last success, and when the latest of them happened (backoffRecord). */
export function backoffRecord(c: PodCounts, now: number, observed?: ReadonlyMap<string, number>): { failuresAfterLastSuccess: number; lastFailureTime?: number } {
  const lastSuccess = Math.max(-Infinity, ...c.succeeded.map((p) => finishedTime(p, now, observed)));
  const failures = c.failed.map((p) => finishedTime(p, now, observed)).filter((t) => t > lastSuccess);
  return { failuresAfterLastSuccess: failures.length, lastFailureTime: failures.length ? Math.max(...failures) : undefined };
}

/** getRemainingTimeForFailuresCount: 10 s doubling per consecutive failure, capped, minus time already waited. */
// @doc: job-backoff
export function remainingBackoffMs(failures: number, lastFailureTime: number | undefined, since: Since): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  let delay = POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < failures; i++) {
    delay *= 2;
    if (delay >= MAX_POD_FAILURE_BACKOFF_MS) {
      delay = MAX_POD_FAILURE_BACKOFF_MS;
      break;
    }
  }
  const elapsed = since(lastFailureTime);
  return delay < elapsed ? 0 : delay - elapsed;
}

// ## Conditions

/** A True condition of `type`, stamped now (newCondition). */
export function newCondition(type: string, reason: string, message: string, nowIso: string): JobCondition {
  return { type, status: 'True', lastProbeTime: nowIso, lastTransitionTime: nowIso, reason, message };
}

/** Adds or replaces the condition of the same type; keeps lastTransitionTime when the status stays. */
export function setCondition(conditions: readonly JobCondition[], c: JobCondition): JobCondition[] {
  const old = conditions.find((x) => x.type === c.type);
  if (old && old.status === c.status && old.reason === c.reason) return [...conditions];
  return [...conditions.filter((x) => x.type !== c.type), c];
}

export function hasCondition(job: Job, type: string): boolean {
  return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/** Equal as JSON whatever the key order (the apiserver may store keys in another order than we wrote). */
export function sameJson(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, sorted(x)]));
    return v;
  };
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}
