// Cluster config: how many ships, how big, how fast time runs, which ports
// =========================================================================
// CONCEPT   One YAML file describes the whole harbour: the cargo ships (nodes) with their cpu,
//           memory and pod capacity, the time scale every component runs at, the ports and the
//           loopback address ranges. We read it, fill in defaults, and check every field, naming
//           the field and what is allowed when something is wrong, before we start any process.
// REAL K8S  kind's cluster config (sigs.k8s.io/kind pkg/apis/config/v1alpha4/types.go) and kubeadm's
//           ClusterConfiguration play this role; the node sizes would be real machines.
// SHIPS     The harbour plan: which ships are moored, how big each hold is.
// EXAMPLE   ships: [{ name: node-1, cpu: "2", memory: 4Gi }]  =>  node-1 at 127.0.10.1, 110 pods
//           ships[0].memory: 4GB  =>  error "ships[0].memory: "4GB" is not a Kubernetes quantity ..."
// SKIPPED   labels and taints per ship (use kubectl label / taint), several control-plane replicas.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isValidQuantity } from '../api/quantity.ts';

/** One cargo ship: a node, run by its own kubelet and kube-proxy process. */
export interface ShipConfig {
  /** Node name. @default "node-N" (N counts from 1) */
  name: string;
  /** Node capacity cpu, a Kubernetes quantity. @example "4" or "2500m" */
  cpu: string;
  /** Node capacity memory, a Kubernetes quantity. @example "8Gi" */
  memory: string;
  /** Most pods the kubelet accepts (--max-pods). @default 110 */
  pods: number;
  /** The node's IP on loopback: `${network.nodeIPPrefix}.N`. Filled in by the loader. */
  ip: string;
}

/** Every TCP port the harbour listens on. 0 means "any free port" (tests use it). */
export interface PortsConfig {
  /** etcd client port. @default 2379 */ etcd: number;
  /** etcd peer port. @default 2380 */ etcdPeer: number;
  /** kube-apiserver (plain HTTP on 127.0.0.1). @default 6443 */ apiserver: number;
  /** kube-scheduler's /healthz and /explanations. @default 10259 */ scheduler: number;
  /** Each kubelet's server, on its own node IP. @default 10250 */ kubelet: number;
  /** Each kube-proxy's /healthz and /rules, on its own node IP. @default 10256 */ proxyHealthz: number;
  /** The launcher's control API (start/stop/restart/kill). @default 10200 */ launcher: number;
  /** The harbour dashboard web page. @default 8080 */ dashboard: number;
}

/** Loopback address plan (see DESIGN.md, "Network"). */
export interface NetworkConfig {
  /** Node N gets `${nodeIPPrefix}.N`. @default "127.0.10" */
  nodeIPPrefix: string;
  /** Pod IPs (the controller-manager cuts a /24 per node). @default "127.244.0.0/16" */
  clusterCIDR: string;
  /** ClusterIPs. @default "127.96.0.0/16" */
  serviceClusterIPRange: string;
  /** LoadBalancer external IPs, handed out by the controller-manager. @default "127.200.0.0/16" */
  loadBalancerCIDR: string;
  /** NodePorts. @default "30000-32767" */
  serviceNodePortRange: string;
}

export interface ClusterConfig {
  /** Every Kubernetes duration is multiplied by this (0.1: a 40 s grace period takes 4 s). @default 0.1 */
  timeScale: number;
  ports: PortsConfig;
  network: NetworkConfig;
  ships: ShipConfig[];
}

/** Which command-line flag overrides which port, so error messages can name both. */
export const PORT_FLAGS: Record<keyof PortsConfig, string> = {
  etcd: '--etcd-port', etcdPeer: '--etcd-peer-port', apiserver: '--apiserver-port', scheduler: '--scheduler-port',
  kubelet: '--kubelet-port', proxyHealthz: '--proxy-healthz-port',
  launcher: '--launcher-port', dashboard: '--dashboard-port',
};

export const DEFAULT_PORTS: PortsConfig = {
  etcd: 2379, etcdPeer: 2380, apiserver: 6443, scheduler: 10259,
  kubelet: 10250, proxyHealthz: 10256, launcher: 10200, dashboard: 8080,
};
const DEFAULT_NETWORK: NetworkConfig = {
  nodeIPPrefix: '127.0.10', clusterCIDR: '127.244.0.0/16', serviceClusterIPRange: '127.96.0.0/16', loadBalancerCIDR: '127.200.0.0/16',
  serviceNodePortRange: '30000-32767',
};
const TOP_LEVEL = ['apiVersion', 'kind', 'timeScale', 'ports', 'network', 'ships'];
const SHIP_FIELDS = ['name', 'cpu', 'memory', 'pods'];

/** A config that failed validation; `problems` holds one line per bad field. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} is not a valid cluster config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates a cluster config file. @throws ConfigError naming each bad field */
export function loadClusterConfig(file: string): ClusterConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, [(err as Error).message.split('\n')[0]!]);
  }
  return validateClusterConfig(raw, file);
}

