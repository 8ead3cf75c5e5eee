// A Service fails over while a node dies
// ======================================
// CONCEPT   A Service's ClusterIP is not a pod: kube-proxy sends each new connection to one of the
//           Service's *ready* endpoints, which the endpoints controller keeps in the Endpoints
//           object. A dead node's pods leave that list only after node-monitor-grace-period (40 s),
//           when the node lifecycle controller marks them not Ready; until then some connections
//           fail. Later the ReplicationController replaces the lost pod: two endpoints again.
// REAL K8S  pkg/controller/endpoint, pkg/proxy (rules from Endpoints/EndpointSlices),
//           pkg/controller/nodelifecycle (MarkPodsNotReady)
// SHIPS     The communications officer stops patching calls to a ship posted missing.
// EXAMPLE   npm run scenario -- examples/scenarios/service-failover.ts
// SKIPPED   the VIP moving between kube-proxies (we sink a ship whose proxy does not hold it).

import type { Endpoints } from '../../api/types.ts';
import { isReady, scenario, type ScenarioContext } from '../../cluster/scenario/index.ts';

const RPC = `
apiVersion: v1
kind: ReplicationController
metadata: {name: rpc}
spec:
  replicas: 2
  selector: {app: rpc}
  template:
    metadata:
      labels: {app: rpc}
      annotations: {besu.harbour.dev/network: failover-lesson}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - {labelSelector: {matchLabels: {app: rpc}}, topologyKey: kubernetes.io/hostname}
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
      containers:
      - name: besu
        image: hyperledger/besu:24.1
        ports: [{name: json-rpc, containerPort: 8545}]
        resources: {requests: {cpu: 100m, memory: 128Mi}}
        readinessProbe: {httpGet: {path: /readiness, port: 8545}, periodSeconds: 5}
---
apiVersion: v1
kind: Service
metadata: {name: rpc}
spec:
  selector: {app: rpc}
  ports: [{name: json-rpc, port: 8545, targetPort: json-rpc}]
`;

export default scenario({
  name: 'service-failover',
  title: 'A Service fails over while a node dies',
  lesson: `A Service sends traffic only to ready endpoints. A dead node's pods leave the Endpoints
    after node-monitor-grace-period; from then on every request reaches the survivor, and later the
    ReplicationController brings the Service back to two endpoints.`,
  minShips: 2,
}, async (s) => {
  const { url, pods } = await s.step('Two Besu pods on two ships behind one Service', async () => {
    await s.apply(RPC);
    const pods = await s.until('2 rpc pods are Ready on different ships', async () => {
      const ready = (await s.pods('app=rpc')).filter(isReady);
      return ready.length === 2 && ready[0]!.spec.nodeName !== ready[1]!.spec.nodeName && ready;
    }, '60s');
    await s.until('the Endpoints list both', async () => readyIPs(await endpoints(s)).length === 2, '30s');
    const svc = await s.client.get('services', 'rpc', s.ns);
    const url = `http://${svc.spec.clusterIP}:8545`;
    await s.until(`the Service answers on ${url}`, () => answeredBy(s, url), '30s');
    return { url, pods };
  });

  // We sink a ship whose kube-proxy does not hold the Service IPs, so this lesson is about the
  // endpoints, not about the VIP moving to another proxy (proxy/vip-owner.ts has that story).
  const owner = (await s.client.get('leases', 'kube-proxy-vip-owner', 'kube-system').catch(() => undefined))?.spec.holderIdentity;
  const doomed = pods.find((p) => p.spec.nodeName !== owner) ?? pods[0]!;
  const survivor = pods.find((p) => p !== doomed)!;
  const victim = doomed.spec.nodeName!;
  s.say(`the Service IPs are served by ${owner ?? 'some'} kube-proxy; ${doomed.metadata.name} runs on ${victim}`);

  const q = await s.predict(`${victim} sinks with ${doomed.metadata.name}. Will requests to the Service fail?`,
    ['never', 'some, for up to ~40 s', 'all, until a replacement runs']);
  const log: { at: number; ok: boolean }[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      log.push({ at: Date.now(), ok: Boolean(await answeredBy(s, url).catch(() => undefined)) });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const sankAt = s.mark();
  try {
    await s.step(`Sink ${victim}`, () => s.chaos.sink(victim));
    await s.step('The Endpoints drop the lost pod', async () => {
      await s.until(`only ${survivor.metadata.name} (${survivor.status?.podIP}) is a ready endpoint`, async () => {
        const ips = readyIPs(await endpoints(s));
        return ips.length === 1 && ips[0] === survivor.status?.podIP;
      }, '60s');
      // kube-proxy follows the Endpoints a moment later (its own watch, then a rule sync), so we
      // wait until five requests in a row reach the survivor before asking that all of them do.
      await s.until('kube-proxy has rewritten its rules (5 answers in a row from the survivor)', async () => {
        for (let i = 0; i < 5; i++) {
          if ((await answeredBy(s, url).catch(() => undefined)) !== survivor.status?.podIP) return false;
        }
        return true;
      }, '20s');
      await s.holds(`every request is answered by ${survivor.metadata.name}`, async () =>
        (await answeredBy(s, url)) === survivor.status?.podIP, '10s');
    });
  } finally {
    probing = false;
    await prober;
  }
  const failed = log.filter((r) => r.ok === false && r.at >= sankAt);
  q.reveal(failed.length ? 'some, for up to ~40 s' : 'never',
    `${failed.length} of ${log.filter((r) => r.at >= sankAt).length} probes failed${failed.length ? `, between ${span(s, sankAt, failed[0]!.at)} and ${span(s, sankAt, failed.at(-1)!.at)} after the sinking (cluster time)` : ''}; kube-proxy only stops using an endpoint once it is marked not ready`);

  await s.step('The replication controller restores two endpoints', async () => {
    await s.until('2 ready endpoints again, the new one on another ship', async () => {
      const ips = readyIPs(await endpoints(s));
      return ips.length === 2 && !ips.includes(doomed.status!.podIP!);
    }, '90s');
  });
});

async function endpoints(s: ScenarioContext): Promise<Endpoints> {
  return s.client.get('endpoints', 'rpc', s.ns);
}

function readyIPs(ep: Endpoints): string[] {
  return (ep.subsets ?? []).flatMap((sub) => (sub.addresses ?? []).map((a) => a.ip));
}

/** Asks the Service which Besu node answered (admin_nodeInfo carries the pod IP). */
async function answeredBy(s: ScenarioContext, url: string): Promise<string> {
  return (await s.rpc<{ ip: string }>(url, 'admin_nodeInfo')).ip;
}

function span(s: ScenarioContext, from: number, to: number): string {
  return `${((to - from) / 1000 / s.timeScale).toFixed(0)} s`;
}
