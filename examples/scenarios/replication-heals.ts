// Replication heals killed pods
// =============================
// CONCEPT   A ReplicationController does not remember pods; whenever something changes it counts
//           the pods its selector matches and acts on the difference: fewer than `replicas`, it
//           creates; more, it deletes. Killing pods is not a failure it has to detect: the count
//           drops and new pods (new names, new IPs) appear within moments. Cattle, not pets.
// REAL K8S  pkg/controller/replication (syncReplicationController, manageReplicas)
// SHIPS     The replication office keeps the manifest's count of containers on the water.
// EXAMPLE   npm run scenario -- examples/scenarios/replication-heals.ts
// SKIPPED   ReplicaSets and Deployments (the same loop with set-based selectors and rollouts).

import { isActive, isReady, scenario } from '../../cluster/scenario/index.ts';

const BESU = `
apiVersion: v1
kind: ReplicationController
metadata: {name: ledger}
spec:
  replicas: 4
  selector: {app: ledger}
  template:
    metadata:
      labels: {app: ledger}
      annotations: {besu.harbour.dev/network: replication-lesson}
    spec:
      containers:
      - name: besu
        image: hyperledger/besu:24.1
        ports: [{containerPort: 8545}]
        resources: {requests: {cpu: 100m, memory: 128Mi}}
`;

export default scenario({
  name: 'replication-heals',
  title: 'Replication heals killed pods',
  lesson: `A ReplicationController keeps counting: when pods die it simply creates new ones, with
    new names and new IPs, until the count matches replicas again.`,
}, async (s) => {
  const before = await s.step('Four Besu pods under one ReplicationController', async () => {
    await s.apply(BESU);
    return s.until('4 ledger pods are Ready', async () => {
      const ready = (await s.pods('app=ledger')).filter(isReady);
      return ready.length === 4 && ready;
    }, '60s');
  });
  const victims = before.slice(0, 2).map((p) => p.metadata.name!);

  const q = await s.predict(`We kill ${victims.join(' and ')}. How many ledger pods will run a few seconds later?`, ['2', '4', '6']);
  const killedAt = s.mark();
  await s.step('Kill two pods', async () => {
    for (const name of victims) await s.delete('pods', name, { force: true });
  });

  await s.step('The replication office counts again', async () => {
    const after = await s.until('4 ledger pods are Ready again', async () => {
      const pods = (await s.pods('app=ledger')).filter(isActive);
      return pods.length === 4 && pods.every(isReady) && pods;
    }, '60s');
    q.reveal('4', `back to 4 after ${s.elapsed(killedAt)} (cluster time)`);
    const fresh = after.filter((p) => !before.some((b) => b.metadata.uid === p.metadata.uid));
    s.assert(fresh.length === 2, `2 of them are new pods: ${fresh.map((p) => `${p.metadata.name} (${p.status?.podIP})`).join(', ')}`);
    const created = await s.events({ reason: 'SuccessfulCreate', object: 'ledger', since: killedAt });
    s.assert(created.length >= 1, `the controller reported it: "${created.at(-1)?.message}"`);
    const heights = await Promise.all(fresh.map((p) => s.until(`${p.metadata.name} answers eth_blockNumber`, () => s.blockNumber(p).then((n) => `#${n}`), '30s')));
    s.say(`the new Besu nodes joined the network and report blocks ${heights.join(', ')}`);
  });
});
