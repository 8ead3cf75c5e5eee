// Test builders: pods and nodes in one line
// =========================================
// CONCEPT   Scheduler tests need many small pods and nodes that differ in one field. These
//           builders keep a test table readable: makeNode("node-1", { cpu: "4", memory: "8Gi" }).
// REAL K8S  pkg/scheduler/testing/wrappers.go (st.MakePod().Req(...).Obj(), st.MakeNode()) (v1.32)
// SHIPS     Toy ships and toy containers for the crane's exam.
// EXAMPLE   makePod("besu-0", { cpu: "500m", memory: "1Gi", labels: { app: "besu" } })
// SKIPPED   Everything a scheduler test does not look at.

import type { Affinity, Node, Pod, Taint, Toleration } from '../api/types.ts';

export interface NodeOptions {
  /** allocatable cpu. @default "4" */
  cpu?: string;
  /** allocatable memory. @default "8Gi" */
  memory?: string;
  /** allocatable pods. @default "110" */
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

/** A Ready node with allocatable resources and the kubernetes.io/hostname label. */
export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export interface PodOptions {
  namespace?: string;
  /** cpu request of the single container; omitted means no request. */
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  schedulerName?: string;
  priority?: number;
  nodeName?: string;
  uid?: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
}

/** A one-container pod requesting `cpu` and `memory`. */
export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu !== undefined) requests.cpu = o.cpu;
  if (o.memory !== undefined) requests.memory = o.memory;
  const ns = o.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, uid: o.uid ?? `uid-${ns}-${name}`, labels: o.labels },
    spec: {
      containers: [{ name: 'besu', image: 'hyperledger/besu', resources: { requests } }],
      nodeSelector: o.nodeSelector,
      affinity: o.affinity,
      tolerations: o.tolerations,
      schedulerName: o.schedulerName,
      priority: o.priority,
      nodeName: o.nodeName,
    },
    status: { phase: o.phase ?? 'Pending' },
  };
}

/** Required anti-affinity against pods with these labels, one per node (hostname topology). */
export function antiAffinity(matchLabels: Record<string, string>, topologyKey = 'kubernetes.io/hostname'): Affinity {
  return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels }, topologyKey }] } };
}
