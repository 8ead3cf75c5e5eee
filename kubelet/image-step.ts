// Image step: the first thing startContainer does, and what a failed pull looks like
// ==================================================================================
// CONCEPT   Before creating a container the kubelet makes sure its image is on the node. When that
//           fails, the container does not start: it waits with the failure as its reason, and the
//           pod worker tries again later:
//             ErrImagePull       the registry refused (message: containerd's error); the next sync
//                                comes soon and finds the image in back-off =>
//             ImagePullBackOff   "Back-off pulling image ...": no pull until the back-off (10 s,
//                                20 s ... 300 s) has passed, then ErrImagePull again, or success;
//             ErrImageNeverPull  imagePullPolicy Never and the image is not on the node;
//             InvalidImageName   the name is not an image reference at all.
//           Every failure also records "Error: <reason>" (Failed) on the container.
// REAL K8S  pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer step 1: EnsureImageExists,
//           recordContainerEvent Failed "Error: %v"), pkg/kubelet/pod_workers.go (a failed sync is
//           retried after the back-off period), pkg/kubelet/images/types.go
// SHIPS     The deckhand sent to the quay for a container that is not there comes back empty-handed.
// EXAMPLE   image "hyperledger/besu:does-not-exist" => Pulling, Failed "Failed to pull image ...:
//           ... not found", Failed "Error: ErrImagePull"; 1 s later BackOff, "Error: ImagePullBackOff"
// SKIPPED   the pod worker's jitter on retries.

import type { NodeContext } from './node-context.ts';
import { containerRef, type ContainerRecord } from './container-record.ts';
import { ImagePullError, pulledMessage } from './images.ts';
import type { Pod } from '../api/types.ts';

/** How soon the worker syncs again after ErrImagePull (it then finds ImagePullBackOff). Kubernetes ms. */
const AFTER_PULL_ERROR_MS = 1000;
/** The pod worker's retry of a failed sync (backOffPeriod), for errors with no back-off of their own. */
const SYNC_RETRY_MS = 10_000;

/**
 * Makes sure `rec`'s image is on the node, recording the events. Returns undefined when it is
 * (rec.imageID set), or how many Kubernetes ms to wait before trying again (the container then
 * waits with the reason and message of the failure).
 */
export async function pullImage(ctx: NodeContext, pod: Pod, rec: ContainerRecord): Promise<number | undefined> {
  const ref = containerRef(pod, rec.name, rec.init);
  const image = rec.spec.image;
  rec.pulling = true;
  try {
    const pulled = await ctx.images.ensureImageExists(rec.spec, (type, reason, message) => ctx.event(ref, type, reason, message), pod.metadata.uid);
    rec.imageID = pulled.image.imageID;
    ctx.event(ref, 'Normal', 'Pulled', pulledMessage(image, pulled));
    return undefined;
  } catch (e) {
    const reason = e instanceof ImagePullError ? e.reason : 'ErrImagePull';
    rec.state = { waiting: { reason, message: (e as Error).message } };
    ctx.event(ref, 'Warning', 'Failed', `Error: ${reason}`);
    return retryDelay(ctx, pod, image, reason);
  } finally {
    rec.pulling = false;
  }
}

// @doc: kubelet-image-retry
// When the worker looks again: soon after a refused pull (to show the back-off), at the end of
// the back-off while in it, and after the usual sync period for errors no back-off governs.
function retryDelay(ctx: NodeContext, pod: Pod, image: string, reason: string): number {
  if (reason === 'ErrImagePull') return AFTER_PULL_ERROR_MS;
  if (reason === 'ImagePullBackOff') return Math.max(100, ctx.images.pullBackOffRemaining(image, pod.metadata.uid));
  return SYNC_RETRY_MS;
}

/**
 * A pod update changed the image of a container that is not running (`kubectl set image` on a
 * pod in ImagePullBackOff): the record takes the new spec and its pending retry is cancelled.
 * True when the worker should try the container now.
 */
export function takeNewImage(rec: ContainerRecord, pod: Pod): boolean {
  const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === rec.name);
  if (!spec || spec.image === rec.spec.image || rec.instance) return false;
  rec.spec = spec;
  rec.image = spec.image;
  if (!rec.restartTimer || !rec.state.waiting) return false;
  rec.restartTimer.cancel();
  rec.restartTimer = undefined;
  return true;
}
