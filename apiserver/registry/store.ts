// The generic registry store: create, read, update for every resource
// ===================================================================
// CONCEPT   Every write follows the same path, whatever the kind: decode, check the object belongs
//           at this URL, let the strategy default and validate it, run admission (does the
//           namespace exist?), then one etcd transaction. Updates are "guaranteed updates": read
//           the current object, compute the new one, compare-and-swap on the revision we read, and
//           if someone else wrote in between, read again and retry - unless the client itself named
//           a resourceVersion, in which case it gets 409 Conflict and decides what to do.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go (Create, Update,
//           GuaranteedUpdate), apiserver/pkg/registry/rest/create.go (BeforeCreate), update.go
// SHIPS     The records clerk's routine, the same for every form: check, stamp, file.
// EXAMPLE   update(pods, "default", "a", body with resourceVersion "41") when etcd holds 42
//           => 409 'Operation cannot be fulfilled on pods "a": the object has been modified; ...'
// SKIPPED   Server-side apply and managedFields, dry-run of allocations, admission webhooks.

import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/types.ts';
import { generateNameSuffix, isDNS1123Label, isDNS1123Subdomain } from '../../api/names.ts';
import type { EtcdStore, SideKey } from '../storage/etcd-store.ts';
import type { WatchCache } from '../storage/watch-cache.ts';
import { alreadyExists, badRequest, cause, conflict, failure, invalid, notFound } from '../status.ts';
import { validateMetadata } from './metadata.ts';
import { deepEqualJson } from '../patch/json-value.ts';
import { apiVersionOf, etcdKey, etcdPrefix, type ResourceDef, type StrategyContext } from './strategy.ts';

/** How an update computes the new object from the current one; may throw a StatusError. */
export type TryUpdate = (current: KubeObject) => KubeObject;

const MAX_UPDATE_ATTEMPTS = 16;
const MAX_ALLOCATION_ATTEMPTS = 5;

export class RegistryStore {
  readonly caches = new Map<string, WatchCache>();
  private byPlural = new Map<string, ResourceDef>();

  constructor(readonly etcd: EtcdStore, readonly defs: ResourceDef[]) {
    for (const d of defs) this.byPlural.set(d.plural, d);
  }

  def(plural: string): ResourceDef {
    return this.byPlural.get(plural)!;
  }

  cache(def: ResourceDef): WatchCache {
    return this.caches.get(etcdPrefix(def))!;
  }

  context(): StrategyContext {
    return {
      // RFC 3339 to the second, as Kubernetes writes metav1.Time: "2026-11-22T17:19:40Z".
      now: new Date().toISOString().slice(0, 19) + 'Z',
      lookup: (plural, ns, name) => {
        const def = this.byPlural.get(plural);
        return def && this.cache(def).get(etcdKey(def, ns, name));
      },
    };
  }

  // ## Reads
  /** A consistent read of one object, straight from etcd. */
  async get(def: ResourceDef, ns: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.etcd.get(etcdKey(def, ns, name));
    if (!obj) throw notFound(def, name);
    return withTypeMeta(def, obj);
  }

