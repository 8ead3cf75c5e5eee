// Pod worker: one pod's life on this node
// =======================================
// CONCEPT   Every admitted pod gets a worker that drives it from "just bound" to "gone":
//             sandbox (the pod IP) -> for each container: pull image, create, start -> running,
//             probed -> on exit: restart now, after a CrashLoopBackOff pause, or never (restartPolicy)
//             -> on delete: stop every container within the grace period -> final status -> the
//             pod object is deleted.
//           Whatever happens, the worker writes down the state of each container and hands the
//           resulting status to the status manager; it never talks to the apiserver itself.
// REAL K8S  pkg/kubelet/pod_workers.go (podWorkers, syncPod / syncTerminatingPod / syncTerminatedPod),
//           pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions, SyncPod, doBackOff),
//           pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer: Created / Started
//           events, killContainer: "Stopping container", minimumGracePeriodInSeconds = 2)
// SHIPS     The deckhand assigned to one container, from loading to unloading.
// EXAMPLE   bound pod -> Pulling, Pulled, Created, Started -> Running 1/1 with podIP 127.244.1.2
//           exit 1, restartPolicy Always -> restart at once, then back-off 10 s, 20 s, 40 s ...
// SKIPPED   init containers, sidecars, in-place resize, restarting a container whose image
//           changed, pod-level (sandbox) restarts.

import type { Pod } from '../api/types.ts';
import { makeEnvironmentVariables } from './container-env.ts';
import { containerRef, initialRecord, markExited, podDesc, type ContainerRecord } from './container-record.ts';
import { goDuration } from './container-backoff.ts';
import { pulledMessage } from './images.ts';
import type { NodeContext } from './node-context.ts';
import { generatePodStatus } from './pod-status.ts';
import { ContainerProber, type ProbeKind } from './prober.ts';
import type { ExitStatus, RunningContainer } from './runtime/runtime.ts';

const MIN_GRACE_SECONDS = 2;
/** The pod worker's retry after a failed sync (kubelet.go backOffPeriod), e.g. a missing ConfigMap. */
const SYNC_RETRY_MS = 10_000;

