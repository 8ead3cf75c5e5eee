// Status manager: writes pod statuses to the apiserver, and only when they changed
// ===============================================================================
// CONCEPT   Pod workers decide what a pod's status *is*; the status manager makes the apiserver
//           say so. It keeps the newest wanted status per pod and a queue of pods to sync; a sync
//           merges the wanted status into the pod as the API has it (keeping conditions others own,
//           like PodScheduled, and each unchanged condition's lastTransitionTime), and sends a patch
//           to pods/NAME/status only if something actually changed. When a pod being deleted has
//           stopped all its containers and its final status is written, the status manager deletes
//           the pod object for good: grace period 0, on condition that the uid is still the one we
//           ran (a new pod with the same name must not be deleted by mistake).
//           One status manager serves every node a kubelet process hosts.
// REAL K8S  pkg/kubelet/status/status_manager.go (SetPodStatus, syncPod, needsUpdate, mergePodStatus,
//           canBeDeleted, "DeleteOptions with Preconditions UID"), pkg/util/pod/pod.go (PatchPodStatus)
// SHIPS     The captain's radio officer: reports each container's state to the harbour master,
//           without repeating what the harbour master already knows.
// EXAMPLE   setPodStatus(pod, {phase: Running, ...}) -> PATCH pods/besu-0/status  (once)
//           setPodStatus(pod, same again)           -> nothing is sent
//           requestDeletion(pod)                    -> PATCH final status, DELETE ?gracePeriodSeconds=0
// SKIPPED   the periodic 10 s reconcile batch (our informer's updates trigger the reconcile),
//           mirror pods of static pods.

import type { Pod, PodStatus } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import { isConflict, isNotFound } from '../client/errors.ts';
import type { KubeClient } from '../client/rest.ts';
import { objectKey } from '../client/resources.ts';
import type { Lister } from '../client/store.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { isNewer } from '../client/informer.ts';
import { mergePodStatus, sameJson } from './pod-status.ts';

/** Options of a StatusManager. */
export interface StatusManagerOptions {
  client: Pick<KubeClient, 'patch' | 'delete'>;
  clock: Clock;
  /** The pods informer's cache: the API's view, to compare with. */
  pods: Lister<Pod>;
  /** Concurrent writers. @default 8 */
  workers?: number;
  /** @default console.warn */
  log?: (line: string) => void;
}

interface Wanted {
  uid: string;
  status: PodStatus;
  /** Delete the pod object once this (final) status is written. */
  deleteWhenWritten: boolean;
}

/** What we last wrote: the object version the server answered, and its status. */
interface Written {
  uid: string;
  resourceVersion: string;
  status: PodStatus;
}

export class StatusManager {
  private readonly wanted = new Map<string, Wanted>();
  private readonly written = new Map<string, Written>();
  private readonly queue: WorkQueue<string>;
  private readonly log: (line: string) => void;
  private running: Promise<void>[] = [];
  /** Writes sent, for benchmarks and tests. */
  patches = 0;
  deletes = 0;

  constructor(private readonly options: StatusManagerOptions) {
    this.queue = new WorkQueue<string>(options.clock, { name: 'pod-status' });
    this.log = options.log ?? ((l) => console.warn(l));
  }

  /** Starts the writers. */
  start(): void {
    for (let i = 0; i < (this.options.workers ?? 8); i++) this.running.push(this.worker());
  }

  /** Stops the writers; pending writes are dropped (a stopped kubelet says nothing more). */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.running);
  }

  /** Records the status a pod should have and queues a sync (SetPodStatus). */
  setPodStatus(pod: Pod, status: PodStatus): void {
    const key = objectKey(pod);
    const prev = this.wanted.get(key);
    const keepDelete = !!prev && prev.uid === pod.metadata.uid && prev.deleteWhenWritten;
    this.wanted.set(key, { uid: pod.metadata.uid!, status, deleteWhenWritten: keepDelete });
    this.queue.add(key);
  }

  /** The pod's containers are all stopped: delete its object once the final status is written. */
  requestDeletion(pod: Pod): void {
    const key = objectKey(pod);
    const w = this.wanted.get(key);
    if (w && w.uid === pod.metadata.uid) w.deleteWhenWritten = true;
    else this.wanted.set(key, { uid: pod.metadata.uid!, status: pod.status ?? {}, deleteWhenWritten: true });
    this.queue.add(key);
  }

  /** The API's copy changed (informer update): check it still says what we want. */
  podUpdated(pod: Pod): void {
    const key = objectKey(pod);
    // Once the informer has caught up with our last write, we need not remember it.
    const last = this.written.get(key);
    if (last && last.uid === pod.metadata.uid && !isNewer(pod, { metadata: { resourceVersion: last.resourceVersion } })) this.written.delete(key);
    if (this.wanted.get(key)?.uid === pod.metadata.uid) this.queue.add(key);
  }

  /** The pod is gone: forget it. */
  forget(pod: Pod): void {
    const key = objectKey(pod);
    if (this.wanted.get(key)?.uid === pod.metadata.uid) this.wanted.delete(key);
    if (this.written.get(key)?.uid === pod.metadata.uid) this.written.delete(key);
  }

  /** Pods waiting to be written. */
  get pending(): number {
    return this.queue.len();
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.sync(key);
        this.queue.forget(key);
      } catch (e) {
        if (!isConflict(e)) this.log(`status manager: syncing ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  // @doc: kubelet-status-sync
  private async sync(key: string): Promise<void> {
    const want = this.wanted.get(key);
    const cached = this.options.pods.get(key);
    if (!want || !cached || cached.metadata.uid !== want.uid) return;
    // The informer may lag behind our own last write: compare with whichever is newer.
    const last = this.written.get(key);
    const base = last && last.uid === want.uid && isNewer(cached, { metadata: { resourceVersion: last.resourceVersion } })
      ? last.status : cached.status;
    const merged = mergePodStatus(base, want.status, this.options.clock.nowISO());
    if (!sameJson(base, merged)) {
      // A merge patch replaces lists whole; top-level fields we dropped are deleted with null.
      const patch: Record<string, unknown> = { ...merged };
      for (const k of Object.keys(base ?? {})) if (!(k in merged)) patch[k] = null;
      const namespace = cached.metadata.namespace;
      this.patches++;
      const updated = await this.options.client.patch('pods', cached.metadata.name!, { status: patch }, { namespace, subresource: 'status' });
      this.written.set(key, { uid: want.uid, resourceVersion: updated.metadata.resourceVersion!, status: updated.status ?? {} });
    }
    if (want.deleteWhenWritten) await this.deletePod(key, cached, want.uid);
  }

  private async deletePod(key: string, pod: Pod, uid: string): Promise<void> {
    try {
      this.deletes++;
      await this.options.client.delete('pods', pod.metadata.name!, {
        namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid },
      });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
    if (this.wanted.get(key)?.uid === uid) this.wanted.delete(key);
    this.written.delete(key);
  }
}

// REAL WORLD
// The real status manager also re-checks every pod every 10 s (syncBatch) and compares against a
// versioned cache of what it sent; it patches with a two-way strategic merge patch that carries the
// pod's uid as a precondition.
