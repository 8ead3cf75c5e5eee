// A ship sinks: NotReady, taints, eviction, rescheduling
// ======================================================
// CONCEPT   A kubelet renews its node's Lease every 10 s. When a node goes silent nothing happens at
//           once: the node lifecycle controller waits node-monitor-grace-period (40 s), then marks
//           it Ready=Unknown, taints it node.kubernetes.io/unreachable (NoSchedule, NoExecute) and
//           marks its pods not Ready. The pods stay bound until their toleration of the taint runs
//           out - 300 s by default (DefaultTolerationSeconds); ours say 30 s, a knob real
//           deployments turn too - then the taint eviction controller deletes them and the
//           ReplicationController creates replacements on the surviving ships.
// REAL K8S  pkg/controller/nodelifecycle, pkg/controller/tainteviction, pkg/controller/replication
// SHIPS     A ship goes down; the harbour posts it missing, then sends its cargo on other ships.
// EXAMPLE   npm run scenario -- examples/scenarios/ship-sinks.ts
//           => NotReady after ~40 s (cluster time), replacements ~30 s after the taint
// SKIPPED   rate-limited tainting per zone (see controllers/node-lifecycle.ts).

import { hasTaint, isActive, isReady, nodeReady, readyStatus, scenario, TIMINGS } from '../../cluster/scenario/index.ts';

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
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
      containers:
      - {name: cargo, image: "registry.k8s.io/pause:3.10", resources: {requests: {cpu: 100m, memory: 128Mi}}}
`;

export default scenario({
  name: 'ship-sinks',
  title: 'A ship sinks',
  lesson: `Nothing happens the moment a node dies. After node-monitor-grace-period (40 s) it is
    NotReady and tainted; its pods leave only when their tolerationSeconds run out, and then their
    ReplicationController replaces them elsewhere. Every step has a timer you can tune.`,
  minShips: 2,
}, async (s) => {
  const victim = await s.step('Load three containers', async () => {
    await s.apply(CARGO);
    const pods = await s.until('3 cargo pods are Ready', async () => {
      const ready = (await s.pods('app=cargo')).filter(isReady);
      return ready.length === 3 && ready;
    }, '60s');
    const nodes = [...new Set(pods.map((p) => p.spec.nodeName!))];
    s.say(`the crane packed them onto ${nodes.join(', ')}`);
    return pods[0]!.spec.nodeName!;
  });

  const q = await s.predict(`${victim} sinks now. How long until the control plane marks it NotReady?`,
    ['at once', 'about 40 s', 'about 5 min']);
  const sankAt = s.mark();
  await s.step(`Sink ${victim}`, () => s.chaos.sink(victim));

  await s.step('The node lifecycle controller notices', async () => {
    await s.until(`${victim} is no longer Ready`, async () => !nodeReady(await s.node(victim)) || undefined, '60s');
    q.reveal(`after ${s.elapsed(sankAt)} of cluster time`,
      `node-monitor-grace-period is ${TIMINGS.nodeMonitorGracePeriod.ms / 1000} s, counted from the last lease renewal (up to 10 s before the sinking)`);
    s.say(`${victim} Ready=${readyStatus(await s.node(victim))}`);
    await s.until(`${victim} carries the unreachable:NoExecute taint`,
      async () => hasTaint(await s.node(victim), 'node.kubernetes.io/unreachable', 'NoExecute'), '30s');
    await s.until(`its pods are marked not Ready`,
      async () => (await s.pods('app=cargo')).filter((p) => p.spec.nodeName === victim).every((p) => !isReady(p)), '30s');
  });

  await s.step('Eviction and rescheduling', async () => {
    const tainted = s.mark();
    const q2 = await s.predict('Where will the replacement containers go?', s.ships.filter((x) => x.name !== victim).map((x) => x.name));
    const pods = await s.until('3 Ready cargo pods run on other ships', async () => {
      const ready = (await s.pods('app=cargo')).filter((p) => isReady(p) && p.spec.nodeName !== victim);
      return ready.length === 3 && ready;
    }, '90s');
    q2.reveal([...new Set(pods.map((p) => p.spec.nodeName!))].join(', '),
      `the pods tolerated the taint for 30 s; replaced ${s.elapsed(tainted)} after the taint. With the default 300 s it would take five minutes`);
    const evictions = await s.events({ reason: 'TaintManagerEviction', since: sankAt });
    s.assert(evictions.length >= 1, `the taint eviction controller left ${evictions.length} TaintManagerEviction event(s)`);
    const old = (await s.pods('app=cargo')).filter((p) => p.spec.nodeName === victim);
    s.say(`the old pods are ${old.length ? 'Terminating: nobody on the sunk ship can confirm they stopped' : 'gone'}`);
  });

  await s.step(`Raise ${victim} again`, async () => {
    await s.chaos.restore(victim);
    await s.until(`${victim} is Ready and untainted`, async () => {
      const node = await s.node(victim);
      return nodeReady(node) && !hasTaint(node, 'node.kubernetes.io/unreachable');
    }, '60s');
    await s.until('the kubelet finished the old pods\' deletion', async () =>
      (await s.pods('app=cargo')).every((p) => isActive(p)), '60s');
  });
});
