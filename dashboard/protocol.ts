// The dashboard's wire protocol: every message between server and page, in one place
// ===================================================================================
// CONCEPT   The page never asks the apiserver anything. The dashboard server watches the cluster
//           (informers, like any controller), boils each object down to the few fields the picture
//           needs (a *view*), and pushes them over one WebSocket:
//             1. on connect, `hello`: every view at once (the page draws from it);
//             2. then, every ~100 ms while something changes, `batch`: the views that changed since,
//                coalesced per object, plus the etcd writes and Events seen meanwhile.
//           A page that reconnects simply gets a new `hello`: there is no resume protocol to get
//           wrong, which is exactly what a Kubernetes informer does after a 410 (list again).
//           Instructor actions and "why" questions are plain HTTP requests (see server.ts).
// REAL K8S  None in Kubernetes; the shape follows the watch protocol (ADDED/MODIFIED/DELETED of
//           whole objects, staging/src/k8s.io/apimachinery/pkg/watch) with deletes as a missing view.
// SHIPS     The harbour master's ticker tape to the big board on the wall.
// EXAMPLE   { type: "batch", now: 1767225600000, changes: [
//             { t: "pod", key: "default/besu-0", v: { node: "node-2", tone: "running", ... } },
//             { t: "pod", key: "default/old-1" },                       // deleted: no view
//             { t: "write", v: { key: "/registry/pods/default/besu-0", revision: 412, op: "update" } } ] }
// SKIPPED   Compression and binary framing: JSON is small enough for a few thousand objects.

/** How a pod looks at a glance; every tone also has its own shape and word on the page. */
export type PodTone = 'running' | 'notready' | 'pending' | 'failed' | 'succeeded' | 'terminating';

/** A pod, as the picture needs it. */
export interface PodView {
  /** "namespace/name", the informer key. */
  key: string;
  namespace: string;
  name: string;
  /** spec.nodeName; absent while the pod waits on the dock. */
  node?: string;
  tone: PodTone;
  /** The word kubectl's STATUS column shows ("Running", "ContainerCreating", "CrashLoopBackOff"). */
  status: string;
  /** Why it waits on the dock (only for unscheduled pods). */
  reason?: string;
  /** Requests, summed over app containers: what the scheduler packs by. */
  cpuMillis: number;
  memoryBytes: number;
  /** The controller owner, e.g. { kind: "ReplicationController", name: "besu-rpc" } or { kind: "ReplicaSet", name: "besu-nodes-7c9d" }. */
  owner?: { kind: string; name: string };
  /**
   * What a person scales or rolls: the owner, or the Deployment above an owning ReplicaSet
   * ({ kind: "Deployment", name: "besu-nodes" }). Absent for a bare pod.
   */
  workload?: { kind: string; name: string };
  restarts: number;
  ip?: string;
}

/** A node (a cargo ship). */
export interface NodeView {
  name: string;
  ip?: string;
  /** The Ready condition in words; "Unknown" when the node controller stopped hearing from it. */
  ready: 'Ready' | 'NotReady' | 'Unknown';
  /** spec.unschedulable (kubectl cordon). */
  cordoned: boolean;
  /** "key=value:Effect" or "key:Effect". */
  taints: string[];
  /** Requested (sum of active pods' requests) against allocatable. */
  cpu: { used: number; total: number };
  memory: { used: number; total: number };
  /** Allocatable pods (--max-pods). */
  maxPods: number;
}

/** A Service, with how many endpoints are ready. */
export interface ServiceView {
  key: string;
  namespace: string;
  name: string;
  type: string;
  clusterIP?: string;
  /** "8545/TCP", or "8545:30545/TCP" with a NodePort. */
  ports: string[];
  ready: number;
  notReady: number;
}

/** The kinds that keep pods alive and can be scaled. */
export type WorkloadKind = 'ReplicationController' | 'ReplicaSet' | 'Deployment';

