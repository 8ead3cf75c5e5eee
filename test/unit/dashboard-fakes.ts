// Test helper: fake informer sources for the dashboard's tests
// ============================================================
// CONCEPT   A Map, handlers, and resourceVersions that count up like etcd revisions. The model
//           cannot tell them from real informers (dashboard/sources.ts Source).
// REAL K8S  client-go's tools/cache fake informers play this role
// SHIPS     Toy ships on the planning table, moved by hand.
// EXAMPLE   const sources = fakeSources(); sources.pods.put(pod('web-1', { node: 'node-1' }))
// SKIPPED   Lists, watches and relists: objects appear as a test adds them.
import type { Deployment, ReplicaSet } from '../../api/apps-types.ts';
import type { Endpoints, Event, KubeObject, Lease, Node, Pod, PodPhase, ReplicationController, Service } from '../../api/types.ts';
import type { EventHandlers } from '../../client/informer.ts';
import { objectKey } from '../../client/resources.ts';
import type { HarbourSources, Source } from '../../dashboard/sources.ts';

/** The one revision counter all fake sources share, like etcd's. */
export const revision = { value: 100 };

export class FakeSource<T extends KubeObject> implements Source<T> {
  private readonly items = new Map<string, T>();
  private readonly handlers = new Set<EventHandlers<T>>();

  list(): T[] {
    return [...this.items.values()];
  }
  get(key: string): T | undefined {
    return this.items.get(key);
  }
  addEventHandler(h: EventHandlers<T>): () => void {
    this.handlers.add(h);
    for (const obj of this.items.values()) h.onAdd?.(obj, true);
    return () => this.handlers.delete(h);
  }
  /** Creates or updates, stamping a new resourceVersion, and tells the handlers. */
  put(obj: T): T {
    const stamped = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++revision.value) } } as T;
    const key = objectKey(stamped);
    const old = this.items.get(key);
    this.items.set(key, stamped);
    for (const h of this.handlers) old ? h.onUpdate?.(old, stamped) : h.onAdd?.(stamped, false);
    return stamped;
  }
  remove(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(++revision.value) } } as T;
    for (const h of this.handlers) h.onDelete?.(gone);
  }
}

export interface FakeSources extends HarbourSources {
  pods: FakeSource<Pod>;
  nodes: FakeSource<Node>;
  services: FakeSource<Service>;
  endpoints: FakeSource<Endpoints>;
  replicationcontrollers: FakeSource<ReplicationController>;
  deployments: FakeSource<Deployment>;
  replicasets: FakeSource<ReplicaSet>;
  events: FakeSource<Event>;
  leases: FakeSource<Lease>;
}

export function fakeSources(): FakeSources {
  return {
    pods: new FakeSource(), nodes: new FakeSource(), services: new FakeSource(), endpoints: new FakeSource(),
    replicationcontrollers: new FakeSource(), deployments: new FakeSource(), replicasets: new FakeSource(),
    events: new FakeSource(), leases: new FakeSource(),
  };
}

export function node(name: string, opts: { cpu?: string; memory?: string; ready?: 'True' | 'False' | 'Unknown'; unschedulable?: boolean; ip?: string } = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: { unschedulable: opts.unschedulable, taints: opts.ready === 'Unknown' ? [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] : [] },
    status: {
      allocatable: { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: opts.ready ?? 'True' }],
      addresses: [{ type: 'InternalIP', address: opts.ip ?? '127.0.10.1' }],
    },
  };
}

export function pod(name: string, opts: { node?: string; cpu?: string; memory?: string; phase?: PodPhase; ready?: boolean; owner?: string; ownerKind?: string; namespace?: string } = {}): Pod {
  const ready = opts.ready ?? opts.phase === 'Running';
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: opts.namespace ?? 'default', uid: `uid-${name}`,
      ...(opts.owner ? { ownerReferences: [{ apiVersion: opts.ownerKind === 'ReplicaSet' ? 'apps/v1' : 'v1', kind: opts.ownerKind ?? 'ReplicationController', name: opts.owner, uid: `uid-${opts.owner}`, controller: true }] } : {}),
    },
    spec: { nodeName: opts.node, containers: [{ name: 'c', image: 'hyperledger/besu:24.1', resources: { requests: { cpu: opts.cpu ?? '100m', memory: opts.memory ?? '256Mi' } } }] },
    status: { phase: opts.phase ?? 'Pending', conditions: opts.phase === 'Running' ? [{ type: 'Ready', status: ready ? 'True' : 'False' }] : [] },
  };
}

const besuTemplate = (image: string) => ({
  metadata: { labels: { app: 'besu' } },
  spec: { containers: [{ name: 'besu', image, resources: { requests: { cpu: '100m', memory: '256Mi' } } }] },
});

/** A Deployment at a revision, with its status counts. */
export function deployment(name: string, opts: { replicas?: number; revision?: number; image?: string; status?: Deployment['status']; strategy?: Deployment['spec']['strategy'] } = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(opts.revision ? { annotations: { 'deployment.kubernetes.io/revision': String(opts.revision) } } : {}) },
    spec: { replicas: opts.replicas ?? 3, selector: { matchLabels: { app: 'besu' } }, template: besuTemplate(opts.image ?? 'hyperledger/besu:24.1'), ...(opts.strategy ? { strategy: opts.strategy } : {}) },
    ...(opts.status ? { status: opts.status } : {}),
  };
}

/** A ReplicaSet, owned by a Deployment when `deployment` is given. */
export function replicaSet(name: string, opts: { deployment?: string; replicas?: number; ready?: number; revision?: number; image?: string } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`,
      ...(opts.revision ? { annotations: { 'deployment.kubernetes.io/revision': String(opts.revision) } } : {}),
      ...(opts.deployment ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: opts.deployment, uid: `uid-${opts.deployment}`, controller: true }] } : {}),
    },
    spec: { replicas: opts.replicas ?? 3, selector: { matchLabels: { app: 'besu' } }, template: besuTemplate(opts.image ?? 'hyperledger/besu:24.1') },
    status: { replicas: opts.replicas ?? 3, readyReplicas: opts.ready ?? opts.replicas ?? 3 },
  };
}
