// Compatibility: `kubectl delete --cascade` with the real kubectl - orphan, foreground, background
// =================================================================================================
// CONCEPT   kubectl sends the cascade as DeleteOptions {propagationPolicy} in the DELETE body. Our
//           apiserver turns Orphan and Foreground into the "orphan" and "foregroundDeletion"
//           finalizers, and the garbage collector in kube-controller-manager does the rest:
//             --cascade=orphan      the owner goes; its ReplicaSets / pods stay, their ownerReference gone;
//             --cascade=foreground  the owner stays (deletionTimestamp + finalizer) until its
//                                   dependents - and theirs - are gone; kubectl waits for that;
//             --cascade=background  (the default) the owner goes at once, the dependents after it.
//           Each is checked for a Deployment, a ReplicaSet and a ReplicationController.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go (--cascade => propagationPolicy),
//           staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
//           (deletionFinalizersForGarbageCollection), pkg/controller/garbagecollector/
// SHIPS     Closing an office: scrap its containers, re-stamp them "no office", or wait on the quay
//           until the last one is ashore.
// EXAMPLE   kubectl delete deployment web --cascade=orphan  =>  deployment gone, rs web-5d4f8c6b9 stays
// SKIPPED   Cascades through kinds our garbage collector does not follow (Jobs, StatefulSets, ...).

import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { eventually, rcYaml, skipKubectl, sleep, useKubectl, type Obj } from '../helpers/kubectl.ts';
import { startSimCluster, type SimClusterHandle } from '../helpers/sim-cluster.ts';

const clock = realClock(0.05);
const HOLD = 'harbour.example/hold';

