// The replication manager's sync against a recording fake client: it creates exactly the missing
// pods, does nothing when replicas match, never touches other controllers' pods, deletes in
// Kubernetes' order, and its expectations stop a lagging cache from causing double creates.
import { describe, expect, it } from 'vitest';
import type { Pod, ReplicationController } from '../../api/types.ts';
import { compareForDeletion, podsToDelete } from '../../controllers/active-pods.ts';
import { ControllerExpectations, slowStartBatch } from '../../controllers/expectations.ts';
import { ReplicationManager } from '../../controllers/replication-manager.ts';
import { apiError, deliver, fill, harness, pod, rc, type FakeClient } from './controllers-fake-client.ts';

function setup(rcs: ReplicationController[], pods: Pod[]) {
  const h = harness();
  const rm = new ReplicationManager({ client: h.client, factory: h.factory, clock: h.clock, recorder: h.recorder, log: h.log });
  fill(h.factory.informer('replicationcontrollers'), rcs);
  fill(h.factory.informer('pods'), pods);
  const sync = (key = 'default/besu') => rm['sync'](key);
  return { ...h, rm, sync, pods: h.factory.informer('pods'), rcs: h.factory.informer('replicationcontrollers') };
}

const created = (c: FakeClient) => c.of('create', 'pods').map((x) => x.body as Pod);
const deleted = (c: FakeClient) => c.of('delete', 'pods').map((x) => x.name);
/** The status the n-th status patch of the RC wrote. */
const statusWritten = (c: FakeClient, n = 0) => (c.of('patch', 'replicationcontrollers').filter((x) => x.options?.subresource === 'status')[n].body as ReplicationController).status!;

