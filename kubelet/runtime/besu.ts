// The Besu container: hyperledger/besu:* images run the simulated Besu
// ====================================================================
// CONCEPT   The runtime picks what runs by image, as a real runtime runs the image's entrypoint.
//           `hyperledger/besu:*` starts the simulated Besu of kubelet/besu/ on the pod's IP, with
//           the pod's annotations (instructors' failure knobs), the container's env and memory limit.
//           It exits on its own when an annotation says so (crash, OOM kill); the kubelet sees that
//           through onExit, exactly like a process dying.
// REAL K8S  (the CRI's StartContainer; the image's ENTRYPOINT ["besu"])
// SHIPS     The ledger clerk in the container.
// EXAMPLE   isBesuImage('hyperledger/besu:24.1') => true; startBesuContainer(ctx) => Workload
// SKIPPED   Besu flags in `args` (configuration comes from annotations and env; see kubelet/besu/README.md).

import { memoryBytes } from '../../api/quantity.ts';
import { startBesu, type BesuNode } from '../besu/index.ts';
import type { Workload, WorkloadContext } from './workload.ts';

/** Whether an image runs the Besu simulation. */
export function isBesuImage(image: string): boolean {
  return /^(docker\.io\/)?hyperledger\/besu(:|@|$)/.test(image);
}

/** A Besu workload also exposes the node, for peer discovery. */
export interface BesuWorkload extends Workload {
  besu: BesuNode;
}

/** Starts the simulated Besu for one container (a WorkloadFactory). */
export async function startBesuContainer(ctx: WorkloadContext): Promise<BesuWorkload> {
  const limit = ctx.container.resources?.limits?.memory;
  const besu = await startBesu({
    podIP: ctx.podIP,
    clock: ctx.clock,
    annotations: { ...(ctx.pod.metadata.annotations ?? {}) },
    env: ctx.env,
    memoryLimitBytes: limit === undefined ? undefined : memoryBytes(limit),
    log: ctx.log,
    onExit: ctx.onExit,
  });
  return {
    besu,
    stop: () => besu.stop(),
    // A simulated process has nothing to kill harder than stop(): closing its ports is all there is.
    kill: () => void besu.stop(),
    live: () => besu.live(),
    ready: () => besu.ready(),
    memoryBytes: () => besu.memoryBytes(),
  };
}
