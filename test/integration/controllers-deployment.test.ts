// kube-controller-manager's ReplicaSet and Deployment controllers against a real etcd and apiserver,
// with simulated kubelets and scheduler (controllers-sim.ts) that mark pods Running and Ready.
// ReplicaSets with matchExpressions scale exactly; Deployments roll out within maxSurge and
// maxUnavailable, Recreate never overlaps versions, old ReplicaSets beyond revisionHistoryLimit
// go, a template rollback re-uses the old ReplicaSet under a new revision, and deleting a
// Deployment takes its ReplicaSets and pods with it (garbage collector).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../api/apps-types.ts';
import type { Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import type { KubeClient } from '../../client/rest.ts';
import { type SimCluster, type SimClusterHandle, startSimCluster } from '../helpers/sim-cluster.ts';
import { waitFor } from '../helpers/wait.ts';

const clock = realClock(0.05);
let cluster: SimClusterHandle;
let client: KubeClient;
let sim: SimCluster;

beforeAll(async () => {
  ({ client, sim } = cluster = await startSimCluster({
    clock, nodes: ['node-1', 'node-2', 'node-3'], serviceClusterIPRange: '127.97.0.0/16',
    manager: { leaderElect: true, leaderElection: { identity: 'test-kcm' } },
  }));
});

afterAll(() => cluster?.stop());

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const live = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp && !['Failed', 'Succeeded'].includes(p.status?.phase ?? ''));
const podsOf = (app: string) => live(sim.pods.list().filter((p) => p.metadata.labels?.app === app));
const image = (p: Pod) => p.spec.containers[0].image;

function deploymentOf(name: string, replicas: number, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } },
      ...extra,
    },
  };
}

const rsOf = async (d: string) => (await client.list('replicasets', { namespace: 'default' })).items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.name === d));

/** `kubectl rollout status`'s test (DeploymentStatusViewer): true once the rollout is complete. */
async function rolledOut(name: string): Promise<Deployment | false> {
  const d = await client.get('deployments', name, 'default');
  const s = d.status ?? {};
  const want = d.spec.replicas ?? 1;
  const done = (d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0) && (s.updatedReplicas ?? 0) >= want
    && (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0);
  return done && d;
}

/** Tracks, over a rollout, the most pods alive and the fewest ready, and whether two images ever ran together. */
function watchRollout(app: string) {
  let maxLive = 0;
  let minReady = Infinity;
  let mixed = false;
  const look = () => {
    const pods = podsOf(app);
    maxLive = Math.max(maxLive, pods.length);
    minReady = Math.min(minReady, pods.filter(isReady).length);
    if (new Set(pods.map(image)).size > 1) mixed = true;
  };
  look();
  const off = sim.pods.addEventHandler({ onAdd: look, onUpdate: look, onDelete: look });
  return { get maxLive() { return maxLive; }, get minReady() { return minReady; }, get mixed() { return mixed; }, off };
}

