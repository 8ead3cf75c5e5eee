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
//               A dependent that has dependents of its own is deleted in Foreground too, so a
//               Deployment stays until its ReplicaSets *and their pods* are gone.
//           The apiserver turns `kubectl delete --cascade=orphan|foreground` (DeleteOptions
//           propagationPolicy) into those finalizers (apiserver/registry/deletion-finalizers.ts).
//           Ownership chains: a Deployment owns ReplicaSets, which own pods. Deleting the Deployment
//           leaves its ReplicaSets dangling, we delete them, and that leaves their pods dangling.
//           "Gone" is always checked against the apiserver by uid before we delete anything: a cache
//           that has not yet seen a new owner must never cost us its pods.
// REAL K8S  pkg/controller/garbagecollector/garbagecollector.go (attemptToDeleteItem,
//           classifyReferences, isDangling, orphanDependents, processDeletingDependentsItem),
//           staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
//           (deletionFinalizersForGarbageCollection: the apiserver adds the finalizers)
// SHIPS     When an office closes, its containers are scrapped - or stamped "no office" if asked.
// EXAMPLE   kubectl delete rc besu                      => pods besu-* deleted (background)
//           kubectl delete rc besu --cascade=orphan     => pods lose their ownerReference, stay running
//           kubectl delete deploy web --cascade=foreground => pods, then ReplicaSets, then web deleted
// SKIPPED   the dependency graph of every kind (we follow pods and ReplicaSets as dependents, and
//           RCs, ReplicaSets, Deployments and Jobs as owners); blockOwnerDeletion (every controller sets
//           it, so every dependent blocks); a dependent's other live owners during a Foreground delete.

import type { KubeObject, OwnerReference } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import { isConflict, isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey, resourceInfo, type ResourceName } from '../client/resources.ts';
import { loggerFor, type ControllerClient, type ControllerOptions } from './context.ts';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** Options of the garbage collector. */
export interface GarbageCollectorOptions extends ControllerOptions {
  /** The owner kinds whose deletion we watch. @default ["replicationcontrollers", "replicasets", "deployments", "jobs"] */
  owners?: ResourceName[];
  /** The kinds whose ownerReferences we follow. @default ["pods", "replicasets"] */
  dependents?: ResourceName[];
}

const ownerKey = (resource: string, key: string) => `owner ${resource} ${key}`;

// Queue keys name the dependent's kind in one word: "pod default/web-x7k2p", "replicaset default/web-5d4f8c6b9".
const singular = (resource: string) => resourceInfo(resource).kind.toLowerCase();

export class GarbageCollector extends Controller {
  private readonly dependents = new Map<string, { resource: string; informer: Informer<KubeObject> }>(); // by singular: "pod"
  private readonly owners = new Map<string, Informer<KubeObject>>(); // by kind
  private readonly client: ControllerClient;
  private readonly note: (message: string) => void;

  constructor(o: GarbageCollectorOptions) {
    super({ name: 'garbage-collector-controller', clock: o.clock, workers: o.workers ?? 20, log: o.log });
    this.client = o.client;
    this.note = loggerFor(o, 'garbage-collector');
    for (const resource of o.dependents ?? ['pods', 'replicasets']) {
      const inf = o.factory.informer(resource) as Informer<KubeObject>;
      inf.addIndexer('ownerUid', (d) => (d.metadata.ownerReferences ?? []).map((r) => r.uid));
      this.dependents.set(singular(resource), { resource: resourceInfo(resource).plural, informer: inf });
      this.watch(inf, {
        onAdd: (dep) => this.enqueueDependent(resource, dep),
        onUpdate: (_old, dep) => this.enqueueDependent(resource, dep),
        // A dependent gone may complete a foreground deletion.
        onDelete: (dep) => this.enqueueDeletingOwners(dep),
      });
    }
    for (const resource of o.owners ?? ['replicationcontrollers', 'replicasets', 'deployments', 'jobs']) {
      const inf = o.factory.informer(resource) as Informer<KubeObject>;
      this.owners.set(resourceInfo(resource).kind, inf);
      this.watch(inf, {
        onAdd: (owner) => this.enqueueIfDeleting(resource, owner),
        onUpdate: (_old, owner) => this.enqueueIfDeleting(resource, owner),
        // The owner is gone: each of its dependents may now dangle.
        onDelete: (owner) => {
          for (const [word, d] of this.dependents) d.informer.byIndex('ownerUid', owner.metadata.uid!).forEach((dep) => this.enqueue(`${word} ${objectKey(dep)}`));
        },
      });
    }
  }

