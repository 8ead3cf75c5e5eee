// A crash loop and its back-off
// =============================
// CONCEPT   When a container exits, the kubelet restarts it in the same pod (restartPolicy Always):
//           same name, IP and node, RESTARTS + 1. The first restart is immediate; if it keeps
//           crashing, each next one waits twice as long - 10 s, 20 s, 40 s ... up to 5 min - and
//           meanwhile the container shows `waiting: CrashLoopBackOff`, the pause between attempts.
//           A single crash of a healthy container (we kill its main process through its kubelet,
//           as `kubectl exec POD -- kill -9 1` would) is just one quick restart.
// REAL K8S  pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff), pkg/kubelet/kubelet.go
//           (backOffPeriod 10 s, MaxContainerBackOff 300 s), client-go util/flowcontrol/backoff.go
// SHIPS     A deckhand who keeps falling overboard is fished out more slowly each time.
// EXAMPLE   npm run scenario -- examples/scenarios/crash-loop.ts  => pauses of ~11 s, ~21 s, ~41 s
// SKIPPED   the back-off reset after 10 minutes of good behaviour.

import { isReady, restarts, scenario, waitingReason } from '../../cluster/scenario/index.ts';

const FLAKY = `
apiVersion: v1
kind: Pod
metadata: {name: flaky}
spec:
  restartPolicy: Always
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "echo starting; sleep 1; echo giving up; exit 1"]
    resources: {requests: {cpu: 50m, memory: 32Mi}}
`;

const STEADY = `
apiVersion: v1
kind: Pod
metadata: {name: steady}
spec:
  containers:
  - name: besu
    image: hyperledger/besu:24.1
    resources: {requests: {cpu: 100m, memory: 128Mi}}
`;

export default scenario({
  name: 'crash-loop',
  title: 'A crash loop and its back-off',
  lesson: `A crashing container is restarted in place, first at once, then after 10 s, 20 s, 40 s
    ... up to 5 min: CrashLoopBackOff is the growing pause between attempts.`,
}, async (s) => {
  const q = await s.predict('A container crashes one second after every start. How long will the kubelet wait before the 4th restart?',
    ['10 s', '40 s', '5 min']);
  const times = await s.step('Start a container that always fails', async () => {
    await s.apply(FLAKY);
    const seen: number[] = [];
    let sawBackOff = false;
    for (const n of [1, 2, 3, 4]) {
      await s.until(`restart #${n}`, async () => {
        const pod = await s.pod('flaky');
        sawBackOff ||= waitingReason(pod) === 'CrashLoopBackOff';
        return restarts(pod) >= n;
      }, '3m');
      seen.push(s.mark());
    }
    s.assert(sawBackOff, 'between attempts the container showed waiting: CrashLoopBackOff');
    return seen;
  });

  await s.step('Read the pauses', async () => {
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 1000 / s.timeScale);
    s.say(`time between restarts (cluster time): ${gaps.map((g) => `${g.toFixed(0)} s`).join(', ')} (each includes the 1 s the container ran)`);
    q.reveal('40 s', 'back-off starts at 10 s and doubles: 10, 20, 40 ... capped at 300 s');
    s.assert(gaps[1]! > gaps[0]! * 1.4 && gaps[2]! > gaps[1]! * 1.4, 'each pause is about twice the one before');
    s.assert(gaps[2]! >= 30, `the pause before restart #4 is about 40 s (${gaps[2]!.toFixed(0)} s)`);
    const backOff = await s.events({ reason: 'BackOff', object: 'flaky' });
    s.assert(backOff.length >= 1, `the kubelet reported it: "${backOff.at(-1)?.message}"`);
  });

  await s.step('One crash of a healthy container', async () => {
    await s.apply(STEADY);
    const before = await s.until('steady is Ready', async () => { const p = await s.pod('steady'); return isReady(p) && p; }, '60s');
    await s.chaos.crash('steady', { namespace: s.ns });
    const after = await s.until('steady restarted once and is Ready again', async () => {
      const p = await s.pod('steady');
      return restarts(p) === 1 && isReady(p) && p;
    }, '30s');
    s.assert(after.metadata.uid === before.metadata.uid && after.status?.podIP === before.status?.podIP,
      `same pod, same IP (${after.status?.podIP}): only the container was restarted`);
    const last = after.status?.containerStatuses?.[0]?.lastState?.terminated;
    s.assert(last?.exitCode === 137, `its last state: terminated, exit code ${last?.exitCode} (${last?.reason}) - SIGKILL`);
  });
});
