// The dashboard and apps/v1: a pod of a Deployment shows the Deployment as its workload, the model
// keeps Deployment and ReplicaSet views, the why panel names both owners, and scaling goes through
// each kind's /scale subresource.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import type { KubeClient } from '../../client/rest.ts';
import { InstructorActions } from '../../dashboard/actions.ts';
import { HarbourModel } from '../../dashboard/model.ts';
import type { Change } from '../../dashboard/protocol.ts';
import { podView } from '../../dashboard/views.ts';
import { podWhy } from '../../dashboard/why.ts';
import { deploymentView, rcView, replicaSetView, strategyText, workloadOf } from '../../dashboard/workloads.ts';
import { deployment, fakeSources, node, pod, replicaSet, type FakeSources } from './dashboard-fakes.ts';

describe('workloadOf', () => {
  const rss = fakeSources().replicasets;
  rss.put(replicaSet('besu-nodes-7c9d', { deployment: 'besu-nodes' }));
  rss.put(replicaSet('by-hand'));

  it('climbs from a ReplicaSet to the Deployment that controls it', () => {
    expect(workloadOf({ kind: 'ReplicaSet', name: 'besu-nodes-7c9d' }, 'default', rss)).toEqual({ kind: 'Deployment', name: 'besu-nodes' });
  });

  it('stops at a ReplicaSet nobody owns, at one it cannot see, and at a ReplicationController', () => {
    expect(workloadOf({ kind: 'ReplicaSet', name: 'by-hand' }, 'default', rss)).toEqual({ kind: 'ReplicaSet', name: 'by-hand' });
    expect(workloadOf({ kind: 'ReplicaSet', name: 'besu-nodes-7c9d' }, 'other', rss)).toEqual({ kind: 'ReplicaSet', name: 'besu-nodes-7c9d' });
    expect(workloadOf({ kind: 'ReplicationController', name: 'besu-rpc' }, 'default', rss)).toEqual({ kind: 'ReplicationController', name: 'besu-rpc' });
    expect(workloadOf(undefined, 'default', rss)).toBeUndefined();
  });

  it('is what podView reports as the pod\'s workload, beside its direct owner', () => {
    const v = podView(pod('besu-nodes-7c9d-x1', { owner: 'besu-nodes-7c9d', ownerKind: 'ReplicaSet' }), { replicaSets: rss });
    expect(v.owner).toEqual({ kind: 'ReplicaSet', name: 'besu-nodes-7c9d' });
    expect(v.workload).toEqual({ kind: 'Deployment', name: 'besu-nodes' });
    expect(podView(pod('bare')).workload).toBeUndefined();
  });
});

describe('workload views', () => {
  it('reads a Deployment the way kubectl get deploy does, with its revision and strategy', () => {
    const d = deployment('besu-nodes', {
      replicas: 3, revision: 2, image: 'hyperledger/besu:24.3', strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      status: { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 },
    });
    expect(deploymentView(d)).toEqual({
      key: 'default/besu-nodes', kind: 'Deployment', namespace: 'default', name: 'besu-nodes', desired: 3, current: 4, ready: 3,
      updated: 1, available: 3, revision: 2, images: ['hyperledger/besu:24.3'], strategy: 'RollingUpdate (maxSurge 1, maxUnavailable 0)',
    });
  });

  it('names the 25% defaults, and Recreate, in the strategy', () => {
    expect(strategyText(deployment('a'))).toBe('RollingUpdate (maxSurge 25%, maxUnavailable 25%)');
    expect(strategyText(deployment('a', { strategy: { type: 'Recreate' } }))).toBe('Recreate');
  });

  it('gives a ReplicaSet its revision and owning Deployment, and an RC neither', () => {
    expect(replicaSetView(replicaSet('web-abc', { deployment: 'web', revision: 1, replicas: 0, ready: 0 })))
      .toMatchObject({ kind: 'ReplicaSet', desired: 0, current: 0, revision: 1, deployment: 'web' });
    const rc = rcView({ metadata: { name: 'besu-rpc', namespace: 'default' }, spec: { replicas: 6 }, status: { replicas: 5, readyReplicas: 4 } });
    expect(rc).toEqual({ key: 'default/besu-rpc', kind: 'ReplicationController', namespace: 'default', name: 'besu-rpc', desired: 6, current: 5, ready: 4, images: [] });
  });
});

