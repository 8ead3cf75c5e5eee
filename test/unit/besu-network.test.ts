// Peer discovery (in-process registry and polled candidates) and the annotation/env config.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { parseBesuConfig } from '../../kubelet/besu/config.ts';
import { BesuRegistry, PeerSet, type LocalPeer, type PeerStatus, type PeerTransport } from '../../kubelet/besu/network.ts';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function status(id: string, address: string, network = 'ledger'): PeerStatus {
  return { id, address, enode: `enode://x@${address}:30303`, clientVersion: 'besu', network, chainId: 1337, role: 'validator', head: { number: 1, hash: '0x1' }, knownValidators: [id] };
}

function local(id: string, address: string, network = 'ledger'): LocalPeer {
  return { address, network, status: () => status(id, address, network), blocks: () => [] };
}

/** A transport whose peers are a map we edit; a missing address refuses the connection. */
function fakeTransport(remote: Map<string, PeerStatus>): PeerTransport & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    status: async (address) => {
      calls.push(address);
      const s = remote.get(address);
      if (!s) throw new Error('ECONNREFUSED');
      return s;
    },
    blocks: async () => [],
  };
}

describe('PeerSet', () => {
  it('sees the other nodes of its network in the same process, and only while they run', () => {
    const clock = new FakeClock();
    const registry = new BesuRegistry();
    const me = local('a', '127.5.0.1');
    const b = local('b', '127.5.0.2');
    const stranger = local('c', '127.5.0.3', 'other');
    const peers = new PeerSet({ self: me, clock, registry });
    for (const p of [me, b, stranger]) registry.register(p);
    peers.join();
    expect(peers.peers().map((p) => p.status.id)).toEqual(['b']);
    registry.unregister(b);
    expect(peers.peers()).toEqual([]);
  });

  it('polls candidates in other processes and drops them when they refuse or go quiet', async () => {
    const clock = new FakeClock();
    const remote = new Map([['127.5.1.2', status('b', '127.5.1.2')], ['127.5.1.3:8545', status('c', '127.5.1.3')], ['127.5.1.4', status('d', '127.5.1.4', 'other')]]);
    const transport = fakeTransport(remote);
    const peers = new PeerSet({ self: local('a', '127.5.1.1'), clock, registry: new BesuRegistry(), transport, staleAfterMs: 4000 });
    peers.join();
    peers.setCandidates(['127.5.1.1', '127.5.1.2', '127.5.1.3:8545', '127.5.1.4', ' ']);
    peers.poll();
    await flush();
    expect(transport.calls).toEqual(['127.5.1.2', '127.5.1.3:8545', '127.5.1.4']); // never ourselves
    expect(peers.peers().map((p) => p.status.id)).toEqual(['b', 'c']); // d is in another network

    remote.delete('127.5.1.2'); // b's pod stopped: connection refused
    peers.poll();
    await flush();
    expect(peers.peers().map((p) => p.status.id)).toEqual(['c']);

    // c freezes: its requests never complete; it counts until its last answer is 4 s old.
    transport.status = () => new Promise(() => {});
    peers.poll();
    clock.advance(4000);
    expect(peers.peers().map((p) => p.status.id)).toEqual(['c']);
    clock.advance(1);
    expect(peers.peers()).toEqual([]);
  });

  it('prefers the in-process node when a candidate address is local, and caps at maxPeers', async () => {
    const clock = new FakeClock();
    const registry = new BesuRegistry();
    const transport = fakeTransport(new Map());
    const me = local('a', '127.5.2.1');
    registry.register(local('b', '127.5.2.2'));
    for (let i = 3; i < 40; i++) registry.register(local(`n${i}`, `127.5.2.${i}`));
    const peers = new PeerSet({ self: me, clock, registry, transport, maxPeers: 25 });
    peers.join();
    peers.setCandidates(['127.5.2.2']);
    peers.poll();
    await flush();
    expect(transport.calls).toEqual([]); // b is answered from the registry, no HTTP
    expect(peers.peers()).toHaveLength(25);
    peers.leave();
    expect(registry.members('ledger', local('z', '127.5.2.200'), 100).map((p) => p.address)).not.toContain('127.5.2.1');
  });
});

describe('parseBesuConfig', () => {
  it('defaults to the harbour network, chain 1337, 2 s blocks, auto role, and the pod name as identity', () => {
    expect(parseBesuConfig({}, { HOSTNAME: 'besu-0' }, '127.6.0.1')).toEqual({
      network: 'harbour', chainId: 1337, networkId: 1337, role: 'auto', validatorCount: undefined,
      blockPeriodMs: 2000, roundTimeoutMs: 4000, nodeId: 'besu-0', warnings: [],
    });
    expect(parseBesuConfig({}, {}, '127.6.0.1').nodeId).toBe('127.6.0.1');
  });

  it('reads annotations before env', () => {
    const c = parseBesuConfig(
      { 'besu.harbour.dev/network': 'ledger', 'besu.harbour.dev/validator': 'true', 'besu.harbour.dev/validators': '4', 'besu.harbour.dev/block-period': '5s', 'besu.harbour.dev/node-id': 'val-a' },
      { BESU_NETWORK_ID: 'ignored', BESU_VALIDATOR: 'false', HOSTNAME: 'pod-x' },
      '127.6.0.1',
    );
    expect(c).toMatchObject({ network: 'ledger', role: 'validator', validatorCount: 4, blockPeriodMs: 5000, roundTimeoutMs: 10_000, nodeId: 'val-a' });
  });

  it('takes a numeric BESU_NETWORK_ID as both network name and net_version', () => {
    const c = parseBesuConfig({}, { BESU_NETWORK_ID: '2018', BESU_VALIDATOR: 'false', BESU_CHAIN_ID: '2018' }, '127.6.0.1');
    expect(c).toMatchObject({ network: '2018', networkId: 2018, chainId: 2018, role: 'full' });
  });

  it('warns about values it cannot use and keeps the defaults', () => {
    const c = parseBesuConfig({ 'besu.harbour.dev/validator': 'sometimes', 'besu.harbour.dev/block-period': 'fast', 'besu.harbour.dev/chain-id': '-1' }, {}, '127.6.0.1');
    expect(c).toMatchObject({ role: 'auto', blockPeriodMs: 2000, chainId: 1337 });
    expect(c.warnings).toHaveLength(3);
    expect(c.warnings[0]).toBe('Ignoring annotation besu.harbour.dev/chain-id="-1": expected a positive integer');
  });
});
