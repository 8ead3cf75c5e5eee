// Reflector: list, then watch, and list again when the watch is too far behind
// ===========================================================================
// CONCEPT   To mirror a collection, a client first LISTs it (the state, and the revision it was read
//           at), then WATCHes from that revision, so every later change arrives as an event. When the
//           stream drops, watchWithResume reconnects from the last revision seen. But if that revision
//           is gone (etcd compacted it, the apiserver restarted with a fresh cache), the apiserver
//           answers 410 Expired: events in between are lost for good, so the reflector LISTs again
//           and hands the whole new state to its sink, which diffs it against the cache. This is the
//           loop every informer, and so every controller, scheduler and kubelet, runs underneath.
// REAL K8S  staging/src/k8s.io/client-go/tools/cache/reflector.go (ListAndWatch, watchHandler,
//           the 410 "too old resource version" relist), tools/cache/listwatch.go (ListerWatcher)
// SHIPS     The office clerk who copies the harbour register once, then notes every radio message;
//           if a stretch of messages was lost, the clerk copies the whole register again.
// EXAMPLE   list -> 3 pods @rv 100 -> watch from 100 -> MODIFIED @105 -> (apiserver restarts)
//           -> watch from 105 -> 410 Expired -> list -> 3 pods @rv 240 -> watch from 240 ...
// SKIPPED   paginated initial lists, WatchList streaming (KEP-3157), the DeltaFIFO queue: our sink
//           applies each change to the cache and calls handlers directly, in order.

import type { KubeList, KubeObject, WatchEvent } from '../api/types.ts';
import type { Clock } from './clock.ts';
import { Backoff } from './backoff.ts';
import { isGone } from './errors.ts';
import { apiVersionOf, resourceInfo } from './resources.ts';
import type { ListOptions } from './rest.ts';
import { watchWithResume, type Watcher } from './watch.ts';

/** The two calls a reflector makes: a KubeClient, or a fake in tests (cache.ListerWatcher). */
export interface ListWatchClient extends Watcher {
  list(resource: string, options?: ListOptions): Promise<KubeList<KubeObject>>;
}

/** Where a reflector delivers what it learns (the informer). */
export interface ReflectorSink<T extends KubeObject> {
  /** A fresh list: the complete state at `resourceVersion` (DeltaFIFO.Replace). */
  replace(items: T[], resourceVersion: string): void;
  /** One watch event, in order: ADDED, MODIFIED or DELETED (never BOOKMARK or ERROR). */
  apply(event: WatchEvent<T>): void;
}

/** What to mirror. */
export interface ReflectorOptions {
  resource: string;
  /** @default all namespaces */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  clock: Clock;
  /** Told about errors and relists. @default console.warn */
  log?: (message: string) => void;
}

/** Runs list-and-watch for one collection until stopped. */
export class Reflector<T extends KubeObject> {
  /** How many times we listed after the first list (410 Expired, list errors). */
  relists = 0;
  /** The revision of the last list or event: where a watch would resume. */
  lastResourceVersion = '';
  private eventsSinceList = 0;
  private expired = false;
  private readonly abort = new AbortController();
  private readonly log: (message: string) => void;
  private readonly typeMeta?: { apiVersion: string; kind: string };

  constructor(
    private readonly client: ListWatchClient,
    private readonly sink: ReflectorSink<T>,
    private readonly options: ReflectorOptions,
  ) {
    this.log = options.log ?? ((m) => console.warn(m));
    this.typeMeta = typeMetaFor(options.resource);
  }

  /** Lists and watches until `stop()`; resolves then. */
  async run(): Promise<void> {
    // The Reflector's own backoff (800 ms doubling to 30 s, full jitter) spaces out failed lists.
    const backoff = new Backoff({ initialMs: 800, factor: 2, capMs: 30_000, jitter: 1 });
    let first = true;
    while (!this.abort.signal.aborted) {
      try {
        if (!first) this.relists++;
        first = false;
        await this.listAndWatch(() => backoff.reset());
      } catch (e) {
        if (this.abort.signal.aborted) return;
        // @doc: reflector-relist-on-410
        if (isGone(e)) {
          this.expired = true;
          this.log(`reflector ${this.options.resource}: resourceVersion ${this.lastResourceVersion} expired (410), relisting`);
          // Relist at once, unless the last list led nowhere: then an apiserver answering 410 over and
          // over would have us list in a tight loop, so we back off first.
          if (this.eventsSinceList === 0) await this.options.clock.sleep(backoff.next());
          continue;
        }
        this.log(`reflector ${this.options.resource}: ${describe(e)}; retrying`);
        await this.options.clock.sleep(backoff.next());
      }
    }
  }

  /** Ends the watch; `run()` then resolves. */
  stop(): void {
    this.abort.abort();
  }

  // @doc: reflector-relist-resource-version
  // Which state a list may come from (relistResourceVersion): the first list takes any recent state
  // ("0", served from the apiserver's watch cache, cheap); later lists at least as new as what we
  // have seen; after a 410 our version is gone, so we ask for the newest state ("", read from etcd).
  private relistResourceVersion(): string {
    if (this.expired) return '';
    return this.lastResourceVersion || '0';
  }

  private withTypeMeta(obj: T): T {
    if ((obj.kind && obj.apiVersion) || !this.typeMeta) return obj;
    return { ...this.typeMeta, ...obj, apiVersion: obj.apiVersion ?? this.typeMeta.apiVersion, kind: obj.kind ?? this.typeMeta.kind };
  }

  private async listAndWatch(onListed: () => void): Promise<void> {
    const { resource, namespace, labelSelector, fieldSelector, clock } = this.options;
    const list = await this.client.list(resource, { namespace, labelSelector, fieldSelector, resourceVersion: this.relistResourceVersion() });
    if (this.abort.signal.aborted) return;
    this.expired = false;
    this.lastResourceVersion = list.metadata.resourceVersion ?? '';
    this.sink.replace(list.items.map((o) => this.withTypeMeta(o as T)), this.lastResourceVersion);
    this.eventsSinceList = 0;
    onListed();
    const events = watchWithResume<T>(this.client, resource, {
      namespace, labelSelector, fieldSelector, clock, resourceVersion: this.lastResourceVersion,
      signal: this.abort.signal, emitBookmarks: true,
      onError: (e) => this.log(`reflector ${resource}: watch dropped (${describe(e)}); resuming from ${this.lastResourceVersion}`),
    });
    for await (const event of events) {
      this.lastResourceVersion = event.object.metadata?.resourceVersion ?? this.lastResourceVersion;
      this.eventsSinceList++;
      // A BOOKMARK only moves our resume point; there is no object change to deliver.
      if (event.type !== 'BOOKMARK') this.sink.apply({ type: event.type, object: this.withTypeMeta(event.object) });
    }
  }
}

// List items arrive without apiVersion and kind (the list carries them once). Unlike client-go we
// fill them in, so cached objects say what they are (an EventRecorder needs the kind, for one).
function typeMetaFor(resource: string): { apiVersion: string; kind: string } | undefined {
  try {
    const info = resourceInfo(resource);
    return { apiVersion: apiVersionOf(info), kind: info.kind };
  } catch {
    return undefined;
  }
}

function describe(e: unknown): string {
  const cause = (e as { cause?: { code?: string } })?.cause?.code;
  return `${e instanceof Error ? e.message : String(e)}${cause ? ` (${cause})` : ''}`;
}
