// The taint eviction controller: remove pods from nodes they no longer tolerate
// =============================================================================
// CONCEPT   A NoExecute taint on a node means "pods that do not tolerate this must leave". For each
//           pod on a tainted node we match its tolerations against the node's NoExecute taints:
//             - some taint not tolerated                  => delete the pod now;
//             - all tolerated, some for tolerationSeconds => delete it when the shortest runs out;
//             - all tolerated forever                     => leave it.
//           The apiserver gives every pod 300 s tolerations for not-ready and unreachable
//           (DefaultTolerationSeconds admission), which is why pods on a lost node leave five
//           (scaled) minutes after it was tainted, not at once. The countdown starts when we first see
//           the pod under the taint; if the taint goes first (the node came back), the eviction is
//           cancelled. Before deleting we mark the pod with a DisruptionTarget condition saying why.
//           The delete is graceful; on an unreachable node nobody finishes it, so the pod stays
//           Terminating there - but it no longer counts, and its replication controller replaces it.
// REAL K8S  pkg/controller/tainteviction/taint_eviction.go (processPodOnNode, getMinTolerationTime,
//           addConditionAndDeletePod, emitPodDeletionEvent), timed_workers.go (the per-pod timers)
// SHIPS     Cargo not cleared for a flagged ship is unloaded; cleared cargo gets its stated grace.
// EXAMPLE   node-2 tainted unreachable:NoExecute; pod tolerates it for 300 s (scaled 0.05: 15 s)
//             => Event TaintManagerEviction "Marking for deletion Pod default/besu-x7k2p" at 300 s
// SKIPPED   sharding workers by node (one queue of pod keys does it here).

import { produce } from 'immer';
import type { Node, Pod, Taint } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import { isConflict, isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey } from '../client/resources.ts';
import { loggerFor, recorderFor, seconds, type ControllerClient, type ControllerOptions, type EventSink } from './context.ts';
import { setPodCondition } from './pod-util.ts';
import { matchingTolerations, minTolerationMs, noExecuteTaints } from './taints.ts';

const taintText = (ts: readonly Taint[]) => ts.map((t) => `${t.key}:${t.effect}`).join(', ');

export class TaintEvictionController extends Controller {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly client: ControllerClient;
  private readonly recorder: EventSink;
  private readonly note: (message: string) => void;
  /** Pod key => wall-clock ms when its countdown started (the TimedWorkerQueue's CreatedAt). */
  private readonly countdowns = new Map<string, number>();

  constructor(o: ControllerOptions) {
    super({ name: 'taint-eviction-controller', clock: o.clock, workers: o.workers ?? 8, log: o.log });
    this.client = o.client;
    this.recorder = recorderFor(o, 'taint-eviction-controller');
    this.note = loggerFor(o, 'taint-eviction');
    // Pods matter when they land on a node, change tolerations, or go; nodes when NoExecute taints change.
    this.pods = this.watch(o.factory.informer('pods'), {
      onAdd: (pod) => {
        if (pod.spec.nodeName) this.enqueue(pod);
      },
      onUpdate: (old, pod) => {
        const changed = old.spec.nodeName !== pod.spec.nodeName || JSON.stringify(old.spec.tolerations) !== JSON.stringify(pod.spec.tolerations)
          || Boolean(old.metadata.deletionTimestamp) !== Boolean(pod.metadata.deletionTimestamp);
        if (changed && pod.spec.nodeName) this.enqueue(pod);
      },
      onDelete: (pod) => this.enqueue(pod),
    });
    this.nodes = this.watch(o.factory.informer('nodes'), {
      onAdd: (node) => this.enqueuePodsOn(node),
      onUpdate: (old, node) => {
        if (JSON.stringify(noExecuteTaints(old)) !== JSON.stringify(noExecuteTaints(node))) this.enqueuePodsOn(node);
      },
    });
  }

  private enqueuePodsOn(node: Node): void {
    for (const pod of this.pods.byIndex('nodeName', node.metadata.name!)) this.enqueue(pod);
  }

  // @doc: taint-eviction-sync
  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    // Gone, already terminating, or not on a node: nothing to evict (and nothing to count down).
    if (!pod || pod.metadata.deletionTimestamp || !pod.spec.nodeName) return void this.countdowns.delete(key);
    const taints = noExecuteTaints(this.nodes.get(pod.spec.nodeName));
    if (!taints.length) return this.cancel(pod, 'the node has no NoExecute taints any more');
    const { all, used } = matchingTolerations(taints, pod.spec.tolerations ?? []);
    if (!all) return this.evict(pod, `it does not tolerate ${taintText(taints)} on node ${pod.spec.nodeName}`);
    const tolerated = minTolerationMs(used);
    if (tolerated < 0) return this.cancel(pod, 'it tolerates the taints forever');
    let started = this.countdowns.get(key);
    if (started === undefined) {
      started = this.clock.now();
      this.countdowns.set(key, started);
      if (tolerated > 0) this.note(`pod ${key} tolerates ${taintText(taints)} on node ${pod.spec.nodeName} for ${seconds(tolerated)}: it will be deleted then unless the taint goes`);
    }
    const left = tolerated - this.clock.since(started);
    if (left > 0) return void this.queue.addAfter(key, left);
    return this.evict(pod, `its toleration of ${taintText(taints)} on node ${pod.spec.nodeName} (${seconds(tolerated)}) ran out`);
  }

  private cancel(pod: Pod, why: string): void {
    const key = objectKey(pod);
    if (!this.countdowns.delete(key)) return;
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
    this.note(`pod ${key} will not be deleted after all: ${why}`);
  }

  // addConditionAndDeletePod: say why on the pod itself, then delete it (gracefully).
  private async evict(pod: Pod, why: string): Promise<void> {
    const key = objectKey(pod);
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    this.note(`deleting pod ${key}: ${why}`);
    const now = this.clock.nowISO();
    const marked = produce(pod, (d) => {
      setPodCondition((d.status ??= {}), {
        type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint',
      }, now);
    });
    try {
      if (marked !== pod) await this.client.updateStatus('pods', marked);
      await this.client.delete('pods', pod.metadata.name!, { namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (isNotFound(e)) return void this.countdowns.delete(key);
      // A stale copy (the kubelet wrote meanwhile) is retried from a fresh cache; the clock keeps running.
      if (isConflict(e)) throw new Error(`pod ${key} changed while we were evicting it; retrying`);
      throw e;
    }
    this.countdowns.delete(key);
  }
}
