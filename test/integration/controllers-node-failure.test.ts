// A node dies and comes back, against a real etcd and apiserver: its lease stops being renewed, the
// node lifecycle controller posts it Unknown and taints it unreachable, its pods turn not ready and,
// once their (scaled) tolerationSeconds run out, are evicted and recreated on the other nodes -
// never more non-terminating pods than replicas at any moment we observe. The kubelet returns, posts
// Ready, and the taints go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod, ReplicationController } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import type { KubeClient } from '../../client/rest.ts';
import { type SimCluster, type SimClusterHandle, startSimCluster } from '../helpers/sim-cluster.ts';
import { waitFor } from '../helpers/wait.ts';

// 0.1: the 40 s grace period takes 4 s, lease renewals come every second, the 60 s toleration 6 s.
const clock = realClock(0.1);
const REPLICAS = 6;
const TOLERATION_SECONDS = 60;
let cluster: SimClusterHandle;
let client: KubeClient;
let sim: SimCluster;
let logs: string[];

beforeAll(async () => {
  ({ client, sim, logs } = cluster = await startSimCluster({ clock, nodes: ['node-1', 'node-2', 'node-3'], sharedClient: true, logTimes: true }));
});

afterAll(() => cluster?.stop());

const live = () => sim.pods.list().filter((p) => p.metadata.labels?.app === 'besu' && !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed');
const readyOn = (pods: Pod[], node?: string) => pods.filter((p) => (!node || p.spec.nodeName === node) && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
const nodeNow = (name: string) => client.get('nodes', name) as Promise<Node>;
const taintsOf = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

describe('a node that stops answering', () => {
  it('is posted Unknown, tainted, emptied after the toleration, and untainted when it returns', async () => {
    // The pods tolerate an unreachable node for 60 s instead of the default 300 s, to keep the test short.
    const rc: ReplicationController = {
      metadata: { name: 'besu', namespace: 'default' },
      spec: {
        replicas: REPLICAS, selector: { app: 'besu' },
        template: {
          metadata: { labels: { app: 'besu' } },
          spec: {
            containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }],
            tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_SECONDS }],
          },
        },
      },
    };
    await client.create('replicationcontrollers', rc);
    await waitFor('6 ready pods, 2 per node', () => readyOn(live()).length === REPLICAS && ['node-1', 'node-2', 'node-3'].every((n) => readyOn(live(), n).length === 2));

    // From here on, never more non-terminating pods than replicas.
    let peak = 0;
    const look = () => void (peak = Math.max(peak, live().length));
    sim.pods.addEventHandler({ onAdd: look, onUpdate: look, onDelete: look });
    const victims = readyOn(live(), 'node-3').map((p) => p.metadata.name!);

    const killedAt = Date.now();
    sim.kubelets.get('node-3')!.kill();
    const unknown = await waitFor('node-3 Ready=Unknown', async () => {
      const ready = (await nodeNow('node-3')).status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'Unknown' && ready;
    });
    const tookMs = Date.now() - killedAt;
    expect(unknown).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    // Not before the (scaled) 40 s grace period since the last renewal (renewals come every 1 s).
    expect(tookMs).toBeGreaterThan(40_000 * 0.1 - 1_000 - 200);

    const tainted = await waitFor('unreachable taints', async () => {
      const n = await nodeNow('node-3');
      return taintsOf(n).length === 2 && n;
    });
    expect(taintsOf(tainted)).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    await waitFor('its pods not ready', () => victims.every((v) => {
      const p = sim.pods.get(`default/${v}`);
      return p && !readyOn([p]).length;
    }));
    const taintedAt = Date.now();

    // After the toleration the pods are evicted (they stay Terminating: no kubelet finishes them)...
    await waitFor('victims terminating', () => victims.every((v) => sim.pods.get(`default/${v}`)?.metadata.deletionTimestamp));
    expect(Date.now() - taintedAt).toBeGreaterThan(TOLERATION_SECONDS * 1000 * 0.1 - 1_000);
    // ...and replaced on the nodes that still answer.
    await waitFor('6 ready pods on node-1 and node-2', () => readyOn(live()).length === REPLICAS && readyOn(live(), 'node-3').length === 0);
    expect(peak).toBe(REPLICAS);
    const events = (await client.list('events', { namespace: 'default' })).items;
    expect(events.filter((e) => e.reason === 'TaintManagerEviction').map((e) => e.message)).toEqual(expect.arrayContaining(victims.map((v) => `Marking for deletion Pod default/${v}`)));
    expect(events.some((e) => e.reason === 'NodeNotReady' && e.message === 'Node node-3 status is now: NodeNotReady')).toBe(true);

    // The kubelet returns: it posts Ready, finishes the evicted pods, and the taints go.
    sim.kubelets.get('node-3')!.revive();
    await waitFor('taints removed', async () => taintsOf(await nodeNow('node-3')).length === 0);
    await waitFor('evicted pods gone', () => victims.every((v) => !sim.pods.get(`default/${v}`)));
    expect(live()).toHaveLength(REPLICAS);
    expect(peak).toBe(REPLICAS);
    await waitFor('the log line', () => logs.some((l) => l.includes('node node-3: removed taints node.kubernetes.io/unreachable:NoSchedule, node.kubernetes.io/unreachable:NoExecute (Ready is True)')));
  });
});
