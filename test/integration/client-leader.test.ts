// Two leader electors on one Lease of a real apiserver: exactly one leads; when it stops (releasing
// the lease) or dies (leaving it), the other takes over, and the two never lead at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { LeaderElector } from '../../client/leader-election.ts';
import { KubeClient } from '../../client/rest.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

// Kubernetes' defaults (15 s lease, 10 s renew deadline, 2 s retry) at a tenth of the wall time.
const clock = realClock(0.1);
const LEASE_WALL_MS = 15_000 * 0.1;
const RETRY_WALL_MS = 2_000 * 0.1;

let cp: ControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => {
  await cp?.stop();
});

interface Span { who: string; from: number; to?: number }

function elector(name: string, identity: string, spans: Span[]) {
  return new LeaderElector({
    client: new KubeClient({ server: cp.url, clock }), clock, name, identity, log: () => {},
    onStartedLeading: () => spans.push({ who: identity, from: Date.now() }),
    onStoppedLeading: () => {
      const span = spans.filter((s) => s.who === identity).at(-1);
      if (span) span.to = Date.now();
    },
  });
}

/** Samples who leads every 5 ms until `done()` or the timeout; returns the most leaders seen at once. */
async function observe(electors: LeaderElector[], done: () => boolean, timeoutMs: number): Promise<number> {
  let most = 0;
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) {
    most = Math.max(most, electors.filter((e) => e.isLeader()).length);
    await new Promise((r) => setTimeout(r, 5));
  }
  return most;
}

const overlapping = (spans: Span[]) =>
  [...spans].sort((a, b) => a.from - b.from).some((s, i, all) => i > 0 && (all[i - 1].to ?? Infinity) > s.from);

describe('LeaderElector against a real apiserver', () => {
  it('elects exactly one of two, hands over on release, and takes over from a dead leader after the lease', async () => {
    const spans: Span[] = [];
    const a = elector('client-leader-test', 'candidate-a', spans);
    const b = elector('client-leader-test', 'candidate-b', spans);
    void a.run();
    void b.run();

    // Exactly one leads, for many renewal periods.
    expect(await observe([a, b], () => false, 3_000)).toBe(1);
    const first = a.isLeader() ? a : b;
    const second = first === a ? b : a;
    const client = new KubeClient({ server: cp.url, clock });
    const lease = (await client.get('leases', 'client-leader-test', 'kube-system')) as Lease;
    expect(lease.spec).toMatchObject({ holderIdentity: first.identity, leaseDurationSeconds: 15 });

    // A clean stop releases the lease: the other leads within about one retry period.
    const released = Date.now();
    await first.stop();
    expect(await observe([a, b], () => second.isLeader(), 5_000)).toBeLessThanOrEqual(1);
    const handover = Date.now() - released;
    expect(second.isLeader()).toBe(true);
    expect(handover).toBeLessThan(LEASE_WALL_MS);

    // A third candidate joins; the leader dies without releasing. The lease must run out first.
    const c = elector('client-leader-test', 'candidate-c', spans);
    void c.run();
    await observe([second, c], () => false, 500);
    const killed = Date.now();
    await second.stop({ release: false });
    expect(await observe([second, c], () => c.isLeader(), 10_000)).toBeLessThanOrEqual(1);
    const takeover = Date.now() - killed;
    expect(c.isLeader()).toBe(true);
    // The dead leader renewed at most one retry period before dying, and c takes over when the lease
    // written by that renewal runs out: within the lease duration of the crash (plus a request).
    expect(takeover).toBeGreaterThan(LEASE_WALL_MS - RETRY_WALL_MS - 100);
    expect(takeover).toBeLessThan(LEASE_WALL_MS + 200);
    console.log(`leader handover: on release ${handover} ms, after a crash ${takeover} ms (lease ${LEASE_WALL_MS} ms wall)`);

    expect(spans.map((s) => s.who)).toEqual([first.identity, second.identity, 'candidate-c']);
    expect(overlapping(spans)).toBe(false);
    await c.stop();
    const after = (await client.get('leases', 'client-leader-test', 'kube-system')) as Lease;
    expect(after.spec.holderIdentity).toBe('');
    expect(after.spec.leaseTransitions).toBe(2);
  });
});
