// kubelet/: the captain of each ship
// ==================================
// CONCEPT   The node agent: registers its Node, heartbeats through a Lease, runs the pods bound to
//           it in a simulated container runtime, and reports their status. Read it in this order:
//             kubelet.ts (startKubelet, hollow nodes) -> node-kubelet.ts (one node, wired)
//             -> node-status.ts, node-status-reporter.ts, node-lease.ts (the Node and its heartbeat)
//             -> pod-workers.ts, admission.ts (which pods run) -> pod-worker.ts, container-record.ts,
//             container-backoff.ts, images.ts, prober.ts (one pod's life) -> pod-status.ts,
//             status-manager.ts (what is reported) -> runtime/ (containers: generic, Besu, logs,
//             ports) -> server.ts (logs for `kubectl logs`) -> main.ts (flags)
// REAL K8S  pkg/kubelet (v1.32), cmd/kubelet, pkg/kubemark
// SHIPS     The captain, the crew and the deck of every cargo ship.
// EXAMPLE   import { startKubelet, hollowNodes } from './kubelet/index.ts';
//           const k = await startKubelet({ kubeconfig, nodes: hollowNodes({ count: 100, prefix: 'hollow-' }) });
// SKIPPED   see each module's header.

export { startKubelet, hollowNodes, type Kubelet, type KubeletOptions, type NodeSpec } from './kubelet.ts';
export { NodeKubelet, type NodeKubeletOptions } from './node-kubelet.ts';
export { admitPod, podRequests, type AdmitResult } from './admission.ts';
export { ContainerBackoff, type ContainerBackoffOptions } from './container-backoff.ts';
export { ImageManager, type ImagePullTiming } from './images.ts';
export { PodIPAllocator, subnetOf, parseCidr } from './ipam.ts';
export { KUBELET_VERSION, RUNTIME_VERSION, computeNodeStatus, type MachineSpec } from './node-status.ts';
export { generatePodStatus, getPhase, mergePodStatus } from './pod-status.ts';
export { StatusManager } from './status-manager.ts';
export { ContainerRuntime, defaultWorkloads, type WorkloadChooser } from './runtime/runtime.ts';
export { parseCommand } from './runtime/generic.ts';
export type { Workload, WorkloadContext, WorkloadFactory } from './runtime/workload.ts';
