// InformerFactory: one informer per resource, shared by every controller in a process
// ==================================================================================
// CONCEPT   kube-controller-manager runs a dozen controllers that all read pods. One watch and one
//           cache per resource serve them all: each controller asks the factory for the pods
//           informer and adds its own handlers. Fewer watches for the apiserver, one copy in memory.
// REAL K8S  staging/src/k8s.io/client-go/informers/factory.go (SharedInformerFactory: InformerFor,
//           Start, WaitForCacheSync, Shutdown)
// SHIPS     One copy of the harbour register per office building, read by every clerk in it.
// EXAMPLE   const f = new InformerFactory(client, { resyncPeriodMs: 0 });
//           const pods = f.informer('pods'); const nodes = f.informer('nodes');
//           f.start(); await f.waitForSync();
// SKIPPED   typed accessors (factory.Core().V1().Pods()); tweakListOptions beyond selectors.

import type { Clock } from './clock.ts';
import { Informer, type InformerOptions } from './informer.ts';
import type { ListWatchClient } from './reflector.ts';
import type { ObjectOf, ResourceName } from './resources.ts';

/** Defaults for every informer the factory makes. */
export interface InformerFactoryOptions {
  /** @default 0 (no resync) */
  resyncPeriodMs?: number;
  /** @default the client's clock */
  clock?: Clock;
  /** @default console.warn */
  log?: (message: string) => void;
}

/** Which slice of a resource an informer mirrors; equal selections share one informer. */
export type InformerSelection = Pick<InformerOptions<never>, 'namespace' | 'labelSelector' | 'fieldSelector'>;

export class InformerFactory {
  private informers = new Map<string, Informer<any>>();
  private started = false;

  constructor(
    private readonly client: ListWatchClient & { clock?: Clock },
    private readonly options: InformerFactoryOptions = {},
  ) {}

  /** The shared informer for `resource` (created on first request; started if the factory runs). */
  informer<R extends ResourceName>(resource: R, selection: InformerSelection = {}): Informer<ObjectOf<R>> {
    const id = [resource, selection.namespace ?? '', selection.labelSelector ?? '', selection.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(id);
    if (!inf) {
      inf = new Informer<ObjectOf<R>>(this.client, resource, { ...this.options, ...selection });
      this.informers.set(id, inf);
      if (this.started) inf.start();
    }
    return inf;
  }

  /** Starts every informer requested so far, and any requested later. */
  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  /** Resolves true when every informer has synced (false if one was stopped first). */
  async waitForSync(): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((inf) => inf.waitForSync()));
    return results.every(Boolean);
  }

  /** Stops every informer (Shutdown). */
  stop(): void {
    for (const inf of this.informers.values()) inf.stop();
  }
}
