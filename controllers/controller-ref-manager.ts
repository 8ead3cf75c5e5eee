// Claiming pods: adopt matching orphans, release pods that stopped matching
// =========================================================================
// CONCEPT   Labels decide which pods an RC *should* own; the controller ownerReference records which
//           it *does* own. Before counting, the RC reconciles the two: an orphan pod (no controller)
//           whose labels match is adopted (we add our ownerReference), a pod we own whose labels no
//           longer match is released (we remove it), and a pod some other controller owns is never
//           touched. So `kubectl label pod besu-x app-` takes a pod out of service for debugging and
//           the RC makes a replacement, and an RC recreated after `delete --cascade=orphan` picks up
//           its old pods instead of starting new ones. We never adopt while the RC is being deleted.
//           Each write carries the pod's resourceVersion, so we never adopt a pod that changed under us.
// REAL K8S  pkg/controller/controller_ref_manager.go (ClaimPods, ClaimObject, AdoptPod, ReleasePod,
//           RecheckDeletionTimestamp)
// SHIPS     Containers stamped with our cargo mark but no office's seal get our seal; containers
//           whose mark was scraped off lose it.
// EXAMPLE   rc selector app=besu; pods: x (ours, app=besu), y (orphan, app=besu), z (ours, app=debug)
//             => claimed [x, y]; y adopted, z released
// SKIPPED   the strategic-merge "$patch: delete" form (we send the whole ownerReferences list).
//           The same rules claim a Deployment's ReplicaSets (claimObjects with resource replicasets).

import type { KubeObject, OwnerReference, Pod } from '../api/types.ts';
import { matchesLabels, type Requirement } from '../api/labels.ts';
import { isNotFound } from '../client/errors.ts';
import type { ControllerClient } from './context.ts';
import { controllerRefOf } from './pod-util.ts';

/** What claimPods needs to know about the owner. */
export interface ClaimOptions {
  client: Pick<ControllerClient, 'patch'>;
  /** The owner's controller reference (NewControllerRef). */
  controllerRef: OwnerReference;
  selector: Requirement[];
  /** True while the owner is being deleted: no adoptions then. */
  ownerDeleting: boolean;
  /** Called before the first adoption; throw to refuse (RecheckDeletionTimestamp). */
  canAdopt?: () => Promise<void>;
  /** Told about each adoption and release. */
  log?: (message: string) => void;
  /** What is claimed: pods, or the ReplicaSets a Deployment owns (ClaimReplicaSets). @default "pods" */
  resource?: string;
}

/**
 * Returns the pods this owner controls after adopting and releasing (ClaimPods). `pods` are
 * cached (frozen) objects; adopted pods come back as the apiserver answered.
 */
export async function claimPods(pods: readonly Pod[], o: ClaimOptions): Promise<Pod[]> {
  return claimObjects(pods, o);
}

/** ClaimObject for any kind: the same rules for the ReplicaSets a Deployment selects. */
export async function claimObjects<T extends KubeObject>(pods: readonly T[], o: ClaimOptions): Promise<T[]> {
  const claimed: T[] = [];
  let adoptionChecked = false;
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    const matches = matchesLabels(o.selector, pod.metadata.labels);
    if (ref) {
      if (ref.uid !== o.controllerRef.uid) continue; // someone else's pod: hands off
      if (matches) claimed.push(pod);
      else if (!o.ownerDeleting) await release(pod, o);
      continue;
    }
    // An orphan: adopt it if it matches, we are not being deleted, and it is not going away itself.
    if (!matches || o.ownerDeleting || pod.metadata.deletionTimestamp) continue;
    if (!adoptionChecked) {
      await o.canAdopt?.();
      adoptionChecked = true;
    }
    const adopted = await adopt(pod, o);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

async function adopt<T extends KubeObject>(pod: T, o: ClaimOptions): Promise<T | undefined> {
  const refs = [...(pod.metadata.ownerReferences ?? []), o.controllerRef];
  try {
    const patched = await o.client.patch(o.resource ?? 'pods', pod.metadata.name!, {
      metadata: { resourceVersion: pod.metadata.resourceVersion, ownerReferences: refs },
    }, { namespace: pod.metadata.namespace });
    o.log?.(`adopted orphan ${o.resource ?? 'pods'} ${pod.metadata.namespace}/${pod.metadata.name}: its labels match the selector`);
    return patched as T;
  } catch (e) {
    if (isNotFound(e)) return undefined; // gone meanwhile: nothing to adopt
    throw e;
  }
}

async function release(pod: KubeObject, o: ClaimOptions): Promise<void> {
  const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== o.controllerRef.uid);
  try {
    await o.client.patch(o.resource ?? 'pods', pod.metadata.name!, {
      metadata: { resourceVersion: pod.metadata.resourceVersion, ownerReferences: refs.length ? refs : null },
    }, { namespace: pod.metadata.namespace });
    o.log?.(`released ${o.resource ?? 'pods'} ${pod.metadata.namespace}/${pod.metadata.name}: its labels no longer match the selector`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
