// Node: one Besu's main loop, with no sockets
// ============================================
// CONCEPT   Every tick (a quarter of the block period) a node does what a Besu does all the time:
//           1. ask its peers where their chains are (peer status);
//           2. if a peer is ahead, import the missing blocks from it (sync);
//           3. when the next block is due, ask consensus whether it is its turn, and seal it,
//              or wait, or, short of quorum, log that the chain is halted.
//           The loop runs on the Clock, so a unit test drives it with a FakeClock and in-process
//           peers, and a cluster at time scale 0.05 gets a block every 100 ms.
// REAL BESU besu/src/main/java/org/hyperledger/besu/Runner.java (starts the pieces),
//           ethereum/eth/.../sync/fullsync/FullSyncChainDownloader.java (catch-up),
//           consensus/qbft/.../statemachine/QbftBlockHeightManager.java (block timer, rounds)
// SHIPS     The clerk's routine: listen to the radio, copy missing pages, write the next one when it is their turn.
// EXAMPLE   const node = new BesuCore({ config, clock, logger, podIP: '127.244.1.2' });
//           node.start(); clock.advance(20_000);  node.chain.height  => 10 (a lone dev node)
// SKIPPED   transaction pool, world state, peer reputation. See consensus.ts for QBFT's shortcuts.
import { createHash } from 'node:crypto';
import type { Clock, Timer } from '../../client/clock.ts';
import { Chain, SyncTracker, addressOf, genesisBlock, type Block } from './chain.ts';
import type { BesuConfig } from './config.ts';
import { decide, roundAt, type ConsensusDecision } from './consensus.ts';
import {
  CLIENT_VERSION, THREADS, groupDigits, importedLine, minedBlockLine, qbftBlockLine, quorumWaitLine, syncBatchLine, type BesuLogger,
} from './logs.ts';
import { PeerSet, type BesuRegistry, type PeerStatus, type PeerTransport, type PeerView } from './network.ts';

/** Blocks of lag that still count as in sync (readiness's maxBlocksBehind, and QBFT's "online"). */
export const SYNC_TOLERANCE = 2;

/** Options of a node's core. */
export interface BesuCoreOptions {
  config: BesuConfig;
  clock: Clock;
  logger: BesuLogger;
  podIP: string;
  /** @default processRegistry */
  registry?: BesuRegistry;
  /** Reaches peers in other processes; without it only this process's nodes are peers. */
  transport?: PeerTransport;
  /** Blocks fetched from a peer per tick while syncing. @default 200 */
  syncBatchSize?: number;
  /** Besu's --max-peers. @default 25 */
  maxPeers?: number;
}

/** One simulated Besu node: its chain, peers and consensus, driven by the Clock. */
export class BesuCore {
  readonly chain: Chain;
  readonly peers: PeerSet;
  /** This node's 0x address: the `miner` of the blocks it proposes. */
  readonly address: string;
  readonly enode: string;
  private readonly config: BesuConfig;
  private readonly clock: Clock;
  private readonly log: BesuLogger;
  private readonly syncTracker = new SyncTracker(SYNC_TOLERANCE);
  private readonly known = new Set<string>();
  private knownList: string[] = [];
  private peersDeclared: number | undefined;
  private timer: Timer | undefined;
  private startedAt = 0;
  private fetching = false;
  private haltLogged: string | undefined;
  private statusCache: PeerStatus | undefined;

  constructor(private readonly options: BesuCoreOptions) {
    this.config = options.config;
    this.clock = options.clock;
    this.log = options.logger;
    this.chain = new Chain(genesisBlock(this.config.network, this.config.chainId));
    this.address = addressOf(this.config.nodeId);
    this.enode = `enode://${createHash('sha512').update(this.config.nodeId).digest('hex')}@${options.podIP}:30303`;
    if (this.config.role === 'validator') this.learnValidator(this.config.nodeId);
    const self = {
      address: options.podIP,
      network: this.config.network,
      status: () => this.status(),
      blocks: (from: number, count: number) => this.chain.range(from, count),
    };
    const tickMs = this.tickMs();
    this.peers = new PeerSet({
      self, clock: this.clock, registry: options.registry, transport: options.transport, maxPeers: options.maxPeers,
      // At least a second of wall time, so a busy machine at a small time scale does not flap peers.
      staleAfterMs: Math.max(2 * this.config.blockPeriodMs, 4 * tickMs, 1000 / this.clock.timeScale),
    });
  }

