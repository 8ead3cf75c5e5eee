// The garbage collector: dependents go when their owners go
// =========================================================
// CONCEPT   A pod created by an RC carries an ownerReference to it (kind, name, uid). Deleting the
//           RC does not delete the pods by itself; this controller does, and the DeleteOptions'
//           propagationPolicy says how:
//             Background (the default): the owner disappears at once; we then find dependents whose
//               owners are all gone ("dangling" references) and delete them.
//             Orphan: the owner waits, held by the "orphan" finalizer, while we remove its
//               ownerReference from every dependent; then we remove the finalizer and it disappears.
//               The pods live on, owned by nobody (a new RC with the same selector adopts them).
//             Foreground: the owner waits, held by "foregroundDeletion", until we deleted its dependents.
//           "Gone" is always checked against the apiserver by uid before we delete anything: a cache
//           that has not yet seen a new owner must never cost us its pods.
// REAL K8S  pkg/controller/garbagecollector/garbagecollector.go (attemptToDeleteItem,
//           classifyReferences, isDangling, orphanDependents, processDeletingDependentsItem),
//           staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
//           (deletionFinalizersForGarbageCollection: the apiserver adds the finalizers)
// SHIPS     When an office closes, its containers are scrapped - or stamped "no office" if asked.
// EXAMPLE   DELETE rc/besu                              => pods besu-* deleted (background)
//           PATCH rc/besu finalizers [orphan]; DELETE   => pods lose their ownerReference, stay running
// SKIPPED   the dependency graph of every kind (we watch pods as dependents); blockOwnerDeletion.
//
// REAL WORLD Kubernetes' apiserver turns `kubectl delete --cascade=orphan` (propagationPolicy Orphan)
// into the "orphan" finalizer on the owner, and Foreground into "foregroundDeletion". Ours does not
// yet, so an Orphan delete sent to it removes the RC at once and we collect its pods as for
// Background. Until it does, orphan by setting the finalizer first: deleteOrphaningDependents() below.

import type { KubeObject, OwnerReference, Pod } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import { isConflict, isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey, resourceInfo, type ResourceName } from '../client/resources.ts';
import { loggerFor, type ControllerClient, type ControllerOptions } from './context.ts';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** Options of the garbage collector. */
export interface GarbageCollectorOptions extends ControllerOptions {
  /** The owner kinds whose deletion we watch. @default ["replicationcontrollers"] */
  owners?: ResourceName[];
}

const ownerKey = (resource: string, key: string) => `owner ${resource} ${key}`;

export class GarbageCollector extends Controller {
  private readonly pods: Informer<Pod>;
  private readonly owners = new Map<string, Informer<KubeObject>>(); // by kind
  private readonly client: ControllerClient;
  private readonly note: (message: string) => void;

  constructor(o: GarbageCollectorOptions) {
    super({ name: 'garbage-collector-controller', clock: o.clock, workers: o.workers ?? 20, log: o.log });
    this.client = o.client;
    this.note = loggerFor(o, 'garbage-collector');
    const pods = o.factory.informer('pods');
    pods.addIndexer('ownerUid', (p) => (p.metadata.ownerReferences ?? []).map((r) => r.uid));
    this.pods = this.watch(pods, {
      onAdd: (pod) => this.enqueueDependent(pod),
      onUpdate: (_old, pod) => this.enqueueDependent(pod),
      // A dependent gone may complete a foreground deletion.
      onDelete: (pod) => this.enqueueDeletingOwners(pod),
    });
    for (const resource of o.owners ?? ['replicationcontrollers']) {
      const inf = o.factory.informer(resource) as Informer<KubeObject>;
      this.owners.set(resourceInfo(resource).kind, inf);
      this.watch(inf, {
        onAdd: (owner) => this.enqueueIfDeleting(resource, owner),
        onUpdate: (_old, owner) => this.enqueueIfDeleting(resource, owner),
        // The owner is gone: each of its dependents may now dangle.
        onDelete: (owner) => this.pods.byIndex('ownerUid', owner.metadata.uid!).forEach((p) => this.enqueueDependent(p)),
      });
    }
  }

  private enqueueDependent(pod: Pod): void {
    if (pod.metadata.ownerReferences?.length) this.enqueue(`pod ${objectKey(pod)}`);
  }

  private enqueueIfDeleting(resource: string, owner: KubeObject): void {
    const f = owner.metadata.finalizers ?? [];
    if (owner.metadata.deletionTimestamp && (f.includes(FINALIZER_ORPHAN) || f.includes(FINALIZER_FOREGROUND))) {
      this.enqueue(ownerKey(resource, objectKey(owner)));
    }
  }

  private enqueueDeletingOwners(pod: Pod): void {
    for (const ref of pod.metadata.ownerReferences ?? []) {
      const owner = this.owners.get(ref.kind)?.get(`${pod.metadata.namespace}/${ref.name}`);
      if (owner) this.enqueueIfDeleting(resourceInfo(ref.kind).plural, owner);
    }
  }

  protected async sync(key: string): Promise<void> {
    const [what, a, b] = key.split(' ');
    if (what === 'pod') return this.syncDependent(a);
    return this.syncDeletingOwner(a, b);
  }

