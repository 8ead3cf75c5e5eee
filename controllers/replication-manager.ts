// The replication manager: keep `replicas` copies of a pod running
// ================================================================
// CONCEPT   For each ReplicationController, count the active pods it owns and close the gap:
//           too few, create from the template; too many, delete the least useful (active-pods.ts).
//           Pods that fail or start terminating stop counting, so they are replaced at once. Before
//           counting we claim pods (controller-ref-manager.ts); before acting we check expectations
//           (expectations.ts), so a watch that lags behind our own writes never makes us create or
//           delete twice. Status is written last. Handlers only enqueue the owning RC's key - and,
//           as in Kubernetes, tick off the expectation the watch event fulfils, because only the
//           event stream knows a pod was seen (the cache may have lost it again by the next sync).
// REAL K8S  pkg/controller/replication/replication_controller.go (NewReplicationManager: the RC
//           flavour of the ReplicaSet code), pkg/controller/replicaset/replica_set.go (syncReplicaSet,
//           manageReplicas, addPod, updatePod, deletePod, getPodControllers)
// SHIPS     The replication office: "always four Besu containers afloat" - it orders and scraps.
// EXAMPLE   rc besu replicas 4, pods [] => 4 creates, Events "Created pod: besu-x7k2p" ...
//           replicas 7 -> 2 with 7 running => deletes the 5 chosen by compareForDeletion
// SKIPPED   ReplicaSets and Deployments (the same code over apps/v1 kinds, once they exist).

import type { Pod, ReplicationController } from '../api/types.ts';
import { matchesLabels, selectorFromSet } from '../api/labels.ts';
import { Controller } from '../client/controller.ts';
import { isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey, splitKey } from '../client/resources.ts';
import { podsToDelete } from './active-pods.ts';
import { loggerFor, recorderFor, type ControllerClient, type ControllerOptions, type EventSink } from './context.ts';
import { claimPods } from './controller-ref-manager.ts';
import { ControllerExpectations, slowStartBatch } from './expectations.ts';
import { PodControl } from './pod-control.ts';
import { controllerRefOf, isPodActive, newControllerRef } from './pod-util.ts';
import { calculateStatus, updateStatus } from './replication-status.ts';

/** Options of the replication manager. */
export interface ReplicationManagerOptions extends ControllerOptions {
  /** At most this many creates or deletes per sync (BurstReplicas). @default 500 */
  burstReplicas?: number;
}

/** The kind and version our ownerReferences name. */
const RC_KIND = { apiVersion: 'v1', kind: 'ReplicationController' };

export class ReplicationManager extends Controller {
  readonly expectations: ControllerExpectations;
  private readonly rcs: Informer<ReplicationController>;
  private readonly pods: Informer<Pod>;
  private readonly client: ControllerClient;
  private readonly podControl: PodControl;
  private readonly recorder: EventSink;
  private readonly note: (message: string) => void;
  private readonly burstReplicas: number;

