// The scenario context (cluster/scenario/context.ts) with a fake cluster: every verb prints a
// stamped line, and every failure names the step it happened in, with what was awaited and seen.
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/types.ts';
import type { Chaos } from '../../cluster/chaos/chaos.ts';
import { Context } from '../../cluster/scenario/context.ts';
import { notYet, StepFailure } from '../../cluster/scenario/step-failure.ts';
import { fullestThatFits, isReady } from '../../cluster/scenario/helpers.ts';
import { scenario } from '../../cluster/scenario/api.ts';
import { explainPlacement } from '../../cluster/scenario/probes.ts';
import { Timeline } from '../../cluster/scenario/timeline.ts';

function node(name: string, cpu: string, memory: string, extra: Partial<Node['spec']> = {}): Node {
  return {
    metadata: { name }, spec: { ...extra },
    status: { allocatable: { cpu, memory }, conditions: [{ type: 'Ready', status: 'True' }] },
  } as Node;
}

function pod(name: string, nodeName: string | undefined, cpu: string, memory: string, ready = true): Pod {
  return {
    metadata: { name, namespace: 'lesson' },
    spec: { nodeName, containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu, memory } } }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  } as Pod;
}

/** A Context over a fake client; `timeScale` 0.001 makes "60s" take 60 ms. */
function fakeContext(options: { pods?: Pod[]; events?: unknown[]; slackMs?: number; signal?: AbortSignal } = {}) {
  const lines: string[] = [];
  const created: unknown[] = [];
  const client = {
    list: async (resource: string) => ({ items: resource === 'pods' ? options.pods ?? [] : resource === 'events' ? options.events ?? [] : [] }),
    get: async (_r: string, name: string) => (options.pods ?? []).find((p) => p.metadata.name === name),
    create: async (_r: string, obj: unknown) => (created.push(obj), obj),
  };
  const chaos = { client, timeScale: 0.001, harbour: { timeScale: 0.001, ships: [{ name: 'node-1', ip: '127.0.10.1', cpu: '2', memory: '4Gi', pods: 110 }], ports: {} } } as unknown as Chaos;
  const timeline = new Timeline({ timeScale: 0.001, print: (l) => lines.push(l) });
  const s = new Context({ ns: 'lesson', chaos, timeline, kubeconfig: '/dev/null', pause: false, slackMs: options.slackMs ?? 0, signal: options.signal });
  return { s, lines, created };
}

describe('scenario context', () => {
  it('numbers steps and returns what their body returns', async () => {
    const { s, lines } = fakeContext();
    expect(await s.step('Load the ship', () => 42)).toBe(42);
    await s.step('Sail', async () => {});
    expect(lines.filter((l) => l.includes('▶'))).toEqual([expect.stringContaining('▶ Step 1. Load the ship'), expect.stringContaining('▶ Step 2. Sail')]);
  });

  it('wraps any error inside a step into a StepFailure naming the step', async () => {
    const { s } = fakeContext();
    const failure = await s.step('Sink node-2', () => { throw new Error('no ship "node-2"'); }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure).toMatchObject({ step: '1. Sink node-2', message: 'no ship "node-2"' });
  });

  it('until returns the first truthy answer and prints how long it took', async () => {
    const { s, lines } = fakeContext();
    let calls = 0;
    expect(await s.until('the third try', () => (++calls >= 3 ? 'done' : undefined), '1h')).toBe('done');
    expect(lines.at(-1)).toMatch(/✔ the third try \(after \d\.\d s, k8s [\dms]+\)$/);
  });

  it('until fails with the step, what it waited for, the allowance and the last reason seen', async () => {
    const { s } = fakeContext();
    const failure = await s.step('The node is noticed', () =>
      s.until('node-2 is NotReady', () => { throw notYet('node-2 is still Ready'); }, '100s')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as StepFailure).step).toBe('1. The node is noticed');
    expect((failure as Error).message).toMatch(/^timed out after 0\.\d s, k8s [\dms ]+ waiting for: node-2 is NotReady \(allowed 100 s k8s = 0\.1 s \+ 0 s slack\); last seen: node-2 is still Ready$/);
  });

  it('holds passes while the answer stays truthy and fails at the first falsy one', async () => {
    const { s, lines } = fakeContext();
    await s.holds('the pods wait on the dock', () => true, '50s');
    expect(lines.at(-1)).toMatch(/✔ the pods wait on the dock \(held for/);
    let n = 0;
    const failure = await s.step('Blocks stop', () => s.holds('no new block', () => ++n < 2, '10m')).catch((e: unknown) => e);
    expect((failure as StepFailure).message).toMatch(/^expected "no new block" to hold for 10m00s \(k8s\), but it stopped after/);
  });

  it('an interrupt (Ctrl-C) makes the waiting verb fail at once, naming the step', async () => {
    const interrupt = new AbortController();
    const { s } = fakeContext({ signal: interrupt.signal });
    setTimeout(() => interrupt.abort(), 50);
    const failure = await s.step('Wait for ever', () => s.until('something that never happens', () => false, '1h')).catch((e: unknown) => e);
    expect(failure).toMatchObject({ step: '1. Wait for ever', message: 'interrupted (Ctrl-C)' });
  });

  it('assert prints a tick or fails naming the step', async () => {
    const { s, lines } = fakeContext();
    s.assert(true, 'three pods are Ready');
    expect(lines.at(-1)).toContain('✔ three pods are Ready');
    const failure = await s.step('Count', () => s.assert(false, 'four pods are Ready')).catch((e: unknown) => e);
    expect(failure).toMatchObject({ step: '1. Count', message: 'assertion failed: four pods are Ready' });
  });

  it('predict without a pause prints the question; reveal prints the answer and why', async () => {
    const { s, lines } = fakeContext();
    const q = await s.predict('Which ship?', ['node-1', 'node-2']);
    q.reveal('node-1', 'it is the fullest that fits');
    expect(lines.join('\n')).toMatch(/\? PREDICT: Which ship\? {2}\[node-1 \| node-2\]\n.*! REVEAL: node-1\n +· it is the fullest that fits/);
  });

  it('apply creates every document of a YAML in the scenario namespace', async () => {
    const { s, created, lines } = fakeContext();
    await s.apply('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: []}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n}\n');
    expect(created).toMatchObject([{ kind: 'Pod', metadata: { name: 'a', namespace: 'lesson' } }, { kind: 'Node', metadata: { name: 'n' } }]);
    expect((created[1] as Node).metadata.namespace).toBeUndefined();
    expect(lines.at(-1)).toContain('+ created pod/a, node/n');
  });

  it('events filters by reason, object and time, oldest first', async () => {
    const ev = (name: string, reason: string, at: string) => ({ metadata: { name }, involvedObject: { name: 'p', kind: 'Pod' }, reason, lastTimestamp: at });
    const { s } = fakeContext({ events: [ev('b', 'BackOff', '2026-01-01T00:00:05Z'), ev('a', 'BackOff', '2026-01-01T00:00:01Z'), ev('c', 'Started', '2026-01-01T00:00:02Z')] });
    expect((await s.events({ reason: 'BackOff', object: 'p' })).map((e) => e.metadata.name)).toEqual(['a', 'b']);
    expect((await s.events({ reason: /Back/, since: Date.parse('2026-01-01T00:00:03Z') })).map((e) => e.metadata.name)).toEqual(['b']);
  });

  it('scenario() refuses a name that cannot be a namespace', () => {
    expect(() => scenario({ name: 'Ship Sinks', title: '', lesson: '' }, async () => {})).toThrow(/lower-case letters, digits and dashes/);
  });
});

