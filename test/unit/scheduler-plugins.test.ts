// Scheduler plugins, one table per plugin: the verdicts and scores Kubernetes would give.
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/types.ts';
import { SchedulerCache } from '../../scheduler/cache.ts';
import { CycleState, SKIP, type AnyPlugin, type FrameworkHandle, type PluginFactory } from '../../scheduler/framework/interfaces.ts';
import { newPodInfo } from '../../scheduler/framework/node-info.ts';
import { defaultNormalizeScore } from '../../scheduler/framework/helpers.ts';
import { nodeName } from '../../scheduler/plugins/node-name.ts';
import { nodeUnschedulable } from '../../scheduler/plugins/node-unschedulable.ts';
import { taintToleration } from '../../scheduler/plugins/taint-toleration.ts';
import { nodeResourcesFit } from '../../scheduler/plugins/node-resources-fit.ts';
import { nodeAffinity } from '../../scheduler/plugins/node-affinity.ts';
import { interPodAffinity } from '../../scheduler/plugins/inter-pod-affinity.ts';
import { nodeResourcesMostAllocated } from '../../scheduler/plugins/most-allocated.ts';
import { nodeResourcesLeastAllocated } from '../../scheduler/plugins/least-allocated.ts';
import { nodeResourcesBalancedAllocation } from '../../scheduler/plugins/balanced-allocation.ts';
import { defaultBinder } from '../../scheduler/plugins/default-binder.ts';
import { antiAffinity, makeNode, makePod } from '../../scheduler/testing.ts';

const handle: FrameworkHandle = {
  snapshot: () => ({ nodeInfos: [], nodeNames: [], get: () => undefined, nodesWithRequiredAntiAffinityPods: [] }),
  runFilterPlugins: () => null,
};

/** Runs one plugin's PreFilter + Filter for `pod` on `node`, with `bound` pods already placed. */
function verdict(factory: PluginFactory, pod: Pod, node: Node, bound: Pod[] = [], others: Node[] = []): string {
  const cache = new SchedulerCache();
  for (const n of [node, ...others]) cache.addNode(n);
  for (const p of bound) cache.addPod(p);
  const snapshot = cache.snapshot();
  const plugin: AnyPlugin = factory({}, handle);
  const state = new CycleState();
  const info = newPodInfo(pod);
  const pre = plugin.preFilter?.(state, info, snapshot) ?? null;
  if (pre === SKIP) return 'passed';
  if (pre) return `${pre.code}: ${pre.message()}`;
  const s = plugin.filter!(state, info, snapshot.get(node.metadata.name!)!);
  return s ? `${s.code}: ${s.message()}` : 'passed';
}

/** Runs one score plugin on `node` (with `bound` pods) for `pod`, before normalization. */
function rawScore(factory: PluginFactory, pod: Pod, node: Node, bound: Pod[] = [], args: Record<string, unknown> = {}): number {
  const cache = new SchedulerCache();
  cache.addNode(node);
  for (const p of bound) cache.addPod(p);
  const plugin: AnyPlugin = factory(args, handle);
  const state = new CycleState();
  const info = newPodInfo(pod);
  const ni = cache.snapshot().get(node.metadata.name!)!;
  plugin.preScore?.(state, info, [ni]);
  return plugin.score!(state, info, ni);
}

const on = (node: string, name: string, o: Parameters<typeof makePod>[1] = {}) => makePod(name, { ...o, nodeName: node, phase: 'Running' });

describe('NodeName', () => {
  it.each([
    ['no nodeName', makePod('p'), 'passed'],
    ['its own node', makePod('p', { nodeName: 'node-1' }), 'passed'],
    ['another node', makePod('p', { nodeName: 'node-2' }), "UnschedulableAndUnresolvable: node(s) didn't match the requested node name"],
  ])('%s', (_, pod, want) => {
    expect(verdict(nodeName, pod, makeNode('node-1'))).toBe(want);
  });
});