describe('the model with Deployments and ReplicaSets', () => {
  let model: HarbourModel;
  let src: FakeSources;
  afterEach(() => model?.stop());

  function start(): Change[][] {
    model = new HarbourModel(src, { clock: new FakeClock(Date.now()) });
    const batches: Change[][] = [];
    model.on('batch', (b) => batches.push(b.changes));
    model.start();
    return batches;
  }

  it('says hello with every Deployment and ReplicaSet, and pods name the Deployment', () => {
    src = fakeSources();
    src.deployments.put(deployment('web', { revision: 1 }));
    src.replicasets.put(replicaSet('web-1', { deployment: 'web', revision: 1 }));
    src.pods.put(pod('web-1-a', { owner: 'web-1', ownerKind: 'ReplicaSet' }));
    start();
    const hello = model.hello();
    expect(hello.deployments.map((d) => d.key)).toEqual(['default/web']);
    expect(hello.replicasets.map((r) => [r.key, r.deployment])).toEqual([['default/web-1', 'web']]);
    expect(hello.pods[0]!.workload).toEqual({ kind: 'Deployment', name: 'web' });
  });

  it('re-labels a ReplicaSet\'s pods when the ReplicaSet arrives after them, and when it is orphaned', () => {
    src = fakeSources();
    src.pods.put(pod('web-1-a', { owner: 'web-1', ownerKind: 'ReplicaSet' }));
    src.pods.put(pod('other', { owner: 'other-rs', ownerKind: 'ReplicaSet' }));
    const batches = start();
    expect(model.pods.get('default/web-1-a')!.workload).toEqual({ kind: 'ReplicaSet', name: 'web-1' });
    src.replicasets.put(replicaSet('web-1', { deployment: 'web', revision: 1 }));
    model.flush();
    expect(model.pods.get('default/web-1-a')!.workload).toEqual({ kind: 'Deployment', name: 'web' });
    // One batch carries the new ReplicaSet and the one pod it re-labelled, not the unrelated pod.
    expect(batches.at(-1)!.flatMap((c) => (c.t === 'write' ? [] : [`${c.t}:${'key' in c ? c.key : ''}`]))).toEqual(['rs:default/web-1', 'pod:default/web-1-a']);
    // kubectl delete deploy web --cascade=orphan: the ReplicaSet loses its owner and stands alone.
    src.replicasets.put(replicaSet('web-1', { revision: 1 }));
    model.flush();
    expect(model.pods.get('default/web-1-a')!.workload).toEqual({ kind: 'ReplicaSet', name: 'web-1' });
  });

  it('sends a changed Deployment in the next batch, and its deletion as a change without a view', () => {
    src = fakeSources();
    const batches = start();
    src.deployments.put(deployment('web', { status: { replicas: 3, readyReplicas: 2 } }));
    model.flush();
    expect(batches.at(-1)).toContainEqual(expect.objectContaining({ t: 'deploy', key: 'default/web', v: expect.objectContaining({ ready: 2 }) }));
    src.deployments.remove('default/web');
    model.flush();
    expect(batches.at(-1)).toContainEqual({ t: 'deploy', key: 'default/web', v: undefined });
    expect(model.deployments.size).toBe(0);
  });

  it('records Deployment and ReplicaSet writes under their etcd keys', () => {
    src = fakeSources();
    const batches = start();
    src.deployments.put(deployment('web'));
    src.replicasets.put(replicaSet('web-1', { deployment: 'web' }));
    model.flush();
    const keys = batches.at(-1)!.flatMap((c) => (c.t === 'write' ? [c.v.key] : []));
    expect(keys).toEqual(['/registry/deployments/default/web', '/registry/replicasets/default/web-1']);
  });

  it('answers a pod\'s why with its ReplicaSet and the Deployment above it', async () => {
    src = fakeSources();
    src.nodes.put(node('node-1'));
    src.deployments.put(deployment('web', { revision: 2 }));
    src.replicasets.put(replicaSet('web-2', { deployment: 'web', revision: 2 }));
    src.pods.put(pod('web-2-a', { node: 'node-1', phase: 'Running', owner: 'web-2', ownerKind: 'ReplicaSet' }));
    start();
    const why = await podWhy({ model }, 'default', 'web-2-a');
    expect(why?.owner).toMatchObject({ kind: 'ReplicaSet', name: 'web-2', view: { revision: 2, deployment: 'web' } });
    expect(why?.workload).toMatchObject({ kind: 'Deployment', name: 'web', revision: 2 });
  });
});

describe('scaling each kind through its /scale subresource', () => {
  function fakeClient(rsOwner?: string) {
    const calls: unknown[][] = [];
    const client = {
      calls,
      async patch(resource: string, name: string, patch: unknown, options: unknown) {
        calls.push(['patch', resource, name, patch, options]);
        return {};
      },
      async get(resource: string, name: string) {
        calls.push(['get', resource, name]);
        return replicaSet(name, { deployment: rsOwner });
      },
    };
    return client as typeof client & KubeClient;
  }

  it('patches deployments/NAME/scale and says the Deployment hands the count to its ReplicaSets', async () => {
    const client = fakeClient();
    const said = await new InstructorActions({ client, timeScale: 1 }).scale('default', 'web', 5, 'deployments');
    expect(client.calls).toEqual([['patch', 'deployments', 'web', { spec: { replicas: 5 } }, { namespace: 'default', subresource: 'scale' }]]);
    expect(said).toMatch(/^scaled deploy\/web to 5: the deployment controller passes the new count to its ReplicaSets/);
  });

  it('scales a ReplicaSet, and warns when a Deployment owns it and will set it back', async () => {
    const owned = fakeClient('web');
    const said = await new InstructorActions({ client: owned, timeScale: 1 }).scale('default', 'web-1', 2, 'replicasets');
    expect(owned.calls[0]).toEqual(['patch', 'replicasets', 'web-1', { spec: { replicas: 2 } }, { namespace: 'default', subresource: 'scale' }]);
    expect(said).toContain('deploy/web owns it and sets its count back');
    const alone = await new InstructorActions({ client: fakeClient(), timeScale: 1 }).scale('default', 'by-hand', 2, 'replicasets');
    expect(alone).toBe('scaled rs/by-hand to 2: the ReplicaSet controller creates or deletes pods until 2 exist.');
  });

  it('still scales an RC by default, as before', async () => {
    const client = fakeClient();
    await new InstructorActions({ client, timeScale: 1 }).scale('default', 'besu-rpc', 4);
    expect(client.calls).toEqual([['patch', 'replicationcontrollers', 'besu-rpc', { spec: { replicas: 4 } }, { namespace: 'default', subresource: 'scale' }]]);
  });
});
