// Logs: Besu's log lines, so `kubectl logs` looks like a real Besu pod
// ====================================================================
// CONCEPT   A container's log is whatever it writes to stdout; the kubelet keeps it and
//           `kubectl logs` reads it back. Besu logs through log4j2 with a fixed pattern, a framed
//           start-up banner, and one line per block. Students who later run a real Besu should
//           recognise every line, so we copy the formats.
// REAL BESU besu/src/main/resources/log4j2.xml (pattern
//           `%d{yyyy-MM-dd HH:mm:ss.SSSZZZ} | %t | %-5level | %c{1} | %msg%n`),
//           besu/src/main/java/org/hyperledger/besu/cli/ConfigurationOverviewBuilder.java (banner),
//           ethereum/eth/.../sync/tasks/PersistBlockTask.java ("Imported #... Peers: 3"),
//           consensus/qbft/.../QbftBesuControllerBuilder.java (blockLogger: "Produced #...")
// SHIPS     The clerk's diary, which the captain (kubelet) hands to whoever asks (`kubectl logs`).
// EXAMPLE   2026-11-22 14:37:01.123+00:00 | main | INFO  | Besu | Starting Besu
//           2026-11-22 14:37:03.004+00:00 | BftProcessorExecutor-QBFT-0 | INFO  | QbftBesuControllerBuilder |
//             Produced #12 / 0 tx / 0 pending / 0 (0.0%) gas / (0x4b1f...)
// SKIPPED   log levels below INFO, JSON logging, log rotation.
import type { Clock } from '../../client/clock.ts';
import { GAS_LIMIT, type Block } from './chain.ts';

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

/** Besu's version string, as web3_clientVersion answers it. */
export const CLIENT_VERSION = 'besu/v24.1.0-harbour/linux-x86_64/openjdk-java-17';

/** Thread names Besu logs from; students meet the same names in a real Besu's log. */
export const THREADS = {
  main: 'main',
  rpc: 'vert.x-eventloop-thread-1',
  qbft: 'BftProcessorExecutor-QBFT-0',
  sync: 'EthScheduler-Services-3 (importBlock)',
} as const;

/** log4j's `yyyy-MM-dd HH:mm:ss.SSSZZZ` in UTC: "2026-11-22 14:37:01.123+00:00". */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00:00');
}

/** One line in Besu's layout: time | thread | level padded to 5 | logger | message. */
export function formatLine(ms: number, thread: string, level: LogLevel, logger: string, message: string): string {
  return `${formatTimestamp(ms)} | ${thread} | ${level.padEnd(5)} | ${logger} | ${message}`;
}

/** Java's `%,d`: 1234567 => "1,234,567". */
export function groupDigits(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** FramedLogMessage.generate: each line inside a 100-column box of '#'. */
export function framed(lines: readonly string[]): string[] {
  const bar = '#'.repeat(100);
  const row = (s: string) => `# ${s.padEnd(96).slice(0, 96)} #`;
  return [bar, row(''), ...lines.map(row), row(''), bar];
}

/** What the start-up banner shows. */
export interface BannerInfo {
  network: string;
  networkId: number;
  rpcPort: number;
  /** The container's memory limit, shown as the JVM's maximum heap. */
  memoryLimitBytes?: number;
  role: string;
}

/** The configuration overview Besu prints before anything else. */
export function startupBanner(info: BannerInfo): string[] {
  const gb = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GB`;
  return framed([
    `Besu version ${CLIENT_VERSION.split('/')[1]}`,
    '',
    'Configuration:',
    `Network: Custom genesis file specified (${info.network}, QBFT)`,
    `Network Id: ${info.networkId}`,
    'Data storage: Forest',
    'Data directory: /opt/besu/data',
    'Sync mode: Full',
    'RPC HTTP APIs: ETH,NET,WEB3,ADMIN,QBFT',
    `RPC HTTP port: ${info.rpcPort}`,
    `Node role: ${info.role}`,
    'Using LAYERED transaction pool implementation',
    '',
    'Host:',
    'Java: openjdk-java-17',
    `Maximum heap size: ${info.memoryLimitBytes ? gb(info.memoryLimitBytes * 0.75) : '1.00 GB'}`,
    'OS: linux-x86_64',
    `Total memory: ${info.memoryLimitBytes ? gb(info.memoryLimitBytes) : '2.00 GB'}`,
  ]);
}

function gasPercent(block: Block): string {
  return ((block.gasUsed * 100) / GAS_LIMIT).toFixed(1);
}

/** Simulated import time: about a millisecond, a little more per transaction. */
export function importSeconds(block: Block): string {
  return (0.001 + block.transactions * 0.0004).toFixed(3);
}

/** PersistBlockTask's line, written by a full node for each block it imports. */
export function importedLine(block: Block, peers: number): string {
  return (
    `Imported #${groupDigits(block.number)} / ${block.transactions} tx / 0 om / ${groupDigits(block.gasUsed)} ` +
    `(${gasPercent(block)}%) gas / (${block.hash}) in ${importSeconds(block)}s. Peers: ${peers}`
  );
}

/** QbftBesuControllerBuilder's blockLogger line: "Produced" by the proposer, "Imported" by the other validators. */
export function qbftBlockLine(kind: 'Produced' | 'Imported', block: Block): string {
  return (
    `${kind} #${groupDigits(block.number)} / ${block.transactions} tx / 0 pending / ${groupDigits(block.gasUsed)} ` +
    `(${gasPercent(block)}%) gas / (${block.hash})`
  );
}

/** One line for a batch of blocks imported while syncing (Besu logs one per block; we summarise). */
export function syncBatchLine(blocks: readonly Block[], peer: { id: string; head: { number: number } }, peers: number): string {
  const first = groupDigits(blocks[0].number);
  const last = groupDigits(blocks[blocks.length - 1].number);
  return `Imported #${first} to #${last} (${blocks.length} blocks) from peer ${peer.id}, target #${groupDigits(peer.head.number)}. Peers: ${peers}`;
}

/** BlockMiner's line, written by a dev-mode node (no validators) for each block it seals. */
export function minedBlockLine(block: Block): string {
  return (
    `Produced #${groupDigits(block.number)} / ${block.transactions} tx / 0 om / ${groupDigits(block.gasUsed)} ` +
    `(${gasPercent(block)}%) gas / (${block.hash}) in ${importSeconds(block)}s`
  );
}

/** The warning a validator logs while it cannot reach a quorum. */
export function quorumWaitLine(height: number, online: number, needed: number, total: number): string {
  return `Unable to produce block #${groupDigits(height)}: waiting for quorum ${needed}/${total} (${online} of ${total} validators online)`;
}

/**
 * Writes Besu-formatted lines to the container's log sink, stamped by the Clock (wall time, so
 * the timestamps are true times even when the cluster runs at a time scale).
 */
export class BesuLogger {
  constructor(
    private readonly clock: Clock,
    private readonly sink: (line: string) => void,
  ) {}

  line(level: LogLevel, logger: string, message: string, thread: string = THREADS.main): void {
    this.sink(formatLine(this.clock.now(), thread, level, logger, message));
  }

  info(logger: string, message: string, thread?: string): void {
    this.line('INFO', logger, message, thread);
  }

  warn(logger: string, message: string, thread?: string): void {
    this.line('WARN', logger, message, thread);
  }

  error(logger: string, message: string, thread?: string): void {
    this.line('ERROR', logger, message, thread);
  }
}
