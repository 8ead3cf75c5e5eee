// Bin-packing fills the fullest ship
// ==================================
// CONCEPT   The default scheduler profile scores nodes with NodeResourcesMostAllocated: of the
//           ships a container fits on, the crane picks the one that will be *fullest* afterwards,
//           so small ships fill first and the big ship stays free for big cargo. We load four
//           crates one at a time; before each the class predicts the pick from the ships' bars,
//           then we check it against our own sum and print the crane's scores. The crates ask for
//           cpu and memory in the ships' own ratio (1 cpu : 2Gi), so BalancedAllocation ties and
//           fullness alone decides.
// REAL K8S  pkg/scheduler/framework/plugins/noderesources/most_allocated.go (scoringStrategy MostAllocated)
// SHIPS     The crane loads the fullest ship that can still take the crate.
// EXAMPLE   npm run scenario -- examples/scenarios/bin-packing.ts
//           => crate-small node-1, crate-medium node-1, crate-large node-2, crate-xl node-3
// SKIPPED   the spread-scheduler profile (LeastAllocated), which would do the opposite.

import { fillText, fullestThatFits, scenario } from '../../cluster/scenario/index.ts';

const CRATES = [
  { name: 'crate-small', cpu: '500m', memory: '1Gi' },
  { name: 'crate-medium', cpu: '1', memory: '2Gi' },
  { name: 'crate-large', cpu: '1500m', memory: '3Gi' },
  { name: 'crate-xl', cpu: '3', memory: '6Gi' },
];

const crate = (c: (typeof CRATES)[number]) => `
apiVersion: v1
kind: Pod
metadata: {name: ${c.name}, labels: {lesson: bin-packing}}
spec:
  containers:
  - {name: cargo, image: "registry.k8s.io/pause:3.10", resources: {requests: {cpu: "${c.cpu}", memory: ${c.memory}}}}
`;

export default scenario({
  name: 'bin-packing',
  title: 'Bin-packing fills the fullest ship',
  lesson: `The crane (kube-scheduler) puts each container on the ship that will be fullest after
    loading, among the ships it fits on. Small ships fill first; big ships stay free for big cargo.`,
  minShips: 2,
}, async (s) => {
  for (const c of CRATES) {
    await s.step(`Load ${c.name} (${c.cpu} cpu, ${c.memory})`, async () => {
      const [nodes, pods] = [await s.nodes(), await s.pods(undefined, '*')];
      for (const n of nodes) s.say(`${n.metadata.name}: ${fillText(n, pods)} requested`);
      const expected = fullestThatFits(nodes, pods, c);
      const question = await s.predict(`Which ship will the crane pick for ${c.name}?`, nodes.map((n) => n.metadata.name!));
      await s.apply(crate(c));
      const node = await s.until(`${c.name} is bound to a ship`, async () => (await s.pod(c.name)).spec.nodeName, '30s');
      question.reveal(node, await s.why(c.name));
      s.assert(node === expected, `${c.name} went to ${node}: the fullest ship it fits on (our own sum says ${expected})`);
    });
  }
});
