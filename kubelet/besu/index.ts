// startBesu: the simulated Hyperledger Besu container a kubelet runs
// ==================================================================
// CONCEPT   When the kubelet starts a container with image `hyperledger/besu:*`, it calls
//           `startBesu` with the pod's IP, annotations, env and memory limit. What comes back
//           behaves like the container's process: it logs, listens on podIP:8545 (JSON-RPC,
//           /liveness, /readiness) and podIP:9545 (/metrics), joins its Besu network, imports or
//           produces blocks, and may exit on its own (crash, OOM kill) through `onExit`.
// REAL BESU besu/src/main/java/org/hyperledger/besu/cli/BesuCommand.java (startup),
//           besu/src/main/java/org/hyperledger/besu/Runner.java (starts RPC, metrics, P2P)
// SHIPS     The cargo in the container: a ledger clerk who keeps writing pages (blocks) while
//           enough of the other clerks are at their desks.
// EXAMPLE   const besu = await startBesu({ podIP: '127.244.1.2', clock: realClock(0.1), annotations: {},
//             env: { HOSTNAME: 'besu-0' }, log: console.log, onExit: (code, reason) => ... });
//           besu.setPeerCandidates(['127.244.2.3']);  ...  await besu.stop();
// SKIPPED   a data directory that survives restarts: every start begins at block 0 and syncs.
//
// Lifecycle: starting (banner, metrics up; JSON-RPC waits out any slow-start) -> running ->
// stopped (`stop()`, the kubelet's doing) or exited (crash or OOM kill: `onExit` is called once,
// after both ports are closed, so the kubelet may restart the container on the same pod IP at once).
import type { Clock } from '../../client/clock.ts';
import type { BesuConfig } from './config.ts';
import { BesuContainer } from './container.ts';
import type { BesuRegistry, PeerTransport } from './network.ts';

export { ANNOTATION_PREFIX, parseBesuConfig, type BesuConfig, type BesuRole } from './config.ts';
export { FAILURE_ANNOTATIONS } from './failures.ts';
export { BesuRegistry, processRegistry } from './network.ts';
export { quorumSize } from './consensus.ts';

/** Options of `startBesu`: what the kubelet knows about the container. */
export interface StartBesuOptions {
  /** The pod's IP; must be a 127.x.y.z address. Both servers bind to it and nothing else. */
  podIP: string;
  /** @default 8545 */
  rpcPort?: number;
  /** @default 9545 */
  metricsPort?: number;
  clock: Clock;
  /** The pod's annotations (see README.md for the `besu.harbour.dev/*` ones). */
  annotations: Record<string, string>;
  /** The container's env. Pass HOSTNAME = pod name, as container runtimes do: it is the node's identity. */
  env: Record<string, string>;
  /** The container's memory limit; memory-growth OOM-kills at it. @default no limit */
  memoryLimitBytes?: number;
  /** Receives each log line, without a trailing newline. */
  log: (line: string) => void;
  /** Called once when the container exits on its own: (1, "Error") or (137, "OOMKilled"). Not called by stop(). */
  onExit: (code: number, reason: string) => void;
  /** The in-process registry to join. @default processRegistry */
  registry?: BesuRegistry;
  /** How to reach peers in other processes; null for none. @default HTTP JSON-RPC to candidates' rpcPort */
  transport?: PeerTransport | null;
  /** Open the two sockets. False runs the node with in-process peers only (scale benchmarks). @default true */
  serve?: boolean;
}

/** The running container, as the kubelet sees it. */
export interface BesuNode {
  readonly podIP: string;
  readonly config: BesuConfig;
  /** Graceful stop (SIGTERM): closes both ports, leaves the network. Resolves when done; idempotent. */
  stop(): Promise<void>;
  /** What GET /readiness answers: JSON-RPC up, not failing readiness, at most 2 blocks behind. */
  ready(): boolean;
  /** What GET /liveness answers: JSON-RPC up and not failing liveness. */
  live(): boolean;
  /** Simulated resident memory, in bytes (0 once stopped or exited). */
  memoryBytes(): number;
  /** Pod IPs (or IP:port) of the other pods of this network; the node polls them for status. */
  setPeerCandidates(addresses: string[]): void;
  blockNumber(): number;
  peerCount(): number;
  phase(): 'starting' | 'running' | 'stopped' | 'exited';
}

/** True for a dotted IPv4 address inside 127.0.0.0/8. */
export function isLoopbackIPv4(ip: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

/** Starts one simulated Besu container; resolves once its JSON-RPC listens (or, with slow-start, once metrics do). */
export async function startBesu(options: StartBesuOptions): Promise<BesuNode> {
  if (!isLoopbackIPv4(options.podIP)) throw new Error(`Besu pod IP must be a 127.x.y.z loopback address, got "${options.podIP}"`);
  const container = new BesuContainer(options);
  await container.start();
  return container;
}

// REAL WORLD
// Besu on Kubernetes usually runs as a StatefulSet: each validator keeps /opt/besu/data on its own
// PersistentVolume (a restart resumes from its head) and its node key in a Secret (a replacement pod
// is the *same* validator). Bootnode enodes come from a ConfigMap or a headless Service, and probes
// point at /liveness and /readiness?minPeers=1&maxBlocksBehind=2 on the RPC port.