  private enqueueDependent(resource: string, dep: KubeObject): void {
    if (dep.metadata.ownerReferences?.length) this.enqueue(`${singular(resource)} ${objectKey(dep)}`);
  }

  /** Every dependent (of any watched kind) that names `uid` among its owners. */
  private dependentsOf(uid: string): { resource: string; obj: KubeObject }[] {
    return [...this.dependents.values()].flatMap((d) => d.informer.byIndex('ownerUid', uid).map((obj) => ({ resource: d.resource, obj })));
  }

  private enqueueIfDeleting(resource: string, owner: KubeObject): void {
    const f = owner.metadata.finalizers ?? [];
    if (owner.metadata.deletionTimestamp && (f.includes(FINALIZER_ORPHAN) || f.includes(FINALIZER_FOREGROUND))) {
      this.enqueue(ownerKey(resource, objectKey(owner)));
    }
  }

  private enqueueDeletingOwners(dep: KubeObject): void {
    for (const ref of dep.metadata.ownerReferences ?? []) {
      const owner = this.owners.get(ref.kind)?.get(`${dep.metadata.namespace}/${ref.name}`);
      if (owner) this.enqueueIfDeleting(resourceInfo(ref.kind).plural, owner);
    }
  }

  protected async sync(key: string): Promise<void> {
    const [what, a, b] = key.split(' ');
    if (what === 'owner') return this.syncDeletingOwner(a, b);
    return this.syncDependent(what, a);
  }

  // ## Dependents: delete the ones whose owners are all gone (attemptToDeleteItem).

  // @doc: gc-attempt-to-delete
  private async syncDependent(word: string, key: string): Promise<void> {
    const found = this.dependents.get(word);
    const dep = found?.informer.get(key);
    const refs = dep?.metadata.ownerReferences ?? [];
    if (!found || !dep || !refs.length || dep.metadata.deletionTimestamp) return;
    const dangling: OwnerReference[] = [];
    for (const ref of refs) {
      const state = await this.ownerState(ref, dep.metadata.namespace!);
      if (state === 'unknown-kind') return; // not ours to judge
      if (state === 'gone') dangling.push(ref);
    }
    if (!dangling.length) return;
    const text = dangling.map((r) => `${r.kind} ${r.name} (uid ${r.uid})`).join(', ');
    const { name, namespace, uid, resourceVersion } = dep.metadata;
    if (dangling.length < refs.length) {
      // Another owner still holds it: only the dead references go.
      await this.client.patch(found.resource, name!, {
        metadata: { resourceVersion, ownerReferences: refs.filter((r) => !dangling.includes(r)) },
      }, { namespace });
      return this.note(`${word} ${key}: removed references to deleted owners ${text}`);
    }
    try {
      // Background: a ReplicaSet deleted here takes its own pods with it, one level at a time.
      await this.client.delete(found.resource, name!, { namespace, preconditions: { uid }, propagationPolicy: 'Background' });
      this.note(`deleting ${word} ${key}: its owner ${text} no longer exists`);
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
    const dependents = this.dependentsOf(owner.metadata.uid!);
    if (finalizers.includes(FINALIZER_ORPHAN)) {
      for (const { resource: r, obj } of dependents) {
        const refs = (obj.metadata.ownerReferences ?? []).filter((x) => x.uid !== owner.metadata.uid);
        await this.client.patch(r, obj.metadata.name!, {
          metadata: { resourceVersion: obj.metadata.resourceVersion, ownerReferences: refs.length ? refs : null },
        }, { namespace: obj.metadata.namespace });
      }
      this.note(`${resource} ${key} is deleted with propagationPolicy Orphan: released ${dependents.length} dependents`);
      return this.removeFinalizer(resource, owner, FINALIZER_ORPHAN);
    }
    if (finalizers.includes(FINALIZER_FOREGROUND)) {
      for (const { resource: r, obj } of dependents.filter((d) => !d.obj.metadata.deletionTimestamp)) {
        // attemptToDeleteItem: an owner waits for this dependent, and the dependent has dependents
        // of its own - delete it in Foreground too, so the wait reaches all the way down.
        const propagationPolicy = this.dependentsOf(obj.metadata.uid!).length ? 'Foreground' : 'Background';
        await this.client.delete(r, obj.metadata.name!, { namespace: obj.metadata.namespace, preconditions: { uid: obj.metadata.uid }, propagationPolicy }).catch((e) => {
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
