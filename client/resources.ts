// The resource table: which URL serves which kind
// ===============================================
// CONCEPT   Every kind of object lives under a REST path built from its API group, version and plural
//           name. The core group has the legacy prefix `/api/v1`; every other group sits under
//           `/apis/<group>/<version>`. Namespaced kinds put `/namespaces/<ns>` in front of the plural;
//           cluster-scoped ones (nodes, namespaces) do not. Subresources (status, binding, eviction,
//           scale) hang off an object's path.
// REAL K8S  staging/src/k8s.io/client-go/rest/request.go (URL building: AbsPath, Namespace, Resource,
//           Name, SubResource); the table itself is what discovery (`/api/v1`, `/apis/...`) reports.
// SHIPS     The harbour's directory: which office, which drawer, which folder.
// EXAMPLE   resourcePath('pods', { namespace: 'default', name: 'besu-0', subresource: 'binding' })
//             => /api/v1/namespaces/default/pods/besu-0/binding
//           resourcePath('leases', { namespace: 'kube-system', name: 'kube-scheduler' })
//             => /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler
// SKIPPED   Live discovery: the table is static; `registerResource` adds kinds.

import type { Deployment, ReplicaSet } from '../api/apps-types.ts';
import type { Job } from '../api/batch-types.ts';
import type {
  ConfigMap, Endpoints, Event, KubeObject, Lease, Namespace, Node, Pod, ReplicationController, Secret, Service,
} from '../api/types.ts';

/** One row of the table: what discovery says about a resource. */
export interface ResourceInfo {
  /** The plural in the URL: "pods". */
  plural: string;
  /** The kind in objects: "Pod". */
  kind: string;
  /** The API group, "" for the core (legacy) group. */
  group: string;
  version: string;
  namespaced: boolean;
}

/** The typed resources: `client.get('pods', ...)` returns a Pod. */
export interface ResourceTypes {
  pods: Pod;
  nodes: Node;
  namespaces: Namespace;
  replicationcontrollers: ReplicationController;
  services: Service;
  endpoints: Endpoints;
  events: Event;
  configmaps: ConfigMap;
  secrets: Secret;
  leases: Lease;
  deployments: Deployment;
  replicasets: ReplicaSet;
  jobs: Job;
}

/** A resource name: one of the typed plurals, a kind ("Pod") or any registered plural. */
export type ResourceName = keyof ResourceTypes | (string & {});

/** The object type a resource name stands for (KubeObject when we do not know it). */
export type ObjectOf<R> = R extends keyof ResourceTypes ? ResourceTypes[R] : KubeObject;

const TABLE = new Map<string, ResourceInfo>();

/** Adds a resource to the table, looked up afterwards by plural or by kind. */
export function registerResource(info: ResourceInfo): void {
  TABLE.set(info.plural, info);
  TABLE.set(info.kind, info);
}

const core = (plural: string, kind: string, namespaced: boolean) =>
  registerResource({ plural, kind, group: '', version: 'v1', namespaced });
core('pods', 'Pod', true);
core('nodes', 'Node', false);
core('namespaces', 'Namespace', false);
core('replicationcontrollers', 'ReplicationController', true);
core('services', 'Service', true);
core('endpoints', 'Endpoints', true);
core('events', 'Event', true);
core('configmaps', 'ConfigMap', true);
core('secrets', 'Secret', true);
registerResource({ plural: 'leases', kind: 'Lease', group: 'coordination.k8s.io', version: 'v1', namespaced: true });
registerResource({ plural: 'deployments', kind: 'Deployment', group: 'apps', version: 'v1', namespaced: true });
registerResource({ plural: 'replicasets', kind: 'ReplicaSet', group: 'apps', version: 'v1', namespaced: true });
registerResource({ plural: 'jobs', kind: 'Job', group: 'batch', version: 'v1', namespaced: true });

/** Looks a resource up by plural or kind; throws for one we do not know. */
export function resourceInfo(resource: string): ResourceInfo {
  const info = TABLE.get(resource);
  if (!info) throw new Error(`unknown resource "${resource}": register it with registerResource()`);
  return info;
}

/** "v1" for the core group, "coordination.k8s.io/v1" otherwise: the apiVersion objects carry. */
export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Where a path points: a namespace (for namespaced kinds), an object name, a subresource. */
export interface PathParts {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * The REST path of a collection, an object or a subresource, exactly as Kubernetes spells it.
 * A namespaced resource without a namespace means "across all namespaces" (lists and watches).
 */
export function resourcePath(resource: string, parts: PathParts = {}): string {
  const info = resourceInfo(resource);
  const enc = encodeURIComponent;
  let path = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  if (info.namespaced && parts.namespace) path += `/namespaces/${enc(parts.namespace)}`;
  path += `/${info.plural}`;
  if (parts.name !== undefined) path += `/${enc(parts.name)}`;
  if (parts.subresource) path += `/${parts.subresource}`;
  return path;
}

/**
 * The cache key of an object, "namespace/name" or "name" for cluster-scoped ones
 * (cache.MetaNamespaceKeyFunc). Controllers' queues hold these keys.
 */
export function objectKey(obj: { metadata: { name?: string; namespace?: string } }): string {
  const { name = '', namespace } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key back into namespace and name (cache.SplitMetaNamespaceKey). */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
