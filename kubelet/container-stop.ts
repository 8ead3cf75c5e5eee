// Stopping containers: the graceful kill and the silent one
// =========================================================
// CONCEPT   A deleted pod's containers are stopped within its grace period: the kubelet records
//           "Stopping container app", sends SIGTERM, and SIGKILL when the grace period runs out
//           (never sooner than 2 s). A container that was not running at that moment gets a final
//           terminated state: its last one, or "ContainerStatusUnknown" if it never ran. When the
//           pod vanishes from the API (force delete) or the kubelet itself stops, containers are
//           killed at once and nothing is reported.
// REAL K8S  pkg/kubelet/kuberuntime/kuberuntime_container.go (killContainer: "Stopping container %s",
//           minimumGracePeriodInSeconds = 2), pkg/kubelet/kubelet_pods.go (the
//           ContainerStatusUnknown status of containers that could not be located)
// SHIPS     Unloading: each container lowered to the quay, or thrown overboard in a storm.
// EXAMPLE   terminationGracePeriodSeconds 30, deletionGracePeriodSeconds 0 => grace 2 s
// SKIPPED   preStop hooks, the pod-level grace period override of a probe.

import type { Pod } from '../api/types.ts';
import { containerRef, type ContainerRecord } from './container-record.ts';
import type { NodeContext } from './node-context.ts';
import type { ExitStatus } from './runtime/runtime.ts';

const MIN_GRACE_SECONDS = 2;

/** The grace period in seconds: deletionGracePeriodSeconds, else the spec's, but never under 2 s. */
export function graceSeconds(pod: Pod): number {
  const g = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(MIN_GRACE_SECONDS, g);
}

/**
 * Stops one container of a deleted pod within `graceMs`; `recordExit` writes its exit down.
 * A container not running gets its final terminated state here.
 */
export async function stopForDeletion(ctx: NodeContext, pod: Pod, rec: ContainerRecord, graceMs: number, recordExit: (exit: ExitStatus) => void): Promise<void> {
  rec.restartTimer?.cancel();
  if (rec.instance) {
    const instance = rec.instance;
    rec.prober?.stop();
    ctx.event(containerRef(pod, rec.name, rec.init), 'Normal', 'Killing', `Stopping container ${rec.name}`);
    const exit = await ctx.runtime.stopContainer(instance, graceMs);
    if (rec.instance === instance) recordExit(exit);
  } else if (!rec.state.terminated) {
    rec.state = rec.lastState.terminated ? { terminated: rec.lastState.terminated } : { terminated: {
      exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated',
    } };
  }
}

/** Kills one container at once, without events (the pod is gone or the kubelet stops). */
export function killSilently(ctx: NodeContext, pod: Pod, rec: ContainerRecord): Promise<unknown> {
  rec.restartTimer?.cancel();
  rec.prober?.stop();
  const stopping = rec.instance ? ctx.runtime.stopContainer(rec.instance, 0) : Promise.resolve();
  rec.instance = undefined;
  ctx.backoff.reset(`${pod.metadata.uid}_${rec.name}`);
  return stopping;
}