function rsYaml(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: besu
        image: hyperledger/besu:24.1
`;
}

describe.skipIf(skipKubectl)('kubectl delete --cascade', () => {
  let cluster: SimClusterHandle | undefined;
  const { kubectl, ok, manifest, api } = useKubectl({
    serviceClusterIPRange: '127.96.81.0/24',
    setup: async (k) => void (cluster = await startSimCluster({ clock, nodes: ['node-1', 'node-2'], controlPlane: k.cp })),
  });
  // Registered after useKubectl's, so it runs first: the controllers stop before the apiserver.
  afterAll(() => cluster?.stop());

  const list = async (path: string, app: string): Promise<Obj[]> => (await api('GET', `${path}?labelSelector=app%3D${app}`)).items;
  const pods = (app: string) => list('/api/v1/namespaces/default/pods', app);
  const replicaSets = (app: string) => list('/apis/apps/v1/namespaces/default/replicasets', app);
  const names = (items: Obj[]) => items.map((o) => o.metadata.name).sort();
  const running = async (app: string, n: number) => eventually(async () => {
    const ps = await pods(app);
    expect(ps.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)).toHaveLength(n);
  }, 20_000);

  async function deployment(name: string, replicas: number): Promise<void> {
    await ok('create', 'deployment', name, '--image=hyperledger/besu:24.1', `--replicas=${replicas}`);
    await ok('rollout', 'status', `deployment/${name}`, '--timeout=60s');
  }

  it('orphan: the ReplicaSet and its pods stay, no longer owned by the Deployment', async () => {
    await deployment('keep', 2);
    const [rs] = await replicaSets('keep');
    const before = names(await pods('keep'));
    expect(await ok('delete', 'deployment', 'keep', '--cascade=orphan')).toBe('deployment.apps "keep" deleted\n');
    expect((await kubectl(['get', 'deployment', 'keep'])).stderr).toContain('deployments.apps "keep" not found');
    const [after] = await replicaSets('keep');
    expect(after.metadata.uid).toBe(rs.metadata.uid);
    expect(after.metadata.ownerReferences).toBeUndefined();
    // The pods still belong to their ReplicaSet (only the direct dependents are orphaned), and live on.
    await sleep(500);
    const now = await pods('keep');
    expect(names(now)).toEqual(before);
    expect(now.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid && !p.metadata.deletionTimestamp)).toBe(true);
  });

  it('orphan, then a new Deployment of the same template adopts the ReplicaSet instead of making one', async () => {
    const [orphan] = await replicaSets('keep');
    const before = names(await pods('keep'));
    await deployment('keep', 2);
    const rsList = await replicaSets('keep');
    const d = await api('GET', '/apis/apps/v1/namespaces/default/deployments/keep');
    expect(rsList.map((rs) => rs.metadata.uid)).toEqual([orphan.metadata.uid]);
    expect(rsList[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'keep', uid: d.metadata.uid });
    expect(names(await pods('keep'))).toEqual(before);
    await ok('delete', 'deployment', 'keep'); // background: now everything goes
    await eventually(async () => expect([...await replicaSets('keep'), ...await pods('keep')]).toEqual([]), 20_000);
  });

  it('foreground: the Deployment waits, with its finalizer, until its ReplicaSets and their pods are gone', async () => {
    await deployment('fg', 2);
    const [held] = await pods('fg');
    // A finalizer of our own keeps one pod Terminating, so we can look at the waiting owners.
    await ok('patch', 'pod', held.metadata.name, '--type=merge', '-p', JSON.stringify({ metadata: { finalizers: [HOLD] } }));
    expect(await ok('delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false')).toBe('deployment.apps "fg" deleted\n');
    await eventually(async () => {
      const [rs] = await replicaSets('fg');
      expect(rs.metadata.finalizers).toEqual(['foregroundDeletion']);
      expect(rs.metadata.deletionTimestamp).toEqual(expect.any(String));
      expect(names(await pods('fg'))).toEqual([held.metadata.name]);
    });
    const d = await api('GET', '/apis/apps/v1/namespaces/default/deployments/fg');
    expect(d.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(d.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(await ok('get', 'pods', '-l', 'app=fg', '--no-headers')).toMatch(/ Terminating /);

    await ok('patch', 'pod', held.metadata.name, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]');
    await ok('wait', '--for=delete', 'deployment/fg', '--timeout=30s');
    expect([...await replicaSets('fg'), ...await pods('fg')]).toEqual([]);
  });

  it('foreground without --wait=false: when kubectl returns, nothing of the Deployment is left', async () => {
    await deployment('fg2', 3);
    expect(await ok('delete', 'deployment', 'fg2', '--cascade=foreground')).toBe('deployment.apps "fg2" deleted\n');
    expect([...await replicaSets('fg2'), ...await pods('fg2')]).toEqual([]);
  });

  it('a ReplicaSet: orphan keeps its pods, a new one with the same selector adopts them, foreground takes them', async () => {
    const file = manifest('front.yaml', rsYaml('front', 2));
    await ok('apply', '-f', file);
    await running('front', 2);
    const before = names(await pods('front'));
    await ok('delete', 'rs', 'front', '--cascade=orphan');
    expect(await replicaSets('front')).toEqual([]);
    expect((await pods('front')).map((p) => p.metadata.ownerReferences)).toEqual([undefined, undefined]);
    await ok('apply', '-f', file);
    await eventually(async () => expect((await pods('front')).every((p) => p.metadata.ownerReferences?.[0]?.name === 'front')).toBe(true));
    expect(names(await pods('front'))).toEqual(before); // adopted, not replaced
    await ok('delete', 'rs', 'front', '--cascade=foreground');
    expect(await pods('front')).toEqual([]);
  });

  it('a ReplicationController: orphan, then background', async () => {
    await ok('apply', '-f', manifest('rc.yaml', rcYaml('old', 2, 'hyperledger/besu:24.1')));
    await running('old', 2);
    expect(await ok('delete', 'rc', 'old', '--cascade=orphan')).toBe('replicationcontroller "old" deleted\n');
    const orphans = await pods('old');
    expect(orphans.map((p) => p.metadata.ownerReferences)).toEqual([undefined, undefined]);
    await sleep(500);
    expect(names(await pods('old'))).toEqual(names(orphans));
    // A new RC adopts the orphans; deleted in the background, it takes them with it.
    await ok('apply', '-f', manifest('rc.yaml', rcYaml('old', 2, 'hyperledger/besu:24.1')));
    await eventually(async () => expect((await pods('old')).every((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicationController')).toBe(true));
    await ok('delete', 'rc', 'old');
    await eventually(async () => expect(await pods('old')).toEqual([]), 20_000);
  });

  it('a ReplicationController: foreground', async () => {
    await ok('apply', '-f', manifest('rc2.yaml', rcYaml('old2', 2, 'hyperledger/besu:24.1')));
    await running('old2', 2);
    await ok('delete', 'rc', 'old2', '--cascade=foreground');
    expect(await pods('old2')).toEqual([]);
  });
});
