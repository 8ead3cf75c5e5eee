// kubelet's flags, as options
// ===========================
// CONCEPT   One function from the command line to KubeletOptions (one node, or many hollow
//           nodes), shared by main.ts (a process of its own) and the launcher's --in-process mode,
//           so both run the same kubelet.
// REAL K8S  cmd/kubelet/app/options/options.go (v1.32); kubemark's cmd/kubemark/hollow-node.go
// SHIPS     The captain's sailing orders.
// EXAMPLE   kubeletOptionsFromFlags(['--kubeconfig', 'kc', '--node-name', 'node-1', '--node-ip', '127.0.10.1'])
//             => { kubeconfig: 'kc', nodes: [{ name: 'node-1', ip: '127.0.10.1' }], port: 10250, pods: 110, ... }
// SKIPPED   --config files, every flag about cgroups, TLS, volumes and the container runtime endpoint.

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isValidQuantity } from '../api/quantity.ts';
import { ipToInt, parseCidr } from './ipam.ts';
import { hollowNodes, type KubeletOptions, type NodeSpec } from './kubelet.ts';

export const KUBELET_USAGE = `usage: tsx kubelet/main.ts --kubeconfig FILE --node-name NAME --node-ip IP [--cpu 4] [--memory 8Gi] [--pods 110]
                          [--pod-cidr CIDR] [--port 10250] [--time-scale X]
       tsx kubelet/main.ts --kubeconfig FILE --nodes N [--node-name-prefix hollow-] [--node-ip FIRST_IP]
                          [--pod-cidr CLUSTER_CIDR] [--node-cidr-mask-size BITS] ...`;

function fail(message: string): never {
  throw new Error(message);
}

function whole(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

function ip(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  try {
    ipToInt(text);
  } catch {
    fail(`--${flag} must be an IPv4 address such as 127.0.10.1, got "${text}"`);
  }
  if (!text.startsWith('127.')) console.warn(`kubelet: --${flag} ${text} is not a loopback address; the simulator keeps all traffic on 127.0.0.0/8`);
  return text;
}

function cidr(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    parseCidr(text);
    return text;
  } catch (e) {
    fail(`--pod-cidr: ${(e as Error).message}`);
  }
}

/** Parses kubelet flags. @throws Error with a one-line reason (main.ts adds the usage) */
export function kubeletOptionsFromFlags(args: string[]): KubeletOptions & { port: number } {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' }, 'node-name': { type: 'string' }, 'hostname-override': { type: 'string' },
      'node-ip': { type: 'string' }, cpu: { type: 'string', default: '4' }, memory: { type: 'string', default: '8Gi' },
      pods: { type: 'string' }, 'max-pods': { type: 'string' }, 'pod-cidr': { type: 'string' },
      port: { type: 'string', default: '10250' }, 'time-scale': { type: 'string', default: '1' },
      nodes: { type: 'string' }, 'node-name-prefix': { type: 'string', default: 'hollow-' },
      'node-cidr-mask-size': { type: 'string' },
    },
  });
  const str = (name: keyof typeof values) => values[name];
  const kubeconfig = str('kubeconfig') ?? fail('--kubeconfig is required (e.g. --kubeconfig .cluster/kubeconfig)');
  if (!existsSync(kubeconfig)) fail(`--kubeconfig ${kubeconfig}: no such file (the launcher writes .cluster/kubeconfig)`);
  for (const flag of ['cpu', 'memory'] as const) if (!isValidQuantity(str(flag)!)) fail(`--${flag} must be a quantity such as 4 or 8Gi, got "${str(flag)}"`);
  const timeScale = Number(str('time-scale'));
  if (!(timeScale > 0)) fail(`--time-scale must be a positive number, got "${str('time-scale')}"`);
  const port = whole('port', str('port')!, 0, 65535);
  const pods = whole('pods', str('pods') ?? str('max-pods') ?? '110', 1, 100_000);
  return { kubeconfig, nodes: nodesFromFlags(values), timeScale, port, pods, cpu: str('cpu'), memory: str('memory') };
}

/** One named node, or --nodes N hollow ones (kubemark). */
function nodesFromFlags(values: Record<string, string | undefined>): NodeSpec[] {
  if (values.nodes !== undefined) {
    const mask = values['node-cidr-mask-size'];
    return hollowNodes({
      count: whole('nodes', values.nodes, 1, 65_000), prefix: values['node-name-prefix']!,
      firstIP: ip(values['node-ip'], 'node-ip'), clusterCIDR: cidr(values['pod-cidr']),
      maskSize: mask === undefined ? undefined : whole('node-cidr-mask-size', mask, 8, 30),
    });
  }
  const name = values['node-name'] ?? values['hostname-override'] ?? fail('--node-name is required (or --nodes N for hollow nodes)');
  const nodeIP = ip(values['node-ip'], 'node-ip') ?? fail('--node-ip is required, e.g. --node-ip 127.0.10.1');
  const podCIDR = cidr(values['pod-cidr']);
  if (!podCIDR) console.log(`kubelet: no --pod-cidr; node ${name} stays NotReady until node-ipam sets spec.podCIDR`);
  return [{ name, ip: nodeIP, podCIDR }];
}
