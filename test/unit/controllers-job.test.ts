// Unit: the Job controller's arithmetic (controllers/job-logic.ts), no cluster needed.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../api/batch-types.ts';
import type { Pod } from '../../api/types.ts';
import {
  backoffRecord, classifyPods, jobFinish, pastBackoffLimitOnFailure, podDiff, remainingBackoffMs, remainingDeadlineMs,
  sameJson, setCondition, wantActive,
} from '../../controllers/job-logic.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
/** Kubernetes ms since an instant, as if it were now T0 + nowS (time scale 1). */
const sinceAt = (nowS: number) => (t: number | string) => T0 + nowS * 1000 - (typeof t === 'number' ? t : Date.parse(t));

function job(spec: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' },
    spec: { parallelism: 1, completions: 1, backoffLimit: 6, template: { spec: { restartPolicy: 'Never', containers: [] } }, ...spec }, status,
  };
}

function pod(name: string, phase: string, extra: { finishedS?: number; deleting?: boolean; restarts?: number } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', ...(extra.deleting ? { deletionTimestamp: at(0) } : {}) },
    spec: { containers: [] },
    status: {
      phase,
      containerStatuses: [{
        name: 'c', ready: false, restartCount: extra.restarts ?? 0, image: 'busybox', imageID: '',
        state: extra.finishedS !== undefined ? { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: at(extra.finishedS) } } : { running: {} },
      }],
    },
  } as Pod;
}

describe('counting pods', () => {
  it('sorts pods into active, terminating, succeeded and failed', () => {
    const c = classifyPods([pod('a', 'Running'), pod('b', 'Pending'), pod('c', 'Running', { deleting: true }), pod('d', 'Succeeded'), pod('e', 'Failed'), pod('f', 'Failed', { deleting: true })]);
    expect([c.active, c.terminating, c.succeeded, c.failed].map((l) => l.map((p) => p.metadata.name))).toEqual([['a', 'b'], ['c'], ['d'], ['e', 'f']]);
  });
});

describe('how many pods to run', () => {
  it('runs parallelism pods, never more than the completions still missing', () => {
    expect(wantActive(job({ completions: 5, parallelism: 2 }), 0, 0)).toBe(2);
    expect(wantActive(job({ completions: 5, parallelism: 2 }), 4, 0)).toBe(1);
    expect(wantActive(job({ completions: 5, parallelism: 2 }), 5, 0)).toBe(0);
  });

  it('without completions, runs parallelism until one succeeds, then starts nothing new', () => {
    expect(wantActive(job({ completions: undefined, parallelism: 3 }), 0, 1)).toBe(3);
    expect(wantActive(job({ completions: undefined, parallelism: 3 }), 1, 2)).toBe(2);
  });

  it('runs nothing while suspended, and deletes the surplus when parallelism drops', () => {
    expect(wantActive(job({ suspend: true }), 0, 1)).toBe(0);
    const c = classifyPods([pod('a', 'Running'), pod('b', 'Running'), pod('c', 'Running')]);
    expect(podDiff(job({ completions: 10, parallelism: 1 }), c, 0)).toBe(-2);
    expect(podDiff(job({ completions: 10, parallelism: 5 }), c, 0)).toBe(2);
  });

  it('with podReplacementPolicy Failed, waits for a terminating pod before replacing it', () => {
    const c = classifyPods([pod('a', 'Running', { deleting: true })]);
    expect(podDiff(job({ podReplacementPolicy: 'TerminatingOrFailed' }), c, 0)).toBe(1);
    expect(podDiff(job({ podReplacementPolicy: 'Failed' }), c, 0)).toBe(0);
  });
});

