// Informer: a live, local copy of a collection, with change notifications
// ======================================================================
// CONCEPT   An informer runs a Reflector (list, then watch) into a Store (a frozen, indexed cache)
//           and tells its handlers what changed: onAdd, onUpdate(old, new), onDelete. Controllers
//           read the cache, never the apiserver, and their handlers only enqueue keys.
//           Each change reaches the handlers exactly once. Watch events are checked against the
//           cached resourceVersion (a replay of what we already have is dropped). After a relist (a
//           410 Expired, a restart) the new list is *diffed* against the cache: objects we lack are
//           adds, objects whose resourceVersion moved are updates, cached objects missing from the list
//           are deletes. Changes that happened and were undone while we were not looking are never
//           seen, and that is fine: controllers act on the state, not on the history.
//           With a resync period, every cached object is handed to onUpdate(obj, obj) now and then, so
//           a controller that missed an action (a failed write) looks again (level-triggered).
// REAL K8S  staging/src/k8s.io/client-go/tools/cache/shared_informer.go (sharedIndexInformer,
//           HandleDeltas, AddEventHandler, resync), tools/cache/controller.go (processDeltas),
//           tools/cache/delta_fifo.go (Replace: deletions of objects missing from a relist)
// SHIPS     The office's copy of the harbour register, kept current by radio, ringing a bell per change.
// EXAMPLE   const pods = new Informer<Pod>(client, 'pods', { indexers: {} });
//           pods.addEventHandler({ onAdd: (p) => queue.add(objectKey(p)) });
//           pods.start(); await pods.waitForSync(); pods.byIndex('nodeName', 'node-1')
// SKIPPED   DeltaFIFO and per-handler buffering goroutines (handlers run inline, so they must be
//           quick: enqueue a key and return); DeletedFinalStateUnknown tombstones (onDelete gets the
//           last known state instead); transform functions; per-handler resync periods.

import { freeze } from 'immer';
import type { KubeObject, WatchEvent } from '../api/types.ts';
import { realClock, type Clock, type Timer } from './clock.ts';
import { Reflector, type ListWatchClient, type ReflectorSink } from './reflector.ts';
import { objectKey } from './resources.ts';
import { Store, type IndexFunc, type Lister } from './store.ts';

/** What an informer tells its handlers (cache.ResourceEventHandler). Objects are frozen. */
export interface EventHandlers<T extends KubeObject> {
  /** A new object; `initialList` is true for objects of the first list (the initial sync). */
  onAdd?(obj: T, initialList: boolean): void;
  /** A changed object; old === new on a periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** A deleted object: the final state from the DELETED event, or the last known state after a relist. */
  onDelete?(obj: T): void;
}

/** What to watch and how. */
export interface InformerOptions<T extends KubeObject> {
  /** Only this namespace. @default all namespaces */
  namespace?: string;
  /** @example "app=besu" */
  labelSelector?: string;
  /** @example "spec.nodeName=node-1" */
  fieldSelector?: string;
  /** Clock for backoff and resync. @default the client's clock, else realClock() */
  clock?: Clock;
  /** Replay every cached object to onUpdate(obj, obj) this often, in Kubernetes ms; 0 = never. @default 0 */
  resyncPeriodMs?: number;
  /** Extra indexes beside namespace, nodeName, controllerUid. @default {} @example { app: (o) => [o.metadata.labels?.app] } */
  indexers?: Record<string, IndexFunc<T>>;
  /** Where errors and relists are reported. @default console.warn */
  log?: (message: string) => void;
}

/** A shared index informer: one list+watch, one cache, any number of handlers. */
export class Informer<T extends KubeObject = KubeObject> implements Lister<T>, ReflectorSink<T> {
  readonly resource: string;
  private readonly store: Store<T>;
  private readonly reflector: Reflector<T>;
  private readonly clock: Clock;
  private handlers = new Set<EventHandlers<T>>();
  private synced = false;
  private started = false;
  private stopped = false;
  private syncWaiters: ((synced: boolean) => void)[] = [];
  private resyncTimer?: Timer;
  private readonly log: (message: string) => void;

  constructor(client: ListWatchClient & { clock?: Clock }, resource: string, private readonly options: InformerOptions<T> = {}) {
    this.resource = resource;
    this.clock = options.clock ?? client.clock ?? realClock();
    this.log = options.log ?? ((m) => console.warn(m));
    this.store = new Store<T>(options.indexers);
    this.reflector = new Reflector<T>(client, this, { ...options, resource, clock: this.clock, log: this.log });
  }

