// EventRecorder: what `kubectl describe` shows under "Events:"
// ==========================================================
// CONCEPT   Components explain themselves by writing Event objects: "Scheduled: Successfully assigned
//           default/besu-0 to node-1", "BackOff: Back-off restarting failed container". An Event names
//           the object it is about (involvedObject), who said it (source.component, source.host) and
//           why (reason, a CamelCase word) and what (message). A crash-looping pod would write the same
//           event every few seconds, so repeats of the same (object, type, reason, message) are folded
//           into *one* Event whose `count` grows and whose `lastTimestamp` moves: a PATCH instead of a
//           new object. Events are best-effort: a failure to record one is logged and dropped, never
//           thrown into the component that was only trying to explain itself.
// REAL K8S  staging/src/k8s.io/client-go/tools/record/event.go (recorder, generateEvent, the
//           create-or-patch in recordToSink), tools/record/events_cache.go (EventCorrelator,
//           eventLogger: the dedupe key and count)
// SHIPS     The harbour log book: "container 7 dropped again (x12)" instead of twelve lines.
// EXAMPLE   rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')   // count 1
//           rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')   // count 2
// SKIPPED   the aggregator that merges *similar* messages ("combined from similar events"), the
//           per-object spam filter (token bucket), events.k8s.io/v1 EventSeries.

import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import type { Event, KubeObject, ObjectReference } from '../api/types.ts';
import type { Clock } from './clock.ts';
import { isNotFound } from './errors.ts';
import type { KubeClient } from './rest.ts';

/** Options of an EventRecorder (record.EventSource plus sink settings). */
export interface EventRecorderOptions {
  client: Pick<KubeClient, 'create' | 'patch'>;
  clock: Clock;
  /** source.component and reportingComponent. @example "default-scheduler" */
  component: string;
  /** source.host and reportingInstance. @default os.hostname() */
  host?: string;
  /** Distinct events remembered for folding repeats (LRU, as maxLruCacheEntries). @default 4096 */
  cacheSize?: number;
  /** Events waiting to be written beyond this are dropped (the broadcaster's queue). @default 1000 */
  maxPending?: number;
  /** @default console.warn */
  log?: (message: string) => void;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

/** Records Events for a component; see the header. */
export class EventRecorder {
  private readonly host: string;
  private readonly seen = new Map<string, Seen>();
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  // Nanoseconds we cannot read: the sub-millisecond digits come from a counter starting at a
  // random point, so two recorders (two processes) writing in the same millisecond do not collide.
  private seq = BigInt(randomInt(1_000_000));
  private readonly log: (message: string) => void;

  constructor(private readonly options: EventRecorderOptions) {
    this.host = options.host ?? hostname();
    this.log = options.log ?? ((m) => console.warn(m));
  }

  /**
   * Records an event about `object` (Eventf). Returns at once; the write happens in the background,
   * in order. `object` needs kind and name; informer objects carry kind.
   */
  event(object: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ref = referenceTo(object);
    if (this.pending >= (this.options.maxPending ?? 1000)) {
      this.log(`event dropped (queue full): ${ref.kind} ${ref.namespace ?? ''}/${ref.name} ${reason}: ${message}`);
      return;
    }
    this.pending++;
    const now = this.options.clock.nowISO();
    this.tail = this.tail
      .then(() => this.record(ref, type, reason, message, now))
      .catch((e) => this.log(`event ${reason} on ${ref.kind} ${ref.name} not recorded: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => void this.pending--);
  }

  /** Resolves when every event recorded so far was written (or dropped). Tests and shutdown use it. */
  flush(): Promise<void> {
    return this.tail;
  }

  // @doc: events-fold-repeats
  private async record(ref: ObjectReference, type: string, reason: string, message: string, now: string): Promise<void> {
    const key = [this.options.component, this.host, ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid, type, reason, message].join('\u0000');
    const prior = this.seen.get(key);
    if (prior) {
      this.seen.delete(key); // re-inserted below: the Map's order is our LRU order
      const count = prior.count + 1;
      try {
        await this.options.client.patch('events', prior.name, { count, lastTimestamp: now, message }, { namespace: prior.namespace, type: 'strategic' });
        return this.remember(key, { ...prior, count });
      } catch (e) {
        // The Event was deleted (events expire after an hour): write a fresh one carrying the count.
        if (!isNotFound(e)) throw e;
        return this.create(key, ref, type, reason, message, now, { count, firstTimestamp: prior.firstTimestamp });
      }
    }
    await this.create(key, ref, type, reason, message, now, { count: 1, firstTimestamp: now });
  }

  private async create(
    key: string, ref: ObjectReference, type: string, reason: string, message: string, now: string,
    series: { count: number; firstTimestamp: string },
  ): Promise<void> {
    // Events of cluster-scoped objects (nodes) live in "default", as in Kubernetes.
    const namespace = ref.namespace || 'default';
    const name = `${ref.name}.${this.uniqueSuffix()}`;
    const event: Event = {
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace },
      involvedObject: ref, reason, message, type: type as Event['type'],
      source: { component: this.options.component, host: this.host },
      firstTimestamp: series.firstTimestamp, lastTimestamp: now, count: series.count, eventTime: null,
      reportingComponent: this.options.component, reportingInstance: this.host,
    };
    await this.options.client.create('events', event);
    this.remember(key, { name, namespace, count: series.count, firstTimestamp: series.firstTimestamp });
  }

  private remember(key: string, seen: Seen): void {
    this.seen.set(key, seen);
    if (this.seen.size > (this.options.cacheSize ?? 4096)) this.seen.delete(this.seen.keys().next().value!);
  }

  // client-go names events "<object>.<unix nanoseconds in hex>"; a counter keeps ours unique.
  private uniqueSuffix(): string {
    this.seq = (this.seq + 1n) % 1_000_000n;
    return (BigInt(this.options.clock.now()) * 1_000_000n + this.seq).toString(16);
  }
}

/** The ObjectReference for an object (reference.GetReference). */
export function referenceTo(object: KubeObject | ObjectReference): ObjectReference {
  if (!('metadata' in object) || !object.metadata) return object as ObjectReference;
  const o = object as KubeObject;
  return {
    apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name,
    uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion,
  };
}
