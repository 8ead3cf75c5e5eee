// Cordon and drain a ship
// =======================
// CONCEPT   `kubectl cordon` sets spec.unschedulable: the scheduler's NodeUnschedulable filter turns
//           new pods away while the pods already there keep running. `kubectl drain` cordons, then
//           *evicts* every pod on the node through the policy/v1 Eviction subresource (a graceful
//           delete that respects disruption budgets); their controllers create replacements on the
//           other ships. Uncordon when the maintenance is done.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/drain/drain.go, pkg/registry/core/pod/storage/eviction.go,
//           pkg/scheduler/framework/plugins/nodeunschedulable
// SHIPS     A ship into dry dock: no new cargo, then its cargo moved to other ships.
// EXAMPLE   npm run scenario -- examples/scenarios/cordon-drain.ts
// SKIPPED   PodDisruptionBudgets (eviction would refuse while a budget is exhausted).

import { isActive, isReady, scenario } from '../../cluster/scenario/index.ts';

const CARGO = `
apiVersion: v1
kind: ReplicationController
metadata: {name: cargo}
spec:
  replicas: 3
  selector: {app: cargo}
  template:
    metadata: {labels: {app: cargo}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - {name: cargo, image: "registry.k8s.io/pause:3.10", resources: {requests: {cpu: 100m, memory: 128Mi}}}
`;

export default scenario({
  name: 'cordon-drain',
  title: 'Cordon and drain a ship',
  lesson: `Cordon keeps new pods off a node and leaves the old ones alone; drain evicts the old ones
    too, and their controllers rebuild them elsewhere. The node is then empty, ready for maintenance.`,
  minShips: 2,
}, async (s) => {
  const ship = await s.step('Three containers, packed onto one ship', async () => {
    await s.apply(CARGO);
    const pods = await s.until('3 cargo pods are Ready', async () => {
      const ready = (await s.pods('app=cargo')).filter(isReady);
      return ready.length === 3 && ready;
    }, '60s');
    const counts = new Map<string, number>();
    for (const p of pods) counts.set(p.spec.nodeName!, (counts.get(p.spec.nodeName!) ?? 0) + 1);
    const [fullest] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    s.say(`pods per ship: ${[...counts.entries()].map(([n, c]) => `${n} ${c}`).join(', ')}`);
    return fullest;
  });

  await s.step(`Cordon ${ship}`, async () => {
    await s.chaos.cordon(ship);
    await s.holds(`the pods on ${ship} keep running`, async () =>
      (await s.pods('app=cargo')).filter((p) => p.spec.nodeName === ship).every(isReady), '10s');
  });

  const q = await s.predict(`We scale to 4 replicas. Where can the 4th container go?`, s.ships.map((x) => x.name));
  await s.step('Scale up while cordoned', async () => {
    await s.client.patch('replicationcontrollers', 'cargo', { spec: { replicas: 4 } }, { namespace: s.ns });
    const pods = await s.until('4 cargo pods are Ready', async () => {
      const ready = (await s.pods('app=cargo')).filter(isReady);
      return ready.length === 4 && ready;
    }, '60s');
    const newest = pods.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')).at(-1)!;
    q.reveal(newest.spec.nodeName!, await s.why(newest.metadata.name!));
    s.assert(newest.spec.nodeName !== ship, `the new pod avoided the cordoned ${ship}`);
  });

  await s.step(`Drain ${ship}`, async () => {
    await s.chaos.drain(ship);
    await s.until(`no cargo runs on ${ship} and 4 are Ready elsewhere`, async () => {
      const pods = await s.pods('app=cargo');
      return pods.every((p) => p.spec.nodeName !== ship) && pods.filter((p) => isActive(p) && isReady(p)).length === 4;
    }, '90s');
    const evicted = await s.events({ reason: 'Killing', message: /Stopping container/ });
    s.say(`the kubelet on ${ship} stopped ${evicted.filter((e) => e.involvedObject.namespace === s.ns).length} container(s) gracefully`);
  });

  await s.step(`Uncordon ${ship}`, async () => {
    await s.chaos.uncordon(ship);
    s.assert(!(await s.node(ship)).spec?.unschedulable, `${ship} takes new pods again`);
  });
});
