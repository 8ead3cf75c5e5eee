// KubeClient: typed calls to the apiserver's REST API
// ==================================================
// CONCEPT   Everything a component does to the cluster is an HTTP call to the apiserver: GET/LIST to
//           read, POST to create, PUT to replace (compare-and-swap on metadata.resourceVersion: a stale
//           write gets 409 Conflict), PATCH to change a few fields, DELETE, and `?watch=true` to
//           stream changes. Some actions are *subresources* with their own rules: a scheduler binds a
//           pod with POST pods/{name}/binding, a kubelet reports with PUT pods/{name}/status, `kubectl
//           drain` evicts with POST pods/{name}/eviction, `kubectl scale` writes .../scale.
// REAL K8S  staging/src/k8s.io/client-go/kubernetes/typed/core/v1/pod.go (the typed verbs),
//           client-go/rest/request.go and rest/client.go (the REST client underneath),
//           client-go/dynamic/simple.go (one client for any resource, like ours)
// SHIPS     The radio set every captain, crane and office uses to talk to the harbour master.
// EXAMPLE   const c = new KubeClient('http://127.0.0.1:6443');
//           const pod = await c.get('pods', 'besu-0', 'default');
//           await c.bind('default', 'besu-0', 'node-1');
//           await c.patch('nodes', 'node-1', { spec: { unschedulable: true } }, { type: 'strategic' });
// SKIPPED   server-side apply, dryRun, fieldManager, Table output, paging helpers (list's `limit` and
//           `continue` are passed through).

import type { DeleteOptions, KubeList, KubeObject, Scale, Status, WatchEvent } from '../api/types.ts';
import { realClock, type Clock } from './clock.ts';
import type { ClientConfig } from './kubeconfig.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { apiVersionOf, resourceInfo, resourcePath, type ObjectOf, type ResourceName } from './resources.ts';
import { Transport, type HttpRequest, type TransportOptions } from './transport.ts';
import { openWatch, type WatchOptions } from './watch.ts';

/** How to reach the apiserver. */
export interface KubeClientOptions extends Omit<TransportOptions, 'clock' | 'server'> {
  /** The apiserver URL. @example "http://127.0.0.1:6443" */
  server: string;
  /** Namespace for namespaced calls that name none. @default "default" */
  namespace?: string;
  /** Clock for retry backoff and timeouts. @default realClock() */
  clock?: Clock;
}

/** Filters and versions of a list (and of deleteCollection). */
export interface ListOptions {
  /** Only this namespace. @default all namespaces (the client's namespace is NOT applied to lists) */
  namespace?: string;
  /** @example "app=besu" */
  labelSelector?: string;
  /** @example "spec.nodeName=node-1,status.phase!=Succeeded" */
  fieldSelector?: string;
  /** "" (default) reads from etcd (quorum); "0" accepts the apiserver's cache. */
  resourceVersion?: string;
  limit?: number;
  continue?: string;
}

/** Options of delete and deleteCollection, sent as a DeleteOptions body. */
export interface DeleteCallOptions extends Omit<DeleteOptions, 'apiVersion' | 'kind'> {
  namespace?: string;
}

/** Patch flavours and their Content-Types. */
export const PATCH_TYPES = {
  /** RFC 7386: objects merge, lists are replaced, null deletes. */
  merge: 'application/merge-patch+json',
  /** Kubernetes' strategic merge: lists of named things (containers, conditions) merge by key. */
  strategic: 'application/strategic-merge-patch+json',
  /** RFC 6902: a list of operations ({ op: "replace", path: "/spec/replicas", value: 3 }). */
  json: 'application/json-patch+json',
} as const;

/** The Kubernetes client used by every component (client-go's clientset, dynamic-client style). */
export class KubeClient {
  readonly server: string;
  /** The namespace used when a namespaced call names none. */
  readonly namespace: string;
  readonly clock: Clock;
  private readonly transport: Transport;

  /** @param config a URL ("http://127.0.0.1:6443"), a resolved kubeconfig, or options. */
  constructor(config: string | ClientConfig | KubeClientOptions) {
    const options: KubeClientOptions = typeof config === 'string' ? { server: config } : config;
    this.clock = options.clock ?? realClock();
    this.namespace = options.namespace ?? 'default';
    this.transport = new Transport({ ...options, clock: this.clock });
    this.server = this.transport.server;
  }

  /** A client for the context of a kubeconfig file (`--kubeconfig`). */
  static fromKubeconfig(path: string, options: Partial<KubeClientOptions> & { context?: string } = {}): KubeClient {
    return new KubeClient({ ...loadKubeconfig(path, options.context), ...options });
  }

  // ## Reading

  /** GET one object. Throws ApiError (isNotFound) when it does not exist. */
  get<R extends ResourceName>(resource: R, name: string, namespace?: string): Promise<ObjectOf<R>> {
    return this.call({ method: 'GET', path: this.path(resource, namespace, name) });
  }

  /** LIST a collection; `metadata.resourceVersion` is the revision to start a watch from. */
  list<R extends ResourceName>(resource: R, options: ListOptions = {}): Promise<KubeList<ObjectOf<R>>> {
    const { namespace, ...query } = options;
    return this.call({ method: 'GET', path: resourcePath(resource, { namespace }), query: { ...query } });
  }

  /** One watch stream (see watch.ts; `watchWithResume` adds reconnection). */
  watch<T extends KubeObject = KubeObject>(resource: string, options: WatchOptions = {}): AsyncIterable<WatchEvent<T>> {
    return openWatch<T>(this.transport, resource, options);
  }

  // ## Writing