  /** Joins the network and starts the loop; the first tick runs at once. */
  start(): void {
    if (this.timer) return;
    this.startedAt = this.clock.now();
    this.peers.join();
    this.timer = this.clock.setInterval(() => this.tick(), this.tickMs());
    this.tick();
  }

  /** Leaves the network and stops the loop. Blocks arriving later are dropped. */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.peers.leave();
  }

  /** What peers learn about us (harbour_peerStatus). Shared and rebuilt only when it changes: do not mutate. */
  status(): PeerStatus {
    const head = this.chain.head();
    const s = this.statusCache;
    if (s && s.head.hash === head.hash && s.knownValidators === this.knownList) return s;
    return (this.statusCache = {
      id: this.config.nodeId, address: this.options.podIP, enode: this.enode, clientVersion: CLIENT_VERSION,
      network: this.config.network, chainId: this.config.chainId, role: this.config.role,
      head: { number: head.number, hash: head.hash }, knownValidators: this.knownList, validatorCount: this.config.validatorCount,
    });
  }

  /** Peers that count now: same network and chain id (a different genesis is a different chain). */
  currentPeers(): PeerView[] {
    return this.peers.peers().filter((p) => p.status.chainId === this.config.chainId);
  }

  /** The highest head we know of, ours included (ethereum_best_known_block_number). */
  bestKnownBlock(peers: PeerView[] = this.currentPeers()): number {
    return peers.reduce((best, p) => Math.max(best, p.status.head.number), this.chain.height);
  }

  /** eth_syncing's answer. */
  syncing(): ReturnType<SyncTracker['status']> {
    return this.syncTracker.status(this.chain.height, this.bestKnownBlock());
  }

  /** The validator ids this node knows, sorted (qbft_getValidatorsByBlockNumber). */
  validators(): string[] {
    return [...this.knownList].sort();
  }

  /** One turn of the loop; public so tests can step a node by hand. @doc: besu-node-tick */
  tick(): void {
    this.peers.poll();
    const peers = this.currentPeers();
    for (const p of peers) this.learn(p.status);
    const best = this.bestKnownBlock(peers);
    this.syncTracker.update(this.chain.height, best);
    if (best > this.chain.height) this.catchUp(peers, best);
    this.consensusStep(peers);
  }

  private tickMs(): number {
    return Math.min(this.config.blockPeriodMs / 4, 1000);
  }

  private learnValidator(id: string): void {
    if (this.known.has(id)) return;
    this.known.add(id);
    this.knownList = [...this.known];
  }

  // Validators gossip the set they know, so a node that starts while some validators are down
  // still learns the whole set, and the quorum stays what it was.
  private learn(s: PeerStatus): void {
    if (s.role === 'validator') this.learnValidator(s.id);
    for (const id of s.knownValidators) this.learnValidator(id);
    if (s.validatorCount) this.peersDeclared = Math.max(this.peersDeclared ?? 0, s.validatorCount);
  }

  // ## Sync: fetch the blocks we miss from the peer with the highest head.
  private catchUp(peers: PeerView[], best: number): void {
    if (this.fetching) return;
    const peer = peers.find((p) => p.status.head.number === best);
    if (!peer) return;
    const from = this.chain.height + 1;
    const got = peer.blocks(from, Math.min(this.options.syncBatchSize ?? 200, best - this.chain.height));
    if (Array.isArray(got)) return this.importBlocks(got, peer, peers.length);
    this.fetching = true;
    got.then(
      (blocks) => this.timer && this.importBlocks(blocks, peer, peers.length),
      () => undefined,
    ).finally(() => (this.fetching = false));
  }

  private importBlocks(blocks: Block[], peer: PeerView, peerCount: number): void {
    const imported: Block[] = [];
    for (const block of blocks) {
      const result = this.chain.import(block);
      if (result === 'imported') imported.push(block);
      else if (result !== 'known') break;
    }
    if (imported.length === 1) this.logImport(imported[0], peerCount);
    else if (imported.length > 1) this.log.info('FullImportBlockStep', syncBatchLine(imported, peer.status, peerCount), THREADS.sync);
    this.syncTracker.update(this.chain.height, this.bestKnownBlock());
  }

  private logImport(block: Block, peerCount: number): void {
    if (this.config.role === 'validator') this.log.info('QbftBesuControllerBuilder', qbftBlockLine('Imported', block), THREADS.qbft);
    else this.log.info('PersistBlockTask', importedLine(block, peerCount), THREADS.sync);
  }

  // ## Consensus: is the next block due, and is it ours to seal?
  private consensusStep(peers: PeerView[]): void {
    const head = this.chain.head();
    const base = Math.max(head.timestamp, this.startedAt);
    const sinceBase = this.clock.since(base);
    const period = this.config.blockPeriodMs;
    if (sinceBase < period) return;
    const round = roundAt(sinceBase - period, this.config.roundTimeoutMs);
    const best = this.bestKnownBlock(peers);
    const inSync = (n: number) => best - n <= SYNC_TOLERANCE;
    const decision = decide({
      self: { id: this.config.nodeId, role: this.config.role, inSync: inSync(head.number) },
      peers: peers.map((p) => ({ id: p.status.id, role: p.status.role, inSync: inSync(p.status.head.number) })),
      knownValidators: this.known,
      declaredCount: this.config.validatorCount ?? this.peersDeclared,
      height: head.number + 1,
      round,
    });
    this.act(decision, { head, base, sinceBase, best, round });
  }

  private act(decision: ConsensusDecision, at: { head: Block; base: number; sinceBase: number; best: number; round: number }): void {
    const { head, base, sinceBase, best, round } = at;
    // Halted: warn once per round (every round timeout), as Besu logs each round change.
    if (decision.kind === 'halt') {
      const key = `${head.number + 1}/${round}`;
      if (key !== this.haltLogged) {
        this.log.warn('QbftBlockHeightManager', quorumWaitLine(head.number + 1, decision.online, decision.needed, decision.total), THREADS.qbft);
      }
      this.haltLogged = key;
      return;
    }
    if (this.haltLogged !== undefined && (decision.kind === 'produce' || decision.kind === 'wait')) {
      const message = `Quorum reached again: resuming block production at #${groupDigits(head.number + 1)}`;
      this.log.info('QbftBlockHeightManager', message, THREADS.qbft);
      this.haltLogged = undefined;
    }
    if (decision.kind !== 'produce' || head.number < best) return;
    // On time (round 0, less than a period late) the block carries its slot's timestamp, so block
    // times stay regular whatever the tick phase; after a round change it carries the real time.
    const periodWall = this.config.blockPeriodMs * this.clock.timeScale;
    const onTime = decision.round === 0 && sinceBase < 2 * this.config.blockPeriodMs;
    const block = this.chain.produce(onTime ? base + periodWall : this.clock.now(), this.address);
    if (this.config.role === 'validator') {
      // Besu logs a block sealed after a round change at INFO (QbftRound.importBlockToChain).
      const roundId = `ConsensusRoundIdentifier{Sequence=${block.number}, Round=${decision.round}}`;
      if (decision.round > 0) this.log.info('QbftRound', `Importing block to chain. round=${roundId}, hash=${block.hash}`, THREADS.qbft);
      this.log.info('QbftBesuControllerBuilder', qbftBlockLine('Produced', block), THREADS.qbft);
    } else {
      this.log.info('BlockMiner', minedBlockLine(block), THREADS.qbft);
    }
    this.syncTracker.update(this.chain.height, this.bestKnownBlock());
  }
}
