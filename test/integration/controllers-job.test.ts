// The Job controller against a real apiserver, scheduler and kubelet: pods really run their
// command in the kubelet's generic container and end with its exit code. A Job completes after
// `completions` successes, `parallelism` at a time; a failing Job is retried with growing back-off
// and fails with BackoffLimitExceeded; activeDeadlineSeconds stops a Job that runs too long;
// ttlSecondsAfterFinished deletes a finished Job; deleting a Job with Background removes its pods,
// and a bare DELETE (batch/v1's OrphanDependents) releases them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../api/batch-types.ts';
import type { Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { isNotFound } from '../../client/errors.ts';
import type { KubeClient } from '../../client/rest.ts';
import { startJobCluster, type JobCluster } from '../helpers/job-cluster.ts';
import { waitForTruthy } from '../helpers/wait.ts';

const clock = realClock(0.05);
let cluster: JobCluster;
let client: KubeClient;

beforeAll(async () => void ({ client } = cluster = await startJobCluster({ clock })));
afterAll(() => cluster?.stop());

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000) => waitForTruthy<T>(what, fn, ms);

function createJob(name: string, script: string, spec: Partial<Job['spec']> = {}): Promise<Job> {
  return client.create('jobs', {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', script] }] } }, ...spec },
  } as Job);
}

const getJob = (name: string) => client.get('jobs', name, 'default');
const condition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
async function podsOf(job: Job): Promise<Pod[]> {
  const list = await client.list('pods', { namespace: 'default', labelSelector: `batch.kubernetes.io/controller-uid=${job.metadata.uid}` });
  return list.items;
}

describe('the Job controller', () => {
  it('runs completions pods, parallelism at a time, then marks the Job Complete', async () => {
    const job = await createJob('three', 'echo working; sleep 2; exit 0', { completions: 3, parallelism: 2 });
    let mostActive = 0;
    const done = await until('Complete', async () => {
      const j = await getJob('three');
      mostActive = Math.max(mostActive, j.status?.active ?? 0);
      return condition(j, 'Complete') && j;
    });
    expect(done.status).toMatchObject({ succeeded: 3, failed: 0, active: 0 });
    expect(mostActive).toBeLessThanOrEqual(2);
    expect(condition(done, 'SuccessCriteriaMet')).toMatchObject({ reason: 'CompletionsReached' });
    expect(condition(done, 'Complete')).toMatchObject({ reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(Date.parse(done.status!.completionTime!)).toBeGreaterThanOrEqual(Date.parse(done.status!.startTime!));
    const pods = await podsOf(job);
    expect(pods.map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(pods[0].metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'batch/v1', kind: 'Job', name: 'three', uid: job.metadata.uid, controller: true })]);
    expect(pods[0].metadata.labels).toMatchObject({ 'job-name': 'three', 'batch.kubernetes.io/job-name': 'three' });
  });

  it('retries a failing pod with back-off, then fails with BackoffLimitExceeded', async () => {
    const started = Date.now();
    const job = await createJob('fails', 'echo trying; exit 1', { backoffLimit: 2 });
    const failed = await until('Failed', async () => {
      const j = await getJob('fails');
      return condition(j, 'Failed') && j;
    });
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(condition(failed, 'FailureTarget')).toMatchObject({ reason: 'BackoffLimitExceeded' });
    expect(failed.status).toMatchObject({ failed: 3, succeeded: 0, active: 0 });
    expect(failed.status?.completionTime).toBeUndefined();
    expect(await podsOf(job)).toHaveLength(3);
    // The replacements waited 10 s, then 20 s after the previous failure (Kubernetes time; API
    // timestamps are whole seconds, too coarse at this time scale, so we time the whole run).
    expect((Date.now() - started) / clock.timeScale).toBeGreaterThanOrEqual(30_000);
    expect(cluster.logs.filter((l) => l.includes('default/fails: 1 failed pods in a row: next pod in'))).not.toHaveLength(0);
    expect(cluster.logs.filter((l) => l.includes('default/fails: 2 failed pods in a row: next pod in'))).not.toHaveLength(0);
  });

  it('stops a Job that outlives activeDeadlineSeconds, deleting its running pod', async () => {
    const job = await createJob('slow', 'sleep 600', { activeDeadlineSeconds: 20 });
    await until('a running pod', async () => (await podsOf(job)).some((p) => p.status?.phase === 'Running'));
    const failed = await until('DeadlineExceeded', async () => {
      const j = await getJob('slow');
      return condition(j, 'Failed') && j;
    });
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    await until('its pod gone', async () => (await podsOf(job)).length === 0);
  });

  it('deletes a finished Job after ttlSecondsAfterFinished, and its pods with it', async () => {
    const job = await createJob('short-lived', 'echo bye', { ttlSecondsAfterFinished: 30 });
    await until('Complete', async () => condition(await getJob('short-lived'), 'Complete'));
    await until('the Job deleted', async () => getJob('short-lived').then(() => false, (e) => isNotFound(e)));
    await until('its pods deleted', async () => (await podsOf(job)).length === 0);
  });

  it('Background deletion removes the pods; a bare DELETE orphans them (batch/v1 default)', async () => {
    const gone = await createJob('cascade', 'sleep 600');
    const kept = await createJob('orphaned', 'sleep 600');
    await until('both pods', async () => (await podsOf(gone)).length === 1 && (await podsOf(kept)).length === 1);
    await client.delete('jobs', 'cascade', { namespace: 'default', propagationPolicy: 'Background' });
    await client.delete('jobs', 'orphaned', { namespace: 'default' });
    await until('cascade pods deleted', async () => (await podsOf(gone)).length === 0);
    await until('the orphaned Job gone', async () => getJob('orphaned').then(() => false, (e) => isNotFound(e)));
    const [orphan] = await podsOf(kept);
    expect(orphan.metadata.ownerReferences ?? []).toEqual([]);
    expect(orphan.metadata.deletionTimestamp).toBeUndefined();
    await client.delete('pods', orphan.metadata.name!, { namespace: 'default', gracePeriodSeconds: 0 });
  });
});
