// Chain: the blocks one Besu node holds, and how far behind its peers it is
// ==========================================================================
// CONCEPT   A blockchain is a list of blocks, each naming its parent by hash. A node appends a
//           block it produced (a validator's turn) or imported from a peer, and only if the block's
//           parent is its head. A node that starts late is behind: it *syncs*, importing the
//           missing blocks from a peer, and `eth_syncing` reports its progress meanwhile.
// REAL BESU ethereum/core/src/main/java/org/hyperledger/besu/ethereum/chain/DefaultBlockchain.java
//           (appendBlock, the chain head), ethereum/eth/.../sync/SyncStatus and
//           ethereum/api/.../jsonrpc/internal/methods/EthSyncing.java
// SHIPS     The ledger itself: numbered pages, each quoting the seal of the page before.
// EXAMPLE   const chain = new Chain(genesisBlock('ledger', 1337));
//           chain.produce(now, miner)     => block #1, parentHash = genesis hash
//           chain.import(blockFromPeer)   => 'imported' | 'known' | 'gap' | 'invalid'
// SKIPPED   state, receipts, real transactions and forks. A block's hash is sha256(parentHash,
//           number), so every node that builds block #n on the same parent gets the *same* hash:
//           two validators that both believe it is their turn cannot fork the chain. Timestamp,
//           miner and the (simulated) transactions ride along but are not hashed.
import { createHash } from 'node:crypto';

/** One block, as this simulation keeps it. Hex forms for JSON-RPC are made in rpc-methods.ts. */
export interface Block {
  number: number;
  hash: string;
  parentHash: string;
  /** Wall-clock ms since the epoch when the block was sealed (JSON-RPC shows seconds). */
  timestamp: number;
  /** 0x address of the validator that proposed the block (the coinbase). */
  miner: string;
  /** How many simulated transactions the block carries. */
  transactions: number;
  gasUsed: number;
}

/** Every block has the same gas limit, like a QBFT genesis with a fixed `gasLimit`. */
export const GAS_LIMIT = 30_000_000;
/** A plain value transfer costs 21,000 gas; our simulated transactions are all transfers. */
export const TX_GAS = 21_000;
export const ZERO_HASH = '0x' + '0'.repeat(64);
export const ZERO_ADDRESS = '0x' + '0'.repeat(40);

/** sha256 of the text, as a 0x-prefixed hex string. */
export function sha256Hex(text: string): string {
  return '0x' + createHash('sha256').update(text).digest('hex');
}

/** The 20-byte address a node id stands for (Besu derives it from the node key). */
export function addressOf(nodeId: string): string {
  return sha256Hex(`address:${nodeId}`).slice(0, 42);
}

/** Block #n's hash: deterministic from its parent and number, so all nodes agree on it. */
export function childHash(parentHash: string, number: number): string {
  return sha256Hex(`${parentHash}:${number}`);
}

/** The number of simulated transactions in a block: read from its hash, so every node agrees. Most blocks are empty. */
export function transactionCount(hash: string): number {
  const byte = parseInt(hash.slice(2, 4), 16);
  return byte < 160 ? 0 : (byte % 3) + 1;
}

/** Block #0 of a network: the same on every node of that network and chain id. */
export function genesisBlock(network: string, chainId: number): Block {
  const hash = sha256Hex(`genesis:${network}:${chainId}`);
  return { number: 0, hash, parentHash: ZERO_HASH, timestamp: 0, miner: ZERO_ADDRESS, transactions: 0, gasUsed: 0 };
}

/** The block a proposer seals on top of `parent`. */
export function makeBlock(parent: Block, timestamp: number, miner: string): Block {
  const number = parent.number + 1;
  const hash = childHash(parent.hash, number);
  const transactions = transactionCount(hash);
  return { number, hash, parentHash: parent.hash, timestamp, miner, transactions, gasUsed: transactions * TX_GAS };
}

/** What `import` did with a block. */
export type ImportResult = 'imported' | 'known' | 'gap' | 'invalid';

/** The chain one node holds, from genesis to its head. */
export class Chain {
  private readonly blocks: Block[];

  constructor(readonly genesis: Block) {
    this.blocks = [genesis];
  }

  /** The head's number: eth_blockNumber. */
  get height(): number {
    return this.blocks.length - 1;
  }

  head(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  get(number: number): Block | undefined {
    return this.blocks[number];
  }

  /** Seals and appends the next block (a validator's own proposal). */
  produce(timestamp: number, miner: string): Block {
    const block = makeBlock(this.head(), timestamp, miner);
    this.blocks.push(block);
    return block;
  }

  /**
   * Appends a block received from a peer, like DefaultBlockchain.appendBlock after validation:
   * `known` if we already have that number with that hash, `gap` if blocks are missing before it,
   * `invalid` if it does not link to our head or its hash is wrong.
   */
  import(block: Block): ImportResult {
    if (block.number <= this.height) return this.blocks[block.number].hash === block.hash ? 'known' : 'invalid';
    if (block.number > this.height + 1) return 'gap';
    if (block.parentHash !== this.head().hash || block.hash !== childHash(block.parentHash, block.number)) return 'invalid';
    // The transaction count follows from the hash; we recompute it rather than trust the peer.
    const transactions = transactionCount(block.hash);
    this.blocks.push({ ...block, transactions, gasUsed: transactions * TX_GAS });
    return 'imported';
  }

  /** Up to `count` blocks from `from` on: what a peer serves a syncing node (GetBlockHeaders/Bodies). */
  range(from: number, count: number): Block[] {
    return this.blocks.slice(Math.max(0, from), Math.max(0, from) + Math.max(0, count));
  }
}

/** eth_syncing's answer while behind: where this sync started, where we are, where the best peer is. */
export interface SyncStatus {
  startingBlock: number;
  currentBlock: number;
  highestBlock: number;
}

/**
 * Remembers where a sync episode started, so eth_syncing can report `startingBlock`.
 * A node is *syncing* while its best peer is more than `tolerance` blocks ahead; one block of lag
 * is the normal moment between a proposal and its import, not a sync.
 */
export class SyncTracker {
  private startingBlock: number | undefined;

  /** @param tolerance blocks of lag that do not count as syncing. @default 2 */
  constructor(readonly tolerance = 2) {}

  /** Called after every import or peer update with our head and the best height we know of. */
  update(current: number, highest: number): void {
    if (this.startingBlock === undefined && highest - current > this.tolerance) this.startingBlock = current;
    else if (this.startingBlock !== undefined && highest - current <= this.tolerance) this.startingBlock = undefined;
  }

  /** The eth_syncing result: the progress object while syncing, else false. */
  status(current: number, highest: number): SyncStatus | false {
    if (this.startingBlock === undefined) return false;
    return { startingBlock: this.startingBlock, currentBlock: current, highestBlock: Math.max(highest, current) };
  }
}

// REAL WORLD
// Besu stores headers, bodies, receipts and world state in RocksDB (Forest or Bonsai layout) on a
// persistent volume, so a restarted pod resumes from its head instead of block 0; a fresh node
// usually does a snap or checkpoint sync of the state before importing recent blocks in full.
