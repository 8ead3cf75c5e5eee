// Controller: the base every control loop in this project extends
// ===============================================================
// CONCEPT   A controller makes the world match what objects ask for. The pattern is always the same,
//           so it lives here once:
//             informers -> handlers that only enqueue "namespace/name" keys -> workqueue
//             -> N workers -> sync(key) -> on error: requeue with backoff; on success: forget.
//           A subclass writes only `sync(key)`: read the object from the cache, compare desired with
//           actual, act through the client. "The retry logic should not be part of the business
//           logic." Workers start only after every cache has synced, so a sync never acts on a
//           half-filled cache (deleting pods it simply has not heard of yet).
// REAL K8S  kubernetes/sample-controller controller.go (Run, runWorker, processNextWorkItem,
//           syncHandler); client-go/tools/cache/shared_informer.go (WaitForCacheSync)
// SHIPS     An office: the bell rings, a clerk files a slip with the container's number, the next free
//           clerk takes the slip and sets things right.
// EXAMPLE   class ReplicationManager extends Controller {
//             constructor(f: InformerFactory) { super({ name: 'replication', clock });
//               this.watch(f.informer('replicationcontrollers')) }
//             protected async sync(key: string) { const rc = this.rcs.get(key); ... } }
//           await rm.run(); ... await rm.stop();
// SKIPPED   metrics; a maximum retry count (we retry forever, with backoff up to 1000 s).

import type { KubeObject } from '../api/types.ts';
import type { Clock } from './clock.ts';
import type { EventHandlers, Informer } from './informer.ts';
import type { RateLimiter } from './rate-limiters.ts';
import { objectKey } from './resources.ts';
import { WorkQueue } from './workqueue.ts';

/** Options of a controller. */
export interface ControllerOptions {
  /** Names the controller in logs. @example "replication" */
  name: string;
  clock: Clock;
  /** How many keys are synced at once (--concurrent-*-syncs). @default 1 */
  workers?: number;
  /** How failed keys back off. @default defaultControllerRateLimiter(clock) */
  rateLimiter?: RateLimiter<string>;
  /** Where sync errors are reported. @default console.warn */
  log?: (message: string) => void;
}

export abstract class Controller {
  readonly name: string;
  /** The keys waiting for a worker. Subclasses may addAfter() to look again later. */
  readonly queue: WorkQueue<string>;
  protected readonly clock: Clock;
  protected readonly log: (message: string) => void;
  private readonly informers: Informer<any>[] = [];
  private startedHere: Informer<any>[] = [];
  private workers: Promise<void>[] = [];

  constructor(private readonly options: ControllerOptions) {
    this.name = options.name;
    this.clock = options.clock;
    this.log = options.log ?? ((m) => console.warn(m));
    this.queue = new WorkQueue<string>(options.clock, { rateLimiter: options.rateLimiter, name: options.name });
  }

  /**
   * Reconciles one key ("namespace/name", or "name" for cluster objects). Read from the informers'
   * caches; the object may be gone (deleted): then clean up. Throw to be retried with backoff.
   * NEVER modify objects from the cache: derive new ones with immer's `produce`.
   */
  protected abstract sync(key: string): Promise<void>;

  /**
   * Declares an informer this controller reads. Without handlers, every add, update and delete
   * enqueues the object's own key; pass handlers to enqueue something else (the owner's key, say).
   * Returns the informer, for reading its cache in `sync`.
   */
  protected watch<T extends KubeObject>(informer: Informer<T>, handlers?: EventHandlers<T>): Informer<T> {
    this.informers.push(informer);
    informer.addEventHandler(handlers ?? {
      onAdd: (obj) => this.enqueue(obj),
      onUpdate: (_old, obj) => this.enqueue(obj),
      onDelete: (obj) => this.enqueue(obj),
    });
    return informer;
  }

  /** Puts an object's key (or a key) on the queue. The only thing a handler should do. */
  protected enqueue(objOrKey: KubeObject | string): void {
    this.queue.add(typeof objOrKey === 'string' ? objOrKey : objectKey(objOrKey));
  }

  /**
   * Starts informers not yet running, waits for every cache to sync, then starts the workers.
   * Resolves once the workers run (false if an informer stopped before syncing).
   * @param workers overrides options.workers. @default options.workers ?? 1
   */
  async run(workers = this.options.workers ?? 1): Promise<boolean> {
    for (const inf of this.informers) {
      if (!inf.running) this.startedHere.push(inf);
      inf.start();
    }
    // @doc: controller-wait-for-sync
    const synced = (await Promise.all(this.informers.map((inf) => inf.waitForSync()))).every(Boolean);
    if (!synced || this.queue.isShuttingDown()) return false;
    for (let i = 0; i < workers; i++) this.workers.push(this.worker());
    return true;
  }

  /** Shuts the queue, waits for the workers' current syncs to finish, stops informers run() started. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.workers);
    for (const inf of this.startedHere) inf.stop();
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.processNextWorkItem(key);
    }
  }

  // @doc: controller-retry
  private async processNextWorkItem(key: string): Promise<void> {
    try {
      await this.sync(key);
      this.queue.forget(key);
    } catch (e) {
      const retries = this.queue.numRequeues(key);
      this.log(`${this.name}: error syncing "${key}" (retry ${retries + 1}): ${e instanceof Error ? e.message : String(e)}`);
      this.queue.addRateLimited(key);
    } finally {
      this.queue.done(key);
    }
  }
}
