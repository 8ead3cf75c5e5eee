// Deletion: immediate, graceful, or held by finalizers
// ====================================================
// CONCEPT   Deleting is not always instant. A pod running on a node is deleted *gracefully*: the
//           apiserver only stamps deletionTimestamp (now + grace period), the kubelet sees it, stops
//           the containers (SIGTERM, then SIGKILL when the grace runs out) and then deletes the pod
//           for good with grace 0. An object with finalizers waits until every finalizer is removed.
//           A namespace turns Terminating and disappears once everything inside it is gone.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go (Delete,
//           updateForGracefulDeletionAndFinalizers), pkg/registry/core/pod/strategy.go
//           (CheckGracefulDelete), rest/delete.go (BeforeDelete)
// SHIPS     Unloading a container takes time: the captain is told, and strikes it off when it is ashore.
// EXAMPLE   DELETE pod on node-1 (grace 30)  => 200, pod has deletionTimestamp, STATUS Terminating
//           DELETE pod never scheduled       => 200, gone at once
//           DELETE deployment, propagationPolicy Orphan => 200, finalizers [orphan], deletionTimestamp
// SKIPPED   dryRun. What propagation policies mean is in deletion-finalizers.ts; the work they ask
//           for is the garbage collector's (controllers/garbage-collector.ts).

import type { DeleteOptions, KubeObject, Pod } from '../../api/types.ts';
import { conflict, notFound } from '../status.ts';
import { staleConflict, withTypeMeta, type RegistryStore } from './store.ts';
import { deletionFinalizers, validateDeleteOptions } from './deletion-finalizers.ts';
import { etcdKey, type ResourceDef } from './strategy.ts';

/** How long a delete waits: the request's grace, else the pod's own, else immediately. */
function gracePeriod(def: ResourceDef, obj: KubeObject, options: DeleteOptions): number {
  if (def.plural !== 'pods') return 0;
  const pod = obj as Pod;
  // A pod no kubelet runs, or one that already finished, has nobody to wait for.
  if (!pod.spec?.nodeName || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  const grace = options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, grace);
}

/**
 * Deletes one object, honouring preconditions, grace periods and finalizers.
 * Returns the object as it was deleted, or as it now waits (with deletionTimestamp).
 */
export async function deleteObject(store: RegistryStore, def: ResourceDef, ns: string | undefined, name: string, options: DeleteOptions = {}): Promise<KubeObject> {
  validateDeleteOptions(options);
  const key = etcdKey(def, ns, name);
  for (let attempt = 0; attempt < 16; attempt++) {
    const current = await store.etcd.get(key);
    if (!current) throw notFound(def, name);
    checkPreconditions(def, name, current, options);

    // @doc: delete-propagation-finalizers
    // Orphan and Foreground propagation become finalizers the garbage collector honours: the
    // object waits, with deletionTimestamp set, until the collector has dealt with its dependents.
    // Background removes them again, so a later `--cascade=background` overrides an earlier orphan.
    const gc = deletionFinalizers(def.strategy.defaultGarbageCollectionPolicy ?? 'Unsupported', current.metadata.finalizers, options);
    const grace = def.plural === 'namespaces' ? 0 : gracePeriod(def, current, options);
    const waiting = def.plural === 'namespaces' || grace > 0 || gc.finalizers.length > 0;
    if (waiting) {
      const next = markForDeletion(def, current, grace, gc);
      if (!next) return withTypeMeta(def, current);
      const result = await store.etcd.update(key, next, Number(current.metadata.resourceVersion), [], def.ttlSeconds);
      if (result.ok) return withTypeMeta(def, result.object);
      continue;
    }
    const release = def.strategy.release?.(current).map((k) => ({ key: k })) ?? [];
    const result = await store.etcd.delete(key, Number(current.metadata.resourceVersion), release);
    if (result.ok) return withTypeMeta(def, current);
    if (result.why === 'notfound') throw notFound(def, name);
  }
  throw conflict(def, name, 'too many concurrent writers; please retry');
}

function checkPreconditions(def: ResourceDef, name: string, current: KubeObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw conflict(def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw staleConflict(def, name);
}

/**
 * Stamps deletionTimestamp (or shortens an existing grace period) and writes the finalizers the
 * propagation policy asked for. Returns undefined when nothing would change (a repeated delete).
 */
function markForDeletion(def: ResourceDef, current: KubeObject, grace: number, gc: { changed: boolean; finalizers: string[] }): KubeObject | undefined {
  const meta = current.metadata;
  const deadline = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const sooner = !meta.deletionTimestamp || (meta.deletionGracePeriodSeconds ?? 0) > grace;
  if (!sooner && !gc.changed) return undefined;
  const next = structuredClone(current);
  if (gc.changed) next.metadata.finalizers = gc.finalizers;
  if (!sooner) return next; // already being deleted: only the finalizers change
  next.metadata.deletionTimestamp = meta.deletionTimestamp && grace > 0 ? meta.deletionTimestamp : deadline;
  next.metadata.deletionGracePeriodSeconds = grace;
  // markAsDeleting: an object that waits only on finalizers gets a new generation, once, so a
  // controller's observedGeneration shows it has seen the deletion.
  if (!meta.deletionTimestamp && grace === 0 && (meta.generation ?? 0) > 0 && def.plural !== 'namespaces') next.metadata.generation = meta.generation! + 1;
  if (def.plural === 'namespaces') (next as { status?: unknown }).status = { phase: 'Terminating' };
  return next;
}

/**
 * After an update, an object that is being deleted and has no finalizers left (and no grace
 * period to wait for) is removed - the last finalizer's removal completes the delete.
 */
export async function finishDeletionIfDone(store: RegistryStore, def: ResourceDef, obj: KubeObject): Promise<void> {
  const meta = obj.metadata;
  if (!meta.deletionTimestamp || meta.finalizers?.length || def.plural === 'namespaces') return;
  if (def.plural === 'pods' && (meta.deletionGracePeriodSeconds ?? 0) > 0) return;
  const release = def.strategy.release?.(obj).map((k) => ({ key: k })) ?? [];
  await store.etcd.delete(etcdKey(def, meta.namespace, meta.name!), Number(meta.resourceVersion), release);
}
