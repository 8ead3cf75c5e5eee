// NodeKubelet: the kubelet of one node
// ====================================
// CONCEPT   Everything one node's kubelet owns, wired together: the Node registration and status
//           reports, the Lease heartbeat, the image store, the container runtime, the crash back-off
//           table, the pod IP allocator and the pod workers. A kubelet process usually runs one;
//           a hollow-node process (kubelet.ts, `--nodes N`) runs many side by side, sharing one
//           API client, one pods informer and one status manager.
// REAL K8S  pkg/kubelet/kubelet.go (NewMainKubelet, Kubelet.Run: node status, lease controller,
//           status manager, pod workers), pkg/kubemark/hollow_kubelet.go (many in one process)
// SHIPS     One captain with one ship: the papers, the radio, the deck and its crew.
// EXAMPLE   const k = new NodeKubelet({ machine, client, clock, status, ports, cachedNode });
//           await k.start(); k.podUpdated(pod); ... k.stop();
// SKIPPED   cAdvisor, volume manager, device plugins, eviction, static pods.

import type { KubeObject, Node, ObjectReference, Pod } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import { isNotFound } from '../client/errors.ts';
import type { KubeClient } from '../client/rest.ts';
import type { ConfigSource } from './container-env.ts';
import { ContainerBackoff, type ContainerBackoffOptions } from './container-backoff.ts';
import { ImageManager, type ImagePullTiming } from './images.ts';
import { PodIPAllocator } from './ipam.ts';
import type { NodeContext } from './node-context.ts';
import { NodeLease } from './node-lease.ts';
import { newBootID, nodeAllocatable, type MachineSpec } from './node-status.ts';
import { NodeStatusReporter } from './node-status-reporter.ts';
import { PodWorkers } from './pod-workers.ts';
import type { PortHost } from './runtime/port-host.ts';
import { ContainerRuntime, type WorkloadChooser } from './runtime/runtime.ts';
import type { StatusManager } from './status-manager.ts';

/** Options of one node's kubelet. */
export interface NodeKubeletOptions {
  machine: MachineSpec;
  /** --pod-cidr; else spec.podCIDR from the Node. @default none */
  podCIDR?: string;
  client: KubeClient;
  clock: Clock;
  status: StatusManager;
  ports: PortHost;
  /** The Node as the shared informer has it. */
  cachedNode: () => Node | undefined;
  /** Write Events (Pulling, Started, BackOff ...). @default true */
  recordEvents?: boolean;
  workloads?: WorkloadChooser;
  imagePull?: ImagePullTiming;
  backoff?: ContainerBackoffOptions;
  /** Kubernetes ms. @default 10000 */
  nodeStatusUpdateFrequencyMs?: number;
  /** Kubernetes ms. @default 300000 */
  nodeStatusReportFrequencyMs?: number;
  /** @default 40 */
  leaseDurationSeconds?: number;
  /** Delay of the first heartbeat, Kubernetes ms (spreads many nodes' heartbeats). @default 0 */
  heartbeatOffsetMs?: number;
  onHeartbeat?: (writtenLateMs: number, firedLateMs: number) => void;
  /** @default console.log */
  log?: (line: string) => void;
}

