// The simulated Besu chain: hashes, imports, the block timer and sync catch-up, on a FakeClock.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { Chain, SyncTracker, childHash, genesisBlock, makeBlock } from '../../kubelet/besu/chain.ts';
import { parseBesuConfig } from '../../kubelet/besu/config.ts';
import { BesuLogger } from '../../kubelet/besu/logs.ts';
import { BesuRegistry } from '../../kubelet/besu/network.ts';
import { BesuCore } from '../../kubelet/besu/node.ts';

let seq = 0;
function makeNode(clock: FakeClock, registry: BesuRegistry, id: string, annotations: Record<string, string> = {}) {
  const lines: string[] = [];
  const podIP = `127.1.1.${++seq}`;
  const config = parseBesuConfig({ 'besu.harbour.dev/network': 'unit', ...annotations }, { HOSTNAME: id }, podIP);
  const node = new BesuCore({ config, clock, logger: new BesuLogger(clock, (l) => lines.push(l)), podIP, registry });
  return { node, lines };
}

describe('Chain', () => {
  it('links each block to its parent with a hash every node computes alike', () => {
    const a = new Chain(genesisBlock('ledger', 1337));
    const b = new Chain(genesisBlock('ledger', 1337));
    const b1 = a.produce(1000, '0xaa');
    expect(b1).toMatchObject({ number: 1, parentHash: a.genesis.hash, hash: childHash(a.genesis.hash, 1) });
    expect(b.produce(5000, '0xbb').hash).toBe(b1.hash); // another proposer, same block hash: no fork
    expect(new Chain(genesisBlock('other', 1337)).genesis.hash).not.toBe(a.genesis.hash);
  });

  it('imports the next block, knows old ones, and refuses gaps and strangers', () => {
    const source = new Chain(genesisBlock('ledger', 1337));
    const blocks = [1, 2, 3].map((t) => source.produce(t * 2000, '0xaa'));
    const chain = new Chain(genesisBlock('ledger', 1337));
    expect(chain.import(blocks[1])).toBe('gap');
    expect(chain.import(blocks[0])).toBe('imported');
    expect(chain.import(blocks[0])).toBe('known');
    expect(chain.import({ ...blocks[1], hash: '0xbad' })).toBe('invalid');
    const foreign = makeBlock(genesisBlock('other', 1337), 0, '0xcc');
    expect(new Chain(genesisBlock('ledger', 1337)).import(foreign)).toBe('invalid');
    expect(chain.range(1, 10).map((b) => b.number)).toEqual([1]);
  });

  it('counts transactions from the hash, so gasUsed is 21,000 per transaction', () => {
    const chain = new Chain(genesisBlock('ledger', 1337));
    for (let i = 0; i < 50; i++) chain.produce(i, '0xaa');
    const withTx = chain.range(1, 50).filter((b) => b.transactions > 0);
    expect(withTx.length).toBeGreaterThan(0);
    for (const b of withTx) expect(b.gasUsed).toBe(b.transactions * 21_000);
  });
});

describe('SyncTracker', () => {
  it('reports syncing only beyond the tolerance, remembering where the sync started', () => {
    const t = new SyncTracker(2);
    t.update(10, 12);
    expect(t.status(10, 12)).toBe(false); // two blocks behind is normal propagation
    t.update(10, 500);
    t.update(200, 500);
    expect(t.status(200, 500)).toEqual({ startingBlock: 10, currentBlock: 200, highestBlock: 500 });
    t.update(500, 500);
    expect(t.status(500, 500)).toBe(false);
  });
});

describe('BesuCore block timer', () => {
  it('a lone unannotated node seals one block per 2 s block period', () => {
    const clock = new FakeClock();
    const { node, lines } = makeNode(clock, new BesuRegistry(), 'solo');
    node.start();
    clock.advance(1999);
    expect(node.chain.height).toBe(0);
    clock.advance(1);
    expect(node.chain.height).toBe(1);
    clock.advance(18_000);
    expect(node.chain.height).toBe(10);
    const times = node.chain.range(1, 10).map((b) => b.timestamp);
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual(Array(9).fill(2000));
    expect(lines.filter((l) => l.includes('| BlockMiner | Produced #'))).toHaveLength(10);
    node.stop();
    clock.advance(10_000);
    expect(node.chain.height).toBe(10);
    expect(clock.pending()).toBe(0);
  });

  it('honours a block period annotation', () => {
    const clock = new FakeClock();
    const { node } = makeNode(clock, new BesuRegistry(), 'slow', { 'besu.harbour.dev/block-period': '5s' });
    node.start();
    clock.advance(20_000);
    expect(node.chain.height).toBe(4);
    node.stop();
  });
});

describe('BesuCore sync', () => {
  it('a new full node starts at 0, reports eth_syncing while behind, and catches up from its peer', () => {
    const clock = new FakeClock();
    const registry = new BesuRegistry();
    const producer = makeNode(clock, registry, 'miner');
    producer.node.start();
    clock.advance(2000 * 1000);
    expect(producer.node.chain.height).toBe(1000);

    const follower = makeNode(clock, registry, 'follower', { 'besu.harbour.dev/validator': 'false' });
    follower.node.start(); // first tick at once: imports the first batch of 200
    expect(follower.node.chain.height).toBe(200);
    expect(follower.node.syncing()).toEqual({ startingBlock: 0, currentBlock: 200, highestBlock: 1000 });
    clock.advance(2000); // four more ticks of 200 blocks each, while the producer seals #1001
    expect(follower.node.chain.height).toBe(1000);
    expect(follower.node.syncing()).toBe(false); // one block behind is following, not syncing
    clock.advance(500);
    expect(follower.node.chain.height).toBe(1001);
    expect(follower.node.chain.head().hash).toBe(producer.node.chain.head().hash);
    expect(follower.lines.some((l) => l.includes('| FullImportBlockStep | Imported #1 to #200 (200 blocks) from peer miner'))).toBe(true);

    clock.advance(3500); // now it follows block by block, with Besu's PersistBlockTask line
    expect(follower.node.chain.height).toBe(1003);
    expect(follower.lines.at(-1)).toMatch(/\| PersistBlockTask \| Imported #1,003 \/ \d tx \/ 0 om \/ .* in 0\.\d{3}s\. Peers: 1$/);
    producer.node.stop();
    follower.node.stop();
  });

  it('ignores nodes of other networks and other chain ids', () => {
    const clock = new FakeClock();
    const registry = new BesuRegistry();
    const a = makeNode(clock, registry, 'a');
    const b = makeNode(clock, registry, 'b', { 'besu.harbour.dev/network': 'elsewhere' });
    const c = makeNode(clock, registry, 'c', { 'besu.harbour.dev/chain-id': '2018' });
    for (const n of [a, b, c]) n.node.start();
    clock.advance(10_000);
    expect(a.node.currentPeers()).toHaveLength(0);
    expect(b.node.currentPeers()).toHaveLength(0);
    // Each is alone, so each runs its own dev chain.
    expect([a, b, c].map((n) => n.node.chain.height)).toEqual([5, 5, 5]);
    for (const n of [a, b, c]) n.node.stop();
  });
});
