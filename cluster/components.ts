// The crew list: which processes make up the harbour, with which flags
// ====================================================================
// CONCEPT   From the cluster config we derive one process per component: etcd, kube-apiserver,
//           kube-scheduler, kube-controller-manager, and a kubelet and a kube-proxy per node, each
//           with the flags the real binary takes (--kubeconfig, --node-ip, --time-scale ...), and a
//           health check that says when it is serving. Every component's main.ts only parses flags.
// REAL K8S  kubeadm writes the same flags into static pod manifests
//           (cmd/kubeadm/app/phases/controlplane/manifests.go) and the kubelet's systemd drop-in.
// SHIPS     The muster roll: who sails on the control ship, who captains each cargo ship.
// EXAMPLE   componentSpecs(config, paths, { nodeReady })  =>  [etcd, kube-apiserver, ...,
//           { name: "kubelet/node-1", args: ["--node-ip", "127.0.10.1", "--cpu", "2", ...] }]
//           With --in-process the same flags start the same code inside the launcher (in-process.ts).
// SKIPPED   cloud-controller-manager, CoreDNS.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltComponents } from './build.ts';
import type { ClusterConfig, ShipConfig } from './config.ts';
import { etcdArgs } from './etcd.ts';
import { hostComponent } from './in-process.ts';
import type { ComponentSpec } from './supervisor.ts';

/** Where the launcher keeps things, all absolute paths. */
export interface ClusterPaths {
  /** The repository root: components run with it as their working directory. */
  root: string;
  /** The state folder. @default "<cwd>/.cluster" */
  dir: string;
  etcdData: string;
  kubeconfig: string;
}

export interface ComponentDeps {
  /**
   * True once the node's Ready condition is True with a heartbeat at or after `since` (read from
   * the launcher's informer): after a restart, etcd still holds the last run's Ready node.
   */
  nodeReady(name: string, since?: number): boolean;
  /** Bundled mains (build.ts); a main without one runs with tsx. @default none: all run with tsx */
  built?: BuiltComponents;
  /** The kubeconfig a ship's kubelet and kube-proxy use (its chaos node link's). @default paths.kubeconfig */
  nodeKubeconfig?(node: string): string;
  /** Host every component but etcd in the launcher's process (in-process.ts), with the same flags. @default false */
  inProcess?: boolean;
}

/** Ships' words for each component, used in progress lines and the view. */
export const SHIPS_WORDS: Record<string, string> = {
  etcd: 'records office',
  'kube-apiserver': 'radio room',
  'kube-scheduler': 'cranes',
  'kube-controller-manager': 'offices',
  kubelet: 'captain',
  'kube-proxy': 'communications officer',
};

/** Builds the process list in start order. Ports must already be resolved (no 0s). */
export function componentSpecs(config: ClusterConfig, paths: ClusterPaths, deps: ComponentDeps): ComponentSpec[] {
  const { ports, network, timeScale } = config;
  const ts = String(timeScale);
  const run = (main: string, args: string[]) => program(main, args, paths, deps);
  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const apiUrl = `http://127.0.0.1:${ports.apiserver}`;
  const kubeconfig = ['--kubeconfig', paths.kubeconfig];

  const specs: ComponentSpec[] = [
    {
      name: 'etcd', role: 'control-plane', command: 'etcd',
      args: etcdArgs({ name: 'harbour-etcd', dataDir: paths.etcdData, clientPort: ports.etcd, peerPort: ports.etcdPeer }),
      healthy: async () => ((await getJSON(`${etcdUrl}/health`)) as { health?: string } | undefined)?.health === 'true',
    },
    {
      name: 'kube-apiserver', role: 'control-plane',
      ...run('apiserver/main.ts', ['--etcd-servers', etcdUrl, '--bind-address', '127.0.0.1', '--port', String(ports.apiserver),
        '--service-cluster-ip-range', network.serviceClusterIPRange, '--service-node-port-range', network.serviceNodePortRange,
        '--time-scale', ts]),
      healthy: () => httpOk(`${apiUrl}/healthz`),
    },
    {
      name: 'kube-scheduler', role: 'control-plane',
      ...run('scheduler/main.ts', [...kubeconfig, '--leader-elect', '--time-scale', ts, '--port', String(ports.scheduler)]),
      healthy: () => httpOk(`http://127.0.0.1:${ports.scheduler}/healthz`),
    },
    {
      name: 'kube-controller-manager', role: 'control-plane',
      ...run('controllers/main.ts', [...kubeconfig, '--leader-elect', '--time-scale', ts,
        '--cluster-cidr', network.clusterCIDR, '--load-balancer-cidr', network.loadBalancerCIDR]),
      // It serves no health endpoint (ours has no --port yet); it says when its caches are synced.
      readyLine: /caches synced, controllers running/,
    },
  ];
  // Kubelets first: the launcher's progress lists them before the proxies.
  const ships = config.ships.map((ship, i) => shipSpecs(ship, i, config, paths, deps, deps.nodeKubeconfig?.(ship.name)));
  specs.push(...ships.map(([kubelet]) => kubelet), ...ships.map(([, proxy]) => proxy));
  return specs;
}