describe('NodeUnschedulable', () => {
  it.each([
    ['a schedulable node', makeNode('n'), makePod('p'), 'passed'],
    ['a cordoned node', makeNode('n', { unschedulable: true }), makePod('p'), 'UnschedulableAndUnresolvable: node(s) were unschedulable'],
    [
      'a cordoned node, pod tolerates the unschedulable taint',
      makeNode('n', { unschedulable: true }),
      makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }),
      'passed',
    ],
  ])('%s', (_, node, pod, want) => {
    expect(verdict(nodeUnschedulable, pod, node)).toBe(want);
  });
});

describe('TaintToleration filter', () => {
  const notReady = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' as const };
  const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' as const };
  const dedicated = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
  it.each([
    ['no taints', [], [], 'passed'],
    ['not-ready NoExecute, no toleration', [notReady], [], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/not-ready: }'],
    ['unreachable NoSchedule, no toleration', [unreachable], [], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/unreachable: }'],
    ['not-ready tolerated with Exists', [notReady], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' as const }], 'passed'],
    ['key=value taint, Equal toleration', [dedicated], [{ key: 'dedicated', operator: 'Equal' as const, value: 'gpu', effect: 'NoSchedule' as const }], 'passed'],
    ['key=value taint, wrong value', [dedicated], [{ key: 'dedicated', value: 'cpu' }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}'],
    ['toleration for another effect', [dedicated], [{ key: 'dedicated', operator: 'Exists' as const, effect: 'NoExecute' as const }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}'],
    ['empty key + Exists tolerates everything', [dedicated, notReady], [{ operator: 'Exists' as const }], 'passed'],
    ['PreferNoSchedule never filters', [{ key: 'soft', effect: 'PreferNoSchedule' as const }], [], 'passed'],
    ['the first untolerated taint is named', [notReady, dedicated], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' as const }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}'],
  ])('%s', (_, taints, tolerations, want) => {
    expect(verdict(taintToleration, makePod('p', { tolerations }), makeNode('n', { taints }))).toBe(want);
  });
});

describe('TaintToleration score', () => {
  it('counts intolerable PreferNoSchedule taints, then reverses: fewest wins', () => {
    const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' as const });
    const pod = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] });
    const raw = [
      rawScore(taintToleration, pod, makeNode('n0')),
      rawScore(taintToleration, pod, makeNode('n1', { taints: [soft('a'), soft('b')] })),
      rawScore(taintToleration, pod, makeNode('n2', { taints: [soft('b'), soft('c')] })),
    ];
    expect(raw).toEqual([0, 1, 2]);
    const scores = Int32Array.from(raw);
    defaultNormalizeScore(100, true, scores);
    expect([...scores]).toEqual([100, 50, 0]);
  });
});

describe('NodeResourcesFit', () => {
  const node = makeNode('n', { cpu: '4', memory: '8Gi', pods: '3' });
  const busy = [on('n', 'a', { cpu: '3', memory: '2Gi' }), on('n', 'b', { cpu: '500m', memory: '5Gi' })];
  it.each([
    ['fits in what is left', makePod('p', { cpu: '500m', memory: '1Gi' }), busy, 'passed'],
    ['too much cpu', makePod('p', { cpu: '1', memory: '1Gi' }), busy, 'Unschedulable: Insufficient cpu'],
    ['too much memory', makePod('p', { cpu: '100m', memory: '2Gi' }), busy, 'Unschedulable: Insufficient memory'],
    ['both', makePod('p', { cpu: '2', memory: '4Gi' }), busy, 'Unschedulable: Insufficient cpu, Insufficient memory'],
    ['no pod slot left', makePod('p'), [...busy, on('n', 'c')], 'Unschedulable: Too many pods'],
    ['no slot and no cpu', makePod('p', { cpu: '1' }), [...busy, on('n', 'c')], 'Unschedulable: Too many pods, Insufficient cpu'],
    ['a pod asking for nothing fits a full node', makePod('p'), [on('n', 'x', { cpu: '4', memory: '8Gi' })], 'passed'],
    ['finished pods do not count', makePod('p', { cpu: '4' }), [makePod('done', { nodeName: 'n', cpu: '4', phase: 'Succeeded' })], 'passed'],
  ])('%s', (_, pod, bound, want) => {
    expect(verdict(nodeResourcesFit, pod, node, bound)).toBe(want);
  });
});

