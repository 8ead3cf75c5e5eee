// The API object types: the shared vocabulary of every component
// ==============================================================
// CONCEPT   Every message in Kubernetes is an object with apiVersion, kind, metadata, and usually a
//           spec (what we want) and a status (what is). These types are the nouns the whole project
//           speaks: the apiserver stores them, controllers compare spec with status, kubelets report.
// REAL K8S  staging/src/k8s.io/api/core/v1/types.go, apimachinery/pkg/apis/meta/v1/types.go,
//           api/coordination/v1/types.go, api/policy/v1/types.go, api/autoscaling/v1/types.go (v1.32)
// SHIPS     The printed forms of the harbour: every manifest, logbook page and radio message has one.
// EXAMPLE   { apiVersion: "v1", kind: "Pod", metadata: { name: "besu-0" }, spec: { containers: [...] } }
// SKIPPED   Only the fields this simulator reads or writes; the apiserver keeps unknown fields of
//           known objects only when the client does not ask for strict validation.

// Pods and containers, and the apiserver's other answers, live in their own files; they are
// re-exported here so every component imports the vocabulary from one place.
export type * from './pod-types.ts';
export type * from './responses.ts';
import type { ConditionStatus, LabelSelector, PodTemplateSpec, ResourceList, Taint } from './pod-types.ts';

// ## Metadata: what every object carries

/** Who owns an object; the garbage collector deletes dependents when the owner goes. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** True on the one owner that manages this object (e.g. the RC that created a pod). */
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** ObjectMeta: the part of every stored object that the apiserver manages. */
export interface ObjectMeta {
  name?: string;
  /** When name is empty, the apiserver appends 5 random characters to this prefix. */
  generateName?: string;
  namespace?: string;
  uid?: string;
  /** The etcd modification revision, as a decimal string. Opaque to clients. */
  resourceVersion?: string;
  /** Bumped by the apiserver on every spec change; status writes leave it alone. */
  generation?: number;
  creationTimestamp?: string;
  /** Set when a graceful delete begins; the object lives on until its finalizers and grace period end. */
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** ListMeta: the revision a list was read at (a watch can start there) and the paging token. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Every API object: the typed ones below and any the apiserver stores generically. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

// ## Nodes: the ships

export interface NodeCondition {
  type: 'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable' | string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname' | string;
  address: string;
}

export interface NodeSpec {
  podCIDR?: string;
  podCIDRs?: string[];
  unschedulable?: boolean;
  taints?: Taint[];
  providerID?: string;
}

export interface NodeStatus {
  capacity?: ResourceList;
  allocatable?: ResourceList;
  conditions?: NodeCondition[];
  addresses?: NodeAddress[];
  daemonEndpoints?: { kubeletEndpoint?: { Port: number } };
  nodeInfo?: {
    machineID?: string;
    systemUUID?: string;
    bootID?: string;
    kernelVersion?: string;
    osImage?: string;
    containerRuntimeVersion?: string;
    kubeletVersion?: string;
    kubeProxyVersion?: string;
    operatingSystem?: string;
    architecture?: string;
  };
  images?: { names: string[]; sizeBytes?: number }[];
}

export interface Node extends KubeObject {
  spec?: NodeSpec;
  status?: NodeStatus;
}

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating' };
}

// ## Controllers' objects

export interface ReplicationControllerSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: Record<string, string>;
  template?: PodTemplateSpec;
}

export interface ReplicationControllerStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: { type: string; status: ConditionStatus; reason?: string; message?: string; lastTransitionTime?: string }[];
}

export interface ReplicationController extends KubeObject {
  spec: ReplicationControllerSpec;
  status?: ReplicationControllerStatus;
}

/** autoscaling/v1 Scale: the /scale subresource's view of anything with replicas. */
export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

// ## Services and their endpoints

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  sessionAffinity?: 'None' | 'ClientIP';
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  loadBalancerIP?: string;
  externalName?: string;
}

export interface Service extends KubeObject {
  spec: ServiceSpec;
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string; resourceVersion?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

// ## Configuration: ConfigMaps and Secrets

/** Settings a pod reads by name: `data` is text, `binaryData` base64 bytes. No spec, no status. */
export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** Like a ConfigMap, for credentials: `data` values are base64; `stringData` is write-only plain text. */
export interface Secret extends KubeObject {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  /** @default "Opaque" */
  type?: string;
  immutable?: boolean;
}

// ## Events, leases, bindings, evictions

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface Event extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string | null;
  count?: number;
  type?: 'Normal' | 'Warning';
  reportingComponent?: string;
  reportingInstance?: string;
}

/** coordination.k8s.io/v1 Lease: node heartbeats and leader election both use it. */
export interface Lease extends KubeObject {
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** The body of POST pods/{name}/binding: "put this pod on that node". */
export interface Binding extends KubeObject {
  target: { apiVersion?: string; kind: 'Node' | string; name: string };
}

/** policy/v1 Eviction, the body of POST pods/{name}/eviction (what `kubectl drain` sends). */
export interface Eviction extends KubeObject {
  deleteOptions?: DeleteOptions;
}

export interface DeleteOptions {
  apiVersion?: string;
  kind?: string;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  dryRun?: string[];
}

/** The cluster's pod and service ranges, written as DESIGN.md lays out the loopback network. */
export const NETWORK = {
  podRange: '127.244.0.0/16',
  serviceRange: '127.96.0.0/16',
  loadBalancerRange: '127.200.0.0/16',
  nodePortRange: [30000, 32767] as const,
};

/** Well-known taint keys the node lifecycle controller writes and pods tolerate by default. */
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