  // ## Dependents: delete the ones whose owners are all gone (attemptToDeleteItem).

  // @doc: gc-attempt-to-delete
  private async syncDependent(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const refs = pod?.metadata.ownerReferences ?? [];
    if (!pod || !refs.length || pod.metadata.deletionTimestamp) return;
    const dangling: OwnerReference[] = [];
    for (const ref of refs) {
      const state = await this.ownerState(ref, pod.metadata.namespace!);
      if (state === 'unknown-kind') return; // not ours to judge
      if (state === 'gone') dangling.push(ref);
    }
    if (!dangling.length) return;
    const text = dangling.map((r) => `${r.kind} ${r.name} (uid ${r.uid})`).join(', ');
    if (dangling.length < refs.length) {
      // Another owner still holds it: only the dead references go.
      await this.client.patch('pods', pod.metadata.name!, {
        metadata: { resourceVersion: pod.metadata.resourceVersion, ownerReferences: refs.filter((r) => !dangling.includes(r)) },
      }, { namespace: pod.metadata.namespace });
      return this.note(`pod ${key}: removed references to deleted owners ${text}`);
    }
    try {
      await this.client.delete('pods', pod.metadata.name!, {
        namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid }, propagationPolicy: 'Background',
      });
      this.note(`deleting pod ${key}: its owner ${text} no longer exists`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // isDangling: the cache may simply lag, so "absent" is confirmed with a live GET, by uid.
  private async ownerState(ref: OwnerReference, namespace: string): Promise<'present' | 'gone' | 'unknown-kind'> {
    let info;
    try {
      info = resourceInfo(ref.kind);
    } catch {
      return 'unknown-kind';
    }
    const ns = info.namespaced ? namespace : undefined;
    const cached = this.owners.get(ref.kind)?.get(ns ? `${ns}/${ref.name}` : ref.name);
    if (cached?.metadata.uid === ref.uid) return 'present';
    try {
      const live = await this.client.get(info.plural, ref.name, ns);
      return live.metadata.uid === ref.uid ? 'present' : 'gone';
    } catch (e) {
      if (isNotFound(e)) return 'gone';
      throw e;
    }
  }

  // ## Owners being deleted with a finalizer: orphan or delete their dependents, then let go.

  // @doc: gc-orphan-dependents
  private async syncDeletingOwner(resource: string, key: string): Promise<void> {
    const owner = this.owners.get(resourceInfo(resource).kind)?.get(key);
    const finalizers = owner?.metadata.finalizers ?? [];
    if (!owner?.metadata.deletionTimestamp) return;
    const dependents = this.pods.byIndex('ownerUid', owner.metadata.uid!);
    if (finalizers.includes(FINALIZER_ORPHAN)) {
      for (const pod of dependents) {
        const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
        await this.client.patch('pods', pod.metadata.name!, {
          metadata: { resourceVersion: pod.metadata.resourceVersion, ownerReferences: refs.length ? refs : null },
        }, { namespace: pod.metadata.namespace });
      }
      this.note(`${resource} ${key} is deleted with propagationPolicy Orphan: released ${dependents.length} dependents`);
      return this.removeFinalizer(resource, owner, FINALIZER_ORPHAN);
    }
    if (finalizers.includes(FINALIZER_FOREGROUND)) {
      for (const pod of dependents.filter((p) => !p.metadata.deletionTimestamp)) {
        await this.client.delete('pods', pod.metadata.name!, { namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid } }).catch((e) => {
          if (!isNotFound(e)) throw e;
        });
      }
      // The owner stays until its dependents are really gone (their deletion events bring us back).
      if (dependents.length) return void this.note(`${resource} ${key} waits for ${dependents.length} dependents to be deleted (Foreground)`);
      return this.removeFinalizer(resource, owner, FINALIZER_FOREGROUND);
    }
  }

  // RetryOnConflict: the owner's status may have moved meanwhile; re-read it and try again.
  private async removeFinalizer(resource: string, owner: KubeObject, finalizer: string): Promise<void> {
    let current = owner;
    for (let attempt = 0; ; attempt++) {
      const rest = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      try {
        await this.client.patch(resource, current.metadata.name!, {
          metadata: { resourceVersion: current.metadata.resourceVersion, finalizers: rest.length ? rest : null },
        }, { namespace: current.metadata.namespace });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 4) throw e;
      }
      current = await this.client.get(resource, owner.metadata.name!, owner.metadata.namespace);
      if (current.metadata.uid !== owner.metadata.uid || !current.metadata.finalizers?.includes(finalizer)) return;
    }
  }
}

/**
 * `kubectl delete --cascade=orphan` for an apiserver that does not add the finalizer itself:
 * put the "orphan" finalizer on the owner, then delete it. The garbage collector does the rest.
 */
export async function deleteOrphaningDependents(client: ControllerClient, resource: ResourceName, name: string, namespace?: string): Promise<void> {
  await client.patch(resource, name, { metadata: { finalizers: [FINALIZER_ORPHAN] } }, { namespace, type: 'strategic' });
  await client.delete(resource, name, { namespace, propagationPolicy: 'Orphan' });
}
