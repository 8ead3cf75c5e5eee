// Leader election on an in-memory Lease with compare-and-swap, driven by a fake clock.
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { ApiError } from '../../client/errors.ts';
import { LeaderElector, type LeaseClient } from '../../client/leader-election.ts';

const tick = () => new Promise((r) => setImmediate(r));
const status = (code: number, reason: string) =>
  new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, reason: reason as never });

/** One Lease in "etcd": writes must carry the current resourceVersion, as the apiserver demands. */
class LeaseStore {
  lease?: Lease;
  rev = 1;
  writes = 0;

  /** A client of this store; `cut()` simulates a network partition for that client only. */
  client() {
    const store = this;
    const c = {
      partitioned: false,
      async get(): Promise<Lease> {
        if (c.partitioned) throw Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        if (!store.lease) throw status(404, 'NotFound');
        return structuredClone(store.lease);
      },
      async create(_r: string, obj: Lease): Promise<Lease> {
        if (c.partitioned) throw Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        if (store.lease) throw status(409, 'AlreadyExists');
        return store.write(obj);
      },
      async update(_r: string, obj: Lease): Promise<Lease> {
        if (c.partitioned) throw Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        if (obj.metadata.resourceVersion !== store.lease?.metadata.resourceVersion) throw status(409, 'Conflict');
        return store.write(obj);
      },
    };
    return c as typeof c & LeaseClient;
  }

  private write(obj: Lease): Lease {
    this.writes++;
    this.lease = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rev) } });
    return structuredClone(this.lease);
  }
}

/** Two (or more) candidates, with a timeline of who led when. */
function candidates(store: LeaseStore, clock: FakeClock, names: string[]) {
  const spans: { who: string; from: number; to?: number }[] = [];
  const newLeaders: string[] = [];
  const electors = names.map((identity) => {
    const client = store.client();
    const le = new LeaderElector({
      client, clock, name: 'kube-scheduler', identity, log: () => {},
      onStartedLeading: () => spans.push({ who: identity, from: clock.now() }),
      onStoppedLeading: () => (spans.filter((s) => s.who === identity).at(-1)!.to = clock.now()),
      onNewLeader: (id) => newLeaders.push(`${identity} saw ${id}`),
    });
    void le.run();
    return { le, client };
  });
  const leaders = () => electors.filter((e) => e.le.isLeader()).map((e) => e.le.identity);
  return { electors, spans, newLeaders, leaders };
}

// Moves fake time in small steps, letting promises settle in between; checks a condition each step.
async function runFor(clock: FakeClock, ms: number, each: () => void = () => {}): Promise<void> {
  for (let t = 0; t < ms; t += 50) {
    clock.advance(50);
    for (let i = 0; i < 5; i++) await tick();
    each();
  }
}

function noOverlap(spans: { who: string; from: number; to?: number }[]): boolean {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  return sorted.every((s, i) => i === 0 || (sorted[i - 1].to ?? Infinity) <= s.from);
}

describe('LeaderElector', () => {
  it('lets exactly one of two candidates lead, and it keeps renewing', async () => {
    const store = new LeaseStore();
    const clock = new FakeClock();
    const { leaders, spans } = candidates(store, clock, ['a', 'b']);
    let most = 0;
    await runFor(clock, 60_000, () => (most = Math.max(most, leaders().length)));
    expect(most).toBe(1);
    expect(leaders()).toHaveLength(1);
    expect(spans).toHaveLength(1);
    expect(store.lease!.spec.holderIdentity).toBe(leaders()[0]);
    expect(store.lease!.spec.leaseDurationSeconds).toBe(15);
    expect(clock.since(Date.parse(store.lease!.spec.renewTime!))).toBeLessThanOrEqual(2100);
  });

  it('hands over at once when the leader stops and releases the lease', async () => {
    const store = new LeaseStore();
    const clock = new FakeClock();
    const { electors, leaders, spans, newLeaders } = candidates(store, clock, ['a', 'b']);
    await runFor(clock, 5_000);
    const leader = electors.find((e) => e.le.isLeader())!;
    await leader.le.stop();
    expect(store.lease!.spec.holderIdentity).toBe('');
    const stoppedAt = clock.now();
    await runFor(clock, 6_000);
    const other = spans.at(-1)!;
    expect(other.who).not.toBe(leader.le.identity);
    expect(other.from - stoppedAt).toBeLessThanOrEqual(2000 * 2.2); // one jittered retry period
    expect(leaders()).toEqual([other.who]);
    expect(store.lease!.spec.leaseTransitions).toBe(1);
    expect(newLeaders.filter((l) => l.startsWith(other.who))).toEqual([`${other.who} saw ${spans[0].who}`, `${other.who} saw ${other.who}`]);
    expect(noOverlap(spans)).toBe(true);
  });

  it('replaces a crashed leader once the lease expires, and not before', async () => {
    const store = new LeaseStore();
    const clock = new FakeClock();
    const { electors, spans } = candidates(store, clock, ['a', 'b']);
    await runFor(clock, 5_000);
    const leader = electors.find((e) => e.le.isLeader())!;
    const lastRenew = Date.parse(store.lease!.spec.renewTime!);
    await leader.le.stop({ release: false }); // a crash: the lease still names the dead leader
    await runFor(clock, 30_000);
    const next = spans.at(-1)!;
    expect(next.who).not.toBe(leader.le.identity);
    expect(next.from - lastRenew).toBeGreaterThanOrEqual(15_000);
    expect(next.from - lastRenew).toBeLessThanOrEqual(15_000 + 100); // two 50 ms steps of fake time
  });

  it('steps down when it cannot renew, before anyone else may take over', async () => {
    const store = new LeaseStore();
    const clock = new FakeClock();
    const { electors, spans } = candidates(store, clock, ['a', 'b']);
    await runFor(clock, 5_000);
    const leader = electors.find((e) => e.le.isLeader())!;
    leader.client.partitioned = true; // it still runs, but cannot reach the apiserver
    let both = false;
    await runFor(clock, 40_000, () => (both ||= electors.every((e) => e.le.isLeader())));
    expect(both).toBe(false);
    expect(spans).toHaveLength(2);
    expect(spans[0].to! - spans[0].from).toBeGreaterThan(0);
    expect(spans[1].from).toBeGreaterThan(spans[0].to!);
    expect(noOverlap(spans)).toBe(true);
  });

  it('never lets two of five candidates lead at once through crashes and releases', async () => {
    const store = new LeaseStore();
    const clock = new FakeClock();
    const { electors, spans, leaders } = candidates(store, clock, ['a', 'b', 'c', 'd', 'e']);
    let most = 0;
    const watch = () => (most = Math.max(most, leaders().length));
    for (let round = 0; round < 4; round++) {
      await runFor(clock, 25_000, watch);
      const leader = electors.find((e) => e.le.isLeader());
      await leader?.le.stop({ release: round % 2 === 0 });
    }
    await runFor(clock, 25_000, watch);
    expect(most).toBe(1);
    expect(spans).toHaveLength(5);
    expect(noOverlap(spans)).toBe(true);
  });
});