describe('helpers', () => {
  it('fullestThatFits picks the ship fullest after loading, skipping ships it does not fit', () => {
    const nodes = [node('node-1', '2', '4Gi'), node('node-2', '4', '8Gi'), node('node-3', '8', '16Gi')];
    expect(fullestThatFits(nodes, [], { cpu: '500m', memory: '1Gi' })).toBe('node-1');
    const pods = [pod('a', 'node-1', '1500m', '3Gi')];
    expect(fullestThatFits(nodes, pods, { cpu: '1', memory: '2Gi' })).toBe('node-2');
    expect(fullestThatFits(nodes, pods, { cpu: '12', memory: '1Gi' })).toBeUndefined();
  });

  it('fullestThatFits ignores cordoned and NotReady ships', () => {
    const notReady = node('node-2', '4', '8Gi');
    notReady.status!.conditions = [{ type: 'Ready', status: 'Unknown' }];
    const nodes = [node('node-1', '2', '4Gi', { unschedulable: true }), notReady, node('node-3', '8', '16Gi')];
    expect(fullestThatFits(nodes, [], { cpu: '500m', memory: '1Gi' })).toBe('node-3');
  });

  it('isReady reads the Ready condition, not the phase alone', () => {
    expect(isReady(pod('a', 'node-1', '1', '1Gi', true))).toBe(true);
    expect(isReady(pod('a', 'node-1', '1', '1Gi', false))).toBe(false);
  });
});

describe('explainPlacement', () => {
  it('names the totals, the plugin that made the difference and the nodes filtered out', () => {
    expect(explainPlacement({
      weights: { TaintToleration: 3, NodeResourcesMostAllocated: 1 },
      score: { 'node-2': { TaintToleration: 100, NodeResourcesMostAllocated: 37 }, 'node-3': { TaintToleration: 100, NodeResourcesMostAllocated: 18 } },
      finalScore: { 'node-2': { TaintToleration: 300, NodeResourcesMostAllocated: 37 }, 'node-3': { TaintToleration: 300, NodeResourcesMostAllocated: 18 } },
      total: { 'node-3': 318, 'node-2': 337 },
      filter: { 'node-1': { NodeResourcesFit: 'Insufficient cpu' }, 'node-2': { NodeResourcesFit: 'passed' } },
    })).toBe('scores node-2 337, node-3 318; NodeResourcesMostAllocated made the difference (node-2 37, node-3 18); filtered out: node-1 NodeResourcesFit: Insufficient cpu');
  });

  it('says when only one node passed the filters', () => {
    expect(explainPlacement({ selectedNode: 'node-3', total: {} })).toBe('only node-3 passed the filters, so no scoring was needed');
  });
});
