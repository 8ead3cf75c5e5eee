// Two controller-managers with --leader-elect against one apiserver: exactly one runs the
// controllers; when it stops, the other takes the kube-system/kube-controller-manager Lease and
// carries on (here: it creates the pods of an RC made after the hand-over).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startControllerManager, type ControllerManager } from '../../controllers/controller-manager.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { waitFor } from '../helpers/wait.ts';

const clock = realClock(0.05); // the 15 s lease lasts 0.75 s
let cp: ControlPlane;
let client: KubeClient;
const managers: ControllerManager[] = [];

beforeAll(async () => {
  cp = await startControlPlane();
  client = new KubeClient({ server: cp.url, clock });
});

afterAll(async () => {
  for (const m of managers) await m.stop();
  await cp?.stop();
});

describe('kube-controller-manager --leader-elect', () => {
  it('runs the controllers in exactly one instance, and hands over when the leader stops', async () => {
    for (const identity of ['kcm-a', 'kcm-b']) {
      managers.push(await startControllerManager({ client, clock, leaderElect: true, leaderElection: { identity }, log: () => {} }));
    }
    await Promise.race(managers.map((m) => m.ready));
    await new Promise((r) => setTimeout(r, 300));
    expect(managers.filter((m) => m.isLeader())).toHaveLength(1);
    const lease = await client.get('leases', 'kube-controller-manager', 'kube-system');
    const leader = managers.find((m) => m.isLeader())!;
    const follower = managers.find((m) => !m.isLeader())!;
    expect(['kcm-a', 'kcm-b']).toContain(lease.spec.holderIdentity);

    await leader.stop();
    await follower.ready;
    expect(follower.isLeader()).toBe(true);
    await client.create('replicationcontrollers', {
      metadata: { name: 'after', namespace: 'default' },
      spec: { replicas: 2, selector: { app: 'after' }, template: { metadata: { labels: { app: 'after' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } } },
    });
    await waitFor('2 pods from the new leader', async () => (await client.list('pods', { namespace: 'default', labelSelector: 'app=after' })).items.length === 2, 10_000);
  });
});
