// Store: the informer's frozen, indexed cache
// ==========================================
// CONCEPT   An informer keeps the latest copy of every object it watches in memory, so controllers
//           read from RAM instead of asking the apiserver. Objects are keyed "namespace/name", and
//           *indexes* answer questions like "which pods are on node-1?" without scanning them all.
//           Cached objects are shared by every reader, so they are deep-frozen (immer's `freeze`):
//           assigning to one throws a TypeError. To change an object, derive a new one with
//           `produce(cached, draft => { draft.spec.replicas = 3 })` and send *that* to the apiserver.
//           NEVER modify objects from the store.
// REAL K8S  staging/src/k8s.io/client-go/tools/cache/thread_safe_store.go, index.go (Indexers,
//           IndexFunc, MetaNamespaceIndexFunc), store.go (MetaNamespaceKeyFunc)
// SHIPS     The office's card index of every container, cross-filed by ship.
// EXAMPLE   store.byIndex('nodeName', 'node-1')          => [pod besu-0, pod besu-3]
//           store.byIndex('controllerUid', rc.metadata.uid) => the pods that RC owns
//           store.get('default/besu-0').spec.nodeName = 'x' // TypeError: read-only
// SKIPPED   Index-on-the-fly (AddIndexers after start is allowed here, but we rebuild at once).

import { freeze } from 'immer';
import type { KubeObject } from '../api/types.ts';
import { objectKey } from './resources.ts';

/** Maps an object to the index values it is filed under (none: not in this index). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => (string | undefined)[];

/** The indexes every store has. */
export const BUILTIN_INDEXERS: Record<string, IndexFunc<KubeObject>> = {
  /** cache.NamespaceIndex: objects by metadata.namespace. */
  namespace: (o) => [o.metadata.namespace],
  /** Pods by spec.nodeName (what a kubelet and the node controller ask). */
  nodeName: (o) => [(o.spec as { nodeName?: string } | undefined)?.nodeName],
  /** Objects by the uid of their controller owner (ownerReferences[controller=true]). */
  controllerUid: (o) => [o.metadata.ownerReferences?.find((r) => r.controller)?.uid],
};

/** A read-only view of a store: what controllers get (cache.Indexer's read side, a "lister"). */
export interface Lister<T extends KubeObject> {
  /** The cached object with this key ("namespace/name", or "name" if cluster-scoped). */
  get(key: string): T | undefined;
  /** Every cached object, in no particular order. */
  list(): T[];
  /** Every key. */
  keys(): string[];
  /** The objects filed under `value` in index `indexName` (throws for an unknown index). */
  byIndex(indexName: string, value: string): T[];
  readonly size: number;
}

/** The cache behind an informer. Only the informer writes; everyone else reads through Lister. */
export class Store<T extends KubeObject = KubeObject> implements Lister<T> {
  private items = new Map<string, T>();
  private indexers: Record<string, IndexFunc<T>>;
  private indices = new Map<string, Map<string, Set<string>>>();

  /** @param indexers extra indexes, merged with BUILTIN_INDEXERS. @default {} */
  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.indexers = { ...(BUILTIN_INDEXERS as Record<string, IndexFunc<T>>), ...indexers };
    for (const name of Object.keys(this.indexers)) this.indices.set(name, new Map());
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`no index named "${indexName}"`);
    return [...(index.get(value) ?? [])].map((key) => this.items.get(key)!);
  }

  /** Adds an index afterwards and files every cached object in it (AddIndexers). */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexers[name] = fn;
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.file(name, key, obj, +1);
  }

  /**
   * Stores `obj` (deep-frozen) and re-files its index entries; returns the frozen object.
   * @doc: store-freeze
   */
  put(obj: T): T {
    const key = objectKey(obj);
    const frozen = freeze(obj, true) as T;
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, frozen);
    for (const name of Object.keys(this.indexers)) this.file(name, key, frozen, +1);
    return frozen;
  }

  /** Removes the object with `key`; returns what was cached, if anything. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: T): void {
    for (const name of Object.keys(this.indexers)) this.file(name, key, obj, -1);
  }

  // Adds (+1) or removes (-1) `key` under every value the index function gives for `obj`.
  private file(name: string, key: string, obj: T, delta: 1 | -1): void {
    const index = this.indices.get(name)!;
    for (const value of this.indexers[name](obj)) {
      if (value === undefined || value === '') continue;
      let keys = index.get(value);
      if (delta > 0) {
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      } else if (keys) {
        keys.delete(key);
        if (keys.size === 0) index.delete(value);
      }
    }
  }
}