describe('when a Job is finished', () => {
  const none = classifyPods([]);
  it('is Complete once completions pods succeeded', () => {
    expect(jobFinish(job({ completions: 2 }), none, 1, 0, sinceAt(0))).toBeUndefined();
    expect(jobFinish(job({ completions: 2 }), none, 2, 0, sinceAt(0))).toMatchObject({ type: 'Complete', interim: 'SuccessCriteriaMet', reason: 'CompletionsReached' });
  });

  it('without completions, is Complete when one succeeded and none is still running', () => {
    const running = classifyPods([pod('a', 'Running')]);
    expect(jobFinish(job({ completions: undefined, parallelism: 2 }), running, 1, 0, sinceAt(0))).toBeUndefined();
    expect(jobFinish(job({ completions: undefined, parallelism: 2 }), none, 1, 0, sinceAt(0))?.type).toBe('Complete');
  });

  it('fails with BackoffLimitExceeded after more than backoffLimit failed pods', () => {
    expect(jobFinish(job({ backoffLimit: 2 }), none, 0, 2, sinceAt(0))).toBeUndefined();
    expect(jobFinish(job({ backoffLimit: 2 }), none, 0, 3, sinceAt(0))).toMatchObject({ type: 'Failed', interim: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(jobFinish(job({ backoffLimit: 0 }), none, 0, 1, sinceAt(0))?.reason).toBe('BackoffLimitExceeded');
  });

  it('with OnFailure, counts container restarts of running pods against backoffLimit', () => {
    const onFailure = job({ backoffLimit: 3, template: { spec: { restartPolicy: 'OnFailure', containers: [] } } });
    expect(pastBackoffLimitOnFailure(onFailure, [pod('a', 'Running', { restarts: 2 })])).toBe(false);
    expect(pastBackoffLimitOnFailure(onFailure, [pod('a', 'Running', { restarts: 2 }), pod('b', 'Running', { restarts: 1 })])).toBe(true);
    expect(pastBackoffLimitOnFailure(job({ backoffLimit: 1 }), [pod('a', 'Running', { restarts: 5 })])).toBe(false); // Never: restarts do not happen
  });

  it('fails with DeadlineExceeded once activeDeadlineSeconds have passed since startTime', () => {
    const j = job({ activeDeadlineSeconds: 30 }, { startTime: at(0) });
    expect(remainingDeadlineMs(j, sinceAt(10))).toBe(20_000);
    expect(jobFinish(j, none, 0, 0, sinceAt(29))).toBeUndefined();
    expect(jobFinish(j, none, 0, 0, sinceAt(30))).toMatchObject({ type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });
});

describe('back-off after failures', () => {
  it('waits 10 s after one failure, doubling per consecutive failure, capped at 10 minutes', () => {
    expect(remainingBackoffMs(0, undefined, sinceAt(0))).toBe(0);
    expect(remainingBackoffMs(1, T0, sinceAt(0))).toBe(10_000);
    expect(remainingBackoffMs(3, T0, sinceAt(15))).toBe(25_000);
    expect(remainingBackoffMs(3, T0, sinceAt(41))).toBe(0);
    expect(remainingBackoffMs(20, T0, sinceAt(0))).toBe(600_000);
  });

  it('counts only the failures after the last success, timed by their containers finishing', () => {
    const c = classifyPods([pod('f1', 'Failed', { finishedS: 1 }), pod('ok', 'Succeeded', { finishedS: 5 }), pod('f2', 'Failed', { finishedS: 7 }), pod('f3', 'Failed', { finishedS: 9 })]);
    expect(backoffRecord(c, T0 + 100_000)).toEqual({ failuresAfterLastSuccess: 2, lastFailureTime: T0 + 9_000 });
    expect(backoffRecord(classifyPods([pod('ok', 'Succeeded', { finishedS: 5 })]), T0)).toEqual({ failuresAfterLastSuccess: 0, lastFailureTime: undefined });
  });
});

describe('conditions and status', () => {
  it('adds a condition once, keeping the first transition time', () => {
    const first = setCondition([], { type: 'Complete', status: 'True', lastTransitionTime: at(1), reason: 'CompletionsReached' });
    const again = setCondition(first, { type: 'Complete', status: 'True', lastTransitionTime: at(9), reason: 'CompletionsReached' });
    expect(again).toEqual(first);
  });

  it('compares status whatever the key order', () => {
    expect(sameJson({ a: 1, b: [{ x: 1, y: 2 }] }, { b: [{ y: 2, x: 1 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
  });
});
