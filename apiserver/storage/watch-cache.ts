// The watch cache: one etcd watch per resource, fanned out to every watcher
// ==========================================================================
// CONCEPT   Hundreds of clients watch pods (every kubelet, the scheduler, controllers, kubectl -w).
//           If each opened its own etcd watch, etcd would do the work hundreds of times. Instead the
//           apiserver keeps, per resource type, ONE etcd watch, a copy of the current objects, and a
//           ring of recent events. Each event is serialized to JSON once and the same bytes go to
//           every watcher whose filter accepts it. A watcher that reconnects with a recent
//           resourceVersion is replayed the events it missed; one that asks for a version older than
//           the ring remembers gets 410 Expired and must list again.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go and watch_cache.go
// SHIPS     The radio room's copy of the records: one clerk listens to the records office and
//           reads each new entry out to every ship tuned in, instead of every ship calling the office.
// EXAMPLE   cache.watch({ fromRevision: 120, filter }, send) replays events 121..now, then streams
//           cache.watch({ fromRevision: 3 }) when the ring starts at 500    => throws 410 Expired
// SKIPPED   Indexed triggers (real cacher skips watchers by spec.nodeName without testing each),
//           progress-notify based bookmarks (ours carry the cache's newest revision).

import type { KubeObject, WatchEventType } from '../../api/types.ts';
import { expired } from '../status.ts';
import { decode, type EtcdStore } from './etcd-store.ts';
import type { KeyValue } from './etcd-proto.ts';

/** One change to one object, as the cache saw it in etcd's watch stream. */
export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  object: KubeObject;
  /** The object before this change (MODIFIED and DELETED). */
  prev?: KubeObject;
  revision: number;
  /** Serialized `{"type","object"}` lines, made once per event type and shared by all watchers. */
  lines?: Partial<Record<WatchEventType, string>>;
}

/** What a watcher wants: it answers whether an object (at one moment) is of interest. */
export type WatchFilter = (obj: KubeObject) => boolean;

/** A live subscription. `send` gets the event type the watcher should see and the shared event. */
export interface CacheWatcher {
  fromRevision: number;
  filter: WatchFilter;
  send(type: WatchEventType, event: CacheEvent): void;
  /**
   * Called when the cache ends the watch. With `expired`, the client must relist (the cache had
   * to start over) and is told so with a 410; without, the stream just ends (shutdown), as the
   * real apiserver closes watches when it stops, and clients resume from their last version.
   */
  close(reason: string, expired: boolean): void;
}

/** The shared JSON line for an event, built the first time any watcher needs it. */
export function eventLine(type: WatchEventType, event: CacheEvent): string {
  const lines = (event.lines ??= {});
  return (lines[type] ??= `{"type":"${type}","object":${JSON.stringify(event.object)}}\n`);
}

export class WatchCache {
  private objects = new Map<string, KubeObject>();
  private ring: CacheEvent[] = [];
  private ringStart = 0;
  private watchers = new Set<CacheWatcher>();
  private etcdWatch?: { cancel(): void };
  private stopped = false;
  /** Newest revision applied to the cache. */
  revision = 0;
  /** Every event with a revision above this one is still in the ring. */
  private oldest = 0;
  readonly ready: Promise<void>;

  /**
   * @param prefix the etcd key prefix of one resource type, e.g. "/registry/pods/"
   * @param capacity how many recent events to remember for resuming watchers. @default 10000
   */
  constructor(private store: EtcdStore, readonly prefix: string, private capacity = 10_000) {
    this.ready = this.initialize();
  }

