// kube-proxy's flags, as options
// ==============================
// CONCEPT   One function from the command line to ProxyOptions, shared by main.ts (a process of its
//           own) and the launcher's --in-process mode, so both run the same proxy.
// REAL K8S  cmd/kube-proxy/app/options.go (v1.32)
// SHIPS     The communications officer's standing orders.
// EXAMPLE   proxyOptionsFromFlags(['--kubeconfig', 'kc', '--node-name', 'node-1', '--node-ip', '127.0.10.1'])
//             => { kubeconfig: 'kc', nodeName: 'node-1', nodeIP: '127.0.10.1', healthzPort: 10256, ... }
// SKIPPED   --config files, --proxy-mode, metrics flags.

import { parseArgs } from 'node:util';
import type { ProxyOptions } from './proxy.ts';

export const PROXY_USAGE = 'usage: proxy/main.ts --kubeconfig FILE --node-name NAME --node-ip IP [--time-scale X] [--cluster-cidr CIDR] '
  + '[--healthz-port N] [--iptables-min-sync-period MS] [--iptables-sync-period MS]';

/** Parses kube-proxy flags. @throws Error with a one-line reason (main.ts adds the usage) */
export function proxyOptionsFromFlags(args: string[]): ProxyOptions {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' },
      'node-name': { type: 'string' },
      'hostname-override': { type: 'string' },
      'node-ip': { type: 'string' },
      'time-scale': { type: 'string', default: '1' },
      'cluster-cidr': { type: 'string', default: '127.244.0.0/16' },
      'healthz-port': { type: 'string', default: '10256' },
      'iptables-min-sync-period': { type: 'string', default: '1000' },
      'iptables-sync-period': { type: 'string', default: '30000' },
    },
  });
  const nodeName = values['node-name'] ?? values['hostname-override'];
  if (!values.kubeconfig || !nodeName || !values['node-ip']) throw new Error('--kubeconfig, --node-name and --node-ip are required');
  return {
    kubeconfig: values.kubeconfig,
    nodeName,
    nodeIP: values['node-ip'],
    timeScale: Number(values['time-scale']),
    clusterCIDR: values['cluster-cidr'],
    healthzPort: Number(values['healthz-port']),
    minSyncPeriodMs: Number(values['iptables-min-sync-period']),
    syncPeriodMs: Number(values['iptables-sync-period']),
  };
}
