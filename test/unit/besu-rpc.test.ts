// JSON-RPC 2.0 without sockets: the envelope rules, each Ethereum method, and the metrics text.
import { describe, expect, it } from 'vitest';
import { Chain, genesisBlock } from '../../kubelet/besu/chain.ts';
import { renderMetrics } from '../../kubelet/besu/metrics.ts';
import type { PeerStatus } from '../../kubelet/besu/network.ts';
import { handleJsonRpc } from '../../kubelet/besu/rpc.ts';
import { resolveBlockTag, type RpcBackend } from '../../kubelet/besu/rpc-methods.ts';

function backend(): RpcBackend {
  const chain = new Chain(genesisBlock('ledger', 1337));
  for (let i = 1; i <= 42; i++) chain.produce(i * 2000, '0x00000000000000000000000000000000000000aa');
  const status = (id: string, address: string): PeerStatus => ({
    id, address, enode: `enode://${'ab'.repeat(64)}@${address}:30303`, clientVersion: 'besu/v24.1.0-harbour', network: 'ledger',
    chainId: 1337, role: 'validator', head: { number: 42, hash: chain.head().hash }, knownValidators: ['besu-0', 'besu-1'],
  });
  return {
    chainId: 1337, networkId: 1337, podIP: '127.4.0.1', chain,
    status: () => status('besu-0', '127.4.0.1'), peers: () => [status('besu-1', '127.4.0.2')],
    syncing: () => false, validators: () => ['besu-0', 'besu-1'], producing: () => true,
  };
}

const call = (method: string, params?: unknown[], b = backend()) => JSON.parse(handleJsonRpc(JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }), b).body!);

describe('JSON-RPC envelope', () => {
  it('answers a request with its id and result', () => {
    expect(call('eth_blockNumber')).toEqual({ jsonrpc: '2.0', id: 7, result: '0x2a' });
  });

  it('answers -32601 Method not found for anything else', () => {
    expect(call('eth_sendTransaction', [])).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'Method not found' } });
    expect(call('toString')).toMatchObject({ error: { code: -32601 } }); // no prototype leaks
  });

  it('answers -32700 Parse error (HTTP 400) to malformed JSON', () => {
    const r = handleJsonRpc('{"jsonrpc": "2.0", "method": ', backend());
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body!)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
  });

  it('answers -32600 Invalid Request to requests that are not JSON-RPC 2.0', () => {
    for (const bad of [{ id: 1, method: 'eth_chainId' }, { jsonrpc: '2.0', id: 1, method: 5 }, { jsonrpc: '2.0', id: 1, method: 'x', params: 'p' }, 42, { jsonrpc: '2.0', id: {}, method: 'eth_chainId' }]) {
      const r = handleJsonRpc(JSON.stringify(bad), backend());
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body!).error).toEqual({ code: -32600, message: 'Invalid Request' });
    }
    expect(JSON.parse(handleJsonRpc('[]', backend()).body!).error.code).toBe(-32600);
  });

  it('answers a batch with an array, in order, skipping notifications', () => {
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'net_version' },
      { jsonrpc: '2.0', method: 'eth_blockNumber' }, // notification: no answer
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
      'garbage',
    ];
    const r = handleJsonRpc(JSON.stringify(batch), backend());
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body!)).toEqual([
      { jsonrpc: '2.0', id: 1, result: '1337' },
      { jsonrpc: '2.0', id: 'b', error: { code: -32601, message: 'Method not found' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
    ]);
    expect(handleJsonRpc(JSON.stringify({ jsonrpc: '2.0', method: 'eth_blockNumber' }), backend())).toEqual({ status: 200, body: undefined });
  });
});

