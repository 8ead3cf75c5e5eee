// The apiserver restarts and nothing is lost
// ==========================================
// CONCEPT   The kube-apiserver holds no state of its own: every object lives in etcd. Stop it and
//           nobody can read or change the cluster, but containers keep running (a kubelet needs no
//           apiserver to keep a process alive). Start it again and every object is as it was,
//           same uid, same spec; every component lists and resumes its watches.
// REAL K8S  staging/src/k8s.io/apiserver (a stateless front for etcd), client-go's reflector
//           (ListAndWatch resuming from the last resourceVersion)
// SHIPS     The radio room goes quiet; the ships sail on; the log book is safe in the records office.
// EXAMPLE   npm run scenario -- examples/scenarios/apiserver-restarts.ts
// SKIPPED   several apiserver replicas behind a load balancer (the real cure for this outage).

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
      annotations: {besu.harbour.dev/network: apiserver-lesson}
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
  name: 'apiserver-restarts',
  title: 'The apiserver restarts and nothing is lost',
  lesson: `The apiserver is a stateless door to etcd. While it is down nobody can talk to the
    control plane, yet every container keeps running; when it returns, every object is unchanged.`,
}, async (s) => {
  const { pods, before } = await s.step('A small ledger: a ReplicationController, two Besu pods, a Service', async () => {
    await s.apply(LEDGER);
    const pods = await s.until('2 ledger pods are Ready', async () => {
      const ready = (await s.pods('app=ledger')).filter(isReady);
      return ready.length === 2 && ready;
    }, '60s');
    return { pods, before: await snapshot(s) };
  });

  const q = await s.predict('We stop the apiserver. Do the Besu pods keep producing blocks?', ['yes', 'no']);
  await s.step('Stop the apiserver', async () => {
    await s.chaos.stop('kube-apiserver');
    const refused = await s.client.list('pods', { namespace: s.ns }).then(() => '', (e: Error) => (e.cause as { code?: string } | undefined)?.code ?? e.message);
    s.assert(refused !== '', `the API refuses us: ${refused.split('\n')[0]}`);
    const first = await s.blockNumber(pods[0]!);
    await s.until('a Besu pod still answers JSON-RPC and its chain grows', async () => (await s.blockNumber(pods[0]!)) > first, '30s');
    q.reveal('yes', 'containers run in the kubelet\'s process; the apiserver is only the control plane\'s door');
  });

  await s.step('Start it again', async () => {
    await s.chaos.start('kube-apiserver');
    await s.until('the API answers again', () => s.pods('app=ledger').then(() => true), '60s');
    const after = await snapshot(s);
    const changed = [...before.keys()].filter((k) => before.get(k) !== after.get(k));
    s.assert(changed.length === 0 && after.size === before.size,
      `all ${before.size} objects are back: same uid, same spec${changed.length ? ` (changed: ${changed.join(', ')})` : ''}`);
    const now = await s.pods('app=ledger');
    s.assert(now.every((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) === 0), 'no container was restarted');
  });

  await s.step('The control plane works again', async () => {
    await s.client.patch('replicationcontrollers', 'ledger', { spec: { replicas: 3 } }, { namespace: s.ns });
    await s.until('a third ledger pod is scheduled and Ready (every watch resumed)', async () =>
      (await s.pods('app=ledger')).filter(isReady).length === 3, '60s');
  });
});

/** kind/name => uid and spec of everything we made (status may be rewritten by its owners). */
async function snapshot(s: ScenarioContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const resource of ['replicationcontrollers', 'services', 'pods']) {
    for (const o of (await s.client.list(resource, { namespace: s.ns })).items) {
      out.set(`${resource}/${o.metadata.name}`, `${o.metadata.uid} ${JSON.stringify((o as { spec?: unknown }).spec)}`);
    }
  }
  return out;
}
