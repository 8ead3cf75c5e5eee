// QBFT in the simulation: quorum math, proposer turns, and a 4-validator network that halts and resumes.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { parseBesuConfig } from '../../kubelet/besu/config.ts';
import { decide, proposerFor, quorumSize, roundAt, type Member } from '../../kubelet/besu/consensus.ts';
import { BesuLogger } from '../../kubelet/besu/logs.ts';
import { BesuRegistry } from '../../kubelet/besu/network.ts';
import { BesuCore } from '../../kubelet/besu/node.ts';

const v = (id: string, inSync = true): Member => ({ id, role: 'validator', inSync });
const four = new Set(['v0', 'v1', 'v2', 'v3']);

describe('quorum math', () => {
  it('needs ceil(2n/3) validators, as BftHelpers.calculateRequiredValidatorQuorum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(quorumSize)).toEqual([1, 2, 2, 3, 4, 4, 5, 7]);
  });

  it('with 4 validators: 3 running produce, 2 halt', () => {
    const base = { knownValidators: four, height: 7, round: 0 };
    expect(decide({ ...base, self: v('v3'), peers: [v('v0'), v('v1')] })).toEqual({ kind: 'produce', round: 0 }); // (7+0)%4 = v3
    expect(decide({ ...base, self: v('v0'), peers: [v('v1'), v('v3')] })).toEqual({ kind: 'wait', proposer: 'v3' });
    expect(decide({ ...base, self: v('v0'), peers: [v('v1')] })).toEqual({ kind: 'halt', online: 2, needed: 3, total: 4 });
  });

  it('does not count validators that are still syncing, and a syncing validator waits', () => {
    const base = { knownValidators: four, height: 7, round: 0 };
    expect(decide({ ...base, self: v('v0'), peers: [v('v1'), v('v2', false)] })).toMatchObject({ kind: 'halt', online: 2 });
    expect(decide({ ...base, self: v('v2', false), peers: [v('v0'), v('v1')] })).toEqual({ kind: 'sync' });
  });

  it('uses the declared validator count over the ones seen so far', () => {
    const input = { self: v('v0'), peers: [v('v1')], knownValidators: new Set(['v0', 'v1']), height: 1, round: 0 };
    expect(decide(input)).toMatchObject({ kind: 'wait' }); // 2 of 2 known
    expect(decide({ ...input, declaredCount: 4 })).toEqual({ kind: 'halt', online: 2, needed: 3, total: 4 });
  });

  it('passes the turn to the next validator each round', () => {
    const vs = ['v0', 'v1', 'v2', 'v3'];
    expect([0, 1, 2, 3, 4].map((r) => proposerFor(10, r, vs))).toEqual(['v2', 'v3', 'v0', 'v1', 'v2']);
    expect([0, 3999, 4000, 9000].map((ms) => roundAt(ms, 4000))).toEqual([0, 0, 1, 2]);
  });

  it('full nodes follow; a network without validators has the lowest unannotated node produce', () => {
    const auto = (id: string): Member => ({ id, role: 'auto', inSync: true });
    const none = new Set<string>();
    expect(decide({ self: auto('b'), peers: [auto('a')], knownValidators: none, height: 1, round: 0 })).toEqual({ kind: 'follow' });
    expect(decide({ self: auto('a'), peers: [auto('b')], knownValidators: none, height: 1, round: 0 })).toEqual({ kind: 'produce', round: 0 });
    expect(decide({ self: { id: 'a', role: 'full', inSync: true }, peers: [], knownValidators: none, height: 1, round: 0 })).toEqual({ kind: 'follow' });
    expect(decide({ self: auto('a'), peers: [v('v0')], knownValidators: new Set(['v0']), height: 1, round: 0 })).toEqual({ kind: 'follow' });
  });
});

describe('a 4-validator network on a FakeClock', () => {
  function validator(clock: FakeClock, registry: BesuRegistry, id: string, n: number) {
    const lines: string[] = [];
    const config = parseBesuConfig({ 'besu.harbour.dev/validator': 'true', 'besu.harbour.dev/network': 'qbft' }, { HOSTNAME: id }, `127.2.0.${n}`);
    const node = new BesuCore({ config, clock, logger: new BesuLogger(clock, (l) => lines.push(l)), podIP: `127.2.0.${n}`, registry });
    node.start();
    return { node, lines };
  }

  it('stopping 2 of 4 halts block production; bringing one back resumes it', () => {
    const clock = new FakeClock();
    const registry = new BesuRegistry();
    const nodes = ['v0', 'v1', 'v2', 'v3'].map((id, i) => validator(clock, registry, id, i + 1));
    clock.advance(20_000);
    const h = nodes[0].node.chain.height;
    expect(h).toBeGreaterThanOrEqual(9);
    expect(nodes.map((n) => n.node.validators())).toEqual(Array(4).fill(['v0', 'v1', 'v2', 'v3']));
    // Every validator proposed in turn, and the others imported its blocks.
    for (const n of nodes) expect(n.lines.some((l) => l.includes('| QbftBesuControllerBuilder | Produced #'))).toBe(true);
    expect(nodes[0].lines.some((l) => /QbftBesuControllerBuilder \| Imported #\d+ \/ \d tx \/ 0 pending/.test(l))).toBe(true);

    // One down: 3 of 4 is still a quorum, blocks keep coming (slower when it is v3's turn).
    nodes[3].node.stop();
    clock.advance(20_000);
    const h1 = nodes[0].node.chain.height;
    expect(h1).toBeGreaterThanOrEqual(h + 6);

    // Two down: halted.
    nodes[2].node.stop();
    clock.advance(4000);
    const halted = nodes[0].node.chain.height;
    clock.advance(30_000);
    expect(nodes[0].node.chain.height).toBe(halted);
    expect(nodes[1].node.chain.height).toBe(halted);
    const warnings = nodes[0].lines.filter((l) => l.includes('| WARN  | QbftBlockHeightManager |'));
    expect(warnings.at(-1)).toContain(`Unable to produce block #${halted + 1}: waiting for quorum 3/4 (2 of 4 validators online)`);
    expect(warnings.length).toBeGreaterThanOrEqual(7); // one per 4 s round

    // v2's pod restarts with the same name: it syncs from 0, then counts again.
    const back = validator(clock, registry, 'v2', 3);
    expect(back.node.chain.height).toBe(halted);
    clock.advance(20_000);
    expect(nodes[0].node.chain.height).toBeGreaterThanOrEqual(halted + 5);
    expect(back.node.chain.head().hash).toBe(nodes[0].node.chain.get(back.node.chain.height)?.hash);
    expect(nodes[0].lines.some((l) => l.includes('Quorum reached again: resuming block production'))).toBe(true);
    for (const n of [nodes[0], nodes[1], back]) n.node.stop();
    expect(clock.pending()).toBe(0);
  });

  it('with a declared set of 4, a lone validator waits for quorum from the first block', () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const config = parseBesuConfig({ 'besu.harbour.dev/validator': 'true', 'besu.harbour.dev/validators': '4' }, { HOSTNAME: 'v0' }, '127.2.1.1');
    const node = new BesuCore({ config, clock, logger: new BesuLogger(clock, (l) => lines.push(l)), podIP: '127.2.1.1', registry: new BesuRegistry() });
    node.start();
    clock.advance(10_000);
    expect(node.chain.height).toBe(0);
    expect(lines.at(-1)).toContain('Unable to produce block #1: waiting for quorum 3/4 (1 of 4 validators online)');
    node.stop();
  });
});
