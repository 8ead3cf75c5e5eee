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
import { parseBesuConfig, type BesuConfig } from './config.ts';
import { FAILURE_ANNOTATIONS, FailureSchedule, parseFailurePlan } from './failures.ts';
import { BesuLogger, startupBanner, THREADS } from './logs.ts';
import { closeServer, startMetricsServer } from './metrics.ts';
import { processRegistry, type BesuRegistry, type PeerTransport } from './network.ts';
import { BesuCore, SYNC_TOLERANCE } from './node.ts';
import { httpPeerTransport } from './peer-transport.ts';
import { startRpcServer } from './rpc.ts';
import type http from 'node:http';

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

const ROLE_NAMES = {
  validator: 'QBFT validator',
  full: 'full node (follows the validators)',
  auto: 'dev (seals blocks while the network has no validators)',
} as const;

/** True for a dotted IPv4 address inside 127.0.0.0/8. */
export function isLoopbackIPv4(ip: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

/** Starts one simulated Besu container; resolves once its JSON-RPC listens (or, with slow-start, once metrics do). */
export async function startBesu(options: StartBesuOptions): Promise<BesuNode> {
  const { podIP, clock } = options;
  if (!isLoopbackIPv4(podIP)) throw new Error(`Besu pod IP must be a 127.x.y.z loopback address, got "${podIP}"`);
  const rpcPort = options.rpcPort ?? 8545;
  const metricsPort = options.metricsPort ?? 9545;
  const serve = options.serve ?? true;
  const config = parseBesuConfig(options.annotations, options.env, podIP);
  const failurePlan = parseFailurePlan(options.annotations);
  const logger = new BesuLogger(clock, options.log);
  const transport = options.transport === null || !serve ? undefined
    : options.transport ?? httpPeerTransport({ clock, port: rpcPort, timeoutMs: Math.max(config.blockPeriodMs, 500 / clock.timeScale) });
  const core = new BesuCore({ config, clock, logger, podIP, registry: options.registry ?? processRegistry, transport });
  const failures = new FailureSchedule(failurePlan.plan, clock, options.memoryLimitBytes);
  let phase: ReturnType<BesuNode['phase']> = 'starting';
  let rpcServer: http.Server | undefined;
  let metricsServer: http.Server | undefined;
  const startTime = clock.now();

  logger.info('Besu', 'Starting Besu');
  for (const line of startupBanner({ network: config.network, networkId: config.networkId, rpcPort, memoryLimitBytes: options.memoryLimitBytes, role: ROLE_NAMES[config.role] })) {
    logger.info('Besu', line);
  }
  for (const w of [...config.warnings, ...failurePlan.warnings]) logger.warn('Besu', w);

  const health = {
    live: () => phase === 'running' && !failures.livenessFailing(),
    ready: (minPeers = 0, maxBlocksBehind = SYNC_TOLERANCE) =>
      phase === 'running' && !failures.readinessFailing() && core.currentPeers().length >= minPeers &&
      core.bestKnownBlock() - core.chain.height <= maxBlocksBehind,
  };

  if (serve) {
    metricsServer = await startMetricsServer(podIP, metricsPort, () => {
      const head = core.chain.head();
      return {
        height: head.number, bestKnownBlock: core.bestKnownBlock(), peers: core.currentPeers().length, maxPeers: 25,
        headTimestampSeconds: Math.floor(head.timestamp / 1000), headTransactions: head.transactions, headGasUsed: head.gasUsed,
        startTimeSeconds: Math.floor(startTime / 1000), uptimeSeconds: (clock.now() - startTime) / 1000,
        memoryBytes: failures.memoryBytes(), inSync: core.syncing() === false,
      };
    });
    logger.info('MetricsHttpService', `Metrics service started and listening on ${podIP}:${metricsPort}`);
  }

  const shutdown = async () => {
    failures.cancel();
    core.stop();
    await Promise.all([closeServer(rpcServer), closeServer(metricsServer)]);
  };

  // The container dies on its own: close the ports first, then tell the kubelet.
  const exit = async (code: number, reason: string) => {
    if (phase === 'stopped' || phase === 'exited') return;
    phase = 'exited';
    await shutdown();
    options.onExit(code, reason);
  };

  const openRpc = async () => {
    if (phase !== 'starting') return;
    if (serve) {
      const backend = {
        chainId: config.chainId, networkId: config.networkId, podIP, chain: core.chain,
        status: () => core.status(), peers: () => core.currentPeers().map((p) => p.status),
        syncing: () => core.syncing(), validators: () => core.validators(),
        producing: () => config.role === 'validator',
      };
      const server = await startRpcServer({ host: podIP, port: rpcPort, backend, health });
      if (phase !== 'starting') return void (await closeServer(server));
      rpcServer = server;
      logger.info('JsonRpcHttpService', `JSON-RPC service started and listening on ${podIP}:${rpcPort}`, THREADS.rpc);
    }
    logger.info('DefaultP2PNetwork', `Enode URL ${core.enode}`);
    core.start();
    phase = 'running';
    logger.info('Runner', 'Ethereum main loop is up.');
  };

  let rpcOpened: Promise<void> = Promise.resolve();
  failures.start({
    crash: () => {
      const key = FAILURE_ANNOTATIONS.crashAfter;
      logger.error('Besu', `Besu has encountered an unrecoverable error and is shutting down (simulated: ${key}=${options.annotations[key]})`);
      void exit(1, 'Error');
    },
    oomKill: () => void exit(137, 'OOMKilled'),
    startupDone: () => {
      rpcOpened = openRpc();
      if (failurePlan.plan.slowStartMs) {
        rpcOpened.catch((err: Error) => {
          logger.error('JsonRpcHttpService', `Failed to start JSON-RPC service: ${err.message}`, THREADS.rpc);
          void exit(1, 'Error');
        });
      }
    },
  });
  try {
    await rpcOpened;
  } catch (err) {
    phase = 'exited';
    await shutdown();
    throw err;
  }

  return {
    podIP,
    config,
    async stop() {
      if (phase === 'stopped' || phase === 'exited') return;
      phase = 'stopped';
      logger.info('Besu', 'Shutting down Besu');
      await shutdown();
    },
    ready: () => health.ready(),
    live: () => health.live(),
    memoryBytes: () => (phase === 'stopped' || phase === 'exited' ? 0 : failures.memoryBytes()),
    setPeerCandidates: (addresses) => core.peers.setCandidates(addresses),
    blockNumber: () => core.chain.height,
    peerCount: () => core.currentPeers().length,
    phase: () => phase,
  };
}
