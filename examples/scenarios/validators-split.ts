// Validators split: blocks stop, then resume
// ==========================================
// CONCEPT   A QBFT network of 4 validators seals a block only when ceil(2n/3) = 3 agree. With two
//           validators on each of two ships, cutting one ship off leaves neither side a quorum:
//           the chain stops though every remaining process is healthy. We freeze the ship (SIGSTOP
//           its kubelet, which freezes every container in it, as a network split silences them),
//           then thaw it: the frozen validators catch up and blocks come again. Kubernetes cannot
//           fix this for you; placing validators for quorum (anti-affinity across failure domains)
//           is the lesson.
// REAL K8S  Besu consensus/qbft (BftHelpers.calculateRequiredValidatorQuorum); pod anti-affinity
//           (pkg/scheduler/framework/plugins/interpodaffinity) is the cure
// SHIPS     Four notaries, two per ship: lose one ship and no deed gets three signatures.
// EXAMPLE   npm run scenario -- examples/scenarios/validators-split.ts
// SKIPPED   cutting pod-to-pod traffic itself (pods share one loopback interface).

import { isReady, scenario, type ScenarioContext } from '../../cluster/scenario/index.ts';

const validator = (i: number, node: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: validator-${i}
  labels: {app: validator}
  annotations:
    besu.harbour.dev/network: split-lesson
    besu.harbour.dev/validator: "true"
    besu.harbour.dev/validators: "4"
    besu.harbour.dev/chain-id: "2024"
spec:
  nodeSelector: {kubernetes.io/hostname: ${node}}
  containers:
  - name: besu
    image: hyperledger/besu:24.1
    ports: [{containerPort: 8545}]
    resources: {requests: {cpu: 100m, memory: 128Mi}}
`;

export default scenario({
  name: 'validators-split',
  title: 'Validators split: blocks stop, then resume',
  lesson: `QBFT needs 3 of 4 validators to seal a block. Two on each of two ships means losing
    either ship stops the chain, however healthy the rest is. Spread validators so no single
    failure takes a quorum with it.`,
  minShips: 2,
}, async (s) => {
  const [a, b] = [s.ships[0]!.name, s.ships[1]!.name];
  await s.step(`Four validators: two on ${a}, two on ${b}`, async () => {
    for (const [i, node] of [[0, a], [1, a], [2, b], [3, b]] as const) await s.apply(validator(i, node));
    await s.until('all 4 validators are Ready', async () => (await s.pods('app=validator')).filter(isReady).length === 4, '60s');
    const start = await s.blockNumber('validator-2');
    await s.until('the chain grows (3 new blocks)', async () => (await s.blockNumber('validator-2')) >= start + 3, '60s');
  });

  const q = await s.predict(`We cut off ${a} and its two validators. What happens to the chain?`, ['keeps going', 'slows down', 'stops']);
  try {
    await s.step(`Freeze ${a} (SIGSTOP its kubelet and every container in it)`, async () => {
      await s.chaos.pause(`kubelet/${a}`);
      const height = await s.until('blocks stop on the other side', () => stalled(s, 'validator-2', '8s'), '60s');
      await s.holds(`no block after #${height} for 10 block periods`, async () => (await s.blockNumber('validator-2')) === height, '20s');
      const logs = await s.kubectl('logs', '-n', s.ns, 'validator-2', '--tail', '20');
      const waiting = logs.split('\n').reverse().find((l) => /waiting for quorum/.test(l));
      q.reveal('stops', waiting ? `validator-2 says: ${waiting.replace(/^.*\| /, '')}` : 'only 2 of 4 validators can be heard: no quorum');
    });
  } finally {
    await s.step(`Thaw ${a}`, () => s.chaos.resume(`kubelet/${a}`));
  }
  await s.step('Blocks resume', async () => {
    const height = await s.blockNumber('validator-2');
    await s.until('the chain grows again', async () => (await s.blockNumber('validator-2')) > height + 1, '60s');
    await s.until(`validator-0 on ${a} caught up`, async () => (await s.blockNumber('validator-0')) >= (await s.blockNumber('validator-2')) - 2, '60s');
  });
});

/** The height, once it has not moved for `window` (Kubernetes time); undefined while it moves. */
async function stalled(s: ScenarioContext, pod: string, window: string): Promise<number | undefined> {
  const first = await s.blockNumber(pod);
  await s.sleep(window);
  return (await s.blockNumber(pod)) === first ? first : undefined;
}
