// A scheduler stopped in the middle of a burst, and restarted: every pod ends up bound exactly once.
// Once stopped cleanly in-process (stop() lets the bindings in flight finish), once as an OS process
// killed with SIGKILL (bindings may be cut anywhere). The restarted scheduler rebuilds its cache and
// queue from a fresh list of the apiserver, which is the only memory a scheduler needs.
import { describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startScheduler } from '../../scheduler/scheduler.ts';
import {
  createAll, deferred, node, pod, scheduledEventCounts, sleep, spawnScheduler, waitFor, useSchedulerHarness, watchBindings,
} from './scheduler-fixtures.ts';

const NS = 'default';
const PODS = 300;
const clock = realClock(0.1);

const h = useSchedulerHarness(clock, NS);

/** Three roomy nodes and PODS pending pods, created before any scheduler runs. */
async function burst(): Promise<void> {
  for (const n of ['node-1', 'node-2', 'node-3']) await h.client.create('nodes', node(n, { cpu: '100', memory: '64Gi', pods: '200' }));
  const pods = Array.from({ length: PODS }, (_, i) => pod(`burst-${i}`, { cpu: '100m', memory: '64Mi' }));
  await createAll(pods, (p) => h.client.create('pods', p));
}

async function boundNow(): Promise<{ bound: Set<string>; uids: Map<string, string> }> {
  const list = await h.client.list('pods', { namespace: NS });
  return {
    bound: new Set(list.items.filter((p) => p.spec.nodeName).map((p) => p.metadata.name!)),
    uids: new Map(list.items.map((p) => [p.metadata.name!, p.metadata.uid!])),
  };
}

/** Lines a scheduler logs for a decision to bind ("crane: default/burst-7 -> node-1, ..."). */
const isDecision = (line: string) => /^crane: default\/burst-\d+ -> /.test(line);

describe('a scheduler stopped mid-burst and restarted', () => {
  it('in-process: stop() after 50 decisions, restart, every pod bound exactly once', async () => {
    await burst();
    const watch = await watchBindings(h.client, NS);

    let decisions = 0;
    const fifty = deferred();
    const first = await startScheduler({
      client: new KubeClient({ server: h.cp.url, clock }), clock, identity: 'first',
      log: (l) => void (isDecision(l) && ++decisions === 50 && fifty.resolve()),
    });
    h.running.add(first);
    await fifty.promise;
    h.running.delete(first);
    await first.stop();

    const atStop = await boundNow();
    console.log(`in-process stop: ${decisions} decisions, ${atStop.bound.size}/${PODS} pods bound when stopped`);
    expect(atStop.bound.size).toBeGreaterThanOrEqual(50);
    expect(atStop.bound.size).toBeLessThan(PODS);
    // A clean stop finished its bindings and their Events: one per bound pod, none for the rest.
    const before = await scheduledEventCounts(h.client, NS);
    for (const [name, uid] of atStop.uids) expect(before.get(uid) ?? 0, name).toBe(atStop.bound.has(name) ? 1 : 0);

    const second = await startScheduler({ client: new KubeClient({ server: h.cp.url, clock }), clock, identity: 'second', log: () => {} });
    h.running.add(second);
    await waitFor(`${PODS} pods bound`, () => watch.bound() === PODS, 30_000);
    h.running.delete(second);
    await second.stop();
    await sleep(100);
    watch.stop();

    expect(watch.violations).toEqual([]);
    const after = await scheduledEventCounts(h.client, NS);
    expect([...atStop.uids.values()].map((uid) => after.get(uid) ?? 0)).toEqual(Array(PODS).fill(1));
  });

  it('as a process: SIGKILL after 50 decisions, restart, every pod bound exactly once', async () => {
    await burst();
    const watch = await watchBindings(h.client, NS);

    const first = spawnScheduler(h.cp.kubeconfig, ['--time-scale', '0.1']);
    let decisions = 0;
    first.onLine((line) => {
      if (isDecision(line) && ++decisions === 50) process.kill(first.pid, 'SIGKILL');
    });
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');
    await sleep(200); // bindings the dead process had already sent may still land
    const atKill = await boundNow();
    console.log(`SIGKILL: ${decisions}+ decisions printed, ${atKill.bound.size}/${PODS} pods bound when killed`);
    expect(atKill.bound.size).toBeLessThan(PODS);

    const second = spawnScheduler(h.cp.kubeconfig, ['--time-scale', '0.1']);
    await waitFor(`${PODS} pods bound`, () => watch.bound() === PODS, 60_000);
    // A clean SIGTERM: main.ts stops the scheduler, which flushes its Events, and exits 0.
    process.kill(second.pid, 'SIGTERM');
    await second.exited;
    expect(second.child.exitCode).toBe(0);
    await sleep(100);
    watch.stop();

    expect(watch.violations).toEqual([]);
    const events = await scheduledEventCounts(h.client, NS);
    for (const [name, uid] of atKill.uids) {
      // The killed process may have bound a pod and died before writing its Event; never two.
      if (atKill.bound.has(name)) expect(events.get(uid) ?? 0, name).toBeLessThanOrEqual(1);
      else expect(events.get(uid), name).toBe(1);
    }
  });
});
