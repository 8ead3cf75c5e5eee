// The scheduler cache: assumed pods count at once, are forgotten on a failed bind, confirmed later.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { SchedulerCache } from '../../scheduler/cache.ts';
import { newPodInfo } from '../../scheduler/framework/node-info.ts';
import { Heap } from '../../scheduler/heap.ts';
import { makeNode, makePod } from '../../scheduler/testing.ts';

const requested = (cache: SchedulerCache, node: string) => {
  const n = cache.nodeInfo(node)!;
  return { cpu: n.requested.milliCPU, pods: n.pods.length };
};

describe('SchedulerCache', () => {
  it('counts an assumed pod against its node at once', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('node-1'));
    const assumed = cache.assumePod(newPodInfo(makePod('besu-0', { cpu: '500m' })), 'node-1');
    expect(assumed.pod.spec.nodeName).toBe('node-1');
    expect(requested(cache, 'node-1')).toEqual({ cpu: 500, pods: 1 });
    expect(cache.isAssumedPod('uid-default-besu-0')).toBe(true);
  });

  it('forgets an assumed pod when its bind fails', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('node-1'));
    cache.assumePod(newPodInfo(makePod('besu-0', { cpu: '500m' })), 'node-1');
    cache.forgetPod('uid-default-besu-0');
    expect(requested(cache, 'node-1')).toEqual({ cpu: 0, pods: 0 });
    expect(cache.isAssumedPod('uid-default-besu-0')).toBe(false);
  });

  it('confirms the assumed pod when the informer shows it bound, without counting it twice', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('node-1'));
    cache.assumePod(newPodInfo(makePod('besu-0', { cpu: '500m' })), 'node-1');
    cache.finishBinding('uid-default-besu-0');
    cache.addPod(makePod('besu-0', { cpu: '500m', nodeName: 'node-1', phase: 'Running' }));
    expect(cache.isAssumedPod('uid-default-besu-0')).toBe(false);
    expect(requested(cache, 'node-1')).toEqual({ cpu: 500, pods: 1 });
    cache.forgetPod('uid-default-besu-0'); // no effect on a confirmed pod
    expect(requested(cache, 'node-1')).toEqual({ cpu: 500, pods: 1 });
  });

  it('moves a pod the informer shows on another node than assumed', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('node-1'));
    cache.addNode(makeNode('node-2'));
    cache.assumePod(newPodInfo(makePod('besu-0', { cpu: '500m' })), 'node-1');
    cache.addPod(makePod('besu-0', { cpu: '500m', nodeName: 'node-2', phase: 'Running' }));
    expect(requested(cache, 'node-1')).toEqual({ cpu: 0, pods: 0 });
    expect(requested(cache, 'node-2')).toEqual({ cpu: 500, pods: 1 });
  });

  it('refuses to assume a pod twice', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('node-1'));
    const info = newPodInfo(makePod('besu-0'));
    cache.assumePod(info, 'node-1');
    expect(() => cache.assumePod(info, 'node-1')).toThrow("can't be assumed");
  });

  it('expires unconfirmed assumed pods only when a TTL is set', () => {
    const clock = new FakeClock();
    const cache = new SchedulerCache({ clock, assumedPodTTLMs: 30_000 });
    cache.addNode(makeNode('node-1'));
    cache.assumePod(newPodInfo(makePod('besu-0', { cpu: '1' })), 'node-1');
    clock.advance(60_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]); // binding not finished yet
    cache.finishBinding('uid-default-besu-0');
    clock.advance(30_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual(['default/besu-0']);
    expect(requested(cache, 'node-1').cpu).toBe(0);
  });

  it('releases a node when its pod finishes or is deleted', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('node-1'));
    cache.addPod(makePod('a', { cpu: '1', nodeName: 'node-1', phase: 'Running' }));
    cache.addPod(makePod('b', { cpu: '1', nodeName: 'node-1', phase: 'Running' }));
    cache.updatePod(makePod('a', { cpu: '1', nodeName: 'node-1', phase: 'Succeeded' }));
    cache.removePod(makePod('b', { nodeName: 'node-1' }));
    expect(requested(cache, 'node-1')).toEqual({ cpu: 0, pods: 0 });
  });

  it('keeps pods of a node it has not seen yet, and shows only known nodes in snapshots', () => {
    const cache = new SchedulerCache();
    cache.addPod(makePod('early', { cpu: '1', nodeName: 'node-9', phase: 'Running' }));
    expect(cache.snapshot().nodeInfos).toEqual([]);
    cache.addNode(makeNode('node-9'));
    expect(cache.snapshot().nodeNames).toEqual(['node-9']);
    expect(cache.snapshot().get('node-9')!.requested.milliCPU).toBe(1000);
    cache.removeNode('node-9');
    expect(cache.snapshot().nodeInfos).toEqual([]);
  });

  it('orders snapshot nodes by name, numbers numerically, and updates node changes in place', () => {
    const cache = new SchedulerCache();
    for (const n of ['node-10', 'node-2', 'node-1']) cache.addNode(makeNode(n));
    expect(cache.snapshot().nodeNames).toEqual(['node-1', 'node-2', 'node-10']);
    cache.updateNode(makeNode('node-2', { unschedulable: true, cpu: '8' }));
    const n2 = cache.snapshot().get('node-2')!;
    expect([n2.unschedulable, n2.allocatable.milliCPU]).toEqual([true, 8000]);
  });

  it('tracks nodes hosting anti-affine pods', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('node-1'));
    cache.addNode(makeNode('node-2'));
    const anti = makePod('v', {
      nodeName: 'node-2',
      phase: 'Running',
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {}, topologyKey: 'kubernetes.io/hostname' }] } },
    });
    cache.addPod(anti);
    expect(cache.snapshot().nodesWithRequiredAntiAffinityPods.map((n) => n.name)).toEqual(['node-2']);
    cache.removePod(anti);
    expect(cache.snapshot().nodesWithRequiredAntiAffinityPods).toEqual([]);
  });
});

describe('PodInfo', () => {
  it('sums containers, takes the max with init containers, and counts minimums for scoring', () => {
    const pod = makePod('p', { cpu: '250m', memory: '1Gi' });
    pod.spec.containers.push({ name: 'sidecar', image: 'x' });
    pod.spec.initContainers = [{ name: 'init', image: 'x', resources: { requests: { cpu: '2' } } }];
    const info = newPodInfo(pod);
    expect(info.requests).toMatchObject({ milliCPU: 2000, memory: 1024 ** 3 });
    expect(info.nonZeroRequests).toMatchObject({ milliCPU: 2000, memory: 1024 ** 3 + 200 * 1024 ** 2 });
  });
});

describe('Heap', () => {
  it('pops in order and supports update and delete by key', () => {
    const h = new Heap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
    for (const [k, v] of [['a', 5], ['b', 3], ['c', 8], ['d', 1]] as const) h.push({ k, v });
    h.push({ k: 'c', v: 0 });
    h.delete('b');
    expect([h.pop(), h.pop(), h.pop(), h.pop()].map((x) => x?.k)).toEqual(['c', 'd', 'a', undefined]);
  });
});
