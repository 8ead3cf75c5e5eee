// The Deployment controller's pure parts: the surge/unavailable arithmetic of a rolling update,
// revision numbering and history, the template hash, which ReplicaSet is "new", proportional
// scaling, the Progressing/Available conditions - and one sync against a recording fake client.
import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../api/apps-types.ts';
import { FakeClock } from '../../client/clock.ts';
import { DeploymentController } from '../../controllers/deployment-controller.ts';
import { GarbageCollector } from '../../controllers/garbage-collector.ts';
import { availableScaleDown, maxScaledDown, oldPodsRunning, unhealthyCleanup } from '../../controllers/deployment-rolling.ts';
import { deploymentTimedOut, rolloutStatus } from '../../controllers/deployment-status.ts';
import { proportionalSizes } from '../../controllers/deployment-sync.ts';
import {
  computeHash, findNewReplicaSet, maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, setNewReplicaSetAnnotations,
} from '../../controllers/deployment-util.ts';
import { fill, harness, pod } from './controllers-fake-client.ts';

const template = (image: string, hash?: string) => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'besu', image }] },
});

function deployment(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1 },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } }, template: template('besu:2'),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
      revisionHistoryLimit: 10, progressDeadlineSeconds: 600, ...extra,
    },
    status: {},
  };
}

