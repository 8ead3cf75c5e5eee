// Test helper: a fake apiserver for controller unit tests
// =======================================================
// CONCEPT   It records every call and answers plausibly. Informers are filled by hand
//           (informer.replace / informer.apply), so a test decides exactly what the controller's
//           cache shows - including a cache that lags behind the controller's own writes.
// REAL K8S  client-go's k8s.io/client-go/kubernetes/fake and tools/cache fakes
// SHIPS     A pretend records office whose clerk writes down every request.
// EXAMPLE   const { client, factory } = harness(); fill(factory.informer('pods'), [pod('a')]); ... client.calls
// SKIPPED   Watches: informers are fed directly.
import type { KubeList, KubeObject, Node, Pod, ReplicationController, Status, WatchEvent } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { ApiError } from '../../client/errors.ts';
import { InformerFactory } from '../../client/informer-factory.ts';
import type { ListWatchClient } from '../../client/reflector.ts';
import { resourceInfo } from '../../client/resources.ts';
import type { ControllerClient, EventSink } from '../../controllers/context.ts';

export interface Call {
  verb: 'get' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete';
  resource: string;
  name: string;
  namespace?: string;
  body?: unknown;
  options?: Record<string, unknown>;
}

// One revision counter for the fake apiserver's writes and for hand-delivered watch events, as in
// etcd: an event delivered after a write always carries a later resourceVersion.
let revision = 1;
const nextRevision = () => String(++revision);

export function apiError(code: number, reason: Status['reason'], message = reason ?? ''): ApiError {
  return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason, message });
}

/** Records calls; `objects` answers get(); `fail` makes matching calls throw. */
export class FakeClient implements ControllerClient {
  calls: Call[] = [];
  objects = new Map<string, KubeObject>();
  fail: { verb: Call['verb']; resource: string; error: unknown }[] = [];
  private generated = 0;

  constructor(readonly clock = new FakeClock()) {}

  /** The calls of one verb (and resource). */
  of(verb: Call['verb'], resource?: string): Call[] {
    return this.calls.filter((c) => c.verb === verb && (!resource || c.resource === resource));
  }

  /** Every call but Events (the recorder's writes). */
  actions(): string[] {
    return this.calls.filter((c) => c.resource !== 'events').map((c) => `${c.verb} ${c.resource} ${c.name}`);
  }

  private key(resource: string, name: string, namespace?: string): string {
    return `${resourceInfo(resource).plural}/${resourceInfo(resource).namespaced ? namespace ?? 'default' : ''}/${name}`;
  }

  private record(call: Call): void {
    this.calls.push(call);
    const f = this.fail.find((x) => x.verb === call.verb && x.resource === call.resource);
    if (f) throw f.error;
  }

  put(resource: string, obj: KubeObject): void {
    this.objects.set(this.key(resource, obj.metadata.name!, obj.metadata.namespace), obj);
  }

  async get(resource: string, name: string, namespace?: string): Promise<any> {
    this.record({ verb: 'get', resource, name, namespace });
    const obj = this.objects.get(this.key(resource, name, namespace));
    if (!obj) throw apiError(404, 'NotFound', `${resource} "${name}" not found`);
    return obj;
  }

  async create(resource: string, obj: KubeObject): Promise<any> {
    const name = obj.metadata.name ?? `${obj.metadata.generateName ?? ''}${String(++this.generated).padStart(5, 'x')}`;
    this.record({ verb: 'create', resource, name, namespace: obj.metadata.namespace, body: obj });
    const stored = { ...obj, metadata: { ...obj.metadata, name, uid: `uid-${name}`, resourceVersion: nextRevision(), creationTimestamp: this.clock.nowISO() } };
    this.put(resource, stored);
    return stored;
  }

  async update(resource: string, obj: KubeObject): Promise<any> {
    this.record({ verb: 'update', resource, name: obj.metadata.name!, namespace: obj.metadata.namespace, body: obj });
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: nextRevision() } };
  }

  async updateStatus(resource: string, obj: KubeObject): Promise<any> {
    this.record({ verb: 'updateStatus', resource, name: obj.metadata.name!, namespace: obj.metadata.namespace, body: obj });
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: nextRevision() } };
  }

  async patch(resource: string, name: string, patch: unknown, options: Record<string, unknown> = {}): Promise<any> {
    this.record({ verb: 'patch', resource, name, namespace: options.namespace as string | undefined, body: patch, options });
    const known = this.objects.get(this.key(resource, name, options.namespace as string | undefined));
    const meta = (patch as { metadata?: object }).metadata ?? {};
    return { ...(known ?? {}), metadata: { ...(known?.metadata ?? { name, namespace: options.namespace }), ...meta, resourceVersion: nextRevision() } };
  }

  async delete(resource: string, name: string, options: Record<string, unknown> = {}): Promise<any> {
    this.record({ verb: 'delete', resource, name, namespace: options.namespace as string | undefined, options });
    this.objects.delete(this.key(resource, name, options.namespace as string | undefined));
    return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 200 };
  }
}

