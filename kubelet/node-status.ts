// Node status: registering the ship and reporting on it
// =====================================================
// CONCEPT   A kubelet *registers* its node: it creates the Node object with what the machine has
//           (capacity: cpu, memory, pods; allocatable: what is left for pods after the system's
//           reserve), where to reach it (addresses, the kubelet port in daemonEndpoints), what it
//           runs (nodeInfo: kubelet version, container runtime, OS) and its conditions (Ready,
//           MemoryPressure, DiskPressure, PIDPressure). Afterwards it recomputes the status every
//           10 s (nodeStatusUpdateFrequency) but *sends* it only when something changed or 5 min
//           have passed (nodeStatusReportFrequency): since 1.17 the cheap Lease (node-lease.ts) is
//           the heartbeat, and the full status is a report.
// REAL K8S  pkg/kubelet/kubelet_node_status.go (registerWithAPIServer, initialNode, tryUpdateNodeStatus,
//           nodeStatusHasChanged), pkg/kubelet/nodestatus/setters.go (MachineInfo, NodeAddress,
//           ReadyCondition "KubeletReady", MemoryPressureCondition ...), pkg/kubelet/cm/node_container_manager_linux.go
//           (allocatable = capacity - reserved - hard eviction threshold memory.available<100Mi)
// SHIPS     The ship's registration papers, and the captain's periodic report to the harbour master.
// EXAMPLE   --cpu 4 --memory 8Gi --pods 110 => capacity {cpu: "4", memory: "8388608Ki", pods: "110"},
//           allocatable {cpu: "4", memory: "8286208Ki", pods: "110"}, Ready True "kubelet is posting ready status"
// SKIPPED   cloud providers, node config, volumes in use, the real machine's figures.

import { createHash, randomUUID } from 'node:crypto';
import { arch, release } from 'node:os';
import type { Node, NodeCondition, NodeStatus, ResourceList } from '../api/types.ts';
import { memoryBytes } from '../api/quantity.ts';
import { Backoff } from '../client/backoff.ts';
import type { Clock, Timer } from '../client/clock.ts';
import { isAlreadyExists } from '../client/errors.ts';
import { isNewer } from '../client/informer.ts';
import type { KubeClient } from '../client/rest.ts';
import type { ImageRecord } from './images.ts';
import { RUNTIME_NAME } from './runtime/runtime.ts';

/** --kubelet-version as nodes report it. */
export const KUBELET_VERSION = 'v1.32.0-harbour';
export const RUNTIME_VERSION = `${RUNTIME_NAME}://1.0`;
/** evictionHard memory.available default: kept out of allocatable. */
const EVICTION_MEMORY = 100 * 1024 * 1024;
const EPHEMERAL_STORAGE = 100 * 1024 ** 3;

/** What one simulated machine has, from the flags. */
export interface MachineSpec {
  name: string;
  /** --node-ip @example "127.0.10.1" */
  ip: string;
  /** @example "4" */
  cpu: string;
  /** @example "8Gi" */
  memory: string;
  /** --max-pods @default 110 */
  pods: number;
  /** The port the kubelet server listens on. */
  kubeletPort: number;
  /** Extra node labels (--node-labels). */
  labels?: Record<string, string>;
  /** node.kubernetes.io/instance-type. @default "harbour-sim" */
  instanceType?: string;
}

/** What changes at run time and shows in the status. */
export interface NodeState {
  /** False until the node has a pod CIDR (the network plugin is "not ready"). */
  networkReady: boolean;
  /** Memory the containers use, bytes. */
  memoryUsedBytes: number;
  images: ImageRecord[];
}

