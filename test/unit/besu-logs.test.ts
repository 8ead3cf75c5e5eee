// Besu log lines: the log4j layout, the framed banner and the per-block lines students will meet in a real Besu.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { genesisBlock, makeBlock, type Block } from '../../kubelet/besu/chain.ts';
import {
  BesuLogger, formatLine, formatTimestamp, framed, groupDigits, importedLine, minedBlockLine, qbftBlockLine, quorumWaitLine, startupBanner,
} from '../../kubelet/besu/logs.ts';

const block: Block = { ...makeBlock(genesisBlock('ledger', 1337), 0, '0xaa'), number: 1234, transactions: 2, gasUsed: 42_000, hash: '0xabc' };

describe('Besu log format', () => {
  it('stamps lines as log4j does: yyyy-MM-dd HH:mm:ss.SSS+00:00 | thread | LEVEL | logger | message', () => {
    const ms = Date.parse('2026-11-22T14:37:01.123Z');
    expect(formatTimestamp(ms)).toBe('2026-11-22 14:37:01.123+00:00');
    expect(formatLine(ms, 'main', 'INFO', 'Besu', 'Starting Besu')).toBe('2026-11-22 14:37:01.123+00:00 | main | INFO  | Besu | Starting Besu');
    expect(formatLine(ms, 'main', 'WARN', 'Besu', 'x')).toContain('| WARN  |');
    expect(formatLine(ms, 'main', 'ERROR', 'Besu', 'x')).toContain('| ERROR |');
  });

  it('groups digits like Java %,d', () => {
    expect([0, 12, 1234, 1234567].map(groupDigits)).toEqual(['0', '12', '1,234', '1,234,567']);
  });

  it('writes the full-node import line of PersistBlockTask', () => {
    expect(importedLine(block, 3)).toBe('Imported #1,234 / 2 tx / 0 om / 42,000 (0.1%) gas / (0xabc) in 0.002s. Peers: 3');
  });

  it('writes the QBFT Produced/Imported lines and the dev-mode miner line', () => {
    expect(qbftBlockLine('Produced', { ...block, number: 12 })).toBe('Produced #12 / 2 tx / 0 pending / 42,000 (0.1%) gas / (0xabc)');
    expect(qbftBlockLine('Imported', block)).toMatch(/^Imported #1,234 \/ 2 tx \/ 0 pending/);
    expect(minedBlockLine(block)).toBe('Produced #1,234 / 2 tx / 0 om / 42,000 (0.1%) gas / (0xabc) in 0.002s');
  });

  it('warns while waiting for quorum', () => {
    expect(quorumWaitLine(13, 2, 3, 4)).toBe('Unable to produce block #13: waiting for quorum 3/4 (2 of 4 validators online)');
  });

  it('frames the start-up banner like ConfigurationOverviewBuilder', () => {
    const lines = startupBanner({ network: 'ledger', networkId: 1337, rpcPort: 8545, memoryLimitBytes: 4 * 1024 ** 3, role: 'QBFT validator' });
    expect(lines[0]).toBe('#'.repeat(100));
    expect(lines.at(-1)).toBe('#'.repeat(100));
    expect(lines.every((l) => l.length === 100)).toBe(true);
    const text = lines.join('\n');
    for (const s of ['# Besu version v24.1.0-harbour', '# Network Id: 1337', '# Data directory: /opt/besu/data', '# Java: openjdk-java-17', '# Maximum heap size: 3.00 GB', '# Total memory: 4.00 GB']) {
      expect(text).toContain(s);
    }
    expect(framed(['x'.repeat(200)])[2]).toHaveLength(100); // long lines are cut, never widen the box
  });

  it('BesuLogger stamps with the clock', () => {
    const clock = new FakeClock(Date.parse('2026-11-22T14:37:01.123Z'));
    const out: string[] = [];
    new BesuLogger(clock, (l) => out.push(l)).warn('QbftBlockHeightManager', 'hello', 'BftProcessorExecutor-QBFT-0');
    expect(out).toEqual(['2026-11-22 14:37:01.123+00:00 | BftProcessorExecutor-QBFT-0 | WARN  | QbftBlockHeightManager | hello']);
  });
});
