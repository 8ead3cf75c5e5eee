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

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isValidQuantity } from '../api/quantity.ts';
import { ipToInt, parseCidr } from './ipam.ts';
import { hollowNodes, startKubelet, type NodeSpec } from './kubelet.ts';

const USAGE = `usage: tsx kubelet/main.ts --kubeconfig FILE --node-name NAME --node-ip IP [--cpu 4] [--memory 8Gi] [--pods 110]
                          [--pod-cidr CIDR] [--port 10250] [--time-scale X]
       tsx kubelet/main.ts --kubeconfig FILE --nodes N [--node-name-prefix hollow-] [--node-ip FIRST_IP]
                          [--pod-cidr CLUSTER_CIDR] [--node-cidr-mask-size BITS] ...`;

function fail(message: string): never {
  console.error(`kubelet: ${message}\n${USAGE}`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      'node-name': { type: 'string' },
      'hostname-override': { type: 'string' },
      'node-ip': { type: 'string' },
      cpu: { type: 'string', default: '4' },
      memory: { type: 'string', default: '8Gi' },
      pods: { type: 'string' },
      'max-pods': { type: 'string' },
      'pod-cidr': { type: 'string' },
      port: { type: 'string', default: '10250' },
      'time-scale': { type: 'string', default: '1' },
      nodes: { type: 'string' },
      'node-name-prefix': { type: 'string', default: 'hollow-' },
      'node-cidr-mask-size': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const str = (name: string) => values[name] as string | undefined;
const kubeconfig = str('kubeconfig') ?? fail('--kubeconfig is required (e.g. --kubeconfig .cluster/kubeconfig)');
if (!existsSync(kubeconfig)) fail(`--kubeconfig ${kubeconfig}: no such file (the launcher writes .cluster/kubeconfig)`);
const whole = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
};
const ip = (text: string | undefined, flag: string): string | undefined => {
  if (text === undefined) return undefined;
  try {
    ipToInt(text);
  } catch {
    fail(`--${flag} must be an IPv4 address such as 127.0.10.1, got "${text}"`);
  }
  if (!text.startsWith('127.')) console.warn(`kubelet: --${flag} ${text} is not a loopback address; the simulator keeps all traffic on 127.0.0.0/8`);
  return text;
};
const cidr = (text: string | undefined): string | undefined => {
  if (text === undefined) return undefined;
  try {
    parseCidr(text);
    return text;
  } catch (e) {
    fail(`--pod-cidr: ${(e as Error).message}`);
  }
};

for (const flag of ['cpu', 'memory']) if (!isValidQuantity(str(flag)!)) fail(`--${flag} must be a quantity such as 4 or 8Gi, got "${str(flag)}"`);
const timeScale = Number(str('time-scale'));
if (!(timeScale > 0)) fail(`--time-scale must be a positive number, got "${str('time-scale')}"`);
const port = whole('port', str('port')!, 0, 65535);
const pods = whole('pods', str('pods') ?? str('max-pods') ?? '110', 1, 100_000);

let nodes: NodeSpec[];
if (str('nodes') !== undefined) {
  const count = whole('nodes', str('nodes')!, 1, 65_000);
  const mask = str('node-cidr-mask-size');
  try {
    nodes = hollowNodes({
      count, prefix: str('node-name-prefix')!, firstIP: ip(str('node-ip'), 'node-ip'), clusterCIDR: cidr(str('pod-cidr')),
      maskSize: mask === undefined ? undefined : whole('node-cidr-mask-size', mask, 8, 30),
    });
  } catch (e) {
    fail((e as Error).message);
  }
} else {
  const name = str('node-name') ?? str('hostname-override') ?? fail('--node-name is required (or --nodes N for hollow nodes)');
  const nodeIP = ip(str('node-ip'), 'node-ip') ?? fail('--node-ip is required, e.g. --node-ip 127.0.10.1');
  const podCIDR = cidr(str('pod-cidr'));
  if (!podCIDR) console.log(`kubelet: no --pod-cidr; node ${name} stays NotReady until node-ipam sets spec.podCIDR`);
  nodes = [{ name, ip: nodeIP, podCIDR }];
}

const kubelet = await startKubelet({
  kubeconfig, nodes, timeScale, port, pods, cpu: str('cpu'), memory: str('memory'),
}).catch((err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') fail(`port ${port} is already in use on a node IP; choose another with --port`);
  if (err.code === 'EADDRNOTAVAIL') fail(`cannot listen on the node IP (${err.message}); use a 127.x.y.z address`);
  fail(err.message);
});
const first = kubelet.nodes[0];
console.log(`kubelet: serving ${kubelet.nodes.length} node(s); ${first.nodeName} at http://${first.nodeIP}:${first.reporter.node?.status?.daemonEndpoints?.kubeletEndpoint?.Port}/healthz`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void kubelet.stop().then(() => process.exit(0)));
}
