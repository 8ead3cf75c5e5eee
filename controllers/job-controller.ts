// The Job controller: run pods until enough of them succeed
// ==========================================================
// CONCEPT   For each Job we count its pods (job-logic.ts) and act: create pods up to
//           `parallelism` until `completions` have succeeded; after failures, wait the back-off
//           before replacing them; stop at `backoffLimit` failures or `activeDeadlineSeconds`.
//           Finishing takes two steps, as in v1.32: an interim condition (SuccessCriteriaMet or
//           FailureTarget) while we delete the pods still running, then the terminal one
//           (Complete with completionTime, or Failed) once none is left. A finished Job is never
//           synced again - except to honour ttlSecondsAfterFinished. Pods carry a controller
//           ownerReference, so the garbage collector removes them with the Job.
// REAL K8S  pkg/controller/job/job_controller.go (NewController, addPod, updatePod, deletePod,
//           syncJob, manageJob, deleteActivePods, enactJobFinished), pkg/controller/ttlafterfinished
// SHIPS     The work-order office: it sends crates out, counts them back, gives up after six drops.
// EXAMPLE   job hello, completions 1 => creates hello-x7k2p; pod Succeeded => Complete, 1/1
//           job fail (exit 1), backoffLimit 2 => pods at +0 s, +10 s, +30 s, then Failed BackoffLimitExceeded
// SKIPPED   the job-tracking finalizer and status.uncountedTerminatedPods (we count the pods that
//           exist, as Kubernetes did before v1.26: deleting a finished pod forgets it); Indexed
//           completion (the apiserver accepts it; this controller runs such a Job as NonIndexed);
//           podFailurePolicy, successPolicy, backoffLimitPerIndex.

import type { Job, JobStatus } from '../api/batch-types.ts';
import type { Pod } from '../api/types.ts';
import { labelSelectorToRequirements, type Requirement } from '../api/labels.ts';
import { Controller } from '../client/controller.ts';
import { isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey, splitKey } from '../client/resources.ts';
import { podsToDelete } from './active-pods.ts';
import { loggerFor, recorderFor, type ControllerClient, type ControllerOptions, type EventSink } from './context.ts';
import { claimPods } from './controller-ref-manager.ts';
import { ControllerExpectations, slowStartBatch } from './expectations.ts';
import {
  backoffRecord, classifyPods, hasCondition, jobFinish, newCondition, podDiff, readyCount, remainingBackoffMs,
  remainingDeadlineMs, sameJson, setCondition, type Finish, type PodCounts,
} from './job-logic.ts';
import { PodControl } from './pod-control.ts';
import { controllerRefOf, newControllerRef } from './pod-util.ts';

const isFinished = (job: Job) => hasCondition(job, 'Complete') || hasCondition(job, 'Failed');

export class JobController extends Controller {
  readonly expectations: ControllerExpectations;
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly client: ControllerClient;
  private readonly recorder: EventSink;
  private readonly podControl: PodControl;
  private readonly note: (message: string) => void;
  /** When we first saw each pod finished (wall ms, by uid): finer than the API's whole seconds. */
  private readonly finishSeen = new Map<string, number>();

  constructor(o: ControllerOptions) {
    super({ name: 'job-controller', clock: o.clock, workers: o.workers ?? 5, log: o.log });
    this.client = o.client;
    this.recorder = recorderFor(o, 'job-controller');
    this.podControl = new PodControl(o.client, this.recorder);
    this.note = loggerFor(o, 'job-controller');
    this.expectations = new ControllerExpectations(o.clock);
    this.jobs = this.watch(o.factory.informer('jobs'));
    this.pods = this.watch(o.factory.informer('pods'), {
      onAdd: (pod) => this.podEvent(pod, 'add'),
      onUpdate: (old, cur) => this.podEvent(cur, !old.metadata.deletionTimestamp && cur.metadata.deletionTimestamp ? 'delete' : 'update'),
      onDelete: (pod) => this.podEvent(pod, 'delete'),
    });
  }

