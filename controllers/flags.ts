// kube-controller-manager's flags, as options
// ===========================================
// CONCEPT   One function from the command line to ControllerManagerOptions (same flag names and
//           defaults, Go duration syntax: 40s, 1m0s, 500ms), shared by main.ts (a process of its
//           own) and the launcher's --in-process mode, so both run the same control loops.
// REAL K8S  cmd/kube-controller-manager/app/options/options.go and the per-controller option files
// SHIPS     The harbour offices' standing orders.
// EXAMPLE   controllerManagerOptionsFromFlags(['--kubeconfig', 'kc', '--node-monitor-grace-period', '40s'])
//             => { kubeconfig: 'kc', nodeMonitorGracePeriodMs: 40000, leaderElect: true, ... }
// SKIPPED   TLS serving, authentication and authorization flags, --kube-api-qps/burst.

import { parseArgs } from 'node:util';
import type { ControllerManagerOptions } from './controller-manager.ts';

export const CONTROLLER_MANAGER_USAGE = `usage: tsx controllers/main.ts --kubeconfig FILE [--master URL] [--leader-elect=true]
       [--time-scale 1] [--node-monitor-grace-period 40s] [--node-monitor-period 5s]
       [--node-startup-grace-period 1m0s] [--concurrent-rc-syncs 5] [--concurrent-endpoint-syncs 5]
       [--concurrent-service-syncs 1] [--concurrent-gc-syncs 20] [--concurrent-replicaset-syncs 5]
       [--concurrent-deployment-syncs 5] [--concurrent-job-syncs 5] [--controllers *]
       [--allocate-node-cidrs=true] [--cluster-cidr 127.244.0.0/16] [--node-cidr-mask-size 24]
       [--load-balancer-cidr 127.200.0.0/16] [--leader-elect-lease-duration 15s]
       [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]`;

const BOOLEANS = ['leader-elect', 'allocate-node-cidrs'];

function fail(message: string): never {
  throw new Error(message);
}

/** Go's time.ParseDuration, in milliseconds: "1m30s" => 90000, "500ms" => 500. */
function duration(flag: string, text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) fail(`--${flag}: invalid duration "${text}" (examples: 40s, 1m0s, 500ms)`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]], 0);
}

function integer(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`--${flag} must be a whole number, got "${text}"`);
  return n;
}

function bool(flag: string, text: string): boolean {
  if (!['true', 'false'].includes(text)) fail(`--${flag} must be true or false, got "${text}"`);
  return text === 'true';
}

/** Parses kube-controller-manager flags. @throws Error with a one-line reason (main.ts adds the usage) */
export function controllerManagerOptionsFromFlags(args: string[]): ControllerManagerOptions {
  // pflag lets a boolean flag stand alone (--leader-elect) or take =true/=false; parseArgs needs help.
  const argv = args.map((a) => (BOOLEANS.includes(a.replace(/^--/, '')) ? `${a}=true` : a));
  const str = (def?: string) => ({ type: 'string' as const, ...(def === undefined ? {} : { default: def }) });

  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        kubeconfig: str(), master: str(),
        'leader-elect': str('true'), 'leader-elect-lease-duration': str('15s'), 'leader-elect-renew-deadline': str('10s'),
        'leader-elect-retry-period': str('2s'), 'leader-elect-resource-name': str('kube-controller-manager'),
        'leader-elect-resource-namespace': str('kube-system'),
        'time-scale': str('1'), controllers: str('*'),
        'node-monitor-grace-period': str('40s'), 'node-monitor-period': str('5s'), 'node-startup-grace-period': str('1m0s'),
        'pod-eviction-timeout': str(),
        'concurrent-rc-syncs': str('5'), 'concurrent-endpoint-syncs': str('5'), 'concurrent-service-syncs': str('1'),
        'concurrent-gc-syncs': str('20'), 'concurrent-replicaset-syncs': str('5'), 'concurrent-deployment-syncs': str('5'), 'concurrent-job-syncs': str('5'),
        'allocate-node-cidrs': str('true'), 'cluster-cidr': str('127.244.0.0/16'), 'node-cidr-mask-size': str('24'),
        'load-balancer-cidr': str('127.200.0.0/16'),
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (!values.kubeconfig && !values.master) fail('--kubeconfig (or --master) is required');
  if (values['pod-eviction-timeout'] !== undefined) {
    console.warn('kube-controller-manager: --pod-eviction-timeout has no effect (removed in Kubernetes 1.27): pods leave a lost node when their NoExecute tolerations run out (tolerationSeconds, 300 s by default)');
  }
  const timeScale = Number(values['time-scale']);
  if (!(timeScale > 0)) fail(`--time-scale must be a positive number, got "${values['time-scale']}"`);
  const seconds = (flag: string) => duration(flag, values[flag as keyof typeof values] as string) / 1000;

  return {
    kubeconfig: values.kubeconfig, master: values.master, timeScale,
    leaderElect: bool('leader-elect', values['leader-elect']!),
    leaderElection: {
      leaseDurationSeconds: seconds('leader-elect-lease-duration'), renewDeadlineSeconds: seconds('leader-elect-renew-deadline'),
      retryPeriodSeconds: seconds('leader-elect-retry-period'), resourceName: values['leader-elect-resource-name'],
      resourceNamespace: values['leader-elect-resource-namespace'],
    },
    controllers: values.controllers!.split(',').map((s) => s.trim()).filter(Boolean),
    nodeMonitorGracePeriodMs: duration('node-monitor-grace-period', values['node-monitor-grace-period']!),
    nodeMonitorPeriodMs: duration('node-monitor-period', values['node-monitor-period']!),
    nodeStartupGracePeriodMs: duration('node-startup-grace-period', values['node-startup-grace-period']!),
    concurrentRCSyncs: integer('concurrent-rc-syncs', values['concurrent-rc-syncs']!),
    concurrentEndpointSyncs: integer('concurrent-endpoint-syncs', values['concurrent-endpoint-syncs']!),
    concurrentServiceSyncs: integer('concurrent-service-syncs', values['concurrent-service-syncs']!),
    concurrentGCSyncs: integer('concurrent-gc-syncs', values['concurrent-gc-syncs']!),
    concurrentReplicaSetSyncs: integer('concurrent-replicaset-syncs', values['concurrent-replicaset-syncs']!),
    concurrentJobSyncs: integer('concurrent-job-syncs', values['concurrent-job-syncs']!),
    concurrentDeploymentSyncs: integer('concurrent-deployment-syncs', values['concurrent-deployment-syncs']!),
    allocateNodeCIDRs: bool('allocate-node-cidrs', values['allocate-node-cidrs']!),
    clusterCIDR: values['cluster-cidr'], nodeCIDRMaskSize: integer('node-cidr-mask-size', values['node-cidr-mask-size']!),
    loadBalancerCIDR: values['load-balancer-cidr'],
  };
}