describe('NodeAffinity', () => {
  const node = makeNode('n', { labels: { disktype: 'ssd', zone: 'a', cores: '16' } });
  const required = (...exprs: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; values?: string[] }[][]) =>
    makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: exprs.map((e) => ({ matchExpressions: e })) } } } });
  const miss = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
  it.each([
    ['no selector at all', makePod('p'), 'passed'],
    ['nodeSelector matches', makePod('p', { nodeSelector: { disktype: 'ssd' } }), 'passed'],
    ['nodeSelector does not match', makePod('p', { nodeSelector: { disktype: 'hdd' } }), miss],
    ['nodeSelector label missing', makePod('p', { nodeSelector: { gpu: 'true' } }), miss],
    ['In', required([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]), 'passed'],
    ['NotIn', required([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), miss],
    ['NotIn on a missing label matches', required([{ key: 'gpu', operator: 'NotIn', values: ['x'] }]), 'passed'],
    ['Exists', required([{ key: 'disktype', operator: 'Exists' }]), 'passed'],
    ['DoesNotExist', required([{ key: 'disktype', operator: 'DoesNotExist' }]), miss],
    ['Gt', required([{ key: 'cores', operator: 'Gt', values: ['8'] }]), 'passed'],
    ['Lt', required([{ key: 'cores', operator: 'Lt', values: ['8'] }]), miss],
    ['expressions in a term are ANDed', required([{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disktype', operator: 'In', values: ['hdd'] }]), miss],
    ['terms are ORed', required([{ key: 'zone', operator: 'In', values: ['b'] }], [{ key: 'disktype', operator: 'In', values: ['ssd'] }]), 'passed'],
    ['an empty term matches nothing', required([]), miss],
  ])('%s', (_, pod, want) => {
    expect(verdict(nodeAffinity, pod, node)).toBe(want);
  });

  it('scores preferred terms by the sum of matching weights', () => {
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 5, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
            { weight: 3, preference: { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] } },
            { weight: 7, preference: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] } },
          ],
        },
      },
    });
    expect(rawScore(nodeAffinity, pod, node)).toBe(8);
  });
});

describe('InterPodAffinity (required anti-affinity)', () => {
  const validator = (name: string, node?: string) =>
    makePod(name, { labels: { app: 'besu', role: 'validator' }, affinity: antiAffinity({ role: 'validator' }), nodeName: node, phase: node ? 'Running' : 'Pending' });
  it.each([
    ['an empty node', validator('v2'), [], 'passed'],
    ['a node with a validator: the newcomer refuses it', validator('v2'), [validator('v1', 'n')], "Unschedulable: node(s) didn't match pod anti-affinity rules"],
    [
      'a node whose pod refuses the newcomer (symmetry)',
      makePod('plain', { labels: { role: 'validator' } }),
      [validator('v1', 'n')],
      "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules",
    ],
    ['a node with a non-matching pod', validator('v2'), [on('n', 'rpc', { labels: { role: 'rpc' } })], 'passed'],
    ['a matching pod in another namespace does not count', validator('v2'), [makePod('v1', { namespace: 'other', labels: { role: 'validator' }, nodeName: 'n', phase: 'Running' })], 'passed'],
    ['a validator on another node does not count', validator('v2'), [validator('v1', 'n2')], 'passed'],
  ])('%s', (_, pod, bound, want) => {
    expect(verdict(interPodAffinity, pod, makeNode('n'), bound, [makeNode('n2')])).toBe(want);
  });

  it('forbids the whole topology domain, not just the node', () => {
    const zoned = makePod('v2', { labels: { role: 'validator' }, affinity: antiAffinity({ role: 'validator' }, 'zone') });
    const bound = [makePod('v1', { labels: { role: 'validator' }, nodeName: 'n2', phase: 'Running' })];
    const n = makeNode('n', { labels: { zone: 'a' } });
    expect(verdict(interPodAffinity, zoned, n, bound, [makeNode('n2', { labels: { zone: 'a' } })])).toBe("Unschedulable: node(s) didn't match pod anti-affinity rules");
    expect(verdict(interPodAffinity, zoned, n, bound, [makeNode('n2', { labels: { zone: 'b' } })])).toBe('passed');
  });
});

