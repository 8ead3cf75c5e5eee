// Node context: what every pod worker of one node shares
// ======================================================
// CONCEPT   A pod worker needs the node's services: its name and IP, the clock, the container
//           runtime, the image store, the crash back-off table, the status manager, an event
//           recorder and the pod IP allocator. The real Kubelet struct holds them all as fields;
//           we pass this narrow interface instead, so a test can hand a worker fakes.
// REAL K8S  pkg/kubelet/kubelet.go (the Kubelet struct: containerRuntime, imageManager, backOff,
//           statusManager, recorder)
// SHIPS     The ship's stores and crew, as one deckhand sees them.
// EXAMPLE   ctx.event(pod, 'Normal', 'Pulling', 'Pulling image "nginx:1.25"')
// SKIPPED   volume manager, the PLEG; `config` reads ConfigMaps and Secrets with a plain GET.

import type { KubeObject, ObjectReference, Pod } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import type { ConfigSource } from './container-env.ts';
import type { ContainerBackoff } from './container-backoff.ts';
import type { ImageManager } from './images.ts';
import type { ContainerRuntime } from './runtime/runtime.ts';
import type { StatusManager } from './status-manager.ts';

export interface NodeContext {
  nodeName: string;
  nodeIP: string;
  clock: Clock;
  runtime: ContainerRuntime;
  images: ImageManager;
  backoff: ContainerBackoff;
  status: Pick<StatusManager, 'setPodStatus' | 'requestDeletion'>;
  /** Reads the ConfigMaps and Secrets a container's env names (the configmap and secret managers). */
  config: ConfigSource;
  /** Records an Event (best effort, in the background). */
  event(object: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** A pod IP from the node's CIDR (waits until the node has one); undefined when the range is full. */
  allocatePodIP(pod: Pod): Promise<string | undefined>;
  releasePodIP(ip: string | undefined): void;
  /** The node's pod CIDR, once known. */
  podCIDR(): string | undefined;
}
