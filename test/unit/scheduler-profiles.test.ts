// Whole scheduling cycles per profile: who wins, why, and what Kubernetes would say on failure.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/types.ts';
import { SchedulerCache } from '../../scheduler/cache.ts';
import { Framework } from '../../scheduler/framework/framework.ts';
import { newPodInfo } from '../../scheduler/framework/node-info.ts';
import { builtinProfiles, loadSchedulerConfig, profilesFromConfiguration, type Profile } from '../../scheduler/framework/profiles.ts';
import { inTreeRegistry } from '../../scheduler/framework/registry.ts';
import { frameworkForPod, scheduleOne, type ScheduleResult } from '../../scheduler/schedule-one.ts';
import { explanationAnnotation, explanationToJSON, shipsLogLine } from '../../scheduler/explanation.ts';
import { antiAffinity, makeNode, makePod } from '../../scheduler/testing.ts';

const frameworks = (profiles: Profile[] = builtinProfiles()) =>
  new Map(profiles.map((p) => [p.schedulerName, new Framework(p, inTreeRegistry())] as const));

/** Schedules `pod` on a cluster of `nodes` holding `bound` pods; ties go to the first node by name. */
function schedule(pod: Pod, nodes: Node[], bound: Pod[] = [], profiles?: Profile[]): ScheduleResult {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const p of bound) cache.addPod(p);
  const fw = frameworkForPod(frameworks(profiles), pod)!;
  return scheduleOne(fw, cache.snapshot(), newPodInfo(pod), { random: () => 0.5 });
}

const on = (node: string, name: string, o: Parameters<typeof makePod>[1] = {}) => makePod(name, { ...o, nodeName: node, phase: 'Running' });

// Three ships: empty, half full, nearly full (the pod does not fit there).
const nodes = [makeNode('node-1'), makeNode('node-2'), makeNode('node-3')];
const bound = [on('node-2', 'half', { cpu: '2', memory: '4Gi' }), on('node-3', 'full', { cpu: '3500m', memory: '7Gi' })];
const besu = (o: Parameters<typeof makePod>[1] = {}) => makePod('besu-0', { cpu: '1', memory: '2Gi', ...o });

