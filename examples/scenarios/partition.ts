// A cut-off ship keeps its cargo running
// ======================================
// CONCEPT   A node the control plane cannot hear from is not necessarily dead. We cut one node's
//           link to the apiserver: its lease renewals vanish, so after node-monitor-grace-period
//           it is NotReady and tainted like a sunk ship - but its containers never stopped and
//           still answer. When its pod's toleration runs out the pod is deleted and replaced
//           elsewhere, so two copies run for a while: the old one on the island, which has not
//           heard of its deletion, and the new one. Healing the link lets the kubelet learn the
//           news and stop the old copy. Last, a *slow* link (every API call 5 s late, well within
//           the 40 s grace) leaves the node Ready: slow is not dead.
// REAL K8S  pkg/controller/nodelifecycle, pkg/kubelet/nodelease; the split-brain window is why
//           StatefulSets never replace a pod before its deletion is confirmed
// SHIPS     A ship whose radio mast is shot away still carries its cargo.
// EXAMPLE   npm run scenario -- examples/scenarios/partition.ts
// SKIPPED   the apiserver-to-kubelet direction (kubectl logs still reach the island).

import { hasTaint, isReady, nodeReady, scenario } from '../../cluster/scenario/index.ts';

const LEDGER = `
apiVersion: v1
kind: ReplicationController
metadata: {name: island}
spec:
  replicas: 1
  selector: {app: island}
  template:
    metadata:
      labels: {app: island}
      annotations: {besu.harbour.dev/network: partition-lesson}
    spec:
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 20}
      containers:
      - name: besu
        image: hyperledger/besu:24.1
        ports: [{containerPort: 8545}]
        resources: {requests: {cpu: 100m, memory: 128Mi}}
`;

export default scenario({
  name: 'partition',
  title: 'A cut-off ship keeps its cargo running',
  lesson: `NotReady means "not heard from", not "dead". A partitioned node's pods keep running;
    once replaced elsewhere, two copies run until the link heals. A merely slow link is not a
    failure at all while the lease still arrives within the grace period.`,
  minShips: 2,
}, async (s) => {
  const first = await s.step('One Besu pod under a ReplicationController', async () => {
    await s.apply(LEDGER);
    return s.until('it is Ready', async () => (await s.pods('app=island')).find(isReady), '60s');
  });
  const island = first.spec.nodeName!;

  const q = await s.predict(`We cut ${island} off from the apiserver. Does ${first.metadata.name} keep answering?`, ['yes', 'no']);
  await s.step(`Partition ${island}`, async () => {
    await s.chaos.partition(island);
    await s.until(`${island} is NotReady and tainted unreachable`, async () => {
      const node = await s.node(island);
      return !nodeReady(node) && hasTaint(node, 'node.kubernetes.io/unreachable', 'NoExecute');
    }, '60s');
    const height = await s.blockNumber(first);
    q.reveal('yes', `${first.metadata.name} still answers on ${first.status?.podIP}: block #${height}`);
  });

  await s.step('Two copies for a while', async () => {
    const copy = await s.until('a replacement is Ready on another ship', async () =>
      (await s.pods('app=island')).find((p) => p.metadata.uid !== first.metadata.uid && isReady(p)), '90s');
    const old = await s.blockNumber(first);
    const fresh = await s.until(`the replacement ${copy.metadata.name} answers too`, () => s.blockNumber(copy).then((n) => `#${n}`), '30s');
    s.say(`the old copy on ${island} answers #${old}; the new one on ${copy.spec.nodeName} answers ${fresh}: split brain`);
  });

  await s.step(`Heal ${island}'s link`, async () => {
    await s.chaos.heal(island);
    await s.until(`${island} is Ready again and its taints are gone`, async () => {
      const node = await s.node(island);
      return nodeReady(node) && !hasTaint(node, 'node.kubernetes.io/unreachable');
    }, '60s');
    await s.until('the kubelet stopped the old copy: one pod left', async () => {
      const pods = await s.pods('app=island');
      return pods.length === 1 && pods[0]!.metadata.uid !== first.metadata.uid;
    }, '60s');
    await s.until(`${first.status?.podIP} no longer answers`, () => s.blockNumber(first).then(() => false, () => true), '30s');
  });

  await s.step(`Slow ${island}'s API calls by 5 s`, async () => {
    await s.chaos.slow(island, '5s');
    await s.holds(`${island} stays Ready`, async () => nodeReady(await s.node(island)), '60s');
    await s.chaos.slow(island, 0);
  });
});