/** One pod's worker. Create it after admission, then call start(). */
export class PodWorker {
  pod: Pod;
  private readonly records: ContainerRecord[];
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
  }

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  /** Still holding node resources (admitted and not finished): counts in admission. */
  get active(): boolean {
    return !this.finished && !this.terminating;
  }

  /** Starts the pod: sandbox, then its containers one after another (SyncPod). */
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
    for (const rec of this.records) {
      if (this.terminating) return;
      if (rec.state.terminated) this.afterExit(rec); // lost when the kubelet stopped: restart per policy
      else if (!rec.instance) await this.startContainer(rec);
    }
  }

  /** A newer version of the pod from the API; a deletionTimestamp starts termination. */
  update(pod: Pod): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp && !this.terminating) void this.terminate();
  }

  // ## Starting a container

  private async startContainer(rec: ContainerRecord): Promise<void> {
    const { ctx } = this;
    const ref = containerRef(this.pod, rec.name);
    if (!rec.state.terminated && !rec.lastState.terminated) rec.state = { waiting: { reason: 'ContainerCreating' } };
    try {
      const pulled = await ctx.images.ensureImageExists(rec.spec, () => ctx.event(ref, 'Normal', 'Pulling', `Pulling image "${rec.spec.image}"`));
      rec.imageID = pulled.image.imageID;
      ctx.event(ref, 'Normal', 'Pulled', pulledMessage(rec.spec.image, pulled));
    } catch (e) {
      rec.state = { waiting: { reason: 'ErrImageNeverPull', message: (e as Error).message } };
      ctx.event(ref, 'Warning', 'ErrImageNeverPull', (e as Error).message);
      return this.syncStatus();
    }
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
    rec.started = true;
    rec.ready = !rec.spec.readinessProbe;
    ctx.event(ref, 'Normal', 'Started', `Started container ${rec.name}`);
    if (rec.spec.readinessProbe || rec.spec.livenessProbe) this.startProber(rec, instance);
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
      this.ctx.event(containerRef(this.pod, rec.name), 'Warning', 'Failed', `Error: ${message}`);
      rec.restartTimer = this.ctx.clock.setTimeout(() => {
        rec.restartTimer = undefined;
        if (!this.terminating) void this.startContainer(rec);
      }, SYNC_RETRY_MS);
      this.syncStatus();
      return undefined;
    }
  }

  private startProber(rec: ContainerRecord, instance: RunningContainer): void {
    const ref = containerRef(this.pod, rec.name);
    rec.prober = new ContainerProber(this.ctx.clock, { podIP: this.podIP!, container: rec.spec, workload: instance.workload }, {
      onReadiness: (ready) => {
        if (rec.instance !== instance || rec.ready === ready) return;
        rec.ready = ready;
        this.syncStatus();
      },
      onProbeFailed: (kind: ProbeKind, message) => this.ctx.event(ref, 'Warning', 'Unhealthy', `${kind} probe failed: ${message}`),
      onLivenessFailed: () => void this.killForRestart(rec, instance, `Container ${rec.name} failed liveness probe, will be restarted`),
    });
    rec.prober.start();
  }

  // ## Exits and restarts

  private onExit(rec: ContainerRecord, instance: RunningContainer, exit: ExitStatus): void {
    if (rec.instance !== instance) return;
    this.recordExit(rec, exit);
    if (!this.terminating) this.afterExit(rec);
    this.syncStatus();
  }

  private async killForRestart(rec: ContainerRecord, instance: RunningContainer, message: string): Promise<void> {
    if (rec.instance !== instance || this.terminating) return;
    rec.prober?.stop();
    this.ctx.event(containerRef(this.pod, rec.name), 'Normal', 'Killing', message);
    const exit = await this.ctx.runtime.stopContainer(instance, this.graceSeconds() * 1000);
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
  // After an exit: restart per restartPolicy, at once or after the CrashLoopBackOff pause.
  private afterExit(rec: ContainerRecord): void {
    const term = rec.state.terminated!;
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Never' || (policy === 'OnFailure' && term.exitCode === 0)) return this.checkFinished();
    const key = `${this.uid}_${rec.name}`;
    const finishedAt = rec.finishedAtMs ?? this.ctx.clock.now();
    const wait = this.ctx.backoff.remaining(key, finishedAt);
    if (wait <= 0) return this.restart(rec, key, finishedAt);
    rec.lastState = { terminated: term };
    rec.state = { waiting: {
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDuration(this.ctx.backoff.get(key))} restarting failed container=${rec.name} pod=${podDesc(this.pod)}`,
    } };
    this.ctx.event(containerRef(this.pod, rec.name), 'Warning', 'BackOff', `Back-off restarting failed container ${rec.name} in pod ${podDesc(this.pod)}`);
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
    const graceMs = this.graceSeconds() * 1000;
    await Promise.all(this.records.map(async (rec) => {
      rec.restartTimer?.cancel();
      if (rec.instance) {
        const instance = rec.instance;
        rec.prober?.stop();
        this.ctx.event(containerRef(this.pod, rec.name), 'Normal', 'Killing', `Stopping container ${rec.name}`);
        const exit = await this.ctx.runtime.stopContainer(instance, graceMs);
        if (rec.instance === instance) this.recordExit(rec, exit);
      } else if (!rec.state.terminated) {
        rec.state = rec.lastState.terminated ? { terminated: rec.lastState.terminated } : { terminated: {
          exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated',
        } };
      }
    }));
    this.finished = true;
    this.teardownSandbox();
    this.syncStatus();
    this.ctx.status.requestDeletion(this.pod);
  }

  /** The pod vanished from the API (force-deleted) or the kubelet stops: kill without a word. */
  async abandon(): Promise<void> {
    this.terminating = true;
    const stopping: Promise<unknown>[] = [];
    for (const rec of this.records) {
      rec.restartTimer?.cancel();
      rec.prober?.stop();
      if (rec.instance) stopping.push(this.ctx.runtime.stopContainer(rec.instance, 0));
      rec.instance = undefined;
      this.ctx.backoff.reset(`${this.uid}_${rec.name}`);
    }
    this.teardownSandbox();
    await Promise.all(stopping);
  }

  // Real kubelets honour deletionGracePeriodSeconds, but never less than 2 s.
  private graceSeconds(): number {
    const g = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(MIN_GRACE_SECONDS, g);
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
      containers: this.records, terminal: this.terminating || this.finished,
    };
  }

  /** Memory the pod's running containers report. */
  memoryBytes(): number {
    return this.records.reduce((n, r) => n + (r.instance?.workload.memoryBytes?.() ?? 0), 0);
  }

  private syncStatus(): void {
    this.ctx.status.setPodStatus(this.pod, generatePodStatus(this.pod, this.view()));
  }
}

// REAL WORLD
// The real pod worker is a goroutine per pod fed by a channel of updates, re-running one
// idempotent syncPod (compute the actions from spec and runtime state, then do them) on every
// change, on PLEG events and every minute. We drive the same steps directly from events
// (container exited, back-off elapsed, deletion seen), which reads more simply but re-checks less.