  // ## Starting: list everything at one revision, then watch from the next one.
  private async initialize(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const { items, revision } = await this.store.list(this.prefix);
        this.objects = new Map(items.map((o) => [keyOf(o, this.prefix), o]));
        this.ring = [];
        this.ringStart = 0;
        this.revision = this.oldest = revision;
        this.startWatch(revision + 1);
        return;
      } catch {
        // etcd is down: keep trying; requests meanwhile are answered 503 by the store.
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  private startWatch(fromRevision: number): void {
    this.etcdWatch = this.store.watch({
      prefix: this.prefix,
      fromRevision,
      onEvents: (events) => {
        for (const ev of events) this.apply(ev.type, ev.kv, ev.prevKv);
      },
      // etcd cancels a watch whose start revision was compacted: the cache must start over, and
      // so must every client watching through it.
      onCompacted: () => void this.restart('the watch cache had to relist from etcd'),
    });
  }

  private async restart(reason: string): Promise<void> {
    if (this.stopped) return;
    this.etcdWatch?.cancel();
    for (const w of this.watchers) w.close(reason, true);
    this.watchers.clear();
    await this.initialize();
  }

  // ## Applying one etcd event: update the objects, remember it, fan it out.
  private apply(kind: 'put' | 'delete', kv: KeyValue, prevKv?: KeyValue): void {
    const key = kv.key.toString();
    const revision = kv.modRevision;
    if (revision < this.revision) return; // already seen (a resumed etcd watch can repeat)
    let event: CacheEvent;
    if (kind === 'delete') {
      const prev = this.objects.get(key) ?? (prevKv ? decode(prevKv.value, prevKv.modRevision) : undefined);
      this.objects.delete(key);
      if (!prev) return void (this.revision = revision);
      const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(revision) } };
      event = { type: 'DELETED', key, object, prev, revision };
    } else {
      const object = decode(kv.value, kv.modRevision);
      const prev = this.objects.get(key);
      this.objects.set(key, object);
      event = { type: prev ? 'MODIFIED' : 'ADDED', key, object, prev, revision };
    }
    this.revision = revision;
    this.remember(event);
    for (const w of this.watchers) if (revision > w.fromRevision) deliver(w, event);
  }

  private remember(event: CacheEvent): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(event);
      return;
    }
    this.oldest = this.ring[this.ringStart].revision;
    this.ring[this.ringStart] = event;
    this.ringStart = (this.ringStart + 1) % this.capacity;
  }

  // ## Serving reads.
  /** The current objects (optionally under a narrower key prefix) and the revision they reflect. */
  list(keyPrefix = this.prefix): { items: KubeObject[]; revision: number } {
    const items: KubeObject[] = [];
    for (const [key, obj] of this.objects) if (key.startsWith(keyPrefix)) items.push(obj);
    items.sort((a, b) => (keyOf(a, '') < keyOf(b, '') ? -1 : 1));
    return { items, revision: this.revision };
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /**
   * Subscribes a watcher. With `initialEvents`, it first gets a synthetic ADDED for every current
   * object it selects; otherwise it is replayed every remembered event after `fromRevision`.
   * Throws 410 Expired when `fromRevision` is older than the ring remembers.
   */
  watch(watcher: CacheWatcher, initialEvents: boolean): () => void {
    if (initialEvents) {
      const current = [...this.objects.entries()].sort((a, b) => Number(a[1].metadata.resourceVersion) - Number(b[1].metadata.resourceVersion));
      for (const [key, object] of current) {
        if (watcher.filter(object)) watcher.send('ADDED', { type: 'ADDED', key, object, revision: Number(object.metadata.resourceVersion) });
      }
      watcher.fromRevision = this.revision;
    } else {
      if (watcher.fromRevision < this.oldest) {
        throw expired(`too old resource version: ${watcher.fromRevision} (${this.oldest})`);
      }
      for (const event of this.replay(watcher.fromRevision)) deliver(watcher, event);
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private *replay(after: number): Generator<CacheEvent> {
    for (let i = 0; i < this.ring.length; i++) {
      const event = this.ring[(this.ringStart + i) % this.ring.length];
      if (event.revision > after) yield event;
    }
  }

  /** How many clients are watching through this cache (shown on the dashboard and in tests). */
  get watcherCount(): number {
    return this.watchers.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watchers) w.close('the apiserver is shutting down', false);
    this.watchers.clear();
    this.etcdWatch?.cancel();
  }
}

/**
 * Decides what a filtered watcher sees, as the real cacher does: an object that starts matching
 * arrives as ADDED, one that stops matching leaves as DELETED, others pass as they are.
 */
function deliver(w: CacheWatcher, event: CacheEvent): void {
  const now = event.type !== 'DELETED' && w.filter(event.object);
  const before = event.prev !== undefined && event.type !== 'ADDED' && w.filter(event.prev);
  if (event.type === 'DELETED') {
    if (before || w.filter(event.object)) w.send('DELETED', event);
  } else if (now && before) w.send('MODIFIED', event);
  else if (now) w.send('ADDED', event);
  else if (before) w.send('DELETED', event);
}

function keyOf(obj: KubeObject, prefix: string): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${prefix}${namespace}/${name}` : `${prefix}${name}`;
}
