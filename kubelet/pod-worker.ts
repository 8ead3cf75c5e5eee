// Pod worker: one pod's life on this node
// =======================================
// CONCEPT   Every admitted pod gets a worker that drives it from "just bound" to "gone":
//             sandbox (the pod IP) -> init containers, one at a time, each to completion
//             (init-containers.ts) -> for each container: pull image (image-step.ts), create,
//             start -> running, probed (container-probes.ts) -> on exit: restart now, after a CrashLoopBackOff pause, or never (restartPolicy)
//             -> on delete: stop every container within the grace period -> final status -> the
//             pod object is deleted.
//           Whatever happens, the worker writes down the state of each container and hands the
//           resulting status to the status manager; it never talks to the apiserver itself.
// REAL K8S  pkg/kubelet/pod_workers.go (podWorkers, syncPod / syncTerminatingPod / syncTerminatedPod),
//           pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions, SyncPod, doBackOff),
//           pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer: Created / Started
//           events); stopping containers is container-stop.ts
// SHIPS     The deckhand assigned to one container, from loading to unloading.
// EXAMPLE   bound pod -> Pulling, Pulled, Created, Started -> Running 1/1 with podIP 127.244.1.2
//           exit 1, restartPolicy Always -> restart at once, then back-off 10 s, 20 s, 40 s ...
// SKIPPED   sidecars, in-place resize, restarting a *running* container whose image changed (a
//           waiting one takes the new image), pod-level (sandbox) restarts.

import type { Pod } from '../api/types.ts';
import { makeEnvironmentVariables } from './container-env.ts';
import { containerRef, initialRecord, markExited, podDesc, type ContainerRecord } from './container-record.ts';
import { goDuration } from './container-backoff.ts';
import { hasProbes, startProbes } from './container-probes.ts';
import { graceSeconds, killSilently, stopForDeletion } from './container-stop.ts';
import { pullImage, takeNewImage } from './image-step.ts';
import { nextInitStep, shouldRestart } from './init-containers.ts';
import type { NodeContext } from './node-context.ts';
import { generatePodStatus } from './pod-status.ts';
import type { ExitStatus, RunningContainer } from './runtime/runtime.ts';

/** The pod worker's retry after a failed sync (kubelet.go backOffPeriod), e.g. a missing ConfigMap. */
const SYNC_RETRY_MS = 10_000;

/** One pod's worker. Create it after admission, then call start(). */
export class PodWorker {
  pod: Pod;
  private readonly records: ContainerRecord[];
  private readonly initRecords: ContainerRecord[];
  private podIP?: string;
  /** The IP is still reserved in the allocator (status keeps showing it after teardown). */
  private holdsIP = false;
  private startTime?: string;
  private sandboxReady = false;
  /** Deleting (or gone): nothing starts or restarts any more. */
  private terminating = false;
  /** All containers finished for good (Succeeded / Failed). */
  finished = false;

  constructor(private readonly ctx: NodeContext, pod: Pod) {
    this.pod = pod;
    this.startTime = pod.status?.startTime;
    this.records = pod.spec.containers.map((spec) => initialRecord(spec, pod, ctx.clock.nowISO()));
    this.initRecords = (pod.spec.initContainers ?? []).map((spec) => initialRecord(spec, pod, ctx.clock.nowISO(), true));
  }

  private get allRecords(): ContainerRecord[] {
    return [...this.initRecords, ...this.records];
  }

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  /** Still holding node resources (admitted and not finished): counts in admission. */
  get active(): boolean {
    return !this.finished && !this.terminating;
  }