  /** POST a new object into its namespace (metadata.namespace, else the client's). */
  create<R extends ResourceName>(resource: R, obj: ObjectOf<R>): Promise<ObjectOf<R>> {
    const path = this.path(resource, obj.metadata.namespace);
    return this.call({ method: 'POST', path, body: this.withTypeMeta(resource, obj) });
  }

  /** PUT a whole object; its metadata.resourceVersion makes this a compare-and-swap (isConflict). */
  update<R extends ResourceName>(resource: R, obj: ObjectOf<R>): Promise<ObjectOf<R>> {
    return this.put(resource, obj);
  }

  /**
   * PATCH part of an object.
   * @param options.type the patch flavour. @default "merge"
   * @param options.subresource e.g. "status" or "scale". @default none
   */
  patch<R extends ResourceName>(
    resource: R, name: string, patch: unknown,
    options: { namespace?: string; type?: keyof typeof PATCH_TYPES; subresource?: string } = {},
  ): Promise<ObjectOf<R>> {
    const path = this.path(resource, options.namespace, name, options.subresource);
    return this.call({ method: 'PATCH', path, body: patch, contentType: PATCH_TYPES[options.type ?? 'merge'] });
  }

  /**
   * DELETE one object. Answers the object (still there with a deletionTimestamp while graceful
   * deletion runs) or a Status. `preconditions` make it conditional on uid / resourceVersion.
   */
  delete<R extends ResourceName>(resource: R, name: string, options: DeleteCallOptions = {}): Promise<ObjectOf<R> | Status> {
    const { namespace, ...rest } = options;
    return this.call({ method: 'DELETE', path: this.path(resource, namespace, name), body: deleteBody(rest) });
  }

  /** DELETE a whole collection, filtered by label and field selectors. */
  deleteCollection<R extends ResourceName>(
    resource: R, options: DeleteCallOptions & Omit<ListOptions, 'namespace'> = {},
  ): Promise<KubeList<ObjectOf<R>> | Status> {
    const { namespace, labelSelector, fieldSelector, resourceVersion, limit, continue: cont, ...rest } = options;
    const query = { labelSelector, fieldSelector, resourceVersion, limit, continue: cont };
    return this.call({ method: 'DELETE', path: this.path(resource, namespace), query, body: deleteBody(rest) });
  }

  // ## Subresources

  /** POST pods/{name}/binding: the scheduler's decision "run this pod on that node". */
  bind(namespace: string, podName: string, nodeName: string, podUid?: string): Promise<Status> {
    const body = {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: podName, namespace, ...(podUid ? { uid: podUid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    return this.call({ method: 'POST', path: this.path('pods', namespace, podName, 'binding'), body });
  }

  /** POST pods/{name}/eviction (policy/v1 Eviction): a delete that respects disruption budgets. */
  evict(namespace: string, podName: string, deleteOptions?: DeleteCallOptions): Promise<Status> {
    const body = {
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: podName, namespace },
      ...(deleteOptions ? { deleteOptions: deleteBody(deleteOptions) } : {}),
    };
    return this.call({ method: 'POST', path: this.path('pods', namespace, podName, 'eviction'), body });
  }

  /** PUT {resource}/{name}/status: only .status is written; spec changes in `obj` are ignored. */
  updateStatus<R extends ResourceName>(resource: R, obj: ObjectOf<R>): Promise<ObjectOf<R>> {
    return this.put(resource, obj, 'status');
  }

  /** GET {resource}/{name}/scale (autoscaling/v1 Scale), e.g. of a replicationcontroller. */
  getScale(resource: ResourceName, name: string, namespace?: string): Promise<Scale> {
    return this.call({ method: 'GET', path: this.path(resource, namespace, name, 'scale') });
  }

  /** PUT {resource}/{name}/scale: set spec.replicas through the Scale view. */
  updateScale(resource: ResourceName, scale: Scale): Promise<Scale> {
    const body = { apiVersion: 'autoscaling/v1', kind: 'Scale', ...scale };
    const path = this.path(resource, scale.metadata.namespace, scale.metadata.name, 'scale');
    return this.call({ method: 'PUT', path, body });
  }

  // ## Plumbing

  /** Any request, for what the typed calls do not cover (discovery, /version). Retries as they do. */
  request<T = unknown>(req: HttpRequest): Promise<T> {
    return this.transport.json<T>(req);
  }

  private call<T>(req: HttpRequest): Promise<T> {
    return this.transport.json<T>(req);
  }

  private put<R extends ResourceName>(resource: R, obj: ObjectOf<R>, subresource?: string): Promise<ObjectOf<R>> {
    const path = this.path(resource, obj.metadata.namespace, obj.metadata.name ?? '', subresource);
    return this.call({ method: 'PUT', path, body: this.withTypeMeta(resource, obj) });
  }

  // Namespaced kinds fall back to the client's namespace; cluster-scoped kinds take none.
  private path(resource: string, namespace?: string, name?: string, subresource?: string): string {
    const ns = resourceInfo(resource).namespaced ? namespace ?? this.namespace : undefined;
    return resourcePath(resource, { namespace: ns, name, subresource });
  }

  // The apiserver wants apiVersion and kind on every body; we fill them in when the caller did not.
  private withTypeMeta<T extends KubeObject>(resource: string, obj: T): T {
    const info = resourceInfo(resource);
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(info), kind: obj.kind ?? info.kind };
  }
}

function deleteBody(options: Omit<DeleteCallOptions, 'namespace'>): DeleteOptions {
  const { namespace: _ns, ...rest } = options as DeleteCallOptions;
  return { apiVersion: 'v1', kind: 'DeleteOptions', ...rest };
}