/** A workload (ReplicationController, ReplicaSet or Deployment): what its panel and scale control need. */
export interface WorkloadView {
  /** "namespace/name" (unique per kind: each kind has its own map). */
  key: string;
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** spec.replicas */
  desired: number;
  /** status.replicas and status.readyReplicas */
  current: number;
  ready: number;
  /** The pod template's container images, e.g. ["hyperledger/besu:24.1"]. */
  images: string[];
  /** Deployments: status.updatedReplicas (pods on the newest template) and status.availableReplicas. */
  updated?: number;
  available?: number;
  /** Deployments and their ReplicaSets: the deployment.kubernetes.io/revision annotation. */
  revision?: number;
  /** ReplicaSets: the Deployment that controls it. */
  deployment?: string;
  /** Deployments: "RollingUpdate (maxSurge 1, maxUnavailable 0)" or "Recreate". */
  strategy?: string;
  /** Deployments: spec.paused (kubectl rollout pause). */
  paused?: boolean;
}

/** A component process (from the launcher) or, without a launcher, what its Lease tells us. */
export interface ComponentView {
  /** "etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager", "kubelet/node-1", "kube-proxy/node-1". */
  name: string;
  role: 'control-plane' | 'node';
  node?: string;
  /** The launcher's words: running, starting, paused, crashed, backoff, stopped, unavailable; or "unknown". */
  state: string;
  restarts: number;
  message?: string;
  /** For leader-elected components: the identity holding the Lease in kube-system. */
  leader?: string;
}

/** One write the apiserver made to etcd, seen as a watch event. */
export interface WriteView {
  /** The etcd key, e.g. "/registry/minions/node-1". */
  key: string;
  /** The etcd revision of the write (the object's resourceVersion). */
  revision: number;
  op: 'create' | 'update' | 'delete';
  /** Wall-clock ms when the dashboard saw it. */
  seen: number;
}

/** An Event, told in plain words. */
export interface EventView {
  /** "namespace/name" of the Event object. */
  key: string;
  /** Wall-clock ms it last happened. */
  time: number;
  /** The sentence ("crane: besu-0 lifted onto node-2 [Scheduled]"). */
  text: string;
  reason: string;
  type: 'Normal' | 'Warning';
  /** The object it is about, kubectl style: "Pod default/besu-0", "Node node-2". */
  object: string;
  count: number;
}

/** Whether the dashboard's own watches reach the apiserver. */
export type ApiState = 'connected' | 'retrying';

/** Everything at once: the first message on every connection. */
export interface HelloMessage {
  type: 'hello';
  now: number;
  /** The cluster's time scale (lease ages are shown in Kubernetes seconds). */
  timeScale: number;
  /** Whether instructor controls that need the launcher (kill, sink, pause) can work. */
  launcher: boolean;
  api: ApiState;
  /** Manifests the "apply example" control offers (file names in examples/). */
  examples: string[];
  nodes: NodeView[];
  pods: PodView[];
  services: ServiceView[];
  rcs: WorkloadView[];
  /** apps/v1 Deployments and ReplicaSets. */
  deployments: WorkloadView[];
  replicasets: WorkloadView[];
  components: ComponentView[];
  /** Node name => the RFC 3339 renewTime of its Lease in kube-node-lease. */
  leases: Record<string, string>;
  /** Newest last. */
  writes: WriteView[];
  /** Newest last. */
  events: EventView[];
}

/** One change inside a batch. A missing `v` on pod/node/service/rc/deploy/rs/event means it was deleted. */
export type Change =
  | { t: 'pod'; key: string; v?: PodView }
  | { t: 'node'; key: string; v?: NodeView }
  | { t: 'service'; key: string; v?: ServiceView }
  | { t: 'rc'; key: string; v?: WorkloadView }
  | { t: 'deploy'; key: string; v?: WorkloadView }
  | { t: 'rs'; key: string; v?: WorkloadView }
  | { t: 'event'; key: string; v?: EventView }
  | { t: 'lease'; key: string; v?: string }
  | { t: 'components'; v: ComponentView[] }
  | { t: 'write'; v: WriteView }
  | { t: 'api'; v: ApiState };

/** What changed since the last batch, oldest first. */
export interface BatchMessage {
  type: 'batch';
  now: number;
  changes: Change[];
}

export type ServerMessage = HelloMessage | BatchMessage;
