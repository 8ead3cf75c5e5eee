// JSON-RPC methods: the Ethereum API a Besu pod answers
// ======================================================
// CONCEPT   Ethereum clients share one JSON-RPC API (eth_*, net_*, web3_*), so wallets, explorers
//           and `curl` work against any of them. Numbers travel as hex strings ("0x4b7"), blocks are
//           named by number or by tag ("latest", "earliest"). Each method here is a small function
//           of the node's state; rpc.ts wraps them in the JSON-RPC 2.0 envelope and HTTP.
// REAL BESU ethereum/api/src/main/java/org/hyperledger/besu/ethereum/api/jsonrpc/internal/methods/
//           (EthBlockNumber.java, EthGetBlockByNumber.java, EthSyncing.java, NetPeerCount.java,
//           AdminPeers.java ...), ethereum/api/.../jsonrpc/internal/results/BlockResult.java
// SHIPS     The questions any visitor may ask at the clerk's window.
// EXAMPLE   {"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}  => {"jsonrpc":"2.0","id":1,"result":"0x4b7"}
// SKIPPED   accounts, balances, transactions you can send, logs, filters, subscriptions, debug_*.
import { addressOf, GAS_LIMIT, sha256Hex, type Block, type Chain, type SyncStatus } from './chain.ts';
import { CLIENT_VERSION } from './logs.ts';
import type { PeerStatus } from './network.ts';

/** What the methods read from the node. */
export interface RpcBackend {
  chainId: number;
  networkId: number;
  podIP: string;
  chain: Chain;
  status(): PeerStatus;
  peers(): PeerStatus[];
  syncing(): SyncStatus | false;
  validators(): string[];
  /** True when this node seals blocks (eth_mining). */
  producing(): boolean;
}

/** A JSON-RPC error a method raises on purpose (bad params). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Besu's JsonRpcError codes and messages. */
export const RPC_ERRORS = {
  parse: { code: -32700, message: 'Parse error' },
  invalidRequest: { code: -32600, message: 'Invalid Request' },
  methodNotFound: { code: -32601, message: 'Method not found' },
  invalidParams: { code: -32602, message: 'Invalid params' },
  internal: { code: -32603, message: 'Internal error' },
  batchTooLarge: { code: -32005, message: 'Number of requests exceeds max batch size' },
} as const;

const invalidParams = () => new RpcError(RPC_ERRORS.invalidParams.code, RPC_ERRORS.invalidParams.message);

export const hex = (n: number): string => '0x' + Math.trunc(n).toString(16);

/** QBFT's constant mixHash ("Istanbul byzantine fault tolerance" in ASCII), as BftHelpers.EXPECTED_MIX_HASH. */
const BFT_MIX_HASH = '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365';
const EMPTY_OMMERS = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';