  /** Starts the pod: sandbox, then its init containers, then its containers one after another (SyncPod). */
  async start(): Promise<void> {
    if (!this.podIP) {
      const ip = await this.ctx.allocatePodIP(this.pod);
      if (this.terminating) return this.ctx.releasePodIP(ip);
      if (!ip) {
        this.ctx.event(this.pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: no IP addresses available in range set ${this.ctx.podCIDR() ?? '(no pod CIDR yet)'}`);
        this.ctx.clock.setTimeout(() => void this.start(), 10_000);
        return;
      }
      this.podIP = ip;
      this.holdsIP = true;
      this.sandboxReady = true;
      this.startTime ??= this.ctx.clock.nowISO();
    }
    this.syncStatus();
    await this.startContainers();
  }

  // @doc: kubelet-compute-pod-actions
  // computePodActions, in short: the next init container first; only when all have succeeded,
  // every app container that does not run yet.
  private async startContainers(): Promise<void> {
    if (this.terminating) return;
    const step = nextInitStep(this.initRecords.map((record) => ({ record, state: record.state, busy: !!(record.instance || record.restartTimer || record.pulling) })));
    if (step.kind === 'start') return this.startContainer(step.record.record);
    if (step.kind === 'exited') return this.afterExit(step.record.record);
    if (step.kind === 'wait') return;
    for (const rec of this.records) {
      if (this.terminating) return;
      if (rec.state.terminated) this.afterExit(rec); // lost when the kubelet stopped: restart per policy
      else if (!rec.instance && !rec.restartTimer && !rec.pulling) await this.startContainer(rec);
    }
  }

  /** A newer version of the pod from the API; a deletionTimestamp starts termination. */
  update(pod: Pod): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp && !this.terminating) return void this.terminate();
    this.takeNewImages(pod);
  }

  // `kubectl set image` on a pod stuck pulling: its retry runs now, not after the back-off.
  private takeNewImages(pod: Pod): void {
    if (this.allRecords.filter((rec) => takeNewImage(rec, pod)).length) void this.startContainers();
  }

  // ## Starting a container

  private async startContainer(rec: ContainerRecord): Promise<void> {
    const { ctx } = this;
    const ref = containerRef(this.pod, rec.name, rec.init);
    if (!rec.state.terminated && !rec.lastState.terminated) rec.state = { waiting: { reason: 'ContainerCreating' } };
    const retryIn = await pullImage(ctx, this.pod, rec);
    if (this.terminating) return;
    if (retryIn !== undefined) return this.retryLater(rec, retryIn);
    const env = await this.containerEnv(rec);
    if (this.terminating || !env) return;
    ctx.event(ref, 'Normal', 'Created', `Created container: ${rec.name}`);
    let instance: RunningContainer;
    try {
      instance = await ctx.runtime.startContainer(this.pod, rec.spec, this.podIP!, (exit) => this.onExit(rec, instance, exit), env);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      ctx.event(ref, 'Warning', 'Failed', `Error: ${message}`);
      this.recordExit(rec, { exitCode: 128, reason: 'StartError' }, message, '1970-01-01T00:00:00Z');
      return this.afterExit(rec);
    }
    if (this.terminating) return void ctx.runtime.stopContainer(instance, 0);
    rec.instance = instance;
    rec.containerID = instance.id;
    rec.state = { running: { startedAt: new Date(instance.startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') } };
    rec.started = !rec.spec.startupProbe;
    rec.ready = !rec.spec.readinessProbe && !rec.spec.startupProbe;
    ctx.event(ref, 'Normal', 'Started', `Started container ${rec.name}`);
    if (hasProbes(rec)) startProbes(ctx, this.pod, this.podIP!, rec, instance, this);
    this.syncStatus();
  }

  /** Tries the container again after `ms` (a failed pull, a missing ConfigMap): a sync retry. */
  private retryLater(rec: ContainerRecord, ms: number): void {
    rec.restartTimer = this.ctx.clock.setTimeout(() => {
      rec.restartTimer = undefined;
      if (!this.terminating) void this.startContainers();
    }, ms);
    this.syncStatus();
  }

  // @doc: kubelet-create-container-config-error
  // The env may name a ConfigMap or Secret that does not exist yet. The container then waits
  // (CreateContainerConfigError) and the worker tries again after the sync back-off period.
  private async containerEnv(rec: ContainerRecord): Promise<Record<string, string> | undefined> {
    const where = { podIP: this.podIP, hostIP: this.ctx.nodeIP };
    try {
      return await makeEnvironmentVariables(this.pod, rec.spec, where, this.ctx.config, (reason, message) => this.ctx.event(this.pod, 'Warning', reason, message));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      rec.state = { waiting: { reason: 'CreateContainerConfigError', message } };
      this.ctx.event(containerRef(this.pod, rec.name, rec.init), 'Warning', 'Failed', `Error: ${message}`);
      this.retryLater(rec, SYNC_RETRY_MS);
      return undefined;
    }
  }

  // ## Exits and restarts

  private onExit(rec: ContainerRecord, instance: RunningContainer, exit: ExitStatus): void {
    if (rec.instance !== instance) return;
    this.recordExit(rec, exit);
    if (!this.terminating) this.afterExit(rec);
    this.syncStatus();
  }

  /** Kills a container a probe gave up on; its restartPolicy decides what comes next. */
  async killForRestart(rec: ContainerRecord, instance: RunningContainer, message: string): Promise<void> {
    if (rec.instance !== instance || this.terminating) return;
    rec.prober?.stop();
    this.ctx.event(containerRef(this.pod, rec.name, rec.init), 'Normal', 'Killing', message);
    const exit = await this.ctx.runtime.stopContainer(instance, graceSeconds(this.pod) * 1000);
    if (rec.instance !== instance) return;
    this.recordExit(rec, exit);
    if (!this.terminating) this.afterExit(rec);
    this.syncStatus();
  }

  private recordExit(rec: ContainerRecord, exit: ExitStatus, message?: string, startedAt?: string): void {
    rec.prober?.stop();
    markExited(rec, exit, this.ctx.clock.now(), this.ctx.clock.nowISO(), message, startedAt);
  }

  // @doc: kubelet-restart-policy
  // After an exit: an init container that succeeded lets the next one run; otherwise restart per
  // restartPolicy, at once or after the CrashLoopBackOff pause.
  private afterExit(rec: ContainerRecord): void {
    const term = rec.state.terminated!;
    if (rec.init && term.exitCode === 0) return void this.startContainers();
    if (!shouldRestart(this.pod.spec.restartPolicy ?? 'Always', term.exitCode, !!rec.init)) return this.checkFinished();
    const key = `${this.uid}_${rec.name}`;
    const finishedAt = rec.finishedAtMs ?? this.ctx.clock.now();
    const wait = this.ctx.backoff.remaining(key, finishedAt);
    if (wait <= 0) return this.restart(rec, key, finishedAt);
    rec.lastState = { terminated: term };
    rec.state = { waiting: {
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDuration(this.ctx.backoff.get(key))} restarting failed container=${rec.name} pod=${podDesc(this.pod)}`,
    } };
    this.ctx.event(containerRef(this.pod, rec.name, rec.init), 'Warning', 'BackOff', `Back-off restarting failed container ${rec.name} in pod ${podDesc(this.pod)}`);
    rec.restartTimer = this.ctx.clock.setTimeout(() => this.restart(rec, key, finishedAt), wait);
    this.syncStatus();
  }

  private restart(rec: ContainerRecord, key: string, finishedAt: number): void {
    rec.restartTimer = undefined;
    if (this.terminating) return;
    this.ctx.backoff.next(key, finishedAt);
    rec.lastState = { terminated: rec.state.terminated ?? rec.lastState.terminated! };
    rec.restartCount++;
    void this.startContainer(rec);
  }

  /** Every container is done for good: the pod is Succeeded or Failed; its sandbox goes. */
  private checkFinished(): void {
    const status = generatePodStatus(this.pod, this.view());
    if (status.phase !== 'Succeeded' && status.phase !== 'Failed') return;
    this.finished = true;
    this.teardownSandbox();
    this.syncStatus();
  }

  // ## Termination (pod deleted)

  /** Stops every container within the grace period, writes the final status, deletes the pod. */
  async terminate(): Promise<void> {
    this.terminating = true;
    const graceMs = graceSeconds(this.pod) * 1000;
    await Promise.all(this.allRecords.map((rec) => stopForDeletion(this.ctx, this.pod, rec, graceMs, (exit) => this.recordExit(rec, exit))));
    this.finished = true;
    this.teardownSandbox();
    this.syncStatus();
    this.ctx.status.requestDeletion(this.pod);
  }

  /** The pod vanished from the API (force-deleted) or the kubelet stops: kill without a word. */
  async abandon(): Promise<void> {
    this.terminating = true;
    const stopping = this.allRecords.map((rec) => killSilently(this.ctx, this.pod, rec));
    this.teardownSandbox();
    await Promise.all(stopping);
  }

  private teardownSandbox(): void {
    if (this.holdsIP) this.ctx.releasePodIP(this.podIP);
    this.holdsIP = false;
    this.sandboxReady = false;
  }

  // ## Status

  /** What the status generator needs. */
  view() {
    return {
      hostIP: this.ctx.nodeIP, podIP: this.podIP, startTime: this.startTime, sandboxReady: this.sandboxReady,
      containers: this.records, initContainers: this.initRecords, terminal: this.terminating || this.finished,
    };
  }

  /** Memory the pod's running containers report. */
  memoryBytes(): number {
    return this.records.reduce((n, r) => n + (r.instance?.workload.memoryBytes?.() ?? 0), 0);
  }

  syncStatus(): void {
    this.ctx.status.setPodStatus(this.pod, generatePodStatus(this.pod, this.view()));
  }
}

// REAL WORLD
// The real pod worker is a goroutine per pod fed by a channel of updates, re-running one
// idempotent syncPod (compute the actions from spec and runtime state, then do them) on every
// change, on PLEG events and every minute. We drive the same steps directly from events
// (container exited, back-off elapsed, deletion seen), which reads more simply but re-checks less.