describe('resource scores', () => {
  // 8 cpu / 16Gi node with 6 cpu and 12Gi requested, pod asking 1 cpu / 2Gi:
  // after placement 7/8 cpu and 14/16Gi memory are requested.
  const node = makeNode('n', { cpu: '8', memory: '16Gi' });
  const bound = [on('n', 'a', { cpu: '6', memory: '12Gi' })];
  const pod = makePod('p', { cpu: '1', memory: '2Gi' });
  it.each([
    ['MostAllocated, cpu only (the style guide example)', nodeResourcesMostAllocated, { resources: [{ name: 'cpu', weight: 1 }] }, 87],
    ['MostAllocated, cpu and memory', nodeResourcesMostAllocated, {}, 87],
    ['LeastAllocated, cpu and memory', nodeResourcesLeastAllocated, {}, 12],
    ['BalancedAllocation: equal fractions', nodeResourcesBalancedAllocation, {}, 100],
  ])('%s', (_, factory, args, want) => {
    expect(rawScore(factory, pod, node, bound, args)).toBe(want);
  });

  it('LeastAllocated prefers the emptier node and MostAllocated the fuller', () => {
    const empty = makeNode('e', { cpu: '8', memory: '16Gi' });
    // (8-1)/8 and (16-2)/16 free: 87 each (integer division), so 87.
    expect(rawScore(nodeResourcesLeastAllocated, pod, empty)).toBe(87);
    expect(rawScore(nodeResourcesMostAllocated, pod, empty)).toBe(12);
  });

  it('counts 100m / 200Mi for containers without requests when packing, but not when balancing', () => {
    const n = makeNode('n', { cpu: '1', memory: '1000Mi' });
    const nothing = makePod('p');
    // 100m of 1000m = 10; 200Mi of 1000Mi = 20; average 15.
    expect(rawScore(nodeResourcesMostAllocated, nothing, n)).toBe(15);
    // Balanced counts real requests: 0 and 0, perfectly balanced.
    expect(rawScore(nodeResourcesBalancedAllocation, nothing, n)).toBe(100);
  });

  it('BalancedAllocation: 50% cpu and 10% memory gives std 0.2, score 80', () => {
    const n = makeNode('n', { cpu: '10', memory: '10Gi' });
    expect(rawScore(nodeResourcesBalancedAllocation, makePod('p', { cpu: '5', memory: '1Gi' }), n)).toBe(80);
  });
});

describe('DefaultBinder', () => {
  it('binds through the handle and reports failures as Error', async () => {
    const calls: string[] = [];
    const ok = defaultBinder({}, { ...handle, bindPod: async (p, n) => void calls.push(`${p.metadata.name}->${n}`) });
    expect(await ok.bind!(new CycleState(), newPodInfo(makePod('besu-0')), 'node-2')).toBeNull();
    expect(calls).toEqual(['besu-0->node-2']);
    const failing = defaultBinder({}, { ...handle, bindPod: async () => Promise.reject(new Error('pods "besu-0" is already assigned')) });
    const s = await failing.bind!(new CycleState(), newPodInfo(makePod('besu-0')), 'node-2');
    expect(s?.code).toBe('Error');
    expect(s?.message()).toContain('already assigned');
  });
});