describe('Ethereum methods', () => {
  it('identifies the client and the chain', () => {
    expect(call('web3_clientVersion').result).toBe('besu/v24.1.0-harbour/linux-x86_64/openjdk-java-17');
    expect(call('net_version').result).toBe('1337');
    expect(call('eth_chainId').result).toBe('0x539');
    expect(call('net_listening').result).toBe(true);
    expect(call('net_peerCount').result).toBe('0x1');
    expect(call('eth_gasPrice').result).toBe('0x3e8');
    expect(call('eth_syncing').result).toBe(false);
  });

  it('reports sync progress in hex while syncing', () => {
    const b = { ...backend(), syncing: () => ({ startingBlock: 0, currentBlock: 200, highestBlock: 1000 }) };
    expect(call('eth_syncing', [], b).result).toEqual({ startingBlock: '0x0', currentBlock: '0xc8', highestBlock: '0x3e8' });
  });

  it('serves blocks by hex number, latest and earliest, with or without full transactions', () => {
    const b = backend();
    const latest = call('eth_getBlockByNumber', ['latest', false], b).result;
    expect(latest).toMatchObject({ number: '0x2a', hash: b.chain.head().hash, parentHash: b.chain.get(41)!.hash, timestamp: '0x54' });
    expect(call('eth_getBlockByNumber', ['earliest', false], b).result.hash).toBe(b.chain.genesis.hash);
    expect(call('eth_getBlockByNumber', ['0x5', false], b).result.number).toBe('0x5');
    expect(call('eth_getBlockByNumber', ['0x999', false], b).result).toBeNull();
    const withTx = b.chain.range(1, 42).find((x) => x.transactions > 0)!;
    const full = call('eth_getBlockByNumber', ['0x' + withTx.number.toString(16), true], b).result;
    expect(full.transactions).toHaveLength(withTx.transactions);
    expect(full.transactions[0]).toMatchObject({ blockHash: withTx.hash, gas: '0x5208', transactionIndex: '0x0' });
    const hashes = call('eth_getBlockByNumber', ['0x' + withTx.number.toString(16), false], b).result.transactions;
    expect(hashes).toEqual(full.transactions.map((t: { hash: string }) => t.hash));
    expect(call('eth_getBlockByNumber', ['yesterday', false], b).error).toEqual({ code: -32602, message: 'Invalid params' });
    expect(call('eth_getBlockByNumber', [], b).error.code).toBe(-32602);
    expect(call('eth_getBlockByNumber', ['latest', 'yes'], b).error.code).toBe(-32602);
  });

  it('lists peers, validators, and the node-to-node methods', () => {
    expect(call('admin_peers').result[0]).toMatchObject({ name: 'besu/v24.1.0-harbour', network: { remoteAddress: '127.4.0.2:30303' } });
    expect(call('qbft_getValidatorsByBlockNumber', ['latest']).result).toHaveLength(2);
    expect(call('harbour_peerStatus').result).toMatchObject({ id: 'besu-0', head: { number: 42 } });
    expect(call('harbour_getBlocks', [40, 10]).result.map((b: { number: number }) => b.number)).toEqual([40, 41, 42]);
    expect(call('harbour_getBlocks', ['x', 1]).error.code).toBe(-32602);
  });

  it('resolves block tags', () => {
    const chain = backend().chain;
    expect(['latest', 'pending', 'safe', 'finalized', 'earliest', '0x10'].map((t) => resolveBlockTag(t, chain))).toEqual([42, 42, 42, 42, 0, 16]);
  });
});

describe('Prometheus metrics', () => {
  it('renders HELP, TYPE and value lines for the EIP-2159 names', () => {
    const text = renderMetrics({
      height: 42, bestKnownBlock: 43, peers: 3, maxPeers: 25, headTimestampSeconds: 1_700_000_000, headTransactions: 1,
      headGasUsed: 21_000, startTimeSeconds: 1_699_999_000, uptimeSeconds: 1000, memoryBytes: 104_857_600, inSync: true,
    });
    expect(text).toContain('# HELP ethereum_blockchain_height The current height of the canonical chain\n# TYPE ethereum_blockchain_height gauge\nethereum_blockchain_height 42\n');
    for (const line of ['ethereum_peer_count 3', 'ethereum_best_known_block_number 43', 'besu_blockchain_height 42', 'process_uptime_seconds 1000', 'process_resident_memory_bytes 104857600']) {
      expect(text.split('\n')).toContain(line);
    }
    // Every sample line is `name value` and every metric has HELP and TYPE.
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
    for (const s of samples) expect(s).toMatch(/^[a-z_]+ -?[0-9.e+]+$/);
    expect(text.match(/^# TYPE /gm)).toHaveLength(samples.length);
  });
});