/** Fills in defaults and checks every field; collects all problems before throwing. */
export function validateClusterConfig(raw: unknown, file = 'cluster config'): ClusterConfig {
  const problems: string[] = [];
  const obj = isRecord(raw) ? raw : (problems.push('the file must be a YAML mapping with ships: [...]'), {});
  unknownKeys(obj, TOP_LEVEL, '', problems);
  if (obj.kind !== undefined && obj.kind !== 'Cluster') problems.push(`kind: must be "Cluster", got ${JSON.stringify(obj.kind)}`);

  const timeScale = obj.timeScale ?? 0.1;
  if (typeof timeScale !== 'number' || !(timeScale > 0) || timeScale > 10) {
    problems.push(`timeScale: must be a number above 0 and at most 10 (0.1 runs Kubernetes timings 10x faster), got ${JSON.stringify(timeScale)}`);
  }
  const ports = { ...DEFAULT_PORTS };
  const rawPorts = isRecord(obj.ports) ? obj.ports : {};
  unknownKeys(rawPorts, Object.keys(DEFAULT_PORTS), 'ports.', problems);
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof PortsConfig)[]) {
    const v = rawPorts[key] ?? DEFAULT_PORTS[key];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 65535) {
      problems.push(`ports.${key}: must be a port number 1-65535 (or 0 for any free port), got ${JSON.stringify(v)}`);
    } else ports[key] = v as number;
  }
  const network = { ...DEFAULT_NETWORK, ...(isRecord(obj.network) ? obj.network : {}) } as NetworkConfig;
  unknownKeys(isRecord(obj.network) ? obj.network : {}, Object.keys(DEFAULT_NETWORK), 'network.', problems);
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(String(network.nodeIPPrefix))) {
    problems.push(`network.nodeIPPrefix: must be three octets inside 127.0.0.0/8, such as "127.0.10" (node N gets 127.0.10.N), got ${JSON.stringify(network.nodeIPPrefix)}`);
  }
  for (const key of ['clusterCIDR', 'serviceClusterIPRange', 'loadBalancerCIDR'] as const) {
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}\/(8|9|1\d|2[0-4])$/.test(String(network[key]))) {
      problems.push(`network.${key}: must be a CIDR inside 127.0.0.0/8 no smaller than /24, such as "${DEFAULT_NETWORK[key]}", got ${JSON.stringify(network[key])}`);
    }
  }
  if (!/^\d+-\d+$/.test(String(network.serviceNodePortRange))) {
    problems.push(`network.serviceNodePortRange: must look like "30000-32767", got ${JSON.stringify(network.serviceNodePortRange)}`);
  }

  const ships = validateShips(obj.ships, String(network.nodeIPPrefix), problems);
  if (problems.length) throw new ConfigError(file, problems);
  return { timeScale: timeScale as number, ports, network, ships };
}

function validateShips(raw: unknown, prefix: string, problems: string[]): ShipConfig[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push('ships: must be a list of at least one ship, such as [{ name: node-1, cpu: "2", memory: 4Gi }]');
    return [];
  }
  if (raw.length > 250) problems.push(`ships: at most 250 ships (one node IP each in ${prefix}.1-250), got ${raw.length}`);
  const seen = new Set<string>();
  return raw.map((entry, i) => {
    const at = `ships[${i}]`;
    const ship = isRecord(entry) ? entry : (problems.push(`${at}: must be a mapping with cpu and memory`), {});
    unknownKeys(ship, SHIP_FIELDS, `${at}.`, problems);
    const name = ship.name === undefined ? `node-${i + 1}` : String(ship.name);
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      problems.push(`${at}.name: must be a DNS label (lower-case letters, digits and "-"), got ${JSON.stringify(ship.name)}`);
    }
    if (seen.has(name)) problems.push(`${at}.name: "${name}" is used by two ships; node names must be unique`);
    seen.add(name);
    for (const key of ['cpu', 'memory'] as const) {
      const v = ship[key];
      const example = key === 'cpu' ? '"4" or "2500m"' : '8Gi or 8192Mi';
      if (v === undefined) problems.push(`${at}.${key}: is required, such as ${example}`);
      else if ((typeof v !== 'string' && typeof v !== 'number') || !isValidQuantity(v)) {
        // "4GB" is the usual slip: Kubernetes writes binary units as Gi, Mi, Ki.
        const unit = /^(\d+(?:\.\d+)?)\s*([KMGT])i?B$/i.exec(String(v));
        const hint = unit ? ` (did you mean ${unit[1]}${unit[2]!.toUpperCase()}i?)` : '';
        problems.push(`${at}.${key}: ${JSON.stringify(v)} is not a Kubernetes quantity${hint}; use ${example}`);
      }
    }
    const pods = ship.pods ?? 110;
    if (!Number.isInteger(pods) || (pods as number) < 1 || (pods as number) > 250) {
      problems.push(`${at}.pods: must be a whole number 1-250 (the ship's pod /24 holds 254 IPs), got ${JSON.stringify(pods)}`);
    }
    return { name, cpu: String(ship.cpu), memory: String(ship.memory), pods: pods as number, ip: `${prefix}.${i + 1}` };
  });
}

/**
 * `--nodes N`: keep the first N ships; beyond the config's list, we repeat its sizes in turn
 * (node-4 is as big as node-1), so `--nodes 6` on three ships gives two of each size.
 */
export function withShipCount(config: ClusterConfig, count: number): ClusterConfig {
  if (!Number.isInteger(count) || count < 1 || count > 250) throw new Error(`--nodes: must be a whole number 1-250, got ${count}`);
  const prefix = config.network.nodeIPPrefix;
  const ships = Array.from({ length: count }, (_, i) => {
    const base = config.ships[i % config.ships.length]!;
    return i < config.ships.length ? base : { ...base, name: `node-${i + 1}`, ip: `${prefix}.${i + 1}` };
  });
  const names = new Set(ships.map((s) => s.name));
  if (names.size !== ships.length) throw new Error('--nodes: the generated node names clash with the config\'s ship names');
  return { ...config, ships };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: string[], at: string, problems: string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push(`${at}${key}: unknown field; allowed here: ${allowed.join(', ')}`);
  }
}