  // ## Handlers: a pod event concerns the Job its controller reference names (addPod, updatePod, deletePod).
  private podEvent(pod: Pod, what: 'add' | 'update' | 'delete'): void {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'Job') return;
    const job = this.jobs.get(`${pod.metadata.namespace}/${ref.name}`);
    if (job?.metadata.uid !== ref.uid) return;
    const key = objectKey(job);
    const phase = pod.status?.phase;
    if ((phase === 'Failed' || phase === 'Succeeded') && !this.finishSeen.has(pod.metadata.uid!)) this.finishSeen.set(pod.metadata.uid!, this.clock.now());
    if (what === 'delete') this.finishSeen.delete(pod.metadata.uid!);
    if (what === 'add' && !pod.metadata.deletionTimestamp) this.expectations.creationObserved(key);
    if (what === 'delete') this.expectations.deletionObserved(key, objectKey(pod));
    this.enqueue(key);
  }

  // ## syncJob
  // @doc: job-sync
  protected async sync(key: string): Promise<void> {
    const job = this.jobs.get(key);
    if (!job) return void this.expectations.delete(key);
    if (isFinished(job)) return this.expireAfterFinished(job);
    if (job.spec.managedBy && job.spec.managedBy !== 'kubernetes.io/job-controller') return;
    let selector: Requirement[];
    try {
      selector = labelSelectorToRequirements(job.spec.selector ?? {});
    } catch (e) {
      return this.note(`${key}: invalid selector, not syncing: ${(e as Error).message}`);
    }
    if (!selector.length) return this.note(`${key}: empty selector, not syncing`);
    const needsSync = this.expectations.satisfied(key);
    const pods = await claimPods(this.pods.byIndex('namespace', splitKey(key).namespace ?? ''), {
      client: this.client, controllerRef: newControllerRef(job, 'batch/v1', 'Job'), selector,
      ownerDeleting: Boolean(job.metadata.deletionTimestamp), log: (m) => this.note(`${key}: ${m}`),
    });
    const counts = classifyPods(pods);
    const status: JobStatus = { ...job.status };
    if (!status.startTime && !job.spec.suspend) status.startTime = this.clock.nowISO();
    const since = (t: number | string) => this.clock.since(t);
    const finish = this.finishOf({ ...job, status }, counts, since);
    let error: unknown;
    try {
      if (finish) await this.finishJob(job, key, counts, status, finish);
      else if (needsSync && !job.metadata.deletionTimestamp) await this.manageJob(job, key, counts);
    } catch (e) {
      error = e;
    }
    Object.assign(status, {
      active: counts.active.length, ready: readyCount(counts.active), terminating: counts.terminating.length,
      succeeded: counts.succeeded.length, failed: counts.failed.length,
    });
    await this.writeStatus(job, status);
    if (error !== undefined) throw error;
    // Look again when the deadline runs out, even if no pod changes meanwhile.
    const left = remainingDeadlineMs({ ...job, status }, since);
    if (!finish && left !== undefined) this.queue.addAfter(key, Math.max(0, left));
  }

  // Once an interim condition is set, the outcome is decided: later pod changes do not flip it.
  private finishOf(job: Job, c: PodCounts, since: (t: number | string) => number): Finish | undefined {
    const interim = job.status?.conditions?.find((x) => (x.type === 'FailureTarget' || x.type === 'SuccessCriteriaMet') && x.status === 'True');
    if (interim?.type === 'FailureTarget') return { type: 'Failed', interim: 'FailureTarget', reason: interim.reason ?? '', message: interim.message ?? '' };
    if (interim?.type === 'SuccessCriteriaMet') return { type: 'Complete', interim: 'SuccessCriteriaMet', reason: interim.reason ?? '', message: interim.message ?? '' };
    return jobFinish(job, c, c.succeeded.length, c.failed.length, since);
  }

  // The interim condition now; the pods still running are deleted; the terminal condition once none is left.
  private async finishJob(job: Job, key: string, c: PodCounts, status: JobStatus, finish: Finish): Promise<void> {
    const now = this.clock.nowISO();
    let conditions = setCondition(status.conditions ?? [], newCondition(finish.interim, finish.reason, finish.message, now));
    if (c.active.length) await this.deletePods(job, key, c.active);
    if (c.active.length === 0 && c.terminating.length === 0) {
      conditions = setCondition(conditions, newCondition(finish.type, finish.reason, finish.message, now));
      if (finish.type === 'Complete') status.completionTime = now;
      const [type, reason] = finish.type === 'Complete' ? ['Normal', 'Completed'] as const : ['Warning', finish.reason] as const;
      this.recorder.event(job, type, reason, finish.type === 'Complete' ? 'Job completed' : finish.message);
      this.note(`${key}: ${finish.type} (${finish.reason})`);
    }
    status.conditions = conditions;
  }

  // ## manageJob: create up to parallelism (after the back-off), or delete the surplus.
  // @doc: job-manage
  private async manageJob(job: Job, key: string, c: PodCounts): Promise<void> {
    const diff = podDiff(job, c, c.succeeded.length);
    if (diff < 0) return this.deletePods(job, key, podsToDelete(c.active, c.active, -diff));
    if (diff === 0) return;
    const { failuresAfterLastSuccess, lastFailureTime } = backoffRecord(c, this.clock.now(), this.finishSeen);
    const wait = remainingBackoffMs(failuresAfterLastSuccess, lastFailureTime, (t) => this.clock.since(t));
    if (wait > 0) {
      this.note(`${key}: ${failuresAfterLastSuccess} failed pods in a row: next pod in ${Math.round(wait / 1000)}s`);
      return this.queue.addAfter(key, wait);
    }
    this.note(`${key}: ${c.active.length} active, ${c.succeeded.length} succeeded: creating ${diff}`);
    this.expectations.expectCreations(key, diff);
    const ref = newControllerRef(job, 'batch/v1', 'Job');
    const { successes, error } = await slowStartBatch(diff, 1, async () => {
      await this.podControl.createPod(job.spec.template!, job, ref);
    });
    for (let i = successes; i < diff; i++) this.expectations.creationObserved(key);
    if (error !== undefined) throw error;
  }

  private async deletePods(job: Job, key: string, victims: Pod[]): Promise<void> {
    this.expectations.expectDeletions(key, victims.map(objectKey));
    const results = await Promise.allSettled(victims.map(async (pod) => {
      try {
        await this.podControl.deletePod(pod.metadata.namespace!, pod.metadata.name!, job);
      } catch (e) {
        this.expectations.deletionObserved(key, objectKey(pod));
        if (!isNotFound(e)) throw e;
      }
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  // Status belongs to this controller: a merge patch of the status subresource, only on change.
  private async writeStatus(job: Job, status: JobStatus): Promise<void> {
    if (sameJson(status, job.status ?? {})) return;
    try {
      await this.client.patch('jobs', job.metadata.name!, { status }, { namespace: job.metadata.namespace, subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // ## ttlSecondsAfterFinished (the ttl-after-finished controller's job, done here)
  private async expireAfterFinished(job: Job): Promise<void> {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || job.metadata.deletionTimestamp) return;
    const terminal = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    const finishedAt = job.status?.completionTime ?? terminal?.lastTransitionTime;
    if (!finishedAt) return;
    const left = ttl * 1000 - this.clock.since(finishedAt);
    if (left > 0) return this.queue.addAfter(objectKey(job), left);
    this.note(`${objectKey(job)}: finished ${ttl}s ago (ttlSecondsAfterFinished): deleting it`);
    await this.client.delete('jobs', job.metadata.name!, {
      namespace: job.metadata.namespace, preconditions: { uid: job.metadata.uid }, propagationPolicy: 'Background',
    }).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }
}
