// The simulated container runtime: start, stop and log containers
// ==============================================================
// CONCEPT   The kubelet does not run processes itself: it asks a container runtime (containerd,
//           CRI-O) over the CRI to create and start a container, to stop it with a grace period
//           (SIGTERM, and SIGKILL when the time is up), and where its logs are. Our runtime keeps
//           containers as objects in the kubelet's own process: starting one is calling a workload
//           factory chosen by image; stopping one is stop() raced against the grace period, then
//           kill(). Exit codes follow the runtime's conventions: 143 = ended by SIGTERM,
//           137 = SIGKILL (128 + signal), 128 = it could not start at all.
// REAL K8S  pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer, killContainer with
//           gracePeriod, "Stopping container" / "Killing"), staging/src/k8s.io/cri-api (StopContainer
//           timeout), pkg/kubelet/container/runtime.go (ContainerID "docker://..." style)
// SHIPS     The deck crew who load, unload and tie down containers when the captain says so.
// EXAMPLE   const c = await rt.startContainer(pod, container, '127.244.1.2', onExit);
//           await rt.stopContainer(c, 30_000)   // => { exitCode: 143, reason: "Error" }
// SKIPPED   sandboxes as separate objects (the pod IP stands for the sandbox), cgroups, exec.

import { randomBytes } from 'node:crypto';
import type { Container, Pod } from '../../api/types.ts';
import type { Clock } from '../../client/clock.ts';
import { isBesuImage, startBesuContainer } from './besu.ts';
import { startGeneric } from './generic.ts';
import { ContainerLog } from './logs.ts';
import type { PortHost } from './port-host.ts';
import { containerEnv, type Workload, type WorkloadFactory } from './workload.ts';

/** The runtime's name, as node status and container IDs show it. */
export const RUNTIME_NAME = 'harbour-sim';

/** One started container instance. */
export interface RunningContainer {
  /** "harbour-sim://<64 hex>" */
  id: string;
  /** Wall-clock ms. */
  startedAt: number;
  log: ContainerLog;
  workload: Workload;
  /** Set once the instance has ended (exit, stop or kill). */
  exited: boolean;
}

/** How an instance ended. */
export interface ExitStatus {
  exitCode: number;
  reason: string;
}

/** Chooses what runs for an image. @default Besu for hyperledger/besu:*, generic otherwise */
export type WorkloadChooser = (image: string) => WorkloadFactory;

export const defaultWorkloads: WorkloadChooser = (image) => (isBesuImage(image) ? startBesuContainer : startGeneric);

/** Logs of one container name in one pod: the current instance and the one before (--previous). */
interface LogPair {
  current?: ContainerLog;
  previous?: ContainerLog;
}

/** One node's container runtime. */
export class ContainerRuntime {
  private readonly logs = new Map<string, LogPair>();
  private readonly running = new Set<RunningContainer>();
  /** The running instance of each pod's container, and how to end it as if it exited on its own. */
  private readonly byContainer = new Map<string, { instance: RunningContainer; exit: (code: number, reason: string) => void }>();

  constructor(
    private readonly clock: Clock,
    private readonly ports: PortHost,
    private readonly chooser: WorkloadChooser = defaultWorkloads,
  ) {}

  /** How many container instances run now. */
  get size(): number {
    return this.running.size;
  }

  /** Memory the running workloads report, bytes. */
  memoryBytes(): number {
    let sum = 0;
    for (const c of this.running) sum += c.workload.memoryBytes?.() ?? 0;
    return sum;
  }

