// One simulated Besu over real sockets on a 127.x pod IP: JSON-RPC, probes, metrics, slow start and crash.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { BesuRegistry, startBesu, type BesuNode, type StartBesuOptions } from '../../kubelet/besu/index.ts';

// Each pod has its own IP, so fixed ports never clash; a random /24 keeps parallel runs apart.
const net = `127.250.${1 + Math.floor(Math.random() * 254)}`;
const clock = realClock(0.05); // a 2 s block period becomes 100 ms
const started: BesuNode[] = [];

async function start(host: number, extra: Partial<StartBesuOptions> = {}): Promise<BesuNode> {
  const node = await startBesu({
    podIP: `${net}.${host}`, clock, annotations: {}, env: { HOSTNAME: `besu-${host}` }, registry: new BesuRegistry(),
    log: () => {}, onExit: () => {}, ...extra,
  });
  started.push(node);
  return node;
}

async function rpc(ip: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://${ip}:8545/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

afterAll(async () => {
  await Promise.all(started.map((n) => n.stop()));
});

describe('Besu JSON-RPC on podIP:8545', () => {
  it('answers eth_blockNumber, and the number grows', async () => {
    const node = await start(1);
    const first = await rpc(node.podIP, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ jsonrpc: '2.0', id: 1, result: expect.stringMatching(/^0x[0-9a-f]+$/) });
    await vi.waitFor(async () => {
      const later = await rpc(node.podIP, { jsonrpc: '2.0', id: 2, method: 'eth_blockNumber' });
      expect(parseInt(later.json.result, 16)).toBeGreaterThanOrEqual(parseInt(first.json.result, 16) + 3);
    }, { timeout: 5000, interval: 50 });
    const block = await rpc(node.podIP, { jsonrpc: '2.0', id: 3, method: 'eth_getBlockByNumber', params: ['latest', true] });
    expect(block.json.result).toMatchObject({ number: expect.any(String), hash: expect.stringMatching(/^0x[0-9a-f]{64}$/), transactions: expect.any(Array) });
  });

  it('speaks JSON-RPC 2.0: batches, unknown methods, parse errors', async () => {
    const node = await start(2);
    const batch = await rpc(node.podIP, [
      { jsonrpc: '2.0', id: 1, method: 'web3_clientVersion' },
      { jsonrpc: '2.0', id: 2, method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 3, method: 'eth_coinbase' },
    ]);
    expect(batch.json).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'besu/v24.1.0-harbour/linux-x86_64/openjdk-java-17' },
      { jsonrpc: '2.0', id: 2, result: '0x539' },
      { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'Method not found' } },
    ]);
    const parse = await rpc(node.podIP, '{not json');
    expect(parse).toEqual({ status: 400, json: { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } } });
    const invalid = await rpc(node.podIP, { id: 1, method: 'eth_chainId' });
    expect(invalid.json.error.code).toBe(-32600);
  });

  it('serves /liveness and /readiness for Kubernetes probes', async () => {
    const healthy = await start(3);
    const failing = await start(4, { annotations: { 'besu.harbour.dev/fail-readiness': 'true' } });
    const probe = async (ip: string, path: string) => {
      const res = await fetch(`http://${ip}:8545${path}`);
      return [res.status, await res.json()];
    };
    expect(await probe(healthy.podIP, '/liveness')).toEqual([200, { status: 'UP' }]);
    expect(await probe(healthy.podIP, '/readiness')).toEqual([200, { status: 'UP' }]);
    expect(await probe(healthy.podIP, '/readiness?minPeers=1')).toEqual([503, { status: 'DOWN' }]);
    expect(await probe(failing.podIP, '/readiness')).toEqual([503, { status: 'DOWN' }]);
    expect(await probe(failing.podIP, '/liveness')).toEqual([200, { status: 'UP' }]);
    expect([healthy.ready(), failing.ready(), failing.live()]).toEqual([true, false, true]);
  });

  it('listens on its pod IP only', async () => {
    const node = await start(5);
    await expect(fetch(`http://${net}.250:8545/`, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect((await rpc(node.podIP, { jsonrpc: '2.0', id: 1, method: 'net_listening' })).json.result).toBe(true);
  });
});

describe('Besu metrics on podIP:9545', () => {
  it('serves Prometheus text with the chain height and peer count', async () => {
    const node = await start(6);
    await vi.waitFor(() => expect(node.blockNumber()).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 20 });
    const res = await fetch(`http://${node.podIP}:9545/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE ethereum_blockchain_height gauge\n');
    const height = Number(/^ethereum_blockchain_height (\d+)$/m.exec(text)?.[1]);
    expect(height).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^besu_blockchain_height \d+$/m);
    expect(text).toMatch(/^ethereum_peer_count 0$/m);
    expect(text).toMatch(/^process_uptime_seconds [0-9.]+$/m);
    expect((await fetch(`http://${node.podIP}:9545/other`)).status).toBe(404);
  });
});

describe('Besu failures over sockets', () => {
  it('does not answer JSON-RPC during slow-start, then does', async () => {
    const lines: string[] = [];
    const node = await start(7, { annotations: { 'besu.harbour.dev/slow-start': '10s' }, log: (l) => lines.push(l) }); // 0.5 s wall
    expect(node.phase()).toBe('starting');
    await expect(rpc(node.podIP, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })).rejects.toThrow();
    expect((await fetch(`http://${node.podIP}:9545/metrics`)).status).toBe(200); // metrics are up already
    await vi.waitFor(() => expect(node.ready()).toBe(true), { timeout: 5000, interval: 20 });
    expect((await rpc(node.podIP, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })).status).toBe(200);
    expect(lines.some((l) => l.includes('| JsonRpcHttpService | JSON-RPC service started and listening on'))).toBe(true);
  });

  it('crashes with exit code 1 after crash-after, freeing its IP for the restart', async () => {
    const exits: string[] = [];
    const lines: string[] = [];
    const crashing = await start(8, {
      annotations: { 'besu.harbour.dev/crash-after': '6s' }, // 0.3 s wall
      log: (l) => lines.push(l),
      onExit: (code, reason) => exits.push(`${code} ${reason}`),
    });
    await vi.waitFor(() => expect(exits).toEqual(['1 Error']), { timeout: 5000, interval: 20 });
    expect(lines.at(-1)).toMatch(/\| ERROR \| Besu \| Besu has encountered an unrecoverable error/);
    await expect(rpc(crashing.podIP, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })).rejects.toThrow();
    // The kubelet restarts the container on the same pod IP at once.
    const again = await start(8);
    expect((await rpc(again.podIP, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })).status).toBe(200);
  });
});
