// Container probes: wiring a running container's probers to its pod worker
// =======================================================================
// CONCEPT   Once a container runs, the kubelet starts its probe workers (prober.ts) and listens to
//           what they conclude: a startup probe that succeeds marks the container `started`;
//           readiness turns `ready` on and off (and so the pod's Ready condition); a failed probe
//           is an "Unhealthy" event; a liveness or startup probe that fails failureThreshold times
//           kills the container, which its restartPolicy then restarts.
// REAL K8S  pkg/kubelet/prober/prober_manager.go (AddPod, UpdatePodStatus: Started and Ready from the
//           results), pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions: "Container
//           %s failed liveness probe" / "failed startup probe, will be restarted")
// SHIPS     The mate's reports, passed to the deckhand who looks after the container.
// EXAMPLE   startupProbe fails 3 times => Unhealthy "Startup probe failed: ...", Killing
//           "Container app failed startup probe, will be restarted"
// SKIPPED   the results cache shared between workers; probes of init containers (they have none).

import type { Pod } from '../api/types.ts';
import { containerRef, type ContainerRecord } from './container-record.ts';
import type { NodeContext } from './node-context.ts';
import { ContainerProber, type ProbeKind } from './prober.ts';
import type { RunningContainer } from './runtime/runtime.ts';

/** What the probes ask of the pod worker. */
export interface ProbeOwner {
  /** The container's status changed (started, ready). */
  syncStatus(): void;
  /** Kill `instance` for a restart, with the Killing event's message. */
  killForRestart(rec: ContainerRecord, instance: RunningContainer, message: string): void;
}

/** Whether the container needs probe workers at all. */
export function hasProbes(rec: ContainerRecord): boolean {
  return !!(rec.spec.startupProbe || rec.spec.readinessProbe || rec.spec.livenessProbe);
}

/** Starts the probe workers of a container that just started (prober_manager.AddPod). */
export function startProbes(ctx: NodeContext, pod: Pod, podIP: string, rec: ContainerRecord, instance: RunningContainer, owner: ProbeOwner): void {
  const ref = containerRef(pod, rec.name, rec.init);
  const current = () => rec.instance === instance;
  rec.prober = new ContainerProber(ctx.clock, { podIP, container: rec.spec, workload: instance.workload }, {
    onStarted: () => {
      if (!current() || rec.started) return;
      rec.started = true;
      // Without a readiness probe, a started container is ready (prober_manager.UpdatePodStatus).
      if (!rec.spec.readinessProbe) rec.ready = true;
      owner.syncStatus();
    },
    onReadiness: (ready) => {
      if (!current() || rec.ready === ready) return;
      rec.ready = ready;
      owner.syncStatus();
    },
    onProbeFailed: (kind: ProbeKind, message) => ctx.event(ref, 'Warning', 'Unhealthy', `${kind} probe failed: ${message}`),
    // @doc: kubelet-probe-restart
    onLivenessFailed: (_message, kind = 'Liveness') => owner.killForRestart(rec, instance, `Container ${rec.name} failed ${kind.toLowerCase()} probe, will be restarted`),
  });
  rec.prober.start();
}