describe('ReplicaSet controller', () => {
  it('runs exactly the replicas a matchExpressions selector asks for, and scales down', async () => {
    const rs: ReplicaSet = {
      metadata: { name: 'rpc', namespace: 'default' },
      spec: { replicas: 4, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['rpc', 'rpc-canary'] }] }, template: { metadata: { labels: { app: 'rpc' } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } } },
    };
    await client.create('replicasets', rs);
    await waitFor('4 ready pods', () => podsOf('rpc').filter(isReady).length === 4);
    const status = await waitFor('status', async () => {
      const r = await client.get('replicasets', 'rpc', 'default');
      return r.status?.readyReplicas === 4 && r.status.availableReplicas === 4 && r.status.observedGeneration === r.metadata.generation && r.status;
    });
    expect(status).toMatchObject({ replicas: 4, fullyLabeledReplicas: 4 });
    expect(podsOf('rpc')[0].metadata.ownerReferences).toEqual([expect.objectContaining({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rpc', controller: true })]);
    await client.patch('replicasets', 'rpc', { spec: { replicas: 1 } }, { namespace: 'default' });
    await waitFor('1 pod left', () => podsOf('rpc').length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(podsOf('rpc')).toHaveLength(1);
  });
});

describe('Deployment controller', () => {
  it('creates a ReplicaSet named after the template hash, revision 1, and completes the rollout', async () => {
    await client.create('deployments', deploymentOf('web', 3));
    const d = await waitFor('rolled out', () => rolledOut('web'));
    const [rs] = await rsOf('web');
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs.spec.selector?.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const cond = (t: string) => d.status?.conditions?.find((c) => c.type === t);
    expect(cond('Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(cond('Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    for (const p of podsOf('web')) expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
  });

  it('rolls a new image out within maxSurge 1 and maxUnavailable 0', async () => {
    await client.patch('deployments', 'web', { spec: { strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } }, { namespace: 'default' });
    await waitFor('rolled out', () => rolledOut('web'));
    const w = watchRollout('web');
    await client.patch('deployments', 'web', { spec: { template: { spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.7' }] } } } }, { namespace: 'default', type: 'strategic' });
    const d = await waitFor('rolled out', () => rolledOut('web'));
    w.off();
    expect(podsOf('web').map(image)).toEqual(Array(3).fill('hyperledger/besu:24.7'));
    expect(w.mixed).toBe(true); // a rolling update: both versions ran together for a while
    expect(w.maxLive).toBeLessThanOrEqual(4);
    expect(w.minReady).toBeGreaterThanOrEqual(3);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const rss = await rsOf('web');
    expect(rss.map((rs) => `${rs.metadata.annotations?.['deployment.kubernetes.io/revision']}:${rs.spec.replicas}`).sort()).toEqual(['1:0', '2:3']);
    const events = (await client.list('events', { namespace: 'default' })).items.filter((e) => e.involvedObject.name === 'web' && e.reason === 'ScalingReplicaSet');
    expect(events.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^Scaled up replica set web-\w+ from 0 to 1$/), expect.stringMatching(/^Scaled down replica set web-\w+ from 3 to 2$/)]));
  });

  it('rolls back to revision 1 by re-using its ReplicaSet under revision 3', async () => {
    const [old] = (await rsOf('web')).filter((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1');
    const template = structuredClone(old.spec.template!);
    delete template.metadata!.labels!['pod-template-hash'];
    await client.patch('deployments', 'web', [{ op: 'replace', path: '/spec/template', value: template }], { namespace: 'default', type: 'json' });
    await waitFor('rolled back', async () => (await rolledOut('web')) && podsOf('web').every((p) => image(p) === 'hyperledger/besu:24.1') && podsOf('web').length === 3);
    const again = await client.get('replicasets', old.metadata.name!, 'default');
    expect(again.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(again.spec.replicas).toBe(3);
  });

  it('scales a running Deployment, and keeps no more than revisionHistoryLimit old ReplicaSets', async () => {
    await client.patch('deployments', 'web', { spec: { replicas: 5, revisionHistoryLimit: 1 } }, { namespace: 'default' });
    await waitFor('5 ready pods', async () => (await rolledOut('web')) && podsOf('web').filter(isReady).length === 5);
    await client.patch('deployments', 'web', { spec: { template: { spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:25.1' }] } } } }, { namespace: 'default', type: 'strategic' });
    await waitFor('rolled out', () => rolledOut('web'));
    const rss = await waitFor('old ReplicaSets cleaned up', async () => {
      const list = await rsOf('web');
      return list.length === 2 && list;
    });
    expect(rss.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort()).toEqual(['3', '4']);
  });

  it('Recreate stops every old pod before starting a new one', async () => {
    await client.create('deployments', deploymentOf('batch', 2, { strategy: { type: 'Recreate' } }));
    await waitFor('rolled out', () => rolledOut('batch'));
    const w = watchRollout('batch');
    await client.patch('deployments', 'batch', { spec: { template: { spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.7' }] } } } }, { namespace: 'default', type: 'strategic' });
    await waitFor('rolled out', async () => (await rolledOut('batch')) && podsOf('batch').every((p) => image(p) === 'hyperledger/besu:24.7'));
    w.off();
    expect(w.mixed).toBe(false);
    expect(w.minReady).toBe(0);
  });

  it('deleting a Deployment removes its ReplicaSets and their pods', async () => {
    expect((await rsOf('web')).length).toBeGreaterThan(0);
    await client.delete('deployments', 'web', { namespace: 'default' });
    await waitFor('ReplicaSets gone', async () => (await rsOf('web')).length === 0);
    await waitFor('pods gone', () => sim.pods.list().filter((p) => p.metadata.labels?.app === 'web').length === 0);
  });
});
