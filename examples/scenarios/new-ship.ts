// A new ship joins the fleet, and later leaves
// ============================================
// CONCEPT   A pod that fits on no node waits on the dock with the scheduler's reason ("0/3 nodes
//           are available: 3 Insufficient cpu"). A new node is a cluster event: the scheduler moves
//           waiting pods back to its active queue, and this time one fits. Removing the node (stop
//           its kubelet, delete the Node) strands its pods; the pod garbage collector deletes them
//           after a 40 s quarantine and the ReplicationController makes a new one - which waits on
//           the dock again, since no remaining ship is big enough.
// REAL K8S  pkg/scheduler/internal/queue (MoveAllToActiveOrBackoffQueue on NodeAdd),
//           pkg/controller/podgc (gcOrphaned); kubeadm join, kubectl delete node
// SHIPS     A bigger ship sails in for the cargo no one could carry, then sails away again.
// EXAMPLE   npm run scenario -- examples/scenarios/new-ship.ts
// SKIPPED   the cluster autoscaler, which would add the ship by itself.

import { isReady, scenario } from '../../cluster/scenario/index.ts';

const BIG = `
apiVersion: v1
kind: ReplicationController
metadata: {name: heavy}
spec:
  replicas: 1
  selector: {app: heavy}
  template:
    metadata: {labels: {app: heavy}}
    spec:
      containers:
      - {name: cargo, image: "registry.k8s.io/pause:3.10", resources: {requests: {cpu: "12", memory: 4Gi}}}
`;

export default scenario({
  name: 'new-ship',
  title: 'A new ship joins the fleet, and later leaves',
  lesson: `A pod too big for every node waits with a reason; a new, bigger node is a cluster
    event that makes the scheduler try again. Remove that node and its pods are collected and
    replaced - and the replacement waits again.`,
}, async (s) => {
  await s.step('Cargo bigger than any ship', async () => {
    await s.apply(BIG);
    const reason = await s.until('it waits on the dock with a reason', async () => {
      const [pod] = await s.pods('app=heavy');
      return pod?.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message;
    }, '30s');
    s.say(`PodScheduled=False: ${reason}`);
  });

  const q = await s.predict('A ship with 16 cpu joins. What happens to the waiting pod?', ['nothing until it is recreated', 'it is placed on the new ship']);
  const name = await s.step('A bigger ship joins', async () => {
    const report = await s.chaos.addNode({ cpu: '16', memory: '32Gi' });
    const pod = await s.until('the heavy pod is Ready on it', async () => (await s.pods('app=heavy')).find(isReady), '60s');
    s.assert(pod.spec.nodeName === report.target, `it runs on ${pod.spec.nodeName}`);
    q.reveal('it is placed on the new ship', await s.why(pod.metadata.name!));
    return report.target;
  });

  await s.step(`${name} leaves`, async () => {
    const [before] = await s.pods('app=heavy');
    const left = s.mark();
    await s.chaos.removeNode(name);
    const replacement = await s.until('the pod garbage collector removed the stranded pod; a new one waits', async () => {
      const pods = await s.pods('app=heavy');
      return pods.length === 1 && pods[0]!.metadata.uid !== before!.metadata.uid && !pods[0]!.spec.nodeName && pods[0];
    }, '120s');
    s.say(`${replacement.metadata.name} waits on the dock, ${s.elapsed(left)} after the ship left (quarantine 40 s)`);
  });
});
