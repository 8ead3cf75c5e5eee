// Besu networks over real sockets: a 4-validator QBFT network that halts and resumes, and peers in
// "other processes" (separate registries) found through setPeerCandidates and JSON-RPC on port 8545.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { BesuRegistry, startBesu, type BesuNode } from '../../kubelet/besu/index.ts';

const net = `127.251.${1 + Math.floor(Math.random() * 254)}`;
const clock = realClock(0.05); // blocks every 100 ms, QBFT rounds every 200 ms
const started: BesuNode[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(host: number, name: string, annotations: Record<string, string>, registry: BesuRegistry, log: (l: string) => void = () => {}) {
  const node = await startBesu({ podIP: `${net}.${host}`, clock, annotations, env: { HOSTNAME: name }, registry, log, onExit: () => {} });
  started.push(node);
  return node;
}

async function rpc(ip: string, method: string, params: unknown[] = []) {
  const res = await fetch(`http://${ip}:8545/`, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await res.json()) as { result: any }).result;
}

afterAll(async () => {
  await Promise.all(started.map((n) => n.stop()));
});

describe('a 4-validator QBFT network in one process', () => {
  it('halts when 2 of 4 validators stop and resumes when one comes back', async () => {
    const registry = new BesuRegistry();
    const validator = { 'besu.harbour.dev/validator': 'true', 'besu.harbour.dev/network': 'qbft-it' };
    const logs: string[] = [];
    const nodes = await Promise.all([0, 1, 2, 3].map((i) => start(10 + i, `validator-${i}`, validator, registry, i === 0 ? (l) => logs.push(l) : undefined)));
    await vi.waitFor(() => expect(nodes[0].blockNumber()).toBeGreaterThanOrEqual(8), { timeout: 10_000, interval: 20 });
    expect(parseInt(await rpc(nodes[1].podIP, 'net_peerCount'), 16)).toBe(3);
    expect(await rpc(nodes[2].podIP, 'qbft_getValidatorsByBlockNumber', ['latest'])).toHaveLength(4);

    await nodes[2].stop();
    await nodes[3].stop();
    await sleep(500); // let an in-flight block land
    const halted = nodes[0].blockNumber();
    await sleep(1000); // ten block periods
    expect(nodes[0].blockNumber()).toBe(halted);
    expect(parseInt(await rpc(nodes[1].podIP, 'eth_blockNumber'), 16)).toBe(halted);
    expect(logs.some((l) => l.includes('waiting for quorum 3/4 (2 of 4 validators online)'))).toBe(true);

    // validator-2's pod comes back (same name, new container): it syncs, then quorum is 3 of 4 again.
    const back = await start(12, 'validator-2', validator, registry);
    await vi.waitFor(() => expect(nodes[0].blockNumber()).toBeGreaterThanOrEqual(halted + 3), { timeout: 10_000, interval: 20 });
    expect(back.blockNumber()).toBeGreaterThanOrEqual(halted);
    const [a, b] = await Promise.all([rpc(nodes[0].podIP, 'eth_getBlockByNumber', ['0x' + halted.toString(16), false]), rpc(back.podIP, 'eth_getBlockByNumber', ['0x' + halted.toString(16), false])]);
    expect(a.hash).toBe(b.hash);
  });
});

describe('peers in other processes', () => {
  it('finds candidates over HTTP, syncs from them, and drops them when they stop', async () => {
    // Separate registries stand for separate kubelet processes: only HTTP connects them.
    const network = { 'besu.harbour.dev/network': 'cross-it' };
    const miner = await start(20, 'miner', network, new BesuRegistry());
    await vi.waitFor(() => expect(miner.blockNumber()).toBeGreaterThanOrEqual(10), { timeout: 10_000, interval: 20 });
    const follower = await start(21, 'follower', { ...network, 'besu.harbour.dev/validator': 'false' }, new BesuRegistry());
    expect(follower.blockNumber()).toBe(0);

    follower.setPeerCandidates([miner.podIP, follower.podIP, `${net}.99`]); // self and a dead address are harmless
    miner.setPeerCandidates([follower.podIP]);
    await vi.waitFor(() => expect(follower.blockNumber()).toBeGreaterThanOrEqual(miner.blockNumber() - 1), { timeout: 10_000, interval: 20 });
    expect(follower.peerCount()).toBe(1);
    expect(miner.peerCount()).toBe(1);
    const peers = await rpc(follower.podIP, 'admin_peers');
    expect(peers).toHaveLength(1);
    expect(peers[0].network.remoteAddress).toBe(`${miner.podIP}:30303`);
    const n = follower.blockNumber();
    const [fromMiner, fromFollower] = await Promise.all([miner, follower].map((x) => rpc(x.podIP, 'eth_getBlockByNumber', ['0x' + n.toString(16), false])));
    expect(fromFollower).toEqual(fromMiner); // same block, timestamp and miner included

    await vi.waitFor(() => expect(follower.blockNumber()).toBeGreaterThan(n), { timeout: 10_000, interval: 20 }); // it keeps following
    await miner.stop();
    await vi.waitFor(() => expect(follower.peerCount()).toBe(0), { timeout: 10_000, interval: 20 });
  });

  it('ignores a candidate of another network', async () => {
    const a = await start(30, 'net-a', { 'besu.harbour.dev/network': 'alpha' }, new BesuRegistry());
    const b = await start(31, 'net-b', { 'besu.harbour.dev/network': 'beta' }, new BesuRegistry());
    a.setPeerCandidates([b.podIP]);
    await sleep(500);
    expect(a.peerCount()).toBe(0);
  });
});
