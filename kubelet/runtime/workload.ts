// Workloads: what runs inside a simulated container
// =================================================
// CONCEPT   A real container is a process started from an image. Ours is an object living in the
//           kubelet's own process, chosen by image: `hyperledger/besu:*` runs the Besu simulation,
//           anything else a generic container that sleeps, echoes or exits as its command says.
//           Every workload answers the same few questions the kubelet asks a process: stop nicely
//           (SIGTERM), stop now (SIGKILL), are you live, are you ready, how much memory.
//           Because containers live in the kubelet's process, killing the kubelet process sinks
//           the ship with all its cargo.
// REAL K8S  the CRI (staging/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto: CreateContainer,
//           StartContainer, StopContainer with a timeout), pkg/kubelet/container/runtime.go
// SHIPS     The cargo inside a container: a ledger clerk (Besu) or a crate that just sits there.
// EXAMPLE   const w = await factory(ctx); w.ready(); await w.stop();
// SKIPPED   exec, attach, port-forward, resource limits other than Besu's memory limit.

import type { Container, Pod } from '../../api/types.ts';
import type { Clock } from '../../client/clock.ts';
import type { PortHost } from './port-host.ts';

/** A running simulated process. */
export interface Workload {
  /** SIGTERM: resolves once the process has shut down on its own terms. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL: the process is gone at once. */
  kill(): void;
  /** What an exec or default liveness check would say. @default always live while running */
  live?(): boolean;
  /** What an exec or default readiness check would say. @default always ready while running */
  ready?(): boolean;
  /** Resident memory in bytes, for the node's memory figures. @default 0 */
  memoryBytes?(): number;
}

/** Everything a workload learns about its container when it starts. */
export interface WorkloadContext {
  pod: Pod;
  container: Container;
  podIP: string;
  clock: Clock;
  /** The container's env, with HOSTNAME set to the pod name as runtimes do. */
  env: Record<string, string>;
  /** Writes one line to the container's log. */
  log(line: string): void;
  /** The process exited on its own (not through stop/kill): code and reason ("Completed", "Error", "OOMKilled"). */
  onExit(code: number, reason: string): void;
  /** Shared listeners for containerPorts. */
  ports: PortHost;
}

/** Starts a workload; rejects when the process cannot start (StartError). */
export type WorkloadFactory = (ctx: WorkloadContext) => Promise<Workload>;

/**
 * Env of a container as a plain map, with HOSTNAME = pod name (what a runtime sets): the env the
 * kubelet resolved from ConfigMaps and Secrets when given, else the literal `value`s.
 */
export function containerEnv(pod: Pod, container: Container, resolved?: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { HOSTNAME: pod.metadata.name ?? '' };
  if (resolved) return Object.assign(env, resolved);
  for (const e of container.env ?? []) env[e.name] = e.value ?? '';
  return env;
}