/**
 * One ship's crew: its kubelet and its kube-proxy. Used at launch and when a ship joins later.
 * @param index the ship's position, which picks its fallback pod CIDR
 * @param kubeconfig the file both use. @default paths.kubeconfig (a chaos node link passes its own)
 */
export function shipSpecs(ship: ShipConfig, index: number, config: ClusterConfig, paths: ClusterPaths, deps: ComponentDeps,
  kubeconfig = paths.kubeconfig): [ComponentSpec, ComponentSpec] {
  const { ports, network } = config;
  const ts = String(config.timeScale);
  const hasControllerManager = existsSync(join(paths.root, 'controllers/main.ts'));
  return [
    {
      name: `kubelet/${ship.name}`, role: 'node', node: ship.name,
      ...program('kubelet/main.ts', ['--kubeconfig', kubeconfig, ...kubeletArgs(ship, index, config, hasControllerManager)], paths, deps),
      // After a restart etcd still holds the last run's Ready Node: we wait for this process's own
      // registration line, then for a Ready heartbeat from after its start.
      readyLine: /registered/,
      healthy: async (since) => deps.nodeReady(ship.name, since),
    },
    {
      name: `kube-proxy/${ship.name}`, role: 'node', node: ship.name,
      ...program('proxy/main.ts', ['--kubeconfig', kubeconfig, '--node-name', ship.name, '--node-ip', ship.ip, '--time-scale', ts,
        '--cluster-cidr', network.clusterCIDR, '--healthz-port', String(ports.proxyHealthz)], paths, deps),
      healthy: () => httpOk(`http://${ship.ip}:${ports.proxyHealthz}/healthz`),
    },
  ];
}

/**
 * How to run one of our programs: its bundle when there is one, else the .ts file with tsx. With
 * --in-process the same flags go to the same start function inside the launcher (in-process.ts).
 */
function program(main: string, args: string[], paths: ClusterPaths, deps: ComponentDeps) {
  const unavailable = () => (existsSync(join(paths.root, main)) ? undefined : `${main} is not written yet`);
  if (deps.inProcess) {
    return { command: 'in-process', args: [main, ...args], cwd: paths.root, unavailable, host: (onLine: (line: string) => void) => hostComponent(main, args, onLine) };
  }
  return {
    command: process.execPath,
    args: deps.built?.[main] ? ['--enable-source-maps', deps.built[main], ...args] : ['--import', 'tsx', main, ...args],
    cwd: paths.root,
    unavailable,
  };
}

function kubeletArgs(ship: ShipConfig, index: number, config: ClusterConfig, hasControllerManager: boolean): string[] {
  const args = ['--node-name', ship.name, '--node-ip', ship.ip, '--cpu', ship.cpu, '--memory', ship.memory,
    '--pods', String(ship.pods), '--port', String(config.ports.kubelet), '--time-scale', String(config.timeScale)];
  // The controller-manager's node-ipam hands out spec.podCIDR, as in kubeadm clusters. Without a
  // controller-manager we give each kubelet its /24 ourselves, so pods still get addresses.
  if (!hasControllerManager) args.push('--pod-cidr', podCIDRFor(config.network.clusterCIDR, index));
  return args;
}

/** The index-th /24 inside the cluster CIDR, counting from .1: ("127.244.0.0/16", 0) => "127.244.1.0/24". */
export function podCIDRFor(clusterCIDR: string, index: number): string {
  const [a, b, c] = clusterCIDR.split('/')[0]!.split('.').map(Number) as [number, number, number];
  const third = c + index + 1;
  return `${a}.${b + Math.floor(third / 256)}.${third % 256}.0/24`;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function getJSON(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}
