// Resource definitions and strategies: what is special about each kind
// ====================================================================
// CONCEPT   The REST handlers are generic: get, list, create, update, patch, delete and watch work
//           the same way for every resource. What differs per kind lives in a *strategy*: how to
//           default a new object, how to validate it, what an update may change, which fields a
//           field selector may name, and which columns `kubectl get` prints.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/registry/rest/create.go (RESTCreateStrategy),
//           rest/update.go, and pkg/registry/core/pod/strategy.go as the model strategy
// SHIPS     Each kind of form has its own rules printed on the back; the clerk reads them.
// EXAMPLE   podStrategy.defaults(pod) sets restartPolicy "Always"; podStrategy.validate(pod) lists
//           causes like { field: "spec.containers", message: "Required value" }
// SKIPPED   Per-version conversion: every resource here has exactly one served version.

import type { KubeObject, StatusCause, TableColumnDefinition } from '../../api/types.ts';
import type { SideKey } from '../storage/etcd-store.ts';
import type { GarbageCollectionPolicy } from './deletion-finalizers.ts';

/** What the strategy needs to know about the moment of the request. */
export interface StrategyContext {
  /** Current wall time as RFC 3339, for timestamps the apiserver writes. */
  now: string;
  /** Looks up other objects (e.g. the node a pod is bound to) from the apiserver's caches. */
  lookup(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
}

/** Printer columns and the function producing one row's cells, as Kubernetes' printers.go. */
export interface TableConvertor {
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, now: number): unknown[];
}

export interface Strategy {
  /** Fills in defaults on create and on update, as the real defaulting functions (defaults.go). */
  defaults?(obj: KubeObject): void;
  /** Resets what a client may not set on create (status, for most kinds). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** For a write to the main resource: keeps what only subresources may change (usually status). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Field errors for a new object. */
  validate?(obj: KubeObject): StatusCause[];
  /** Field errors for an update, given the stored object (immutable fields). */
  validateUpdate?(obj: KubeObject, old: KubeObject): StatusCause[];
  /** Allocates what must be unique cluster-wide (ClusterIPs, NodePorts) as etcd side keys. */
  allocate?(obj: KubeObject, old: KubeObject | undefined, taken: (key: string) => boolean): SideKey[];
  /** Side keys to release when the object is deleted or stops using them. */
  release?(obj: KubeObject): string[];
  /** The field set a field selector matches against (metadata.name and metadata.namespace always). */
  fields?(obj: KubeObject): Record<string, string>;
  /** Field names a selector may use beyond metadata.name/metadata.namespace. */
  selectableFields?: string[];
  /** Whether generation is bumped on spec changes (true for kinds with a spec). @default true */
  tracksGeneration?: boolean;
  /** Names must be DNS-1123 labels rather than subdomains (services, namespaces). @default false */
  nameIsLabel?: boolean;
  /**
   * DefaultGarbageCollectionPolicy (rest.GarbageCollectionDeleteStrategy): whether a DELETE's
   * propagationPolicy becomes the "orphan" / "foregroundDeletion" finalizer on this kind, and what
   * a DELETE without one means. Only kinds our garbage collector follows as owners opt in.
   * @default "Unsupported"
   */
  defaultGarbageCollectionPolicy?: GarbageCollectionPolicy;
  table: TableConvertor;
}

/** One resource type the apiserver serves. */
export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, the path segment: "pods". */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** The etcd key segment, which for historical reasons is not always the plural ("minions"). */
  etcdName: string;
  verbs: string[];
  /** Subresources served, each with its kind and group/version when it differs. */
  subresources: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[];
  categories?: string[];
  strategy: Strategy;
  /** Objects of this kind expire this long after their last write (Events: --event-ttl). */
  ttlSeconds?: number;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** "v1" or "coordination.k8s.io/v1". */
export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The etcd prefix under which all objects of a resource live, with trailing slash. */
export function etcdPrefix(def: ResourceDef): string {
  return `/registry/${def.etcdName}/`;
}

/** The etcd key of one object. */
export function etcdKey(def: ResourceDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${etcdPrefix(def)}${namespace}/${name}` : `${etcdPrefix(def)}${name}`;
}

// ## Printing helpers shared by the tables

/** Kubernetes' HumanDuration: "45s", "12m", "3h4m", "5d", as the AGE column shows. */
export function humanAge(fromIso: string | undefined, now: number): string {
  if (!fromIso) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 ? `${days}d${hours % 24}h` : `${days}d`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y${days % 365 ? `${days % 365}d` : ''}`;
}

/** A column definition with Kubernetes' descriptions trimmed to what students need. */
export function column(name: string, type: TableColumnDefinition['type'], description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format: name === 'Name' ? 'name' : format, description, priority };
}

export const NAME_COLUMN = column('Name', 'string', 'Name must be unique within a namespace.');
export const AGE_COLUMN = column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
