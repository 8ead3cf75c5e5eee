// The ReplicaSet controller: keep `replicas` copies of a pod running
// =================================================================
// CONCEPT   For each ReplicaSet, count the active pods it owns and close the gap: too few, create
//           from the template; too many, delete the least useful (active-pods.ts). Pods that fail
//           or start terminating stop counting, so they are replaced at once. Before counting we
//           claim pods (controller-ref-manager.ts); before acting we check expectations
//           (expectations.ts), so a watch that lags behind our own writes never makes us create or
//           delete twice. Status is written last. Handlers only enqueue the owner's key - and, as in
//           Kubernetes, tick off the expectation the watch event fulfils, because only the event
//           stream knows a pod was seen (the cache may have lost it again by the next sync).
//           The same code serves ReplicationControllers (replication-manager.ts): the two kinds
//           differ only in how their selector is written, which `ReplicatedKind` captures.
// REAL K8S  pkg/controller/replicaset/replica_set.go (NewReplicaSetController, syncReplicaSet,
//           manageReplicas, addPod, updatePod, deletePod, getPodReplicaSets), and
//           pkg/controller/replication/replication_controller.go (the RC flavour of the same code)
// SHIPS     The replication office: "always four Besu containers afloat" - it orders and scraps.
// EXAMPLE   rs web-5d4f8c6b9 replicas 3, pods [] => 3 creates, Events "Created pod: web-5d4f8c6b9-x7k2p"
//           replicas 7 -> 2 with 7 running => deletes the 5 chosen by compareForDeletion
// SKIPPED   nothing of substance (the real one converts RCs to ReplicaSets; we use an adapter).

import type { KubeObject, Pod, PodTemplateSpec, ReplicationControllerStatus } from '../api/types.ts';
import { matchesLabels, type Requirement } from '../api/labels.ts';
import { Controller } from '../client/controller.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey, splitKey } from '../client/resources.ts';
import { loggerFor, recorderFor, type ControllerClient, type ControllerOptions } from './context.ts';
import { claimPods } from './controller-ref-manager.ts';
import { ControllerExpectations } from './expectations.ts';
import { PodControl } from './pod-control.ts';
import { controllerRefOf, isPodActive, newControllerRef } from './pod-util.ts';
import { manageReplicas } from './replica-set-manage.ts';
import { calculateStatus, updateStatus } from './replication-status.ts';

/** What a ReplicaSet and a ReplicationController have in common: the shape this controller reads. */
export type Replicated = KubeObject & {
  spec: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec; selector?: unknown };
  status?: ReplicationControllerStatus;
};

/** The kind a ReplicaSet-style controller manages (the RC manager's conversion, as data). */
export interface ReplicatedKind {
  /** "replicasets" or "replicationcontrollers". */
  resource: 'replicasets' | 'replicationcontrollers';
  apiVersion: string;
  kind: string;
  /** The controller's name in kube-controller-manager, its Event source, its log prefix. */
  controllerName: string;
  component: string;
  logName: string;
  /** The owner's selector as requirements; [] means "selects nothing" here. Throws if invalid. */
  selector(owner: Replicated): Requirement[];
}

/** Options of a ReplicaSet-style controller. */
export interface ReplicaSetControllerOptions extends ControllerOptions {
  /** At most this many creates or deletes per sync (BurstReplicas). @default 500 */
  burstReplicas?: number;
}

export class ReplicaSetController extends Controller {
  readonly expectations: ControllerExpectations;
  protected readonly owners: Informer<Replicated>;
  private readonly pods: Informer<Pod>;
  private readonly client: ControllerClient;
  private readonly podControl: PodControl;
  private readonly note: (message: string) => void;
  private readonly burstReplicas: number;

