// No pod is ever bound twice, even with two schedulers at once.
// Without leader election two schedulers race for every pod; the apiserver's pods/binding is a
// compare-and-swap ("already assigned" 409), so exactly one wins each pod and the loser forgets its
// assumption. With --leader-elect only the holder of the kube-system/kube-scheduler Lease binds;
// when it stops (or is SIGKILLed as a process) the other takes over. Time runs at a tenth of
// Kubernetes' (a 15 s lease lasts 1.5 s).
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { resolveProfile } from '../../scheduler/framework/profiles.ts';
import { startScheduler, type Scheduler } from '../../scheduler/scheduler.ts';
import {
  createAll, node, pod, scheduledEventCounts, sleep, spawnScheduler, waitFor, useSchedulerHarness, watchBindings,
} from './scheduler-fixtures.ts';

const NS = 'default';
const clock = realClock(0.1);
const LEASE_WALL_MS = 15_000 * 0.1;

const h = useSchedulerHarness(clock, NS);

/** A scheduler with its own h.client (its own connections), remembered for cleanup. */
async function scheduler(options: Omit<Parameters<typeof startScheduler>[0], 'h.client'>, logs: string[] = []): Promise<Scheduler> {
  const s = await startScheduler({ client: new KubeClient({ server: h.cp.url, clock }), clock, log: (l) => logs.push(l), ...options });
  h.running.add(s);
  return s;
}

async function stop(s: Scheduler): Promise<void> {
  h.running.delete(s);
  await s.stop();
}

const smallPods = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => pod(`${prefix}-${i}`, { cpu: '100m', memory: '64Mi' }));
const bigNodes = () => ['node-1', 'node-2', 'node-3'].map((n) => node(n, { cpu: '100', memory: '64Gi', pods: '200' }));

/** Pod name -> uid, for matching Events. */
async function uids(): Promise<Map<string, string>> {
  const list = await h.client.list('pods', { namespace: NS });
  return new Map(list.items.map((p) => [p.metadata.name!, p.metadata.uid!]));
}

/** The source.host of each Scheduled event, by pod uid. */
async function scheduledBy(): Promise<Map<string, string>> {
  const events = await h.client.list('events', { namespace: NS });
  return new Map(events.items.filter((e) => e.reason === 'Scheduled').map((e) => [e.involvedObject.uid!, e.source!.host!]));
}

describe('two schedulers without leader election', () => {
  it('race for 120 pods and bind every pod exactly once', async () => {
    for (const n of bigNodes()) await h.client.create('nodes', n);
    const watch = await watchBindings(h.client, NS);
    const pods = smallPods('race', 120);
    await createAll(pods, (p) => h.client.create('pods', p));

    // Adversaries: one packs, the other (its default profile replaced) spreads, so for most pods
    // they pick *different* nodes. Both start on the same 120 pending pods, in the same order.
    const spreading = resolveProfile({
      schedulerName: 'default-scheduler',
      plugins: { multiPoint: { enabled: [{ name: 'NodeResourcesLeastAllocated' }], disabled: [{ name: 'NodeResourcesMostAllocated' }] } },
    });
    const logsA: string[] = [];
    const logsB: string[] = [];
    const [a, b] = await Promise.all([
      scheduler({ identity: 'packer' }, logsA),
      scheduler({ identity: 'spreader', profiles: [spreading] }, logsB),
    ]);

    await waitFor('120 pods bound', () => watch.bound() === 120, 30_000);
    await stop(a); // stop() waits for bindings in flight and flushes Events
    await stop(b);
    await sleep(200); // let the last watch events in
    watch.stop();

    expect(watch.violations).toEqual([]);
    const byUid = await uids();
    const counts = await scheduledEventCounts(h.client, NS);
    expect([...byUid.values()].map((uid) => counts.get(uid) ?? 0)).toEqual(Array(120).fill(1));
    const bound = await h.client.list('pods', { namespace: NS });
    expect(bound.items.every((p) => p.spec.nodeName === watch.boundTo.get(p.metadata.name!))).toBe(true);

    // They really raced: losers got "already assigned" and forgot their assumption.
    const conflicts = [...logsA, ...logsB].filter((l) => /already assigned to node/.test(l)).length;
    const hosts = [...(await scheduledBy()).values()];
    const wins = { packer: hosts.filter((h) => h === 'packer').length, spreader: hosts.filter((h) => h === 'spreader').length };
    console.log(`race: ${conflicts} lost bindings (409); pods bound by packer ${wins.packer}, by spreader ${wins.spreader}`);
    expect(conflicts).toBeGreaterThan(0);
    expect(wins.packer + wins.spreader).toBe(120);
    // Both caches converged on the apiserver's truth: no assumption survived a lost race.
    for (const s of [a, b]) {
      for (const p of bound.items) expect(s.cache.nodeOf(p.metadata.uid!)).toBe(p.spec.nodeName);
    }
  });
});

