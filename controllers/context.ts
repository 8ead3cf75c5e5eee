// What every controller of kube-controller-manager is given
// =========================================================
// CONCEPT   Each controller needs the same handful of things: a client to act through, the shared
//           informer factory to read the cluster from, a clock for every timing decision, somewhere
//           to write Events (what `kubectl describe` shows) and somewhere to write log lines. We pass
//           them in, never reach for globals, so a unit test can hand a controller a fake client that
//           records calls, a FakeClock, and informers it filled by hand.
// REAL K8S  cmd/kube-controller-manager/app/controllermanager.go (ControllerContext: ClientBuilder,
//           InformerFactory), staging/src/k8s.io/client-go/tools/record (EventRecorder)
// SHIPS     The desk every office clerk gets: a radio, the register, the clock, the log book.
// EXAMPLE   new ReplicationManager({ client, factory, clock, recorder, log: console.log })
// SKIPPED   per-controller client identities and RBAC (one client serves all controllers here).

import type { KubeObject, ObjectReference } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import type { InformerFactory } from '../client/informer-factory.ts';
import type { KubeClient } from '../client/rest.ts';

/** The calls controllers make. A test fake implements just these. */
export type ControllerClient = Pick<KubeClient, 'get' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete'>;

/** Where a controller records Events (record.EventRecorder's Event). */
export interface EventSink {
  event(object: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** Options every controller here takes. */
export interface ControllerOptions {
  client: ControllerClient;
  /** The shared informers (one watch per resource for the whole controller-manager). */
  factory: InformerFactory;
  /** Every timing decision reads this clock (scaled by --time-scale). */
  clock: Clock;
  /** Where Events go. @default an EventRecorder writing through `client` */
  recorder?: EventSink;
  /** Plain-words log lines ("node-2 stopped renewing its lease ..."). @default console.log */
  log?: (message: string) => void;
  /** How many keys are synced at once (the --concurrent-*-syncs flags). @default 1 */
  workers?: number;
}

/** The recorder a controller uses: the one given, else one writing Events as `component`. */
export function recorderFor(options: ControllerOptions, component: string): EventSink {
  return options.recorder ?? new EventRecorder({ client: options.client, clock: options.clock, component });
}

/** A log function that prefixes every line with the controller's name. */
export function loggerFor(options: ControllerOptions, name: string): (message: string) => void {
  const log = options.log ?? ((m: string) => console.log(m));
  return (message) => log(`${name}: ${message}`);
}

/** Kubernetes milliseconds as the seconds a person reads in a log line: 40000 => "40s". */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/**
 * The resourceVersions of our own latest writes, by key. Right after we write an object our cache
 * still holds the older copy; a sync that ran on it would redo (or undo) what we just did. So a
 * sync that finds its cached copy older than our last write returns and waits: the watch event
 * carrying our write enqueues the key again (endpoints_controller.go's staleEndpointsTracker).
 */
export class OwnWrites {
  private readonly versions = new Map<string, bigint>();

  /** Remembers the object the apiserver answered to our write. */
  record(key: string, written: { metadata?: { resourceVersion?: string } } | undefined): void {
    const rv = toRevision(written?.metadata?.resourceVersion);
    if (rv !== undefined) this.versions.set(key, rv);
  }

  /** True while `cached` predates our last write of `key`. */
  isStale(key: string, cached: KubeObject | undefined): boolean {
    const mine = this.versions.get(key);
    const seen = toRevision(cached?.metadata.resourceVersion);
    if (mine === undefined || seen === undefined) return false;
    if (seen >= mine) this.versions.delete(key);
    return seen < mine;
  }
}

// resourceVersions are etcd revisions here: decimal, global, increasing.
function toRevision(rv: string | undefined): bigint | undefined {
  return rv && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}
