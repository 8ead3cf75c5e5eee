// Pod garbage collection: pods bound to nodes that no longer exist
// ================================================================
// CONCEPT   A pod bound to a node is the kubelet's to finish: graceful deletion waits for it to stop
//           the containers. If the Node object itself has been deleted (the machine was removed),
//           no kubelet will ever do that, and the pod would hang in the API forever. So we look for
//           pods whose spec.nodeName names a node that does not exist, wait a quarantine period (the
//           node may just be re-registering, or our cache may lag), confirm with the apiserver, then
//           mark the pod Failed with a DisruptionTarget condition and delete it at once (grace 0).
// REAL K8S  pkg/controller/podgc/gc_controller.go (gcOrphaned, discoverDeletedNodes,
//           checkIfNodeExists, markFailedAndDeletePodWithCondition, quarantineTime 40 s)
// SHIPS     Containers still listed on a ship that was struck off the register are written off.
// EXAMPLE   kubectl delete node node-3  =>  40 s later its pods are marked Failed and deleted
// SKIPPED   --terminated-pod-gc-threshold (12500 finished pods: beyond any lesson's size) and the
//           out-of-service taint (non-graceful node shutdown).

import { produce } from 'immer';
import type { Node, Pod } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import { isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey } from '../client/resources.ts';
import { loggerFor, seconds, type ControllerClient, type ControllerOptions } from './context.ts';
import { isPodTerminal, setPodCondition } from './pod-util.ts';

/** Options of the pod garbage collector. */
export interface PodGCOptions extends ControllerOptions {
  /** How long a node must stay missing before its pods go (quarantineTime). @default 40_000 */
  quarantineMs?: number;
}

export class PodGCController extends Controller {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly client: ControllerClient;
  private readonly note: (message: string) => void;
  private readonly quarantine: number;
  /** Node name => wall-clock ms when we first missed it. */
  private readonly missingSince = new Map<string, number>();

  constructor(o: PodGCOptions) {
    super({ name: 'pod-garbage-collector-controller', clock: o.clock, workers: o.workers ?? 1, log: o.log });
    this.client = o.client;
    this.note = loggerFor(o, 'podgc');
    this.quarantine = o.quarantineMs ?? 40_000;
    this.pods = this.watch(o.factory.informer('pods'), {
      onAdd: (pod) => {
        if (pod.spec.nodeName) this.enqueue(pod);
      },
      onUpdate: (old, pod) => {
        if (pod.spec.nodeName && pod.spec.nodeName !== old.spec.nodeName) this.enqueue(pod);
      },
    });
    this.nodes = this.watch(o.factory.informer('nodes'), {
      onDelete: (node) => this.pods.byIndex('nodeName', node.metadata.name!).forEach((p) => this.enqueue(p)),
    });
  }

  // @doc: podgc-orphaned
  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const nodeName = pod?.spec.nodeName;
    if (!pod || !nodeName) return;
    if (this.nodes.get(nodeName)) return void this.missingSince.delete(nodeName); // back, or never gone
    let since = this.missingSince.get(nodeName);
    if (since === undefined) this.missingSince.set(nodeName, (since = this.clock.now()));
    const left = this.quarantine - this.clock.since(since);
    if (left > 0) return void this.queue.addAfter(key, left);
    // checkIfNodeExists: the cache says gone; the apiserver has the last word.
    try {
      await this.client.get('nodes', nodeName);
      this.missingSince.delete(nodeName);
      return;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    await this.markFailedAndDelete(pod, nodeName);
  }

  private async markFailedAndDelete(pod: Pod, nodeName: string): Promise<void> {
    const key = objectKey(pod);
    this.note(`deleting pod ${key}: it is bound to node ${nodeName}, which has not existed for ${seconds(this.quarantine)}`);
    const failed = produce(pod, (d) => {
      const status = (d.status ??= {});
      if (!isPodTerminal(pod)) status.phase = 'Failed';
      setPodCondition(status, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }, this.clock.nowISO());
    });
    try {
      if (failed !== pod) await this.client.updateStatus('pods', failed);
      await this.client.delete('pods', pod.metadata.name!, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0 });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