describe('two schedulers with --leader-elect', () => {
  it('only the leader binds; when it stops, the other takes over', async () => {
    for (const n of bigNodes()) await h.client.create('nodes', n);
    const watch = await watchBindings(h.client, NS);
    const logs: Record<string, string[]> = { 'sched-a': [], 'sched-b': [] };
    const [a, b] = await Promise.all(['sched-a', 'sched-b'].map((identity) => scheduler({ identity, leaderElect: true }, logs[identity])));
    const leader = await waitFor('a leader', () => [a, b].find((s) => s.isLeader()));
    const follower = leader === a ? b! : a!;

    await createAll(smallPods('first', 40), (p) => h.client.create('pods', p));
    let bothLed = false;
    await waitFor('40 pods bound', () => {
      bothLed ||= a!.isLeader() && b!.isLeader();
      return watch.bound() === 40;
    });
    expect(bothLed).toBe(false);
    expect(follower.isLeader()).toBe(false);
    // The follower kept its cache warm but decided nothing.
    expect(logs[follower.identity]!.filter((l) => l.startsWith('crane:'))).toEqual([]);
    expect(follower.cache.podCount).toBe(40);
    const lease = await h.client.get('leases', 'kube-scheduler', 'kube-system');
    expect((lease as Lease).spec.holderIdentity).toBe(leader.identity);

    // The leader stops (releasing the Lease): the follower leads within a retry period or so.
    const stopped = Date.now();
    await stop(leader);
    await waitFor('the follower to lead', () => follower.isLeader(), 10_000);
    expect(Date.now() - stopped).toBeLessThan(LEASE_WALL_MS);
    await createAll(smallPods('second', 40), (p) => h.client.create('pods', p));
    await waitFor('80 pods bound', () => watch.bound() === 80);
    await stop(follower);
    watch.stop();

    expect(watch.violations).toEqual([]);
    const by = await scheduledBy();
    const names = await uids();
    for (const [name, uid] of names) expect(by.get(uid), name).toBe(name.startsWith('first-') ? leader.identity : follower.identity);
  });

  it('takes over from a leader process killed with SIGKILL once its Lease runs out', async () => {
    for (const n of bigNodes()) await h.client.create('nodes', n);
    const watch = await watchBindings(h.client, NS);
    const proc = spawnScheduler(h.cp.kubeconfig, ['--leader-elect', '--time-scale', '0.1']);
    const url = await proc.url;
    await waitFor('the process to lead', async () => ((await (await fetch(`${url}/leader`)).json()) as { leader: boolean }).leader, 20_000);
    const logs: string[] = [];
    const standby = await scheduler({ identity: 'standby', leaderElect: true }, logs);

    await createAll(smallPods('first', 30), (p) => h.client.create('pods', p));
    await waitFor('30 pods bound by the process', () => watch.bound() === 30);
    expect(standby.isLeader()).toBe(false);
    expect(proc.lines.filter((l) => l.startsWith('crane: default/first-')).length).toBeGreaterThanOrEqual(30);

    // A crash: no release. The standby must wait until the Lease the dead leader last renewed runs
    // out. We follow the Lease meanwhile, to know that last renewal.
    let lastRenewal = '';
    let transitions = -1;
    let following = true;
    const follow = (async () => {
      while (following) {
        const l = (await h.client.get('leases', 'kube-scheduler', 'kube-system')) as Lease;
        if (l.spec.holderIdentity !== 'standby') [lastRenewal, transitions] = [l.spec.renewTime!, l.spec.leaseTransitions!];
        await sleep(10);
      }
    })();
    await sleep(100);
    const killed = Date.now();
    process.kill(proc.pid, 'SIGKILL');
    await proc.exited;
    await waitFor('the standby to lead', () => standby.isLeader(), 15_000);
    following = false;
    await follow;
    const lease = (await h.client.get('leases', 'kube-scheduler', 'kube-system')) as Lease;
    expect(lease.spec).toMatchObject({ holderIdentity: 'standby', leaseTransitions: transitions + 1 });
    const waited = Date.parse(lease.spec.acquireTime!) - Date.parse(lastRenewal);
    console.log(`leader SIGKILLed: standby led ${Date.now() - killed} ms after the kill, ${waited} ms after the last renewal (lease ${LEASE_WALL_MS} ms wall)`);
    // (acquireTime is stamped before the GET that finds the Lease expired, hence a little slack)
    expect(waited).toBeGreaterThanOrEqual(LEASE_WALL_MS - 100);
    expect(waited).toBeLessThan(LEASE_WALL_MS + 1_000);

    await createAll(smallPods('second', 30), (p) => h.client.create('pods', p));
    await waitFor('60 pods bound', () => watch.bound() === 60);
    await stop(standby);
    watch.stop();
    expect(watch.violations).toEqual([]);
    const by = await scheduledBy();
    for (const [name, uid] of await uids()) {
      if (name.startsWith('second-')) expect(by.get(uid), name).toBe('standby');
      else expect(by.get(uid), name).not.toBe('standby');
    }
  });
});