  // ## Life cycle

  /** Starts list-and-watch in the background (idempotent). */
  start(): this {
    if (this.started || this.stopped) return this;
    this.started = true;
    void this.reflector.run();
    const period = this.options.resyncPeriodMs ?? 0;
    if (period > 0) this.resyncTimer = this.clock.setInterval(() => this.resync(), period);
    return this;
  }

  /** Stops watching; the cache keeps its last contents. Pending waitForSync() resolve false. */
  stop(): void {
    this.stopped = true;
    this.reflector.stop();
    this.resyncTimer?.cancel();
    for (const resolve of this.syncWaiters.splice(0)) resolve(false);
  }

  /** Whether start() was called and stop() was not. */
  get running(): boolean {
    return this.started && !this.stopped;
  }

  /** True once the first list has been delivered to the cache and handlers (HasSynced). */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true when synced, false if stopped first (cache.WaitForCacheSync). */
  waitForSync(): Promise<boolean> {
    if (this.synced || this.stopped) return Promise.resolve(this.synced);
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Lists after the first (410 Expired or list errors): how often the watch could not resume. */
  get relists(): number {
    return this.reflector.relists;
  }

  /** The resourceVersion the informer has seen up to (LastSyncResourceVersion). */
  lastSyncResourceVersion(): string {
    return this.reflector.lastResourceVersion;
  }

  // ## Handlers

  /**
   * Registers handlers (AddEventHandler); returns a function that removes them. Handlers added after
   * the sync first get onAdd(obj, true) for every cached object, as client-go does.
   */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.store.list()) call(this.log, () => handlers.onAdd?.(obj, true));
    return () => this.handlers.delete(handlers);
  }

  // ## The cache (read-only)

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): T[] {
    return this.store.list();
  }

  keys(): string[] {
    return this.store.keys();
  }

  byIndex(indexName: string, value: string): T[] {
    return this.store.byIndex(indexName, value);
  }

  get size(): number {
    return this.store.size;
  }

  /** Adds an index, also after start. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.store.addIndexer(name, fn);
  }

  // ## What the reflector delivers

  /** A watch event: applied to the cache unless it is a replay of what we hold. */
  apply(event: WatchEvent<T>): void {
    const key = objectKey(event.object);
    const old = this.store.get(key);
    if (event.type === 'DELETED') {
      if (!old) return;
      this.store.remove(key);
      return this.notifyDelete(freeze(event.object, true) as T);
    }
    // @doc: informer-drop-replayed-event
    if (old && !isNewer(old, event.object)) return;
    const cur = this.store.put(event.object);
    if (old) this.notifyUpdate(old, cur);
    else this.notifyAdd(cur, false);
  }

  /** A fresh list: diffed against the cache so handlers see each change once (DeltaFIFO.Replace). */
  replace(items: T[], _resourceVersion: string): void {
    const seen = new Set<string>();
    const initial = !this.synced;
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const old = this.store.get(key);
      if (!old) this.notifyAdd(this.store.put(item), initial);
      else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) this.notifyUpdate(old, this.store.put(item));
    }
    // @doc: informer-relist-deletes
    for (const key of this.store.keys()) {
      if (!seen.has(key)) this.notifyDelete(this.store.remove(key)!);
    }
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve(true);
    }
  }

  // ## Internals

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.store.list()) this.notifyUpdate(obj, obj);
  }

  private notifyAdd(obj: T, initial: boolean): void {
    for (const h of this.handlers) call(this.log, () => h.onAdd?.(obj, initial));
  }

  private notifyUpdate(old: T, cur: T): void {
    for (const h of this.handlers) call(this.log, () => h.onUpdate?.(old, cur));
  }

  private notifyDelete(obj: T): void {
    for (const h of this.handlers) call(this.log, () => h.onDelete?.(obj));
  }
}

// A failing handler must not stop the others, nor the informer.
function call(log: (m: string) => void, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    log(`informer handler threw: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

/**
 * Whether `next` is a newer version than `cached`. resourceVersions are opaque to clients in
 * Kubernetes; here they are etcd revisions, so we compare them as numbers to drop replays and
 * stale events, and fall back to "different means newer" for anything non-numeric.
 */
export function isNewer(cached: KubeObject, next: KubeObject): boolean {
  const a = cached.metadata.resourceVersion ?? '';
  const b = next.metadata.resourceVersion ?? '';
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(b) > BigInt(a);
  return a !== b;
}
