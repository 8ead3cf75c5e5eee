// Node status: registering the ship and reporting on it
// =====================================================
// CONCEPT   A kubelet *registers* its node: it creates the Node object with what the machine has
//           (capacity: cpu, memory, pods; allocatable: what is left for pods after the system's
//           reserve), where to reach it (addresses, the kubelet port in daemonEndpoints), what it
//           runs (nodeInfo: kubelet version, container runtime, OS) and its conditions (Ready,
//           MemoryPressure, DiskPressure, PIDPressure). Afterwards it recomputes the status every
//           10 s (nodeStatusUpdateFrequency) but *sends* it only when something changed or 5 min
//           have passed (nodeStatusReportFrequency): since 1.17 the cheap Lease (node-lease.ts) is
//           the heartbeat, and the full status is a report. This file says what the status *is*;
//           node-status-reporter.ts runs the register-and-report loop.
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