  /**
   * Creates and starts a container (CreateContainer + StartContainer). `onExit` is called once if
   * the process ends on its own; never after stopContainer. `env` is the environment the kubelet
   * resolved (container-env.ts); without it only the literal `value`s are used.
   * @throws when the workload cannot start (the caller reports StartError, exit code 128).
   */
  async startContainer(pod: Pod, container: Container, podIP: string, onExit: (status: ExitStatus) => void, env?: Record<string, string>): Promise<RunningContainer> {
    const key = logKey(pod, container.name);
    const pair = this.logs.get(key) ?? {};
    if (pair.current) pair.previous = pair.current;
    const log = new ContainerLog(() => this.clock.now());
    pair.current = log;
    this.logs.set(key, pair);
    const instance: RunningContainer = {
      id: `${RUNTIME_NAME}://${randomBytes(32).toString('hex')}`,
      startedAt: this.clock.now(),
      log,
      workload: undefined as unknown as Workload,
      exited: false,
    };
    const factory = this.chooser(container.image);
    // An exit before the start call returned is delivered just after it, so callers see
    // "started, then exited" in that order.
    let started = false;
    let early: ExitStatus | undefined;
    try {
      instance.workload = await factory({
        pod, container, podIP, clock: this.clock, env: containerEnv(pod, container, env), ports: this.ports,
        log: (line) => log.append(line),
        onExit: (exitCode, reason) => {
          if (instance.exited) return;
          this.finish(instance);
          if (started) onExit({ exitCode, reason });
          else early = { exitCode, reason };
        },
      });
    } catch (e) {
      log.append(`failed to start: ${e instanceof Error ? e.message : String(e)}`);
      this.finish(instance);
      throw e;
    }
    started = true;
    if (early) setImmediate(() => onExit(early!));
    else {
      this.running.add(instance);
      this.byContainer.set(key, { instance, exit: (exitCode, reason) => {
        if (instance.exited) return;
        this.finish(instance);
        onExit({ exitCode, reason });
      } });
    }
    return instance;
  }

  /**
   * Signals a container's main process, as `kill -9 1` run inside the container would (the
   * kubelet's POST /run, what `kubectl exec POD -- kill 1` reaches): the process ends on its own,
   * so the pod worker sees an ordinary exit - 137 after SIGKILL, 143 after SIGTERM - and the
   * pod's restartPolicy decides what happens next. Resolves false when no instance is running.
   */
  async signalContainer(pod: Pod, containerName: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<boolean> {
    const entry = this.byContainer.get(logKey(pod, containerName));
    if (!entry || entry.instance.exited) return false;
    const { workload } = entry.instance;
    const closed = workload.stop().catch(() => {});
    if (signal === 'SIGKILL') {
      workload.kill();
      await Promise.race([closed, this.clock.sleep(1000)]);
    } else await closed;
    entry.exit(signal === 'SIGKILL' ? 137 : 143, 'Error');
    return true;
  }

  /**
   * Stops a container: SIGTERM (workload.stop), then SIGKILL once `gracePeriodMs` (Kubernetes ms)
   * has passed. Resolves with how it ended.
   */
  async stopContainer(instance: RunningContainer, gracePeriodMs: number): Promise<ExitStatus> {
    if (instance.exited) return { exitCode: 137, reason: 'Error' };
    // @doc: kubelet-kill-container
    let timer: { cancel(): void } | undefined;
    const graceful = instance.workload.stop().then(() => 'stopped' as const, () => 'stopped' as const);
    const deadline = new Promise<'killed'>((resolve) => (timer = this.clock.setTimeout(() => resolve('killed'), Math.max(0, gracePeriodMs))));
    const how = gracePeriodMs <= 0 ? 'killed' : await Promise.race([graceful, deadline]);
    timer?.cancel();
    if (how === 'killed') {
      instance.workload.kill();
      // A killed process is gone; we only wait (briefly) for its sockets to close.
      await Promise.race([graceful, this.clock.sleep(1000)]);
    }
    this.finish(instance);
    return { exitCode: how === 'killed' ? 137 : 143, reason: 'Error' };
  }

  /** The log of a container: the current (or last) instance, or the previous one. */
  logOf(pod: Pod, containerName: string, previous = false): ContainerLog | undefined {
    const pair = this.logs.get(logKey(pod, containerName));
    return previous ? pair?.previous : pair?.current;
  }

  /** Forgets a pod's logs (its sandbox is removed). */
  removePod(pod: Pod): void {
    for (const c of pod.spec.containers) this.logs.delete(logKey(pod, c.name));
  }

  private finish(instance: RunningContainer): void {
    instance.exited = true;
    instance.log.end();
    this.running.delete(instance);
    for (const [key, entry] of this.byContainer) if (entry.instance === instance) this.byContainer.delete(key);
  }
}

function logKey(pod: Pod, container: string): string {
  return `${pod.metadata.uid}/${container}`;
}

// REAL WORLD
// A real kubelet talks to containerd or CRI-O over gRPC (the CRI), and containers are Linux
// processes in their own namespaces and cgroups; they outlive a kubelet restart, which finds them
// again through the runtime (ListContainers) instead of restarting them. Ours live in the kubelet's
// process, so a kubelet restart is always a "node reboot" for its pods.
