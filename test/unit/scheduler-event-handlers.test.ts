// Informer events into the scheduler's cache and queue.
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import type { EventHandlers, Informer } from '../../client/informer.ts';
import { SchedulerCache } from '../../scheduler/cache.ts';
import { addAllEventHandlers, nodeUpdateEvents } from '../../scheduler/event-handlers.ts';
import { newPodInfo } from '../../scheduler/framework/node-info.ts';
import { SchedulingQueue } from '../../scheduler/queue.ts';
import { makeNode, makePod } from '../../scheduler/testing.ts';

/** Just enough of an Informer to capture the handlers. */
function fakeInformer<T extends Pod | Node>() {
  let h: EventHandlers<T> = {};
  const informer = { addEventHandler: (handlers: EventHandlers<T>) => ((h = handlers), () => (h = {})) } as unknown as Informer<T>;
  return { informer, fire: () => h };
}

function setup() {
  const clock = new FakeClock();
  const cache = new SchedulerCache();
  const queue = new SchedulingQueue({ clock });
  const pods = fakeInformer<Pod>();
  const nodes = fakeInformer<Node>();
  addAllEventHandlers({ cache, queue, responsibleForPod: (p) => (p.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler' }, pods.informer, nodes.informer);
  return { clock, cache, queue, pod: pods.fire, node: nodes.fire };
}

describe('nodeUpdateEvents', () => {
  const base = makeNode('n');
  it.each([
    ['a heartbeat', { ...base, status: { ...base.status, conditions: [{ type: 'Ready', status: 'True' as const, lastHeartbeatTime: 'later' }] } }, []],
    ['uncordon', makeNode('n', { unschedulable: true }), ['NodeUpdateTaint']],
    ['a new taint', makeNode('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), ['NodeUpdateTaint']],
    ['a new label', makeNode('n', { labels: { disktype: 'ssd' } }), ['NodeUpdateLabel']],
    ['more cpu', makeNode('n', { cpu: '8' }), ['NodeUpdateAllocatable']],
    ['NotReady', { ...base, status: { ...base.status, conditions: [{ type: 'Ready', status: 'False' as const }] } }, ['NodeUpdateCondition']],
  ])('%s', (_, changed, want) => {
    expect(nodeUpdateEvents(changed as Node, base)).toEqual(want);
  });
});

describe('addAllEventHandlers', () => {
  it('queues our pending pods only', () => {
    const { queue, pod } = setup();
    pod().onAdd!(makePod('mine'), false);
    pod().onAdd!(makePod('theirs', { schedulerName: 'other' }), false);
    pod().onAdd!(makePod('done', { phase: 'Succeeded' }), false);
    expect(queue.pendingPods().active).toEqual(['default/mine']);
  });

  it('puts bound pods in the cache, and a binding takes the pod out of the queue', () => {
    const { queue, cache, pod, node } = setup();
    node().onAdd!(makeNode('node-1'), false);
    const pending = makePod('p', { cpu: '1' });
    pod().onAdd!(pending, false);
    const bound = makePod('p', { cpu: '1', nodeName: 'node-1', phase: 'Running' });
    pod().onUpdate!(pending, bound);
    expect(queue.length).toBe(0);
    expect(cache.nodeInfo('node-1')!.requested.milliCPU).toBe(1000);
    pod().onDelete!(bound);
    expect(cache.nodeInfo('node-1')!.requested.milliCPU).toBe(0);
  });

  it('wakes a pod that did not fit when a node is added', () => {
    const { clock, queue, pod, node } = setup();
    pod().onAdd!(makePod('big', { cpu: '16' }), false);
    const q = queue.pop()!;
    q.unschedulablePlugins = new Set(['NodeResourcesFit']);
    queue.addUnschedulableIfNotPresent(q, queue.schedulingCycle);
    queue.add(makePod('other'));
    queue.pop();
    clock.advance(2000);
    node().onAdd!(makeNode('node-big', { cpu: '32' }), false);
    expect(queue.pendingPods().active).toEqual(['default/big']);
  });

  it('leaves an assumed pod alone when its pending version changes', () => {
    const { queue, cache, pod, node } = setup();
    node().onAdd!(makeNode('node-1'), false);
    const p = makePod('p');
    pod().onAdd!(p, false);
    const q = queue.pop()!;
    cache.assumePod(newPodInfo(p), 'node-1');
    pod().onUpdate!(p, { ...p, status: { phase: 'Pending', conditions: [] } });
    expect(queue.contains(q.podInfo.uid)).toBe(false);
  });
});
