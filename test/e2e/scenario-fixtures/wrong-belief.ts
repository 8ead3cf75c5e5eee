// Test fixture: a scenario whose belief is wrong
// ==============================================
// CONCEPT   Its assertion fails on purpose: the test suite checks that the runner exits non-zero
//           and names the step. (Bin-packing sends the crate to the *fullest* ship.)
// REAL K8S  none: a harbour scenario, not Kubernetes code
// SHIPS     A lesson plan with a wrong answer key.
// EXAMPLE   npm run scenario -- test/e2e/scenario-fixtures/wrong-belief.ts  =>  exit 1, names the step
// SKIPPED   Everything a real lesson teaches.
import { scenario } from '../../../cluster/scenario/index.ts';

export default scenario({
  name: 'wrong-belief',
  title: 'A wrong belief about the crane',
  lesson: 'Believing the crane spreads cargo onto the emptiest ship, we assert it - and the runner says where we went wrong.',
  minShips: 2,
}, async (s) => {
  const node = await s.step('Load one crate', async () => {
    await s.apply(`
apiVersion: v1
kind: Pod
metadata: {name: crate}
spec:
  containers:
  - {name: cargo, image: "registry.k8s.io/pause:3.10", resources: {requests: {cpu: 500m, memory: 1Gi}}}
`);
    return s.until('the crate is bound', async () => (await s.pod('crate')).spec.nodeName, '30s');
  });
  await s.step('It went to the emptiest ship', () => {
    const biggest = [...s.ships].sort((a, b) => Number.parseFloat(b.cpu) - Number.parseFloat(a.cpu))[0]!.name;
    s.assert(node === biggest, `the crate went to the emptiest ship, ${biggest} (it went to ${node})`);
  });
});
