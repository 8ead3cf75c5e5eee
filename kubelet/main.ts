// kubelet's command line
// ======================
// CONCEPT   Parse flags, start the kubelet (one node, or many hollow nodes), stop on SIGTERM.
//           Everything else lives in kubelet.ts, so tests and the in-process launcher start the
//           same kubelet without a process.
// REAL K8S  cmd/kubelet/kubelet.go, cmd/kubelet/app/options/options.go (v1.32); kubemark's
//           cmd/kubemark/hollow-node.go for --nodes
// SHIPS     The captain (or a whole fleet's captains) coming aboard.
// EXAMPLE   tsx kubelet/main.ts --kubeconfig .cluster/kubeconfig --node-name node-1 --node-ip 127.0.10.1 \
//             --cpu 4 --memory 8Gi --pods 110 --pod-cidr 127.244.1.0/24 --time-scale 0.1
//           tsx kubelet/main.ts --kubeconfig .cluster/kubeconfig --nodes 100 --node-name-prefix hollow- --port 10250
// SKIPPED   --config files, every flag about cgroups, TLS, volumes and the container runtime endpoint.

import { KUBELET_USAGE, kubeletOptionsFromFlags } from './flags.ts';
import { startKubelet } from './kubelet.ts';

function fail(message: string): never {
  console.error(`kubelet: ${message}\n${KUBELET_USAGE}`);
  process.exit(2);
}

if (process.argv.includes('--help')) {
  console.log(KUBELET_USAGE);
  process.exit(0);
}
let options;
try {
  options = kubeletOptionsFromFlags(process.argv.slice(2));
} catch (err) {
  fail((err as Error).message);
}
const port = options.port;

const kubelet = await startKubelet(options).catch((err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') fail(`port ${port} is already in use on a node IP; choose another with --port`);
  if (err.code === 'EADDRNOTAVAIL') fail(`cannot listen on the node IP (${err.message}); use a 127.x.y.z address`);
  fail(err.message);
});
const first = kubelet.nodes[0];
console.log(`kubelet: serving ${kubelet.nodes.length} node(s); ${first.nodeName} at http://${first.nodeIP}:${first.reporter.node?.status?.daemonEndpoints?.kubeletEndpoint?.Port}/healthz`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void kubelet.stop().then(() => process.exit(0)));
}
