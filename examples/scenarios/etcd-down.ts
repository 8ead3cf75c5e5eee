// etcd goes down and comes back with every object intact
// ======================================================
// CONCEPT   etcd is the cluster's only memory. Only the apiserver talks to it; without it the
//           apiserver is up but can neither read nor write, so it answers 503 ServiceUnavailable to
//           everyone. Containers keep running. When etcd comes back it replays its write-ahead log
//           from disk, and every object returns at the resourceVersion (etcd revision) it had.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/storage/etcd3 (the only etcd client); etcd's WAL and
//           snapshots (server/storage/wal)
// SHIPS     The records office closes; the radio room can only say "try again later".
// EXAMPLE   npm run scenario -- examples/scenarios/etcd-down.ts
// SKIPPED   losing one member of a three-member etcd (ours has one member).

import { isReady, scenario, type ScenarioContext } from '../../cluster/scenario/index.ts';

const LEDGER = `
apiVersion: v1
kind: ReplicationController
metadata: {name: ledger}
spec:
  replicas: 2
  selector: {app: ledger}
  template:
    metadata:
      labels: {app: ledger}
      annotations: {besu.harbour.dev/network: etcd-lesson}
    spec:
      containers:
      - name: besu
        image: hyperledger/besu:24.1
        ports: [{containerPort: 8545}]
        resources: {requests: {cpu: 100m, memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: ledger}
spec:
  selector: {app: ledger}
  ports: [{port: 8545, targetPort: 8545}]
`;

export default scenario({
  name: 'etcd-down',
  title: 'etcd goes down and comes back with every object intact',
  lesson: `etcd is the cluster's memory. Without it the apiserver answers 503 to everyone, yet the
    containers run on; when etcd returns, every object comes back at the same resourceVersion.`,
}, async (s) => {
  const { pods, before } = await s.step('Objects worth remembering', async () => {
    await s.apply(LEDGER);
    const pods = await s.until('2 ledger pods are Ready', async () => {
      const ready = (await s.pods('app=ledger')).filter(isReady);
      return ready.length === 2 && ready;
    }, '60s');
    // Let the controllers finish writing status, so what we remember is settled.
    await s.sleep('5s');
    return { pods, before: await snapshot(s) };
  });
  s.say(`remembered ${before.size} objects: ${[...before.keys()].join(', ')}`);

  const q = await s.predict('We stop etcd. What does `kubectl get pods` answer?', ['the pods', 'an empty list', 'an error']);
  await s.step('Stop etcd', async () => {
    await s.chaos.stop('etcd');
    const answer = await s.until('the apiserver refuses to answer without etcd', () =>
      s.client.list('pods', { namespace: s.ns }).then(() => undefined, (e: Error & { code?: number }) => `${e.code ?? ''} ${e.message}`), '30s');
    q.reveal('an error', answer.trim());
    const first = await s.blockNumber(pods[0]!);
    await s.until('the Besu pods still produce blocks', async () => (await s.blockNumber(pods[0]!)) > first, '30s');
  });

  await s.step('Start etcd again', async () => {
    await s.chaos.start('etcd');
    await s.until('the apiserver answers again', () => s.pods().then(() => true), '60s');
    const after = await snapshot(s);
    const changed = [...before.keys()].filter((k) => before.get(k) !== after.get(k));
    s.assert(after.size === before.size && changed.length === 0,
      `all ${before.size} objects are back: the same uids, the controller and Service at the resourceVersion they had${changed.length ? ` (changed: ${changed.join(', ')})` : ''}`);
    const rc = await s.client.patch('replicationcontrollers', 'ledger', { metadata: { labels: { survived: 'etcd' } } }, { namespace: s.ns });
    s.assert(Number(rc.metadata.resourceVersion) > 0, `and it takes writes again (the ledger RC is now at resourceVersion ${rc.metadata.resourceVersion})`);
  });
});

/**
 * kind/name => uid@resourceVersion of the ReplicationController and the Service (nobody else
 * writes them), and uid plus spec of the pods (their kubelet may rewrite status once etcd is back).
 */
async function snapshot(s: ScenarioContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const resource of ['replicationcontrollers', 'services']) {
    for (const o of (await s.client.list(resource, { namespace: s.ns })).items) {
      out.set(`${resource}/${o.metadata.name}`, `${o.metadata.uid}@${o.metadata.resourceVersion}`);
    }
  }
  for (const p of await s.pods()) out.set(`pods/${p.metadata.name}`, `${p.metadata.uid} ${JSON.stringify(p.spec)}`);
  return out;
}