export class NodeKubelet implements NodeContext {
  readonly nodeName: string;
  readonly nodeIP: string;
  readonly clock: Clock;
  readonly runtime: ContainerRuntime;
  readonly images: ImageManager;
  readonly backoff: ContainerBackoff;
  readonly status: StatusManager;
  readonly podWorkers: PodWorkers;
  readonly reporter: NodeStatusReporter;
  readonly lease: NodeLease;
  readonly config: ConfigSource;
  private readonly recorder?: EventRecorder;
  private ipam?: PodIPAllocator;
  private cidrWaiters: (() => void)[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly options: NodeKubeletOptions) {
    const { machine, clock, client } = options;
    this.nodeName = machine.name;
    this.nodeIP = machine.ip;
    this.clock = clock;
    this.status = options.status;
    this.log = options.log ?? ((l) => console.log(l));
    this.backoff = new ContainerBackoff(clock, options.backoff);
    this.runtime = new ContainerRuntime(clock, options.ports, options.workloads);
    if (options.recordEvents ?? true) {
      this.recorder = new EventRecorder({ client, clock, component: 'kubelet', host: machine.name, log: this.log });
    }
    this.reporter = new NodeStatusReporter({
      client, clock, machine, bootID: newBootID(), podCIDR: options.podCIDR, cachedNode: options.cachedNode, log: this.log,
      updateFrequencyMs: options.nodeStatusUpdateFrequencyMs, reportFrequencyMs: options.nodeStatusReportFrequencyMs,
      state: () => ({ networkReady: !!this.ipam, memoryUsedBytes: this.podWorkers.memoryBytes(), images: this.images.list() }),
    });
    this.images = new ImageManager(clock, options.imagePull, () => this.reporter.requestSync());
    this.podWorkers = new PodWorkers(this, () => nodeAllocatable(machine));
    this.lease = new NodeLease({
      client, clock, nodeName: machine.name, nodeUID: () => this.reporter.node?.metadata.uid,
      leaseDurationSeconds: options.leaseDurationSeconds, onRenew: options.onHeartbeat, log: this.log,
    });
    if (options.podCIDR) this.setPodCIDR(options.podCIDR);
    // The configmap and secret managers: a GET when a container starts ("Get" strategy).
    const orNothing = <T>(read: Promise<T>) => read.catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
    this.config = {
      configMap: (ns, name) => orNothing(client.get('configmaps', name, ns)),
      secret: (ns, name) => orNothing(client.get('secrets', name, ns)),
    };
  }

  /** Registers the node, then starts the status reports and the heartbeat. */
  async start(): Promise<void> {
    const node = await this.reporter.register();
    this.nodeUpdated(node);
    this.reporter.start();
    this.lease.start(this.options.heartbeatOffsetMs ?? 0);
    this.reporter.requestSync();
  }

  /** The kubelet dies: its containers die with it; nothing more is written. */
  async stop(): Promise<void> {
    this.lease.stop();
    this.reporter.stop();
    await this.podWorkers.abandonAll();
  }

  // ## What the kubelet server shows

  pods(): Pod[] {
    return this.podWorkers.pods();
  }

  logOf(pod: Pod, container: string, previous: boolean) {
    return this.runtime.logOf(pod, container, previous);
  }

  // ## What the shared informers deliver

  /** Our Node changed: pick up spec.podCIDR once node-ipam assigns it. */
  nodeUpdated(node: Node): void {
    const cidr = node.spec?.podCIDR;
    if (cidr && !this.ipam) this.setPodCIDR(cidr);
    else if (cidr && this.ipam && cidr !== this.ipam.cidr && !this.options.podCIDR) {
      this.log(`kubelet ${this.nodeName}: spec.podCIDR changed to ${cidr}; keeping ${this.ipam.cidr} until restart`);
    }
  }

  podUpdated(pod: Pod): void {
    this.podWorkers.update(pod);
  }

  podDeleted(pod: Pod): void {
    this.podWorkers.remove(pod);
  }

  // ## NodeContext: what pod workers use

  event(object: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder?.event(object, type, reason, message);
  }

  async allocatePodIP(pod: Pod): Promise<string | undefined> {
    if (!this.ipam) await new Promise<void>((resolve) => this.cidrWaiters.push(resolve));
    return this.ipam!.allocate(pod.status?.podIP);
  }

  releasePodIP(ip: string | undefined): void {
    this.ipam?.release(ip);
  }

  podCIDR(): string | undefined {
    return this.ipam?.cidr;
  }

  /** Resolves when every event recorded so far is written (tests, shutdown). */
  flushEvents(): Promise<void> {
    return this.recorder?.flush() ?? Promise.resolve();
  }

  private setPodCIDR(cidr: string): void {
    this.ipam = new PodIPAllocator(cidr);
    for (const resolve of this.cidrWaiters.splice(0)) resolve();
    this.reporter.requestSync();
  }
}
