// Pod workers: the pods bound to this node, each with its worker
// ==============================================================
// CONCEPT   The kubelet watches the pods whose spec.nodeName is its node. For each pod it has not
//           seen it first runs *admission* (does it fit next to the pods already admitted?); an
//           admitted pod gets a worker (pod-worker.ts), a rejected one a Failed status and a Warning
//           event. Later versions of a pod go to its worker (a deletionTimestamp starts a graceful
//           stop); a pod that disappears from the API has its containers killed at once.
//           Pods the API already shows as Succeeded or Failed are never started again.
// REAL K8S  pkg/kubelet/kubelet.go (HandlePodAdditions: sort by creation time, canAdmitPod,
//           rejectPod; HandlePodUpdates, HandlePodRemoves), pkg/kubelet/pod_workers.go (UpdatePod,
//           the per-UID worker map)
// SHIPS     The captain's manifest of what is on deck, and who looks after each container.
// EXAMPLE   update(pod bound here) => admitted => worker.start()
//           update(pod too big)    => Failed, reason OutOfcpu, event "OutOfcpu"
//           update(pod with deletionTimestamp) => worker.terminate()
// SKIPPED   static pods and mirror pods, pod resize, the eviction manager.

import type { Pod, ResourceList } from '../api/types.ts';
import { objectKey } from '../client/resources.ts';
import { admitPod, rejectionMessage } from './admission.ts';
import type { NodeContext } from './node-context.ts';
import { PodWorker } from './pod-worker.ts';
import { rejectedPodStatus } from './pod-status.ts';

/** One node's pod workers. */
export class PodWorkers {
  private readonly workers = new Map<string, PodWorker>();
  private readonly rejected = new Set<string>();
  private readonly uidByKey = new Map<string, string>();

  constructor(private readonly ctx: NodeContext, private readonly allocatable: () => ResourceList) {}

  /** How many pods have workers (running, starting or stopping). */
  get size(): number {
    return this.workers.size;
  }

  /** The pods this node runs now (what /pods answers). */
  pods(): Pod[] {
    return [...this.workers.values()].map((w) => w.pod);
  }

  /** The pods that hold resources: admitted and not finished (admission's "other pods"). */
  activePods(): Pod[] {
    return [...this.workers.values()].filter((w) => w.active).map((w) => w.pod);
  }

  /** Memory the node's containers report. */
  memoryBytes(): number {
    let sum = 0;
    for (const w of this.workers.values()) sum += w.memoryBytes();
    return sum;
  }

  /** A pod bound to this node was added or changed (HandlePodAdditions / HandlePodUpdates). */
  update(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const key = objectKey(pod);
    const existing = this.workers.get(uid);
    if (existing) return existing.update(pod);
    if (this.rejected.has(uid)) return;
    // A pod recreated under the same name is a new pod: the old one's containers go.
    const previous = this.uidByKey.get(key);
    if (previous && previous !== uid) this.forgetWorker(previous, key);
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
      // Finished before we saw it (or before we restarted): nothing runs; a delete just completes.
      if (pod.metadata.deletionTimestamp) this.ctx.status.requestDeletion(pod);
      return;
    }
    const worker = new PodWorker(this.ctx, pod);
    if (pod.metadata.deletionTimestamp) {
      this.track(worker, key);
      return void worker.terminate();
    }
    // @doc: kubelet-admit
    const result = admitPod(pod, this.activePods(), this.allocatable());
    if (!result.admit) {
      this.rejected.add(uid);
      this.uidByKey.set(key, uid);
      this.ctx.event(pod, 'Warning', result.reason, result.message);
      return this.ctx.status.setPodStatus(pod, rejectedPodStatus(pod, result.reason, rejectionMessage(result.message)));
    }
    this.track(worker, key);
    void worker.start();
  }

  /** The pod is gone from the API (HandlePodRemoves): kill its containers now. */
  remove(pod: Pod): void {
    const uid = pod.metadata.uid!;
    this.rejected.delete(uid);
    this.forgetWorker(uid, objectKey(pod));
    this.ctx.runtime.removePod(pod);
  }

  /** The kubelet stops: every container dies with it, nothing is reported. */
  async abandonAll(): Promise<void> {
    const all = [...this.workers.values()];
    this.workers.clear();
    this.uidByKey.clear();
    await Promise.all(all.map((w) => w.abandon()));
  }

  private track(worker: PodWorker, key: string): void {
    this.workers.set(worker.uid, worker);
    this.uidByKey.set(key, worker.uid);
  }

  private forgetWorker(uid: string, key: string): void {
    void this.workers.get(uid)?.abandon();
    this.workers.delete(uid);
    if (this.uidByKey.get(key) === uid) this.uidByKey.delete(key);
  }
}