/** capacity: what the machine has (cpu as given, memory in Ki, as Linux kubelets report it). */
export function nodeCapacity(m: MachineSpec): ResourceList {
  return {
    cpu: m.cpu, 'ephemeral-storage': `${EPHEMERAL_STORAGE / 1024}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0',
    memory: `${Math.floor(memoryBytes(m.memory) / 1024)}Ki`, pods: String(m.pods),
  };
}

/** allocatable = capacity minus the hard eviction thresholds (no system or kube reserve by default). */
export function nodeAllocatable(m: MachineSpec): ResourceList {
  const mem = Math.max(0, memoryBytes(m.memory) - EVICTION_MEMORY);
  return { ...nodeCapacity(m), 'ephemeral-storage': String(Math.floor(EPHEMERAL_STORAGE * 0.9)), memory: `${Math.floor(mem / 1024)}Ki` };
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A fresh bootID per kubelet start: a changed bootID is how Kubernetes notices a reboot. */
export function newBootID(): string {
  return randomUUID();
}

function conditions(state: NodeState, m: MachineSpec): NodeCondition[] {
  const pressure = state.memoryUsedBytes > memoryBytes(m.memory) - EVICTION_MEMORY;
  const c = (type: string, ok: boolean, reason: string, message: string): NodeCondition => ({ type, status: ok ? 'True' : 'False', reason, message });
  return [
    pressure ? c('MemoryPressure', true, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available')
      : c('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    state.networkReady ? c('Ready', true, 'KubeletReady', 'kubelet is posting ready status')
      : c('Ready', false, 'KubeletNotReady', 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:no pod CIDR for this node yet (waiting for spec.podCIDR from node-ipam, or pass --pod-cidr)'),
  ];
}

/**
 * The status a kubelet reports (setNodeStatus). Conditions come without timestamps:
 * stampConditions adds heartbeat and transition times.
 */
export function computeNodeStatus(m: MachineSpec, state: NodeState, bootID: string): NodeStatus {
  const fixed = machineFacts(m);
  return {
    capacity: fixed.capacity,
    allocatable: fixed.allocatable,
    conditions: conditions(state, m),
    addresses: fixed.addresses,
    daemonEndpoints: { kubeletEndpoint: { Port: m.kubeletPort } },
    nodeInfo: { ...fixed.nodeInfo, bootID },
    images: state.images.slice(0, 50).map((i) => ({ names: [i.imageID, i.name], sizeBytes: i.sizeBytes })),
  };
}

// What never changes for a machine is worked out once: a thousand hollow nodes recompute every 10 s.
const facts = new WeakMap<MachineSpec, Pick<NodeStatus, 'capacity' | 'allocatable' | 'addresses' | 'nodeInfo'>>();
function machineFacts(m: MachineSpec) {
  let f = facts.get(m);
  if (!f) {
    f = {
      capacity: nodeCapacity(m),
      allocatable: nodeAllocatable(m),
      addresses: [{ type: 'InternalIP', address: m.ip }, { type: 'Hostname', address: m.name }],
      nodeInfo: {
        machineID: createHash('md5').update(m.name).digest('hex'), systemUUID: uuidFrom(m.name),
        kernelVersion: release(), osImage: `Harbour simulated node (Node.js ${process.version})`,
        containerRuntimeVersion: RUNTIME_VERSION, kubeletVersion: KUBELET_VERSION, kubeProxyVersion: '',
        operatingSystem: 'linux', architecture: GO_ARCH[arch()] ?? arch(),
      },
    };
    facts.set(m, f);
  }
  return f;
}

/**
 * Sets lastHeartbeatTime = now on every condition, and lastTransitionTime = now unless the same
 * condition had the same status before. Conditions others own (e.g. NetworkUnavailable) are kept.
 */
export function stampConditions(wanted: NodeCondition[], previous: NodeCondition[] | undefined, now: string): NodeCondition[] {
  const mine = wanted.map((c) => {
    const prev = previous?.find((p) => p.type === c.type);
    const transition = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: transition };
  });
  const others = (previous ?? []).filter((p) => !wanted.some((c) => c.type === p.type));
  return [...mine, ...others];
}

/** Whether two statuses differ in anything but heartbeat times (nodeStatusHasChanged). */
export function nodeStatusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  if (!a) return true;
  const strip = (s: NodeStatus) => JSON.stringify({
    ...s, conditions: (s.conditions ?? []).map(({ lastHeartbeatTime: _h, lastTransitionTime: _t, ...rest }) => rest),
  });
  return strip(a) !== strip(b);
}

/** The Node object a kubelet registers (initialNode). */
export function initialNode(m: MachineSpec, status: NodeStatus, podCIDR?: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: m.name,
      labels: {
        'beta.kubernetes.io/arch': status.nodeInfo?.architecture ?? 'amd64', 'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': status.nodeInfo?.architecture ?? 'amd64', 'kubernetes.io/hostname': m.name, 'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': m.instanceType ?? 'harbour-sim', ...(m.labels ?? {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status,
  };
}

// ## The reporter: register once, then report on change or every 5 minutes

/** Options of a NodeStatusReporter. */
export interface NodeStatusReporterOptions {
  client: Pick<KubeClient, 'create' | 'get' | 'patch'>;
  clock: Clock;
  machine: MachineSpec;
  bootID: string;
  /** --pod-cidr, written into spec.podCIDR at registration when the node has none. */
  podCIDR?: string;
  /** The runtime figures at this moment. */
  state: () => NodeState;
  /** The Node as the informer has it (may lag behind our own writes). */
  cachedNode: () => Node | undefined;
  /** --node-status-update-frequency, Kubernetes ms. @default 10000 */
  updateFrequencyMs?: number;
  /** --node-status-report-frequency, Kubernetes ms. @default 300000 */
  reportFrequencyMs?: number;
  /** @default console.warn */
  log?: (line: string) => void;
}

/** Registers one Node and keeps its status current (the kubelet's syncNodeStatus loop). */
export class NodeStatusReporter {
  /** The newest Node object we know (from our writes or the informer). */
  node?: Node;
  private lastReport = 0;
  private timer?: Timer;
  private soon = false;
  private syncing?: Promise<void>;
  private stopped = false;
  /** Status patches sent, for tests and benchmarks. */
  reports = 0;

  constructor(private readonly options: NodeStatusReporterOptions) {}

  /** Creates the Node, or adopts an existing one (registerWithAPIServer); retries until it works. */
  async register(): Promise<Node> {
    const { client, clock, machine } = this.options;
    const backoff = new Backoff({ initialMs: 100, factor: 2, capMs: 7000, jitter: 0 });
    const status = computeNodeStatus(machine, this.options.state(), this.options.bootID);
    status.conditions = stampConditions(status.conditions!, undefined, clock.nowISO());
    while (!this.stopped) {
      try {
        this.node = await client.create('nodes', initialNode(machine, status, this.options.podCIDR));
        this.lastReport = clock.now();
        return this.node;
      } catch (e) {
        if (isAlreadyExists(e)) return this.adopt();
        (this.options.log ?? console.warn)(`kubelet ${machine.name}: unable to register node: ${e instanceof Error ? e.message : String(e)}`);
        await clock.sleep(backoff.next());
      }
    }
    throw new Error('kubelet stopped before the node registered');
  }

  // "Node was previously registered": we take it over, fill in a missing pod CIDR, and report.
  private async adopt(): Promise<Node> {
    const { client, machine, podCIDR } = this.options;
    let node = await client.get('nodes', machine.name);
    const labels = initialNode(machine, {}).metadata.labels!;
    const spec = !node.spec?.podCIDR && podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : undefined;
    node = await client.patch('nodes', machine.name, { metadata: { labels }, ...(spec ? { spec } : {}) });
    this.node = node;
    await this.sync(true);
    return this.node;
  }

  /** Recomputes every update period; reports when needed. */
  start(): void {
    this.timer = this.options.clock.setInterval(() => void this.sync(false), this.options.updateFrequencyMs ?? 10_000);
  }

  /** Something changed (images, pod CIDR, pressure): report soon rather than at the next tick. */
  requestSync(): void {
    if (this.soon || this.stopped) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      void this.sync(false);
    });
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  // @doc: kubelet-node-status-report
  private sync(force: boolean): Promise<void> {
    if (this.syncing) return this.syncing;
    this.syncing = this.syncOnce(force).catch((e) => {
      (this.options.log ?? console.warn)(`kubelet ${this.options.machine.name}: error updating node status: ${e instanceof Error ? e.message : String(e)}`);
    }).finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(force: boolean): Promise<void> {
    const { clock, machine, client } = this.options;
    if (this.stopped || !this.node) return;
    const cached = this.options.cachedNode();
    const latest = cached && isNewer(this.node, cached) ? cached : this.node;
    const status = computeNodeStatus(machine, this.options.state(), this.options.bootID);
    status.conditions = stampConditions(status.conditions!, latest.status?.conditions, clock.nowISO());
    const due = clock.since(this.lastReport) >= (this.options.reportFrequencyMs ?? 300_000);
    if (!force && !due && !nodeStatusChanged(latest.status, status)) return;
    this.reports++;
    this.node = await client.patch('nodes', machine.name, { status }, { subresource: 'status' });
    this.lastReport = clock.now();
  }
}