  // ## Create
  async create(def: ResourceDef, ns: string | undefined, obj: KubeObject, dryRun = false): Promise<KubeObject> {
    const meta = obj.metadata;
    if (def.namespaced) {
      if (meta.namespace && meta.namespace !== ns) {
        throw badRequest(`the namespace of the provided object ("${meta.namespace}") does not match the namespace sent on the request ("${ns}")`);
      }
      meta.namespace = ns;
    } else delete meta.namespace;
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    this.validateName(def, meta.name, meta.generateName);
    const context = this.context();
    Object.assign(meta, { uid: randomUUID(), creationTimestamp: context.now });
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (def.strategy.tracksGeneration !== false) meta.generation = 1;
    else delete meta.generation;

    const s = def.strategy;
    const causes = wrongTypeIsBadRequest(def, () => {
      s.prepareForCreate?.(obj, context);
      s.defaults?.(obj);
      return [...validateMetadata(obj), ...(s.validate?.(obj) ?? [])];
    });
    if (causes.length) throw invalid(def.kind, meta.name!, causes, def.group);
    if (def.namespaced) await this.admitNamespace(ns!);
    // Two concurrent creates can pick the same free ClusterIP or NodePort before either is stored.
    // The loser's transaction fails on the reservation key; it waits until the watch cache has seen
    // the winner and picks again, as the real allocators retry their compare-and-swap.
    const key = etcdKey(def, ns, meta.name!);
    const unallocated = s.allocate ? structuredClone(obj) : obj;
    for (let attempt = 1; ; attempt++) {
      const candidate = attempt === 1 ? obj : structuredClone(unallocated);
      const side = await this.allocate(def, candidate, undefined);
      if (dryRun) return withTypeMeta(def, candidate);
      const result = await this.etcd.create(key, candidate, side, def.ttlSeconds);
      if (result.ok) return withTypeMeta(def, result.object);
      if (await this.etcd.get(key)) throw alreadyExists(def, meta.name!);
      if (!side.length || attempt >= MAX_ALLOCATION_ATTEMPTS) {
        throw conflict(def, meta.name!, 'an address it was given was taken at the same moment; please retry');
      }
      await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
    }
  }

  private validateName(def: ResourceDef, name: string | undefined, generateName?: string): void {
    if (!name) {
      throw invalid(def.kind, '', [cause('metadata.name', 'Required value: name or generateName is required', 'FieldValueRequired')], def.group);
    }
    const problems = def.strategy.nameIsLabel ? isDNS1123Label(name) : isDNS1123Subdomain(name);
    if (problems.length) {
      const field = generateName && name.startsWith(generateName) ? 'metadata.generateName' : 'metadata.name';
      throw invalid(def.kind, name, problems.map((m) => cause(field, `Invalid value: "${name}": ${m}`)), def.group);
    }
  }

  /** NamespaceLifecycle admission: no new objects in a missing or terminating namespace. */
  private async admitNamespace(ns: string): Promise<void> {
    const nsDef = this.def('namespaces');
    const found = this.cache(nsDef).get(etcdKey(nsDef, undefined, ns)) ?? (await this.etcd.get(etcdKey(nsDef, undefined, ns)));
    if (!found) throw notFound(nsDef, ns);
    if (found.metadata.deletionTimestamp) {
      throw failure(403, 'Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`);
    }
  }

  /** Runs the strategy's allocator against what every stored object of the kind already holds. */
  private async allocate(def: ResourceDef, obj: KubeObject, old: KubeObject | undefined): Promise<SideKey[]> {
    const s = def.strategy;
    if (!s.allocate) return [];
    const taken = new Set<string>();
    for (const other of this.cache(def).list().items) {
      if (other.metadata.uid !== obj.metadata.uid) for (const k of s.release?.(other) ?? []) taken.add(k);
    }
    let side: SideKey[];
    try {
      side = s.allocate(obj, old, (k) => taken.has(k));
    } catch (err) {
      throw failure(500, 'InternalError', `Internal error occurred: failed to allocate: ${(err as Error).message}`);
    }
    // The cache can be a moment behind etcd: a port released by a delete that has not reached
    // the cache yet is free. etcd's reservation key decides; the transaction re-checks it anyway.
    const suspect = side.find((k) => k.value !== undefined && taken.has(k.key));
    const clash = suspect && (await this.etcd.exists(suspect.key)) ? suspect : undefined;
    if (clash) {
      const what = clash.key.split('/').pop();
      const field = clash.key.includes('nodeports') ? 'spec.ports[].nodePort' : 'spec.clusterIPs[0]';
      throw invalid(def.kind, obj.metadata.name!, [cause(field, `Invalid value: ${what}: provided ${clash.key.includes('nodeports') ? 'port' : 'IP'} is already allocated`)], def.group);
    }
    return side;
  }

  // ## Update: read, compute, compare-and-swap, retry
  /**
   * Applies `tryUpdate` to the current object until the write lands. With `precondition` (the
   * resourceVersion the client sent), a concurrent write is the client's problem: 409 Conflict.
   */
  async guaranteedUpdate(def: ResourceDef, ns: string | undefined, name: string, tryUpdate: TryUpdate, precondition?: string): Promise<KubeObject> {
    const key = etcdKey(def, ns, name);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.etcd.get(key);
      if (!current) throw notFound(def, name);
      const rv = current.metadata.resourceVersion!;
      if (precondition && precondition !== rv) throw staleConflict(def, name);
      const next = tryUpdate(withTypeMeta(def, structuredClone(current)));
      next.metadata.resourceVersion = rv;
      if (sameContent(current, next, def)) return withTypeMeta(def, current);
      const side = await this.allocate(def, next, current);
      const result = await this.etcd.update(key, next, Number(rv), side, def.ttlSeconds);
      if (result.ok) return withTypeMeta(def, result.object);
      if (result.why === 'notfound') throw notFound(def, name);
      if (precondition) throw staleConflict(def, name);
    }
    throw conflict(def, name, 'too many concurrent writers; please retry');
  }

