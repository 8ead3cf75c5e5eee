// manageReplicas: create the missing pods, or delete the surplus
// ==============================================================
// CONCEPT   The one place a ReplicaSet (or ReplicationController) acts. Too few pods: create the
//           difference from the template, in slow-start batches (1, 2, 4 ...) so a template the
//           apiserver refuses costs one failed call, not 500. Too many: delete the least useful
//           (active-pods.ts). Both write their expectation *before* acting, so even a watch event
//           that beats the call's own answer finds it and ticks it off.
// REAL K8S  pkg/controller/replicaset/replica_set.go (manageReplicas, slowStartBatch, getPodsToDelete)
// SHIPS     The office's order slips: "order three", or "scrap these two".
// EXAMPLE   4 wanted, 1 owned => expectCreations(3); 3 creates;  2 wanted, 7 owned => 5 deletes
// SKIPPED   nothing.

import type { Pod } from '../api/types.ts';
import { isNotFound } from '../client/errors.ts';
import { objectKey } from '../client/resources.ts';
import { podsToDelete } from './active-pods.ts';
import { slowStartBatch, type ControllerExpectations } from './expectations.ts';
import type { PodControl } from './pod-control.ts';
import { newControllerRef } from './pod-util.ts';
import type { Replicated } from './replica-set.ts';

/** What manageReplicas acts through. */
export interface ManageContext {
  expectations: ControllerExpectations;
  podControl: PodControl;
  note: (message: string) => void;
  /** At most this many creates or deletes per sync (BurstReplicas). */
  burstReplicas: number;
  /** The owner's kind, for the ownerReference its pods carry. */
  apiVersion: string;
  kind: string;
}

/** Creates or deletes pods so that `pods.length` moves to spec.replicas (manageReplicas). */
// @doc: replication-manage-replicas
export async function manageReplicas(pods: Pod[], owner: Replicated, key: string, c: ManageContext): Promise<void> {
  const want = owner.spec.replicas ?? 1;
  const diff = pods.length - want;
  if (diff < 0) return createPods(owner, key, Math.min(-diff, c.burstReplicas), pods.length, want, c);
  if (diff > 0) return deletePods(pods, owner, key, Math.min(diff, c.burstReplicas), want, c);
}

async function createPods(owner: Replicated, key: string, count: number, have: number, want: number, c: ManageContext): Promise<void> {
  c.note(`${key} has ${have} of ${want} pods: creating ${count}`);
  c.expectations.expectCreations(key, count);
  const ref = newControllerRef(owner, c.apiVersion, c.kind);
  const { successes, error } = await slowStartBatch(count, 1, async () => {
    await c.podControl.createPod(owner.spec.template!, owner, ref);
  });
  // Pods we never created will never be observed: stop expecting them.
  for (let i = successes; i < count; i++) c.expectations.creationObserved(key);
  if (error !== undefined) throw error;
}

async function deletePods(pods: Pod[], owner: Replicated, key: string, count: number, want: number, c: ManageContext): Promise<void> {
  const victims = podsToDelete(pods, pods, count);
  c.note(`${key} has ${pods.length} of ${want} pods: deleting ${victims.map((p) => p.metadata.name).join(', ')}`);
  c.expectations.expectDeletions(key, victims.map(objectKey));
  const results = await Promise.allSettled(victims.map(async (pod) => {
    try {
      await c.podControl.deletePod(pod.metadata.namespace!, pod.metadata.name!, owner);
    } catch (e) {
      // The informer will not see this deletion: stop expecting it.
      c.expectations.deletionObserved(key, objectKey(pod));
      if (!isNotFound(e)) throw e;
    }
  }));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