/** Records Events instead of writing them. */
export class FakeRecorder implements EventSink {
  events: { name?: string; type: string; reason: string; message: string }[] = [];
  event(obj: KubeObject | { name?: string }, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const name = 'metadata' in obj ? (obj as KubeObject).metadata.name : (obj as { name?: string }).name;
    this.events.push({ name, type, reason, message });
  }
  messages(reason?: string): string[] {
    return this.events.filter((e) => !reason || e.reason === reason).map((e) => e.message);
  }
}

/** A list/watch client that is never used: tests fill informers with replace() and apply(). */
const idle: ListWatchClient = {
  async list(): Promise<KubeList<KubeObject>> {
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '1' }, items: [] };
  },
  watch<T extends KubeObject>(): AsyncIterable<WatchEvent<T>> {
    return (async function* () {})();
  },
};

/** Everything a controller under test needs, with hand-filled caches. */
export function harness() {
  const clock = new FakeClock();
  const client = new FakeClient(clock);
  const recorder = new FakeRecorder();
  const factory = new InformerFactory({ ...idle, clock }, { clock });
  const logs: string[] = [];
  return { clock, client, recorder, factory, logs, log: (m: string) => void logs.push(m) };
}

/** Fills an informer's cache as a fresh list would (synced, handlers told). */
export function fill<T extends KubeObject>(inf: { replace(items: T[], rv: string): void }, items: T[]): void {
  inf.replace(items.map((o) => ({ ...o, metadata: { resourceVersion: nextRevision(), ...o.metadata } })), String(revision));
}

/** Delivers one watch event to an informer, with a fresh resourceVersion. */
export function deliver<T extends KubeObject>(inf: { apply(e: WatchEvent<T>): void }, type: WatchEvent['type'], obj: T): void {
  inf.apply({ type, object: { ...obj, metadata: { ...obj.metadata, resourceVersion: nextRevision() } } });
}

// ## Object builders

export function rc(name: string, replicas: number, extra: Partial<ReplicationController['spec']> = {}): ReplicationController {
  return {
    apiVersion: 'v1', kind: 'ReplicationController',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas, selector: { app: name },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } },
      ...extra,
    },
    status: { replicas: 0 },
  };
}

export interface PodShape {
  owner?: ReplicationController;
  node?: string;
  phase?: NonNullable<Pod['status']>['phase'];
  ready?: boolean;
  readySince?: string;
  created?: string;
  labels?: Record<string, string>;
  ip?: string;
  deleting?: boolean;
  restarts?: number;
}

export function pod(name: string, s: PodShape = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: s.created ?? '2026-01-01T00:00:00Z',
      labels: s.labels ?? (s.owner ? { ...s.owner.spec.selector } : { app: 'besu' }),
      ...(s.owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: s.owner.metadata.name!, uid: s.owner.metadata.uid!, controller: true, blockOwnerDeletion: true }] } : {}),
      ...(s.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers: [{ name: 'besu', image: 'hyperledger/besu:24.1', ports: [{ name: 'rpc', containerPort: 8545, protocol: 'TCP' }] }],
      ...(s.node ? { nodeName: s.node } : {}),
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: {
      phase: s.phase ?? (s.node ? 'Running' : 'Pending'),
      ...(s.ip ? { podIP: s.ip } : {}),
      conditions: s.ready === undefined ? [] : [{ type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: s.readySince ?? '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ name: 'besu', image: 'hyperledger/besu:24.1', ready: Boolean(s.ready), restartCount: s.restarts ?? 0 }],
    },
  };
}

/** A node whose Ready condition has `ready` (null: the kubelet never posted status). */
export function node(name: string, ready: 'True' | 'False' | 'Unknown' | null = 'True', extra: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {},
    status: { conditions: ready ? [{ type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }] : [] },
    ...extra,
  };
}