  constructor(o: ReplicationManagerOptions) {
    super({ name: 'replicationcontroller-controller', clock: o.clock, workers: o.workers ?? 5, log: o.log });
    this.client = o.client;
    this.recorder = recorderFor(o, 'replication-controller');
    this.podControl = new PodControl(o.client, this.recorder);
    this.note = loggerFor(o, 'replication');
    this.burstReplicas = o.burstReplicas ?? 500;
    this.expectations = new ControllerExpectations(o.clock);
    this.rcs = this.watch(o.factory.informer('replicationcontrollers'));
    this.pods = this.watch(o.factory.informer('pods'), {
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  // ## Handlers: find the RC(s) a pod event concerns, tick off expectations, enqueue.

  // The RC a controller reference points at, if it is one of ours and still the same object.
  private owner(pod: Pod): ReplicationController | undefined {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== RC_KIND.kind) return undefined;
    const rc = this.rcs.get(`${pod.metadata.namespace}/${ref.name}`);
    return rc?.metadata.uid === ref.uid ? rc : undefined;
  }

  // An orphan may be adopted by any RC whose selector matches it (getPodControllers).
  private enqueueSelecting(pod: Pod): void {
    for (const rc of this.rcs.byIndex('namespace', pod.metadata.namespace ?? '')) {
      if (matchesLabels(selectorFromSet(rc.spec.selector ?? {}), pod.metadata.labels)) this.enqueue(rc);
    }
  }

  private podAdded(pod: Pod): void {
    // A pod already on its way out (seen after a restart) is a deletion, not a creation.
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    if (controllerRefOf(pod)) {
      const rc = this.owner(pod);
      if (!rc) return;
      this.expectations.creationObserved(objectKey(rc));
      return this.enqueue(rc);
    }
    this.enqueueSelecting(pod);
  }

  private podUpdated(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return; // a resync
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    // A graceful delete shows first as an update setting deletionTimestamp: count it as the deletion.
    if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      this.podDeleted(cur);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(cur);
    if (oldRef && oldRef.uid !== curRef?.uid) {
      const rc = this.owner(old);
      if (rc) this.enqueue(rc);
    }
    if (curRef) {
      const rc = this.owner(cur);
      if (rc) this.enqueue(rc);
    } else if (labelsChanged || oldRef) {
      this.enqueueSelecting(cur);
    }
  }

  private podDeleted(pod: Pod): void {
    const rc = this.owner(pod);
    if (!rc) return;
    this.expectations.deletionObserved(objectKey(rc), objectKey(pod));
    this.enqueue(rc);
  }

  // ## sync: claim, manage, write status.

  // @doc: replication-sync
  protected async sync(key: string): Promise<void> {
    const rc = this.rcs.get(key);
    if (!rc) return void this.expectations.delete(key);
    const needsSync = this.expectations.satisfied(key);
    const deleting = Boolean(rc.metadata.deletionTimestamp);
    const active = this.pods.byIndex('namespace', splitKey(key).namespace ?? '').filter(isPodActive);
    const pods = await claimPods(active, {
      client: this.client, controllerRef: newControllerRef(rc, RC_KIND.apiVersion, RC_KIND.kind),
      selector: selectorFromSet(rc.spec.selector ?? {}), ownerDeleting: deleting,
      canAdopt: () => this.recheckNotDeleting(rc), log: (m) => this.note(`${key}: ${m}`),
    });
    let manageError: unknown;
    if (needsSync && !deleting) {
      try {
        await this.manageReplicas(pods, rc, key);
      } catch (e) {
        manageError = e;
      }
    }
    const status = calculateStatus(rc, pods, manageError, this.clock);
    await updateStatus(this.client, rc, status);
    if (manageError !== undefined) throw manageError;
    // Ready pods become available only after minReadySeconds: look again then to count them.
    const minReady = rc.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas === (rc.spec.replicas ?? 1) && status.availableReplicas !== status.readyReplicas) {
      this.queue.addAfter(key, minReady * 1000);
    }
  }

  // Before adopting we re-read the RC from the apiserver: the cache may not know it is being deleted.
  private async recheckNotDeleting(rc: ReplicationController): Promise<void> {
    const fresh = await this.client.get('replicationcontrollers', rc.metadata.name!, rc.metadata.namespace);
    if (fresh.metadata.uid !== rc.metadata.uid) throw new Error(`original ReplicationController ${objectKey(rc)} is gone: got uid ${fresh.metadata.uid}, wanted ${rc.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp) throw new Error(`${objectKey(rc)} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }

  /** Creates or deletes pods so that `pods.length` moves to spec.replicas (manageReplicas). */
  // @doc: replication-manage-replicas
  private async manageReplicas(pods: Pod[], rc: ReplicationController, key: string): Promise<void> {
    const want = rc.spec.replicas ?? 1;
    const diff = pods.length - want;
    if (diff < 0) {
      const count = Math.min(-diff, this.burstReplicas);
      this.note(`${key} has ${pods.length} of ${want} pods: creating ${count}`);
      // We write the expectation *before* the first create, so even a watch event that beats the
      // create's own response finds it and ticks it off.
      this.expectations.expectCreations(key, count);
      const ref = newControllerRef(rc, RC_KIND.apiVersion, RC_KIND.kind);
      const { successes, error } = await slowStartBatch(count, 1, async () => {
        await this.podControl.createPod(rc.spec.template!, rc, ref);
      });
      // Pods we never created will never be observed: stop expecting them.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
    } else if (diff > 0) {
      const victims = podsToDelete(pods, pods, Math.min(diff, this.burstReplicas));
      this.note(`${key} has ${pods.length} of ${want} pods: deleting ${victims.map((p) => p.metadata.name).join(', ')}`);
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(victims.map(async (pod) => {
        try {
          await this.podControl.deletePod(pod.metadata.namespace!, pod.metadata.name!, rc);
        } catch (e) {
          // The informer will not see this deletion: stop expecting it.
          this.expectations.deletionObserved(key, objectKey(pod));
          if (!isNotFound(e)) throw e;
        }
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }
}