  /** The rules every update of the main resource follows, whatever the kind. */
  applyUpdate(def: ResourceDef, current: KubeObject, incoming: KubeObject): KubeObject {
    const meta = incoming.metadata;
    const old = current.metadata;
    if (meta.uid && meta.uid !== old.uid) {
      throw conflict(def, old.name!, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.uid}`);
    }
    incoming.metadata = {
      ...meta,
      name: old.name, namespace: old.namespace, uid: old.uid, creationTimestamp: old.creationTimestamp,
      deletionTimestamp: old.deletionTimestamp, deletionGracePeriodSeconds: old.deletionGracePeriodSeconds,
      generation: old.generation,
    };
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace'] as const) {
      if (incoming.metadata[k] === undefined) delete incoming.metadata[k];
    }
    const s = def.strategy;
    const causes = wrongTypeIsBadRequest(def, () => {
      s.prepareForUpdate?.(incoming, current);
      s.defaults?.(incoming);
      return [...validateMetadata(incoming), ...(s.validateUpdate ?? s.validate)?.call(s, incoming, current) ?? []];
    });
    if (causes.length) throw invalid(def.kind, old.name!, causes, def.group);
    if (s.tracksGeneration !== false && !sameJson(incoming.spec, current.spec)) {
      incoming.metadata.generation = (old.generation ?? 1) + 1;
    }
    return incoming;
  }

  /** A status write changes status and nothing else, as every statusStrategy does. */
  applyStatusUpdate(current: KubeObject, incoming: KubeObject): KubeObject {
    return { ...current, status: incoming.status };
  }
}

/**
 * A safety net. Values of the wrong JSON type are refused while decoding (schema/types.ts, with
 * Go's "cannot unmarshal string into Go struct field ..."), before any strategy runs. What can
 * still reach a strategy is what Go accepts but our strategies may trip on: `null` (Go's zero
 * value, e.g. `"spec": null`) and untyped fields of kinds whose tables use `scalar` leaves. A
 * TypeError from defaulting or validation is then still the client's 400, never a 500.
 */
function wrongTypeIsBadRequest<T>(def: ResourceDef, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: a field is null or has a JSON type this simulator cannot use (${err.message})`);
  }
}

export function staleConflict(def: ResourceDef, name: string) {
  return conflict(def, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

/** Sets apiVersion and kind, which we do not rely on the client to have sent. */
export function withTypeMeta(def: ResourceDef, obj: KubeObject): KubeObject {
  if (obj.apiVersion === apiVersionOf(def) && obj.kind === def.kind) return obj;
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { apiVersion: apiVersionOf(def), kind: def.kind, ...rest } as KubeObject;
}

function sameContent(a: KubeObject, b: KubeObject, def: ResourceDef): boolean {
  return sameJson(withTypeMeta(def, a), withTypeMeta(def, b));
}

/**
 * Equal as JSON documents, whatever the order of keys: clients such as @kubernetes/client-node
 * re-serialize objects with their keys in another order, and that is not a change
 * (Kubernetes compares with apiequality.Semantic.DeepEqual). Undefined members count as absent.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const plain = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  return deepEqualJson(plain(a), plain(b));
}