  constructor(o: ReplicaSetControllerOptions, readonly kind: ReplicatedKind) {
    super({ name: kind.controllerName, clock: o.clock, workers: o.workers ?? 5, log: o.log });
    this.client = o.client;
    this.podControl = new PodControl(o.client, recorderFor(o, kind.component));
    this.note = loggerFor(o, kind.logName);
    this.burstReplicas = o.burstReplicas ?? 500;
    this.expectations = new ControllerExpectations(o.clock);
    this.owners = this.watch(o.factory.informer(kind.resource) as unknown as Informer<Replicated>);
    this.pods = this.watch(o.factory.informer('pods'), {
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  // ## Handlers: find the owner(s) a pod event concerns, tick off expectations, enqueue.

  // The owner a controller reference points at, if it is one of ours and still the same object.
  private owner(pod: Pod): Replicated | undefined {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== this.kind.kind) return undefined;
    const owner = this.owners.get(`${pod.metadata.namespace}/${ref.name}`);
    return owner?.metadata.uid === ref.uid ? owner : undefined;
  }

  // The requirements of an owner's selector, or [] (nothing) when it is invalid.
  private selectorOf(owner: Replicated): Requirement[] {
    try {
      return this.kind.selector(owner);
    } catch {
      return [];
    }
  }

  // An orphan may be adopted by any owner whose selector matches it (getPodReplicaSets).
  private enqueueSelecting(pod: Pod): void {
    for (const owner of this.owners.byIndex('namespace', pod.metadata.namespace ?? '')) {
      const selector = this.selectorOf(owner);
      if (selector.length && matchesLabels(selector, pod.metadata.labels)) this.enqueue(owner);
    }
  }

  private podAdded(pod: Pod): void {
    // A pod already on its way out (seen after a restart) is a deletion, not a creation.
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    if (controllerRefOf(pod)) {
      const owner = this.owner(pod);
      if (!owner) return;
      this.expectations.creationObserved(objectKey(owner));
      return this.enqueue(owner);
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
      const owner = this.owner(old);
      if (owner) this.enqueue(owner);
    }
    if (curRef) {
      const owner = this.owner(cur);
      if (owner) this.enqueue(owner);
    } else if (labelsChanged || oldRef) {
      this.enqueueSelecting(cur);
    }
  }

  private podDeleted(pod: Pod): void {
    const owner = this.owner(pod);
    if (!owner) return;
    this.expectations.deletionObserved(objectKey(owner), objectKey(pod));
    this.enqueue(owner);
  }

  // ## sync: claim, manage, write status.

  // @doc: replication-sync
  protected async sync(key: string): Promise<void> {
    const owner = this.owners.get(key);
    if (!owner) return void this.expectations.delete(key);
    let selector: Requirement[];
    try {
      selector = this.kind.selector(owner);
    } catch (e) {
      // An invalid selector cannot be fixed by retrying (the apiserver should have refused it).
      return this.note(`${key}: invalid selector, not syncing: ${(e as Error).message}`);
    }
    // An empty selector would claim every pod of the namespace; the apiserver refuses one.
    if (!selector.length) return this.note(`${key}: empty selector, not syncing`);
    const needsSync = this.expectations.satisfied(key);
    const deleting = Boolean(owner.metadata.deletionTimestamp);
    const active = this.pods.byIndex('namespace', splitKey(key).namespace ?? '').filter(isPodActive);
    const pods = await claimPods(active, {
      client: this.client, controllerRef: newControllerRef(owner, this.kind.apiVersion, this.kind.kind),
      selector, ownerDeleting: deleting,
      canAdopt: () => this.recheckNotDeleting(owner), log: (m) => this.note(`${key}: ${m}`),
    });
    let manageError: unknown;
    if (needsSync && !deleting) {
      try {
        await manageReplicas(pods, owner, key, this.manageContext());
      } catch (e) {
        manageError = e;
      }
    }
    const status = calculateStatus(owner, pods, manageError, this.clock);
    await updateStatus(this.client, this.kind.resource, owner, status);
    if (manageError !== undefined) throw manageError;
    // Ready pods become available only after minReadySeconds: look again then to count them.
    const minReady = owner.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas === (owner.spec.replicas ?? 1) && status.availableReplicas !== status.readyReplicas) {
      this.queue.addAfter(key, minReady * 1000);
    }
  }

  private manageContext() {
    return {
      expectations: this.expectations, podControl: this.podControl, note: this.note,
      burstReplicas: this.burstReplicas, apiVersion: this.kind.apiVersion, kind: this.kind.kind,
    };
  }

  // Before adopting we re-read the owner from the apiserver: the cache may not know it is being deleted.
  private async recheckNotDeleting(owner: Replicated): Promise<void> {
    const fresh = await this.client.get(this.kind.resource, owner.metadata.name!, owner.metadata.namespace);
    if (fresh.metadata.uid !== owner.metadata.uid) throw new Error(`original ${this.kind.kind} ${objectKey(owner)} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    if (fresh.metadata.deletionTimestamp) throw new Error(`${objectKey(owner)} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
}