function rs(name: string, replicas: number, available = replicas, extra: { revision?: string; created?: string; image?: string } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z',
      annotations: { 'deployment.kubernetes.io/revision': extra.revision ?? '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }],
      labels: { app: 'web', 'pod-template-hash': name },
    },
    spec: { replicas, selector: { matchLabels: { app: 'web', 'pod-template-hash': name } }, template: template(extra.image ?? 'besu:1', name) },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

describe('rolling-update arithmetic', () => {
  it('rounds surge up and unavailable down, and never lets both be 0', () => {
    expect(resolveFenceposts('25%', '25%', 10)).toEqual([3, 2]);
    expect(resolveFenceposts('25%', '25%', 1)).toEqual([1, 0]);
    expect(resolveFenceposts(0, '10%', 5)).toEqual([0, 1]); // 0.5 rounds to 0: one missing is allowed
    expect(maxSurge(deployment(4))).toBe(1);
    expect(maxUnavailable(deployment(2, 0, 5))).toBe(2); // never more than replicas
    expect(maxSurge(deployment(4, 1, 1, { strategy: { type: 'Recreate' } }))).toBe(0);
  });

  it('grows the new ReplicaSet up to replicas + maxSurge in total, never past replicas', () => {
    const d = deployment(10, 3, 2);
    expect(newRSNewReplicas(d, [rs('old', 10), rs('new', 0)], rs('new', 0))).toBe(3);
    expect(newRSNewReplicas(d, [rs('old', 8), rs('new', 5)], rs('new', 5))).toBe(5); // already at 13
    expect(newRSNewReplicas(d, [rs('old', 1), rs('new', 8)], rs('new', 8))).toBe(10); // capped at replicas
    expect(newRSNewReplicas(deployment(3, 1, 0, { strategy: { type: 'Recreate' } }), [rs('new', 0)], rs('new', 0))).toBe(3);
  });

  it('scales old ReplicaSets down by what availability allows, unhealthy pods first', () => {
    const d = deployment(10, 3, 2);
    // Kubernetes' own example: new RS at 5 pods, none available; nothing may go.
    expect(maxScaledDown(d, [rs('old', 8), rs('new', 5, 0)], rs('new', 5, 0))).toBe(0);
    // Roll-over: a brand-new RS at 0 lets the old ones lose 13 - 8 = 5.
    expect(maxScaledDown(d, [rs('a', 8), rs('b', 5, 0), rs('new', 0)], rs('new', 0))).toBe(5);
    const plan = unhealthyCleanup([rs('b', 5, 0, { created: '2026-01-02T00:00:00Z' }), rs('a', 8, 8)], 5);
    expect(plan.map(([r, to]) => `${r.metadata.name}->${to}`)).toEqual(['b->0']);
    // 10 available, 8 must stay: the oldest loses 2.
    const down = availableScaleDown(d, [rs('a', 6), rs('b', 4)], [rs('a', 6), rs('b', 4)]);
    expect(down.map(([r, to]) => `${r.metadata.name}->${to}`)).toEqual(['a->4']);
    expect(availableScaleDown(d, [rs('a', 8, 7), rs('new', 3, 1)], [rs('a', 8, 7)])).toEqual([]);
  });

  it('shares a scale-up among ReplicaSets in proportion to their size', () => {
    const d = deployment(20, 0, 5); // was 10: old 6 + new 4, max-replicas annotation 10
    const old = rs('old', 6, 6, { created: '2026-01-01T00:00:00Z' });
    const cur = rs('new', 4, 4, { created: '2026-01-02T00:00:00Z' });
    for (const r of [old, cur]) r.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '10';
    expect(proportionalSizes(d, [old, cur]).map(([r, n]) => `${r.metadata.name}=${n}`)).toEqual(['old=12', 'new=8']);
  });
});

describe('revisions and the template hash', () => {
  it('numbers a new ReplicaSet one past the highest, and keeps the history of a reused one', () => {
    const d = deployment(3);
    d.metadata.annotations = { 'kubernetes.io/change-cause': 'kubectl set image', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    const fresh: Record<string, string> = {};
    expect(setNewReplicaSetAnnotations(d, fresh, 1, false)).toBe(true);
    expect(fresh).toEqual({ 'kubernetes.io/change-cause': 'kubectl set image', 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    const reused = { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/revision-history': '' };
    setNewReplicaSetAnnotations(deployment(3), reused, 3, true);
    expect(reused).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    const ahead = { 'deployment.kubernetes.io/revision': '5' };
    expect(setNewReplicaSetAnnotations(deployment(3), ahead, 4, true)).toBe(false);
  });

  it('hashes a template the same whatever its key order, differently per image and collision count', () => {
    const a = computeHash(template('besu:1'));
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash({ spec: { containers: [{ image: 'besu:1', name: 'besu' }] }, metadata: { labels: { app: 'web' } } })).toBe(a);
    expect(computeHash(template('besu:2'))).not.toBe(a);
    expect(computeHash(template('besu:1'), 1)).not.toBe(a);
  });

  it('finds the new ReplicaSet by template, ignoring the pod-template-hash label', () => {
    const d = deployment(3);
    const found = findNewReplicaSet(d, [rs('old', 3), rs('second', 0, 0, { image: 'besu:2', created: '2026-01-03T00:00:00Z' }), rs('first', 0, 0, { image: 'besu:2', created: '2026-01-02T00:00:00Z' })]);
    expect(found?.metadata.name).toBe('first'); // the oldest of equal templates
    // `rollout undo` sends the template back with creationTimestamp: null; still the same one.
    const undone = { ...d, spec: { ...d.spec, template: { ...template('besu:1'), metadata: { creationTimestamp: null, labels: { app: 'web' } } } } } as unknown as Deployment;
    expect(findNewReplicaSet(undone, [rs('old', 3)])?.metadata.name).toBe('old');
  });
});

describe('Deployment conditions', () => {
  it('reports Available and Progressing as a rollout moves, completes and stalls', () => {
    const clock = new FakeClock();
    const d = deployment(3, 1, 0);
    const moving = rolloutStatus([rs('old', 3), rs('new', 1, 0)], rs('new', 1, 0), d, clock);
    expect(moving).toMatchObject({ replicas: 4, updatedReplicas: 1, availableReplicas: 3, unavailableReplicas: 1, observedGeneration: 1 });
    expect(moving.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Available=True/MinimumReplicasAvailable', 'Progressing=True/ReplicaSetUpdated']);
    const done = rolloutStatus([rs('old', 0), rs('new', 3)], rs('new', 3), { ...d, status: moving }, clock);
    expect(done.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "new" has successfully progressed.' });
    // No progress for longer than progressDeadlineSeconds: the condition turns False.
    clock.advance(601_000);
    expect(deploymentTimedOut(d, moving, clock)).toBe(true);
    const stalled = rolloutStatus([rs('old', 3), rs('new', 1, 0)], rs('new', 1, 0), { ...d, status: moving }, clock);
    expect(stalled.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('Recreate waits while any old pod still runs, even a terminating one', () => {
    const old = rs('old', 0, 0);
    old.status = { replicas: 0 };
    const leaving = { ...pod('old-a', { node: 'n1', deleting: true }) };
    expect(oldPodsRunning(undefined, [old], new Map([['uid-old', [leaving]]]))).toBe(true);
    expect(oldPodsRunning(undefined, [old], new Map([['uid-old', [pod('done', { node: 'n1', phase: 'Succeeded' })]]]))).toBe(false);
  });
});

describe('DeploymentController.sync', () => {
  it('creates the first ReplicaSet with the hash in its name, labels and selector, sized to replicas', async () => {
    const h = harness();
    const c = new DeploymentController({ client: h.client, factory: h.factory, clock: h.clock, recorder: h.recorder, log: h.log });
    fill(h.factory.informer('deployments'), [deployment(3)]);
    fill(h.factory.informer('replicasets'), []);
    fill(h.factory.informer('pods'), []);
    await c['sync']('default/web');
    const created = h.client.of('create', 'replicasets')[0].body as ReplicaSet;
    const hash = computeHash(deployment(3).spec.template);
    expect(created.metadata).toMatchObject({ name: `web-${hash}`, labels: { app: 'web', 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    expect(created.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    expect(created.spec).toMatchObject({ replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } } });
    expect(h.recorder.messages('ScalingReplicaSet')).toEqual([`Scaled up replica set web-${hash} from 0 to 3`]);
    expect(h.client.of('patch', 'deployments').map((p) => p.options?.subresource ?? 'main')).toEqual(['main', 'status', 'status']);
  });
});

describe('GarbageCollector with apps/v1 owners', () => {
  it('deletes a ReplicaSet whose Deployment is gone (its pods follow), and keeps one whose Deployment lives', async () => {
    const h = harness();
    const gc = new GarbageCollector({ client: h.client, factory: h.factory, clock: h.clock, log: h.log });
    fill(h.factory.informer('deployments'), []);
    fill(h.factory.informer('replicasets'), [rs('web-abc', 3)]);
    fill(h.factory.informer('pods'), []);
    h.client.put('deployments', deployment(3));
    await gc['sync']('replicaset default/web-abc');
    expect(h.client.actions()).toEqual(['get deployments web']);
    h.client.objects.clear();
    await gc['sync']('replicaset default/web-abc');
    expect(h.client.actions()).toEqual(['get deployments web', 'get deployments web', 'delete replicasets web-abc']);
    expect(h.client.of('delete')[0].options).toMatchObject({ propagationPolicy: 'Background', preconditions: { uid: 'uid-web-abc' } });
  });
});
