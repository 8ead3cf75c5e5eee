// Container: the lifecycle of one simulated Besu process
// ======================================================
// CONCEPT   What the kubelet starts is a *process*: it prints its banner, opens its ports, runs
//           until it is stopped or dies on its own. This class wires the pieces of this folder
//           into that lifecycle:
//             starting -> running -> stopped (the kubelet's stop(), like SIGTERM)
//                                 -> exited  (crash or OOM kill: onExit(code, reason))
//           Metrics listen from the start; JSON-RPC (and with it the node's peer endpoint) only
//           once any slow-start is over. On exit both ports are closed *before* onExit is called,
//           so the kubelet can restart the container on the same pod IP at once.
// REAL BESU besu/src/main/java/org/hyperledger/besu/Runner.java (startEthereumMainLoop, close)
// SHIPS     The container on deck, from the crane setting it down to the moment it is emptied.
// EXAMPLE   see index.ts: startBesu(options) constructs one and awaits start().
// SKIPPED   signals and exit codes of a graceful stop: stop() just resolves.
import type http from 'node:http';
import type { Clock } from '../../client/clock.ts';
import { parseBesuConfig, type BesuConfig } from './config.ts';
import { FAILURE_ANNOTATIONS, FailureSchedule, parseFailurePlan } from './failures.ts';
import type { BesuNode, StartBesuOptions } from './index.ts';
import { BesuLogger, startupBanner, THREADS } from './logs.ts';
import { closeServer, startMetricsServer, type MetricsSnapshot } from './metrics.ts';
import { processRegistry } from './network.ts';
import { BesuCore, SYNC_TOLERANCE } from './node.ts';
import { httpPeerTransport } from './peer-transport.ts';
import { startRpcServer } from './rpc.ts';
import type { RpcBackend } from './rpc-methods.ts';

const ROLE_NAMES = {
  validator: 'QBFT validator',
  full: 'full node (follows the validators)',
  auto: 'dev (seals blocks while the network has no validators)',
} as const;

type Phase = ReturnType<BesuNode['phase']>;

/** One container's process: its config, core loop, failure plan and two HTTP servers. */
export class BesuContainer implements BesuNode {
  readonly podIP: string;
  readonly config: BesuConfig;
  private readonly clock: Clock;
  private readonly rpcPort: number;
  private readonly metricsPort: number;
  private readonly serve: boolean;
  private readonly logger: BesuLogger;
  private readonly core: BesuCore;
  private readonly failures: FailureSchedule;
  private readonly failureWarnings: string[];
  private readonly startTime: number;
  private state: Phase = 'starting';
  private rpcServer: http.Server | undefined;
  private metricsServer: http.Server | undefined;

  constructor(private readonly options: StartBesuOptions) {
    const { podIP, clock } = options;
    this.podIP = podIP;
    this.clock = clock;
    this.rpcPort = options.rpcPort ?? 8545;
    this.metricsPort = options.metricsPort ?? 9545;
    this.serve = options.serve ?? true;
    this.config = parseBesuConfig(options.annotations, options.env, podIP);
    const failurePlan = parseFailurePlan(options.annotations);
    this.failureWarnings = failurePlan.warnings;
    this.failures = new FailureSchedule(failurePlan.plan, clock, options.memoryLimitBytes);
    this.logger = new BesuLogger(clock, options.log);
    // Peers in other processes are polled on their JSON-RPC port; a request gets at least 0.5 s of wall time.
    const transport = options.transport === null || !this.serve ? undefined
      : options.transport ?? httpPeerTransport({ clock, port: this.rpcPort, timeoutMs: Math.max(this.config.blockPeriodMs, 500 / clock.timeScale) });
    this.core = new BesuCore({ config: this.config, clock, logger: this.logger, podIP, registry: options.registry ?? processRegistry, transport });
    this.startTime = clock.now();
  }