describe('profiles', () => {
  it('default-scheduler binds the pod to the fullest node that fits (bin-packing)', () => {
    const r = schedule(besu(), nodes, bound);
    expect(r.node).toBe('node-2');
    expect(r.explanation.failures[2]?.message()).toBe('Insufficient cpu, Insufficient memory');
  });

  it('spread-scheduler binds the pod to the emptiest node', () => {
    expect(schedule(besu({ schedulerName: 'spread-scheduler' }), nodes, bound).node).toBe('node-1');
  });

  it('a pod naming an unknown scheduler is not ours', () => {
    expect(frameworkForPod(frameworks(), besu({ schedulerName: 'other' }))).toBeUndefined();
  });

  it.each([
    ['cordoned', { unschedulable: true }],
    ['tainted not-ready', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' as const }] }],
    ['labelled for another kind of disk', { labels: { disktype: 'hdd' } }],
  ])('skips the fullest node when it is %s', (_, o) => {
    const ssd = { labels: { disktype: 'ssd' } };
    const r = schedule(besu({ nodeSelector: { disktype: 'ssd' } }), [makeNode('node-1', ssd), makeNode('node-2', { ...ssd, ...o })], [on('node-2', 'half', { cpu: '2', memory: '4Gi' })]);
    expect(r.node).toBe('node-1');
  });

  it('prefers the fullest node when nothing else differs', () => {
    expect(schedule(besu(), [makeNode('node-1'), makeNode('node-2')], [on('node-2', 'half', { cpu: '2', memory: '4Gi' })]).node).toBe('node-2');
  });

  it('keeps anti-affine validators on different nodes', () => {
    const validator = (name: string, node?: string) =>
      makePod(name, { cpu: '100m', labels: { role: 'validator' }, affinity: antiAffinity({ role: 'validator' }), nodeName: node, phase: node ? 'Running' : 'Pending' });
    // Bin-packing alone would choose node-2 (fuller); the validator already there forbids it.
    const r = schedule(validator('v2'), [makeNode('node-1'), makeNode('node-2')], [validator('v1', 'node-2'), on('node-2', 'x', { cpu: '2' })]);
    expect(r.node).toBe('node-1');
    expect(r.explanation.failures[1]?.message()).toBe("node(s) didn't match pod anti-affinity rules");
  });

  it('breaks ties like selectHost: every tied node can win', () => {
    const empty = [makeNode('a'), makeNode('b'), makeNode('c')];
    const cache = new SchedulerCache();
    for (const n of empty) cache.addNode(n);
    const fw = frameworks().get('default-scheduler')!;
    const pick = (random: () => number) => scheduleOne(fw, cache.snapshot(), newPodInfo(besu()), { random }).node;
    expect(pick(() => 0.5)).toBe('a');
    expect(pick(() => 0)).toBe('c');
    const r = scheduleOne(fw, cache.snapshot(), newPodInfo(besu()), { random: () => 0.5 });
    expect(r.explanation.tiedAtTop).toBe(3);
  });

  it('does not score a lone feasible node, as Kubernetes', () => {
    const r = schedule(besu(), [makeNode('node-1'), makeNode('node-2', { unschedulable: true })]);
    expect(r.node).toBe('node-1');
    expect(r.explanation.scores).toEqual([]);
  });
});

describe('the FailedScheduling message', () => {
  it.each([
    [
      'one short of cpu, two cordoned',
      [makeNode('n1', { cpu: '500m' }), makeNode('n2', { unschedulable: true }), makeNode('n3', { unschedulable: true })],
      'default/besu-0',
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    ],
    [
      'every node unresolvable',
      [makeNode('n1', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }), makeNode('n2', { unschedulable: true }), makeNode('n3', { unschedulable: true })],
      '',
      '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    ],
    [
      'too big for every node',
      [makeNode('n1', { cpu: '500m' }), makeNode('n2', { cpu: '500m' }), makeNode('n3', { cpu: '500m', memory: '1Gi' })],
      '',
      '0/3 nodes are available: 1 Insufficient memory, 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    ],
    ['no nodes at all', [], '', 'no nodes available to schedule pods'],
  ])('%s', (_, cluster, _unused, want) => {
    const r = schedule(besu(), cluster);
    expect(r.node).toBeNull();
    expect(r.status?.message()).toBe(want);
    expect(r.explanation.message).toBe(want);
  });

  it('sorts histogram entries as strings, so 10 comes before 2', () => {
    const cluster = [...Array.from({ length: 10 }, (_, i) => makeNode(`c${i}`, { cpu: '100m' })), makeNode('u1', { unschedulable: true }), makeNode('u2', { unschedulable: true })];
    expect(schedule(besu(), cluster).status?.message()).toMatch(/^0\/12 nodes are available: 10 Insufficient cpu, 2 node\(s\) were unschedulable\. /);
  });

  it('says preemption is not eligible for preemptionPolicy Never', () => {
    const pod = besu();
    (pod.spec as { preemptionPolicy?: string }).preemptionPolicy = 'Never';
    expect(schedule(pod, [makeNode('n1', { cpu: '500m' })]).status?.message()).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('nominates a node and the fewest, least important victims when preemption helps', () => {
    const low = (name: string, node: string, cpu: string, priority = 0) => on(node, name, { cpu, priority });
    const r = schedule(besu({ priority: 100, memory: undefined }), [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '2' })], [
      low('a', 'n1', '1500m', 50),
      low('b', 'n2', '500m'),
      low('c', 'n2', '1'),
    ]);
    expect(r.node).toBeNull();
    expect(r.nominated?.nominatedNodeName).toBe('n2');
    expect(r.nominated?.victims.map((v) => v.key)).toEqual(['default/c']);
    expect(r.status?.message()).toBe('0/2 nodes are available: 2 Insufficient cpu.');
  });
});

describe('explanations', () => {
  // node-1 lacks memory; node-2 is fuller than node-3.
  const cluster = [makeNode('node-1', { memory: '1Gi' }), makeNode('node-2', { cpu: '8', memory: '16Gi' }), makeNode('node-3', { cpu: '8', memory: '16Gi' })];
  const busy = [on('node-2', 'a', { cpu: '6', memory: '12Gi' })];
  const pod = makePod('besu-3', { cpu: '1', memory: '2Gi' });

  it('says it in ships words', () => {
    expect(shipsLogLine(schedule(pod, cluster, busy).explanation)).toBe(
      'crane: default/besu-3 -> node-2, fullest ship that fits: score 87; node-1 filtered: Insufficient memory',
    );
    expect(shipsLogLine(schedule(besu(), [makeNode('n1', { unschedulable: true })]).explanation)).toBe(
      'crane: default/besu-0 stays on the dock: 0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it('records every filter verdict on every node and every score on every feasible node', () => {
    const json = explanationToJSON(schedule(pod, cluster, busy).explanation) as {
      filter: Record<string, Record<string, string>>;
      score: Record<string, Record<string, number>>;
      finalScore: Record<string, Record<string, number>>;
      total: Record<string, number>;
      selectedNode: string;
    };
    expect(json.selectedNode).toBe('node-2');
    expect(json.filter['node-1']).toEqual({
      NodeUnschedulable: 'passed',
      NodeName: 'skipped',
      TaintToleration: 'passed',
      NodeAffinity: 'skipped',
      NodeResourcesFit: 'Insufficient memory',
      InterPodAffinity: 'skipped',
    });
    // With an anti-affine pod InterPodAffinity runs, but only up to the first rejection.
    const validator = makePod('v', { cpu: '1', memory: '2Gi', labels: { role: 'v' }, affinity: antiAffinity({ role: 'v' }) });
    const verdicts = explanationToJSON(schedule(validator, cluster, busy).explanation) as typeof json;
    expect(verdicts.filter['node-1']!.InterPodAffinity).toBe('not run');
    expect(verdicts.filter['node-2']!.InterPodAffinity).toBe('passed');
    expect(json.filter['node-2']!.NodeResourcesFit).toBe('passed');
    expect(Object.keys(json.score)).toEqual(['node-2', 'node-3']);
    expect(json.score['node-2']).toEqual({ TaintToleration: 0, NodeAffinity: 0, NodeResourcesMostAllocated: 87, NodeResourcesBalancedAllocation: 100 });
    expect(json.finalScore['node-2']).toEqual({ TaintToleration: 300, NodeAffinity: 0, NodeResourcesMostAllocated: 87, NodeResourcesBalancedAllocation: 100 });
    expect(json.total).toEqual({ 'node-2': 487, 'node-3': 412 });
  });

  it('fits a compact annotation', () => {
    const value = JSON.parse(explanationAnnotation(schedule(pod, cluster, busy).explanation));
    expect(value).toMatchObject({
      node: 'node-2',
      profile: 'default-scheduler',
      feasible: '2/3',
      filtered: { 'NodeResourcesFit: Insufficient memory': ['node-1'] },
      top: [{ node: 'node-2', total: 487 }, { node: 'node-3', total: 412 }],
    });
    expect(value.top[0].scores.NodeResourcesMostAllocated).toBe(87);
  });

  it('stays small on a big cluster', () => {
    const many = Array.from({ length: 500 }, (_, i) => makeNode(`n${i}`, { cpu: i % 2 ? '4' : '100m' }));
    const text = explanationAnnotation(schedule(besu(), many).explanation);
    expect(text.length).toBeLessThan(2000);
    expect(JSON.parse(text).filtered['NodeResourcesFit: Insufficient cpu']).toContain('+240 more');
  });
});

describe('--config files', () => {
  const write = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'sched-')), 'config.yaml');
    writeFileSync(path, text);
    return path;
  };
  const names = (p: Profile) => new Framework(p, inTreeRegistry());

  it('loads KubeSchedulerConfiguration profiles with enabled/disabled plugins and weights', () => {
    const [p] = loadSchedulerConfig(
      write(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: packer
    plugins:
      score:
        disabled: [{ name: NodeResourcesBalancedAllocation }]
        enabled: [{ name: NodeResourcesMostAllocated, weight: 5 }]
      filter:
        disabled: [{ name: NodeUnschedulable }]
`),
    );
    const fw = names(p!);
    expect(fw.profileName).toBe('packer');
    expect(fw.filterPlugins.map((x) => x.name)).not.toContain('NodeUnschedulable');
    expect(fw.scorePlugins.map((x, i) => `${x.name}*${fw.scoreWeights[i]}`)).toEqual(['NodeResourcesMostAllocated*5', 'TaintToleration*3', 'NodeAffinity*2']);
  });

  it("maps NodeResourcesFit's scoringStrategy onto our Most/LeastAllocated plugins", () => {
    const [p] = profilesFromConfiguration({
      profiles: [{ schedulerName: 'spread', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }] } } }] }],
    });
    const fw = names(p!);
    expect(fw.scorePlugins.map((x) => x.name)).toContain('NodeResourcesLeastAllocated');
    expect(fw.scorePlugins.map((x) => x.name)).not.toContain('NodeResourcesMostAllocated');
    const r = schedule(besu({ schedulerName: 'spread' }), nodes, bound, [p!]);
    expect(r.node).toBe('node-1');
  });

  it('disabling "*" leaves only what is enabled', () => {
    const [p] = profilesFromConfiguration({
      profiles: [{ schedulerName: 'bare', plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeResourcesFit' }, { name: 'DefaultBinder' }] } } }],
    });
    const fw = names(p!);
    expect(fw.filterPlugins.map((x) => x.name)).toEqual(['NodeResourcesFit']);
    expect(fw.scorePlugins).toEqual([]);
  });

  it('rejects unknown plugins, duplicate names and wrong apiVersions', () => {
    expect(() => names(profilesFromConfiguration({ profiles: [{ schedulerName: 'x', plugins: { filter: { enabled: [{ name: 'Nope' }] } } }] })[0]!)).toThrow('plugin "Nope" does not exist');
    expect(() => profilesFromConfiguration({ profiles: [{ schedulerName: 'x' }, { schedulerName: 'x' }] })).toThrow('Duplicate');
    expect(() => profilesFromConfiguration({ apiVersion: 'kubescheduler.config.k8s.io/v1beta1' })).toThrow('unsupported apiVersion');
  });

  it('without profiles, gives the built-in two', () => {
    expect(profilesFromConfiguration({}).map((p) => p.schedulerName)).toEqual(['default-scheduler', 'spread-scheduler']);
  });
});
