// Why panels' pure parts: the crane's decision from either source, and a Service's rules.
import { describe, expect, it } from 'vitest';
import { decisionFromAnnotation, decisionFromExplanation } from '../../dashboard/decision.ts';
import { rulesOfService } from '../../dashboard/why.ts';

describe('the crane\'s decision', () => {
  it('reads the scheduler endpoint\'s full explanation: each ship\'s verdict and each plugin\'s 0-100 score', () => {
    const d = decisionFromExplanation({
      selectedNode: 'node-2', profile: 'default-scheduler', weights: { NodeResourcesMostAllocated: 1, TaintToleration: 3 },
      filter: {
        'node-1': { NodeUnschedulable: 'passed', NodeResourcesFit: 'Insufficient cpu', TaintToleration: 'not run' },
        'node-2': { NodeUnschedulable: 'passed', NodeResourcesFit: 'passed', TaintToleration: 'passed' },
        'node-3': { NodeUnschedulable: 'skipped', NodeResourcesFit: 'passed', TaintToleration: 'passed' },
      },
      score: { 'node-2': { NodeResourcesMostAllocated: 87, TaintToleration: 0 }, 'node-3': { NodeResourcesMostAllocated: 40, TaintToleration: 0 } },
      finalScore: { 'node-2': { NodeResourcesMostAllocated: 87, TaintToleration: 300 }, 'node-3': { NodeResourcesMostAllocated: 40, TaintToleration: 300 } },
      total: { 'node-2': 387, 'node-3': 340 },
    });
    expect(d.selected).toBe('node-2');
    expect(d.nodes).toEqual([
      { node: 'node-2', verdict: 'passed', winner: true, scores: { NodeResourcesMostAllocated: 87, TaintToleration: 100 }, total: 387 },
      { node: 'node-3', verdict: 'passed', winner: false, scores: { NodeResourcesMostAllocated: 40, TaintToleration: 100 }, total: 340 },
      { node: 'node-1', verdict: 'Insufficient cpu', filteredBy: 'NodeResourcesFit', winner: false },
    ]);
  });

  it('reads the compact annotation, and says what it leaves out', () => {
    const d = decisionFromAnnotation(JSON.stringify({
      node: 'node-3', profile: 'default-scheduler', feasible: '5/12',
      filtered: { 'NodeResourcesFit: Insufficient memory': ['node-1', 'node-2', '+5 more'] },
      weights: { NodeResourcesMostAllocated: 1 },
      top: [{ node: 'node-3', total: 90, scores: { NodeResourcesMostAllocated: 90 } }, { node: 'node-4', total: 70, scores: { NodeResourcesMostAllocated: 70 } }],
    }))!;
    expect(d.source).toBe('annotation');
    expect(d.nodes.map((n) => [n.node, n.verdict, n.winner])).toEqual([
      ['node-3', 'passed', true], ['node-4', 'passed', false], ['node-1', 'Insufficient memory', false], ['node-2', 'Insufficient memory', false],
    ]);
    expect(d.note).toMatch(/3 more ships passed the filters/);
    expect(d.note).toMatch(/5 more filtered ships not named/);
  });

  it('keeps the scheduler\'s message for a pod no ship can take', () => {
    const d = decisionFromAnnotation(JSON.stringify({ node: null, feasible: '0/3', message: '0/3 nodes are available: 3 Insufficient cpu.', filtered: { 'NodeResourcesFit: Insufficient cpu': ['a', 'b', 'c'] }, top: [] }))!;
    expect(d).toMatchObject({ selected: null, message: '0/3 nodes are available: 3 Insufficient cpu.' });
    expect(d.nodes.every((n) => !n.winner && n.filteredBy === 'NodeResourcesFit')).toBe(true);
    expect(decisionFromAnnotation('not json')).toBeUndefined();
  });
});

describe('rulesOfService', () => {
  const dump = [
    '*nat',
    ':KUBE-SERVICES - [0:0]',
    '-A KUBE-SERVICES -d 127.96.0.10/32 -p tcp -m comment --comment "default/besu-rpc:json-rpc cluster IP" -m tcp --dport 8545 -j KUBE-SVC-AAAA',
    '-A KUBE-SERVICES -d 127.96.0.11/32 -p tcp -m comment --comment "default/other:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-BBBB',
    '-A KUBE-SVC-AAAA -m comment --comment "default/besu-rpc:json-rpc -> 127.244.1.5:8545" -j KUBE-SEP-CCCC',
    '-A KUBE-SEP-CCCC -m comment --comment default/besu-rpc:json-rpc -p tcp -m tcp -j DNAT --to-destination 127.244.1.5:8545',
    '-A KUBE-SVC-BBBB -j KUBE-SEP-DDDD',
    'COMMIT',
  ].join('\n');

  it('keeps the lines that mention the Service and the chains they jump to, with their table', () => {
    const text = rulesOfService(dump, 'default/besu-rpc');
    expect(text.split('\n')).toEqual(['*nat', expect.stringContaining('KUBE-SVC-AAAA'), expect.stringContaining('-A KUBE-SVC-AAAA'), expect.stringContaining('-A KUBE-SEP-CCCC')]);
    expect(text).not.toContain('default/other');
  });

  it('says so when no rule mentions the Service (no ready endpoints yet)', () => {
    expect(rulesOfService(dump, 'default/missing')).toBe('(no rules mention default/missing)');
  });
});
