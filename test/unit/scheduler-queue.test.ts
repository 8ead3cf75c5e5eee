// The scheduling queue: order, backoff on the clock, and waking unschedulable pods on events.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { Framework } from '../../scheduler/framework/framework.ts';
import { builtinProfiles } from '../../scheduler/framework/profiles.ts';
import { inTreeRegistry } from '../../scheduler/framework/registry.ts';
import { SchedulingQueue, type QueuedPodInfo } from '../../scheduler/queue.ts';
import { SCHEDULING_RESULT_ANNOTATION } from '../../scheduler/explanation.ts';
import { makePod } from '../../scheduler/testing.ts';

function setup(eventsFor = true) {
  const clock = new FakeClock();
  const fw = new Framework(builtinProfiles()[0]!, inTreeRegistry());
  const q = new SchedulingQueue({ clock, eventsFor: eventsFor ? (p) => fw.eventsFor(p) : undefined });
  return { clock, q };
}

/** Pops a pod and fails it, as rejected by `plugins` (none = an error). */
function fail(q: SchedulingQueue, plugins: string[] = ['NodeResourcesFit']): QueuedPodInfo {
  const p = q.pop()!;
  p.unschedulablePlugins = new Set(plugins);
  q.addUnschedulableIfNotPresent(p, q.schedulingCycle);
  return p;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by time queued', () => {
    const { clock, q } = setup();
    q.add(makePod('old-low'));
    clock.advance(10);
    q.add(makePod('high', { priority: 1000 }));
    clock.advance(10);
    q.add(makePod('new-low'));
    expect([q.pop(), q.pop(), q.pop()].map((p) => p?.podInfo.key)).toEqual(['default/high', 'default/old-low', 'default/new-low']);
    expect(q.pop()).toBeUndefined();
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10000],
    [9, 10000],
  ])('backs off %i failed attempt(s) for %i ms', (attempts, ms) => {
    const { q } = setup();
    expect(q.backoffDuration({ attempts } as QueuedPodInfo)).toBe(ms);
  });

  it('sends an error to backoffQ and returns it to activeQ when the backoff expires, on the clock', () => {
    const { clock, q } = setup();
    q.run();
    q.add(makePod('p'));
    fail(q, []);
    expect(q.pendingPods().backoff).toEqual(['default/p']);
    clock.advance(999);
    expect(q.pop()).toBeUndefined();
    clock.advance(1);
    expect(q.pendingPods().active).toEqual(['default/p']);
    // Second failure: two seconds.
    fail(q, []);
    clock.advance(1999);
    expect(q.pendingPods().backoff).toEqual(['default/p']);
    clock.advance(1000);
    expect(q.pendingPods().active).toEqual(['default/p']);
    q.close();
    expect(clock.pending()).toBe(0);
  });

  it('parks a rejected pod until an event that could help', () => {
    const { clock, q } = setup();
    q.add(makePod('p'));
    fail(q, ['NodeResourcesFit']);
    // A cycle for another pod, so the event below does not count as "during p's cycle".
    q.add(makePod('other'));
    q.pop();
    expect(q.pendingPods().unschedulable).toEqual(['default/p']);
    q.moveAllToActiveOrBackoffQueue('NodeUpdateLabel'); // NodeResourcesFit does not care
    expect(q.pendingPods().unschedulable).toEqual(['default/p']);
    q.moveAllToActiveOrBackoffQueue('AssignedPodDelete'); // room freed: worth a try
    expect(q.pendingPods().backoff).toEqual(['default/p']); // still inside its 1 s backoff
    clock.advance(1000);
    q.flushBackoffQCompleted();
    expect(q.pop()?.podInfo.key).toBe('default/p');
  });

  it.each([
    ['NodeUnschedulable', 'NodeUpdateTaint', true],
    ['NodeUnschedulable', 'AssignedPodDelete', false],
    ['TaintToleration', 'NodeUpdateTaint', true],
    ['NodeAffinity', 'NodeUpdateLabel', true],
    ['NodeAffinity', 'NodeUpdateAllocatable', false],
    ['InterPodAffinity', 'AssignedPodDelete', true],
    ['NodeResourcesFit', 'NodeAdd', true],
  ] as const)('a pod rejected by %s wakes on %s: %s', (plugin, event, wakes) => {
    const { clock, q } = setup();
    q.add(makePod('p'));
    fail(q, [plugin]);
    clock.advance(60_000);
    q.add(makePod('other'));
    q.pop();
    q.moveAllToActiveOrBackoffQueue(event);
    expect(q.pendingPods().active.includes('default/p')).toBe(wakes);
  });

  it('does not park a pod when an event arrived during its own cycle', () => {
    const { q } = setup();
    q.add(makePod('p'));
    const p = q.pop()!;
    q.moveAllToActiveOrBackoffQueue('NodeAdd'); // while p was being scheduled
    p.unschedulablePlugins = new Set(['NodeResourcesFit']);
    q.addUnschedulableIfNotPresent(p, q.schedulingCycle);
    expect(q.pendingPods().backoff).toEqual(['default/p']);
  });

  it('retries pods parked longer than 5 minutes', () => {
    const { clock, q } = setup();
    q.add(makePod('p'));
    fail(q);
    q.add(makePod('other'));
    q.pop();
    clock.advance(300_001);
    q.flushUnschedulablePodsLeftover();
    expect(q.pendingPods().active).toEqual(['default/p']);
  });

  it('wakes a parked pod whose spec changed, but not for our own annotation', () => {
    const { clock, q } = setup();
    const pod = makePod('p');
    q.add(pod);
    fail(q);
    q.add(makePod('other'));
    q.pop();
    clock.advance(60_000);
    q.update({ ...pod, metadata: { ...pod.metadata, annotations: { [SCHEDULING_RESULT_ANNOTATION]: '{}' } } });
    expect(q.pendingPods().unschedulable).toEqual(['default/p']);
    q.update(makePod('p', { cpu: '100m' }));
    expect(q.pendingPods().active).toEqual(['default/p']);
  });

  it('forgets deleted pods and wakes waiters', async () => {
    const { q } = setup();
    q.add(makePod('p'));
    q.delete('uid-default-p');
    expect(q.length).toBe(0);
    const waiting = q.next();
    q.add(makePod('late'));
    expect((await waiting)?.podInfo.key).toBe('default/late');
    const none = q.next();
    q.close();
    expect(await none).toBeUndefined();
  });
});