/** "latest" | "earliest" | "pending" | "safe" | "finalized" | "0x1b4" => a block number (or throws -32602). */
export function resolveBlockTag(tag: unknown, chain: Chain): number {
  if (tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized') return chain.height;
  if (tag === 'earliest') return 0;
  if (typeof tag === 'string' && /^0x[0-9a-fA-F]{1,16}$/.test(tag)) return parseInt(tag, 16);
  throw invalidParams();
}

/** The simulated transactions of a block, in full (eth_getBlockByNumber with `true`). */
export function transactionsOf(block: Block, chainId: number): Record<string, string | null>[] {
  return Array.from({ length: block.transactions }, (_, i) => {
    const hash = sha256Hex(`${block.hash}:tx:${i}`);
    return {
      blockHash: block.hash, blockNumber: hex(block.number), chainId: hex(chainId),
      from: addressOf(`sender:${hash}`), to: addressOf(`recipient:${hash}`), gas: hex(21_000), gasPrice: '0x3e8',
      hash, input: '0x', nonce: hex(block.number), transactionIndex: hex(i), type: '0x0',
      value: hex(parseInt(hash.slice(2, 10), 16)), v: hex(chainId * 2 + 35), r: sha256Hex(`r:${hash}`), s: sha256Hex(`s:${hash}`),
    };
  });
}

/** A block as BlockResult serialises it. */
export function blockJson(block: Block, fullTransactions: boolean, chainId: number): Record<string, unknown> {
  const txs = transactionsOf(block, chainId);
  return {
    number: hex(block.number), hash: block.hash, parentHash: block.parentHash, mixHash: BFT_MIX_HASH,
    nonce: '0x0000000000000000', sha3Uncles: EMPTY_OMMERS, logsBloom: '0x' + '0'.repeat(512),
    transactionsRoot: sha256Hex(`txroot:${block.hash}`), stateRoot: sha256Hex(`state:${block.hash}`),
    receiptsRoot: sha256Hex(`receipts:${block.hash}`), miner: block.miner, difficulty: '0x1',
    totalDifficulty: hex(block.number + 1), extraData: '0x', size: hex(600 + 110 * block.transactions),
    gasLimit: hex(GAS_LIMIT), gasUsed: hex(block.gasUsed), timestamp: hex(Math.floor(block.timestamp / 1000)),
    uncles: [], transactions: fullTransactions ? txs : txs.map((t) => t.hash),
  };
}

/** One admin_peers entry, as Besu's PeerResult. */
function peerJson(peer: PeerStatus, self: PeerStatus): Record<string, unknown> {
  return {
    version: '0x5', name: peer.clientVersion, caps: ['eth/68', 'istanbul/100', 'snap/1'],
    network: { localAddress: `${self.address}:30303`, remoteAddress: `${peer.address}:30303`, inbound: peer.id < self.id },
    port: '0x765f', id: '0x' + peer.enode.slice(8, 136), enode: peer.enode,
    protocols: { eth: { difficulty: hex(peer.head.number + 1), head: peer.head.hash, version: 68 } },
  };
}

type Method = (params: unknown[], node: RpcBackend) => unknown;

/** Every method this Besu answers; anything else is -32601 Method not found. */
export const METHODS: Record<string, Method> = {
  web3_clientVersion: () => CLIENT_VERSION,
  net_version: (_, n) => String(n.networkId),
  net_listening: () => true,
  net_peerCount: (_, n) => hex(n.peers().length),
  eth_chainId: (_, n) => hex(n.chainId),
  eth_blockNumber: (_, n) => hex(n.chain.height),
  eth_gasPrice: () => '0x3e8',
  eth_mining: (_, n) => n.producing(),
  eth_syncing: (_, n) => {
    const s = n.syncing();
    return s && { startingBlock: hex(s.startingBlock), currentBlock: hex(s.currentBlock), highestBlock: hex(s.highestBlock) };
  },
  eth_getBlockByNumber: ([tag, full = false], n) => {
    if (typeof full !== 'boolean') throw invalidParams();
    const block = n.chain.get(resolveBlockTag(tag, n.chain));
    return block ? blockJson(block, full, n.chainId) : null;
  },
  admin_peers: (_, n) => n.peers().map((p) => peerJson(p, n.status())),
  admin_nodeInfo: (_, n) => {
    const s = n.status();
    return {
      enode: s.enode, id: s.enode.slice(8, 136), ip: n.podIP, listenAddr: `${n.podIP}:30303`, name: CLIENT_VERSION,
      ports: { discovery: 30303, listener: 30303 },
      protocols: { eth: { chainId: n.chainId, difficulty: hex(s.head.number + 1), genesis: n.chain.genesis.hash, head: s.head.hash, network: n.networkId } },
    };
  },
  qbft_getValidatorsByBlockNumber: ([tag = 'latest'], n) => {
    resolveBlockTag(tag, n.chain);
    return n.validators().map(addressOf);
  },
  // Our stand-ins for devp2p's Status and GetBlockHeaders messages (see peer-transport.ts).
  harbour_peerStatus: (_, n) => n.status(),
  harbour_getBlocks: ([from, count], n) => {
    if (!Number.isInteger(from) || !Number.isInteger(count)) throw invalidParams();
    return n.chain.range(from as number, Math.min(count as number, 512));
  },
};