  /** Banner, metrics, failure timers, then JSON-RPC (now, or when slow-start is over). */
  async start(): Promise<void> {
    const { config, logger } = this;
    logger.info('Besu', 'Starting Besu');
    const banner = { network: config.network, networkId: config.networkId, rpcPort: this.rpcPort, memoryLimitBytes: this.options.memoryLimitBytes, role: ROLE_NAMES[config.role] };
    for (const line of startupBanner(banner)) logger.info('Besu', line);
    for (const w of [...config.warnings, ...this.failureWarnings]) logger.warn('Besu', w);
    if (this.serve) {
      this.metricsServer = await startMetricsServer(this.podIP, this.metricsPort, () => this.metricsSnapshot());
      logger.info('MetricsHttpService', `Metrics service started and listening on ${this.podIP}:${this.metricsPort}`);
    }
    let rpcOpened: Promise<void> = Promise.resolve();
    const slowStart = !!this.failures.plan.slowStartMs;
    this.failures.start({
      crash: () => {
        const key = FAILURE_ANNOTATIONS.crashAfter;
        logger.error('Besu', `Besu has encountered an unrecoverable error and is shutting down (simulated: ${key}=${this.options.annotations[key]})`);
        void this.exit(1, 'Error');
      },
      oomKill: () => void this.exit(137, 'OOMKilled'), // SIGKILL: a real process gets no chance to log
      startupDone: () => {
        rpcOpened = this.openRpc();
        // After a slow start nobody awaits us: a failure to listen is the container failing.
        if (slowStart) rpcOpened.catch(() => void this.exit(1, 'Error'));
      },
    });
    try {
      await rpcOpened;
    } catch (err) {
      this.state = 'exited';
      await this.shutdown();
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'exited') return;
    this.state = 'stopped';
    this.logger.info('Besu', 'Shutting down Besu');
    await this.shutdown();
  }

  ready(minPeers = 0, maxBlocksBehind = SYNC_TOLERANCE): boolean {
    return this.state === 'running' && !this.failures.readinessFailing() && this.core.currentPeers().length >= minPeers &&
      this.core.bestKnownBlock() - this.core.chain.height <= maxBlocksBehind;
  }

  live(): boolean {
    return this.state === 'running' && !this.failures.livenessFailing();
  }

  memoryBytes(): number {
    return this.state === 'stopped' || this.state === 'exited' ? 0 : this.failures.memoryBytes();
  }

  setPeerCandidates(addresses: string[]): void {
    this.core.peers.setCandidates(addresses);
  }

  blockNumber(): number {
    return this.core.chain.height;
  }

  peerCount(): number {
    return this.core.currentPeers().length;
  }

  phase(): Phase {
    return this.state;
  }

  private async openRpc(): Promise<void> {
    if (this.state !== 'starting') return;
    if (this.serve) {
      const health = { live: () => this.live(), ready: (minPeers?: number, behind?: number) => this.ready(minPeers, behind) };
      let server: http.Server;
      try {
        server = await startRpcServer({ host: this.podIP, port: this.rpcPort, backend: this.rpcBackend(), health });
      } catch (err) {
        this.logger.error('JsonRpcHttpService', `Failed to start JSON-RPC service: ${(err as Error).message}`, THREADS.rpc);
        throw err;
      }
      if (this.state !== 'starting') return void (await closeServer(server)); // stopped or crashed meanwhile
      this.rpcServer = server;
      this.logger.info('JsonRpcHttpService', `JSON-RPC service started and listening on ${this.podIP}:${this.rpcPort}`, THREADS.rpc);
    }
    this.logger.info('DefaultP2PNetwork', `Enode URL ${this.core.enode}`);
    this.core.start();
    this.state = 'running';
    this.logger.info('Runner', 'Ethereum main loop is up.');
  }

  // The container dies on its own: close the ports first, then tell the kubelet.
  private async exit(code: number, reason: string): Promise<void> {
    if (this.state === 'stopped' || this.state === 'exited') return;
    this.state = 'exited';
    await this.shutdown();
    this.options.onExit(code, reason);
  }

  private async shutdown(): Promise<void> {
    this.failures.cancel();
    this.core.stop();
    await Promise.all([closeServer(this.rpcServer), closeServer(this.metricsServer)]);
  }

  private rpcBackend(): RpcBackend {
    const core = this.core;
    return {
      chainId: this.config.chainId, networkId: this.config.networkId, podIP: this.podIP, chain: core.chain,
      status: () => core.status(), peers: () => core.currentPeers().map((p) => p.status),
      syncing: () => core.syncing(), validators: () => core.validators(), producing: () => this.config.role === 'validator',
    };
  }

  private metricsSnapshot(): MetricsSnapshot {
    const head = this.core.chain.head();
    return {
      height: head.number, bestKnownBlock: this.core.bestKnownBlock(), peers: this.peerCount(), maxPeers: 25,
      headTimestampSeconds: Math.floor(head.timestamp / 1000), headTransactions: head.transactions, headGasUsed: head.gasUsed,
      startTimeSeconds: Math.floor(this.startTime / 1000), uptimeSeconds: (this.clock.now() - this.startTime) / 1000,
      memoryBytes: this.failures.memoryBytes(), inSync: this.core.syncing() === false,
    };
  }
}
