// The scheduler is down: pods wait on the dock
// ============================================
// CONCEPT   Creating a pod only writes an object; nothing in the apiserver decides where it runs.
//           That is the scheduler's job, and it is an ordinary client: it watches for pods without
//           spec.nodeName and POSTs a Binding for each. With no scheduler, new pods stay Pending
//           with no node and no event, while everything already running is untouched. A scheduler
//           that starts again lists the unscheduled pods and places every one of them.
// REAL K8S  pkg/scheduler (scheduleOne, the binding cycle), the pods/binding subresource
// SHIPS     No crane, no loading: containers pile up on the dock.
// EXAMPLE   npm run scenario -- examples/scenarios/scheduler-down.ts
// SKIPPED   a second scheduler replica waiting on the leader Lease (ours runs one).

import { isReady, scenario } from '../../cluster/scenario/index.ts';

const crate = (i: number) => `
apiVersion: v1
kind: Pod
metadata: {name: waiting-${i}, labels: {app: waiting}}
spec:
  containers:
  - {name: cargo, image: "registry.k8s.io/pause:3.10", resources: {requests: {cpu: 100m, memory: 64Mi}}}
`;

export default scenario({
  name: 'scheduler-down',
  title: 'The scheduler is down: pods wait on the dock',
  lesson: `The apiserver stores pods; only the scheduler gives them a node. Without it new pods
    wait Pending forever, and placing them is the first thing it does when it comes back.`,
}, async (s) => {
  await s.step('Stop the crane (kube-scheduler)', () => s.chaos.stop('kube-scheduler'));

  await s.step('Three new containers arrive', async () => {
    for (const i of [1, 2, 3]) await s.apply(crate(i));
    await s.holds('all three stay Pending with no node (on the dock)', async () => {
      const pods = await s.pods('app=waiting');
      return pods.length === 3 && pods.every((p) => !p.spec.nodeName && p.status?.phase === 'Pending');
    }, '20s');
    const scheduled = await s.events({ reason: 'Scheduled', message: /waiting-/ });
    s.assert(scheduled.length === 0, 'no Scheduled event: nobody even tried');
  });

  const q = await s.predict('The crane comes back. What does it do first?', ['waits for new pods', 'places the three waiting pods']);
  const back = s.mark();
  await s.step('Start the crane again', async () => {
    await s.chaos.start('kube-scheduler');
    await s.until('all three are bound and Ready', async () => {
      const pods = await s.pods('app=waiting');
      return pods.length === 3 && pods.every(isReady);
    }, '60s');
    q.reveal('places the three waiting pods', `it listed the pods with no spec.nodeName and bound them ${s.elapsed(back)} after starting (cluster time)`);
    const scheduled = await s.events({ reason: 'Scheduled', since: back, message: /waiting-/ });
    s.assert(scheduled.length === 3, `3 Scheduled events: ${scheduled.map((e) => e.message).join('; ')}`);
  });
});
