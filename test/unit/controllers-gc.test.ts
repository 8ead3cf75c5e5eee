// Garbage collection: dependents of a deleted owner are deleted (confirmed with the apiserver
// first), an owner deleted with the orphan finalizer lets its pods go, and pods on a node that no
// longer exists are cleared after the quarantine.
import { describe, expect, it } from 'vitest';
import type { Pod, ReplicationController } from '../../api/types.ts';
import { FINALIZER_ORPHAN, GarbageCollector } from '../../controllers/garbage-collector.ts';
import { PodGCController } from '../../controllers/podgc.ts';
import { fill, harness, node, pod, rc } from './controllers-fake-client.ts';

function gc(rcs: ReplicationController[], pods: Pod[]) {
  const h = harness();
  const c = new GarbageCollector({ client: h.client, factory: h.factory, clock: h.clock, log: h.log });
  fill(h.factory.informer('replicationcontrollers'), rcs);
  fill(h.factory.informer('pods'), pods);
  return { ...h, sync: (k: string) => c['sync'](k) };
}

describe('GarbageCollector', () => {
  it('deletes a pod whose owner is gone, after checking with the apiserver', async () => {
    const besu = rc('besu', 1);
    const t = gc([], [pod('besu-a', { owner: besu, node: 'n1' })]);
    await t.sync('pod default/besu-a');
    expect(t.client.actions()).toEqual(['get replicationcontrollers besu', 'delete pods besu-a']);
    expect(t.client.of('delete')[0].options).toMatchObject({ propagationPolicy: 'Background', preconditions: { uid: 'uid-besu-a' } });
  });

  it('keeps a pod whose owner the cache has not seen yet but the apiserver has', async () => {
    const besu = rc('besu', 1);
    const t = gc([], [pod('besu-a', { owner: besu, node: 'n1' })]);
    t.client.put('replicationcontrollers', besu);
    await t.sync('pod default/besu-a');
    expect(t.client.actions()).toEqual(['get replicationcontrollers besu']);
  });

  it('treats an owner recreated under the same name (new uid) as gone', async () => {
    const besu = rc('besu', 1);
    const t = gc([{ ...besu, metadata: { ...besu.metadata, uid: 'uid-new' } }], [pod('besu-a', { owner: besu, node: 'n1' })]);
    t.client.put('replicationcontrollers', { ...besu, metadata: { ...besu.metadata, uid: 'uid-new' } });
    await t.sync('pod default/besu-a');
    expect(t.client.actions()).toContain('delete pods besu-a');
  });

  it('orphans the dependents of an owner deleted with the "orphan" finalizer, then removes it', async () => {
    const besu = rc('besu', 1);
    besu.metadata = { ...besu.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: [FINALIZER_ORPHAN] };
    const t = gc([besu], [pod('besu-a', { owner: besu, node: 'n1' }), pod('besu-b', { owner: besu, node: 'n1' })]);
    await t.sync('pod default/besu-a');
    expect(t.client.actions()).toEqual([]); // its owner still exists (being deleted): not ours to delete
    await t.sync('owner replicationcontrollers default/besu');
    expect(t.client.actions()).toEqual(['patch pods besu-a', 'patch pods besu-b', 'patch replicationcontrollers besu']);
    expect(t.client.of('patch', 'pods')[0].body).toMatchObject({ metadata: { ownerReferences: null } });
    expect(t.client.of('patch', 'replicationcontrollers')[0].body).toMatchObject({ metadata: { finalizers: null } });
  });
});

describe('PodGCController', () => {
  it('deletes pods bound to a node that has not existed for the quarantine period', async () => {
    const h = harness();
    const c = new PodGCController({ client: h.client, factory: h.factory, clock: h.clock, log: h.log });
    fill(h.factory.informer('nodes'), [node('n1')]);
    fill(h.factory.informer('pods'), [pod('a', { node: 'gone', ready: true }), pod('b', { node: 'n1', ready: true })]);
    await c['sync']('default/a');
    await c['sync']('default/b');
    expect(h.client.actions()).toEqual([]);
    h.clock.advance(40_000);
    await c['sync']('default/a');
    expect(h.client.actions()).toEqual(['get nodes gone', 'updateStatus pods a', 'delete pods a']);
    expect((h.client.of('updateStatus')[0].body as Pod).status).toMatchObject({ phase: 'Failed' });
    expect(h.client.of('delete')[0].options).toMatchObject({ gracePeriodSeconds: 0 });
  });
});