describe('ReplicationManager.sync', () => {
  it('creates exactly the missing pods from the template, owned by the RC', async () => {
    const besu = rc('besu', 4);
    const t = setup([besu], [pod('besu-a', { owner: besu, node: 'n1', ready: true })]);
    await t.sync();
    const pods = created(t.client);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.generateName).toBe('besu-');
      expect(p.metadata.labels).toEqual({ app: 'besu' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ReplicationController', name: 'besu', uid: 'uid-besu', controller: true, blockOwnerDeletion: true }]);
      expect(p.spec.containers[0].image).toBe('hyperledger/besu:24.1');
    }
    expect(t.recorder.messages('SuccessfulCreate')).toEqual(['Created pod: besu-xxxx1', 'Created pod: besu-xxxx2', 'Created pod: besu-xxxx3']);
    // Status counts what the cache showed at the start of the sync, for the current generation.
    expect(statusWritten(t.client)).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 });
  });

  it('does nothing when replicas match and status is current', async () => {
    const besu = rc('besu', 2);
    besu.status = { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 };
    const t = setup([besu], [pod('besu-a', { owner: besu, node: 'n1', ready: true }), pod('besu-b', { owner: besu, node: 'n2', ready: true })]);
    await t.sync();
    expect(t.client.calls).toEqual([]);
  });

  it('ignores pods another controller owns, even with matching labels', async () => {
    const besu = rc('besu', 2);
    const other = rc('other', 1);
    const t = setup([besu, other], [pod('other-a', { owner: other, labels: { app: 'besu' }, node: 'n1' })]);
    await t.sync();
    expect(created(t.client)).toHaveLength(2);
    expect(t.client.of('patch', 'pods')).toEqual([]);
  });

  it('adopts a matching orphan and releases an owned pod that stopped matching', async () => {
    const besu = rc('besu', 1);
    const t = setup([besu], [pod('orphan', { labels: { app: 'besu' }, node: 'n1' }), pod('relabelled', { owner: besu, labels: { app: 'debug' }, node: 'n1' })]);
    t.client.put('replicationcontrollers', besu); // the adoption re-check reads the RC live
    await t.sync();
    const patches = t.client.of('patch', 'pods');
    expect(patches.map((p) => p.name)).toEqual(['orphan', 'relabelled']);
    expect((patches[0].body as Pod).metadata.ownerReferences?.[0]).toMatchObject({ uid: 'uid-besu', controller: true });
    expect((patches[1].body as Pod).metadata.ownerReferences).toBeNull();
    expect(created(t.client)).toEqual([]); // the adopted orphan fills the one replica
  });

  it('does not adopt while the RC is being deleted, nor create', async () => {
    const besu = { ...rc('besu', 3), metadata: { ...rc('besu', 3).metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const t = setup([besu], [pod('orphan', { labels: { app: 'besu' }, node: 'n1' })]);
    await t.sync();
    expect(t.client.actions()).toEqual(['patch replicationcontrollers besu']); // its status, nothing else
  });

  it('replaces a failed pod and does not count a terminating one', async () => {
    const besu = rc('besu', 2);
    const t = setup([besu], [
      pod('ok', { owner: besu, node: 'n1', ready: true }),
      pod('crashed', { owner: besu, node: 'n1', phase: 'Failed' }),
      pod('leaving', { owner: besu, node: 'n1', ready: true, deleting: true }),
    ]);
    await t.sync();
    expect(created(t.client)).toHaveLength(1);
    expect(deleted(t.client)).toEqual([]);
  });

  it('deletes unscheduled, then pending, then not ready, then the newest ready pods first', async () => {
    const besu = rc('besu', 2);
    const pods = [
      pod('old-ready', { owner: besu, node: 'n1', ready: true, readySince: '2026-01-01T00:01:00Z', created: '2026-01-01T00:00:00Z' }),
      pod('new-ready', { owner: besu, node: 'n2', ready: true, readySince: '2026-01-01T00:05:00Z', created: '2026-01-01T00:04:00Z' }),
      pod('not-ready', { owner: besu, node: 'n3', ready: false }),
      pod('pending', { owner: besu, node: 'n4', phase: 'Pending' }),
      pod('unscheduled', { owner: besu }),
      pod('mid-ready', { owner: besu, node: 'n5', ready: true, readySince: '2026-01-01T00:03:00Z', created: '2026-01-01T00:02:00Z' }),
    ];
    const t = setup([besu], pods);
    await t.sync();
    expect(deleted(t.client)).toEqual(['unscheduled', 'pending', 'not-ready', 'new-ready']);
    expect(t.recorder.messages('SuccessfulDelete')).toContain('Deleted pod: unscheduled');
  });

  it('prefers pods doubled up on a node, then more restarts, when otherwise equal', () => {
    const besu = rc('besu', 1);
    const lonely = pod('lonely', { owner: besu, node: 'n1', ready: true });
    const crowdedA = pod('crowded-a', { owner: besu, node: 'n2', ready: true });
    const crowdedB = pod('crowded-b', { owner: besu, node: 'n2', ready: true, restarts: 3 });
    expect(podsToDelete([lonely, crowdedA, crowdedB], [lonely, crowdedA, crowdedB], 2).map((p) => p.metadata.name)).toEqual(['crowded-b', 'crowded-a']);
    expect(compareForDeletion(crowdedB, crowdedA)).toBeLessThan(0);
  });

  it('does not create twice while the watch has not caught up (expectations)', async () => {
    const besu = rc('besu', 3);
    const t = setup([besu], []);
    await t.sync();
    expect(created(t.client)).toHaveLength(3);
    // The cache still shows no pods: a second sync must wait for the watch, not create 3 more.
    await t.sync();
    expect(created(t.client)).toHaveLength(3);
    expect(t.rm.expectations.pending('default/besu')).toEqual({ add: 3, del: 0 });
    // The watch delivers the pods: each ADDED ticks one expectation off.
    for (const c of t.client.of('create', 'pods')) deliver(t.pods, 'ADDED', t.client.objects.get(`pods/default/${c.name}`) as Pod);
    expect(t.rm.expectations.satisfied('default/besu')).toBe(true);
    await t.sync();
    expect(created(t.client)).toHaveLength(3);
  });

  it('counts a graceful delete once, when deletionTimestamp appears', async () => {
    const besu = rc('besu', 1);
    const a = pod('a', { owner: besu, node: 'n1', ready: true, created: '2026-01-01T00:00:00Z' });
    const b = pod('b', { owner: besu, node: 'n1', ready: true, created: '2026-01-01T00:01:00Z' });
    const t = setup([besu], [a, b]);
    await t.sync();
    expect(deleted(t.client)).toEqual(['b']);
    await t.sync(); // still cached without deletionTimestamp: no second delete
    expect(deleted(t.client)).toEqual(['b']);
    deliver(t.pods, 'MODIFIED', { ...b, metadata: { ...b.metadata, deletionTimestamp: '2026-01-01T00:00:30Z' } });
    expect(t.rm.expectations.satisfied('default/besu')).toBe(true);
    await t.sync();
    expect(deleted(t.client)).toEqual(['b']);
  });

  it('stops after the first failed create (slow start), says FailedCreate, and sets ReplicaFailure', async () => {
    const besu = rc('besu', 5);
    const t = setup([besu], []);
    t.client.fail.push({ verb: 'create', resource: 'pods', error: apiError(403, 'Forbidden', 'pods "besu-" is forbidden: exceeded quota') });
    await expect(t.sync()).rejects.toThrow('exceeded quota');
    expect(t.client.of('create', 'pods')).toHaveLength(1);
    expect(t.recorder.messages('FailedCreate')).toEqual(['Error creating: pods "besu-" is forbidden: exceeded quota']);
    expect(t.rm.expectations.satisfied('default/besu')).toBe(true); // nothing left to wait for
    expect(statusWritten(t.client).conditions).toEqual([expect.objectContaining({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' })]);
  });

  it('counts available replicas only after minReadySeconds, on the scaled clock', async () => {
    const besu = rc('besu', 1, { minReadySeconds: 10 });
    const t = setup([besu], [pod('a', { owner: besu, node: 'n1', ready: true, readySince: '2026-01-01T00:00:00Z' })]);
    await t.sync();
    expect(statusWritten(t.client)).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    t.clock.advance(10_000);
    await t.sync();
    expect(statusWritten(t.client, 1)).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
  });

  it('forgets expectations of a deleted RC', async () => {
    const t = setup([], []);
    t.rm.expectations.expectCreations('default/besu', 2);
    await t.sync();
    expect(t.rm.expectations.pending('default/besu')).toBeUndefined();
    expect(t.client.calls).toEqual([]);
  });
});

describe('expectations and slow start', () => {
  it('expire after five (scaled) minutes', () => {
    const h = harness();
    const e = new ControllerExpectations(h.clock);
    e.expectDeletions('k', ['default/a']);
    e.deletionObserved('k', 'default/other');
    expect(e.satisfied('k')).toBe(false);
    h.clock.advance(5 * 60_000 + 1);
    expect(e.satisfied('k')).toBe(true);
  });

  it('runs batches of 1, 2, 4 ... and stops at the first failing batch', async () => {
    let calls = 0;
    const result = await slowStartBatch(10, 1, async () => {
      if (++calls > 3) throw new Error('no');
    });
    expect(calls).toBe(7); // 1 + 2 + 4: the third batch had failures
    expect(result.successes).toBe(3);
  });
});
