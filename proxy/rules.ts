// The rule table: Services and Endpoints turned into kube-proxy's iptables chains
// ================================================================================
// CONCEPT   kube-proxy (iptables mode) never touches a packet itself. It writes NAT rules and the
//           kernel does the rest: a packet to a ClusterIP:port enters KUBE-SERVICES, matches the
//           service port's rule and jumps to KUBE-SVC-<hash>; that chain holds one rule per ready
//           endpoint, each a coin toss (`-m statistic --mode random --probability`) with odds 1/n,
//           1/(n-1), ..., and a last rule that always matches, so every endpoint is equally likely;
//           the chosen KUBE-SEP-<hash> rewrites the destination (DNAT) to the pod's ip:port.
//           NodePorts, external IPs and load-balancer IPs enter through KUBE-EXT-<hash>, which
//           marks the packet for masquerade (KUBE-MARK-MASQ) and then joins KUBE-SVC-<hash>.
//           A service port with no ready endpoint gets no NAT chains at all, only a REJECT rule
//           in the filter table, so clients are refused at once instead of waiting for a timeout.
//           We build the same table, print it (iptables-save.ts) and hand its `frontends` (every
//           address:port with its ordered endpoint odds) to the forwarder, which walks them exactly
//           as the kernel walks the chain (statistic.ts).
// REAL K8S  pkg/proxy/iptables/proxier.go (syncProxyRules, writeServiceToEndpointRules,
//           computeProbability, iptablesJumpChains), v1.32
// SHIPS     The communications officer's switchboard chart: which call goes to which container.
// EXAMPLE   besu-rpc:rpc 127.96.0.10:8545 with 3 ready endpoints  =>
//             -A KUBE-SERVICES ... -d 127.96.0.10 --dport 8545 -j KUBE-SVC-ABC...
//             -A KUBE-SVC-ABC... -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-1...
//             -A KUBE-SVC-ABC... -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-2...
//             -A KUBE-SVC-ABC... -j KUBE-SEP-3...
// SKIPPED   externalTrafficPolicy/internalTrafficPolicy Local (KUBE-SVL- chains), session affinity
//           (`-m recent`), loadBalancerSourceRanges (KUBE-FW-), health-check node ports, the
//           large-cluster mode that drops comments, partial syncs, IPv6.

import type { Endpoints, Service } from '../api/types.ts';
import { endpointChain, externalChain, serviceChain } from './chain-names.ts';
import { endpointString, endpointsByPort, portKey, servicePorts, type EndpointInfo, type ServicePortInfo } from './service-ports.ts';

/** One rule: `-A <chain> <args...>`. Args are unquoted; the renderer quotes what needs it. */
export interface Rule {
  chain: string;
  args: readonly string[];
}

/** One iptables table as kube-proxy writes it. */
export interface IptablesTable {
  name: 'filter' | 'nat';
  /** The kernel's own chains (policy ACCEPT) that our jump rules hang off. */
  builtinChains: readonly string[];
  /** Our chains, in the order kube-proxy declares them (`:KUBE-SERVICES - [0:0]`). */
  chains: string[];
  /** Rules in write order; rules on built-in chains are the jump rules kube-proxy ensures separately. */
  rules: Rule[];
}

/** One rule of a KUBE-SVC chain, as the forwarder needs it. */
export interface Backend {
  ip: string;
  port: number;
  /** The KUBE-SEP chain this rule jumps to. */
  chain: string;
  /** This rule's odds *given the rules above it did not match*: 1/n, 1/(n-1), ..., and 1 for the last. */
  probability: number;
  nodeName?: string;
  podName?: string;
}

/** How traffic reaches the service port at this address; the words of the rule comments. */
export type FrontendKind = 'cluster IP' | 'external IP' | 'loadbalancer IP' | 'node port';

/** An address:port kube-proxy captures, with the ordered rules that pick an endpoint for it. */
export interface Frontend {
  ip: string;
  port: number;
  protocol: ServicePortInfo['protocol'];
  kind: FrontendKind;
  /** "namespace/name:port" */
  service: string;
  /** Empty means REJECT: the service port has no ready endpoint. */
  backends: Backend[];
}

export interface RuleTable {
  filter: IptablesTable;
  nat: IptablesTable;
  frontends: Frontend[];
}

/** What one node's kube-proxy builds its table from. */
export interface RuleTableInput {
  services: readonly Service[];
  endpoints: readonly Endpoints[];
  nodeName: string;
  /** NodePorts are captured on this address only (kube-proxy's --nodeport-addresses). */
  nodeIP: string;
  /**
   * Pod addresses; traffic to a ClusterIP from outside it is masqueraded (--cluster-cidr).
   * null writes no such rule. @default "127.244.0.0/16"
   */
  clusterCIDR?: string | null;
  /** Bit of the packet mark that means "masquerade me" (--iptables-masquerade-bit). @default 14 */
  masqueradeBit?: number;
}

// The jump rules kube-proxy ensures in the kernel's chains (iptablesJumpChains): how packets find
// our chains at all. They are not part of its iptables-restore input, but iptables-save shows them.
const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];
const JUMPS: [IptablesTable['name'], string, string, string, string[]][] = [
  ['filter', 'INPUT', 'KUBE-EXTERNAL-SERVICES', 'kubernetes externally-visible service portals', NEW],
  ['filter', 'FORWARD', 'KUBE-EXTERNAL-SERVICES', 'kubernetes externally-visible service portals', NEW],
  ['filter', 'INPUT', 'KUBE-NODEPORTS', 'kubernetes health check service ports', []],
  ['filter', 'FORWARD', 'KUBE-SERVICES', 'kubernetes service portals', NEW],
  ['filter', 'OUTPUT', 'KUBE-SERVICES', 'kubernetes service portals', NEW],
  ['filter', 'FORWARD', 'KUBE-FORWARD', 'kubernetes forwarding rules', []],
  ['filter', 'INPUT', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', NEW],
  ['filter', 'OUTPUT', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', NEW],
  ['filter', 'FORWARD', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', NEW],
  ['nat', 'OUTPUT', 'KUBE-SERVICES', 'kubernetes service portals', []],
  ['nat', 'PREROUTING', 'KUBE-SERVICES', 'kubernetes service portals', []],
  ['nat', 'POSTROUTING', 'KUBE-POSTROUTING', 'kubernetes postrouting rules', []],
];

/** computeProbability: the odds written for the rule with `n` endpoints left, "%0.10f" of 1/n. */
export function computeProbability(n: number): string {
  return (1 / n).toFixed(10);
}

/**
 * Builds one node's rule table (syncProxyRules, minus the iptables-restore call).
 * Pure: the same input always gives the same table, services in name order.
 */
export function buildRuleTable(input: RuleTableInput): RuleTable {
  const mark = `0x${(1 << (input.masqueradeBit ?? 14)).toString(16)}`;
  const filter: IptablesTable = { name: 'filter', builtinChains: ['INPUT', 'FORWARD', 'OUTPUT'], chains: [], rules: [] };
  const nat: IptablesTable = { name: 'nat', builtinChains: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], chains: [], rules: [] };
  filter.chains.push('KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL');
  nat.chains.push('KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ');
  for (const [table, from, to, comment, extra] of JUMPS) {
    (table === 'nat' ? nat : filter).rules.push({ chain: from, args: [...extra, '-m', 'comment', '--comment', comment, '-j', to] });
  }

  // Masquerading happens in POSTROUTING, for packets some rule marked on the way in.
  const natRule = (chain: string, ...args: string[]) => nat.rules.push({ chain, args });
  natRule('KUBE-POSTROUTING', '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
  natRule('KUBE-POSTROUTING', '-j', 'MARK', '--xor-mark', mark);
  natRule('KUBE-POSTROUTING', '-m', 'comment', '--comment', 'kubernetes service traffic requiring SNAT', '-j', 'MASQUERADE');
  natRule('KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', mark);

  const endpointsOf = new Map(input.endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, endpointsByPort(e)]));
  const ports = input.services.flatMap(servicePorts).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const frontends: Frontend[] = [];
  for (const sp of ports) {
    const all = endpointsOf.get(`${sp.namespace}/${sp.service}`)?.get(portKey(sp.portName, sp.protocol)) ?? [];
    // @doc: proxy-only-ready
    const ready = all.filter((e) => e.ready);
    frontends.push(...writeServicePort(sp, ready, input, filter, nat));
  }

  // The NodePort catch-all goes last: only traffic no ClusterIP rule took falls through to it.
  natRule('KUBE-SERVICES', '-m', 'comment', '--comment', 'kubernetes service nodeports; NOTE: this must be the last rule in this chain',
    '-d', input.nodeIP, '-j', 'KUBE-NODEPORTS');
  filter.rules.push(
    { chain: 'KUBE-FORWARD', args: ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'] },
    { chain: 'KUBE-FORWARD', args: ['-m', 'comment', '--comment', 'kubernetes forwarding rules', '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT'] },
    { chain: 'KUBE-FORWARD', args: ['-m', 'comment', '--comment', 'kubernetes forwarding conntrack rule', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'] },
  );
  return { filter, nat, frontends: dedupe(frontends) };
}

// ## One service port

// The heart of syncProxyRules' loop body. We return the frontends it captures.
function writeServicePort(sp: ServicePortInfo, ready: EndpointInfo[], input: RuleTableInput, filter: IptablesTable, nat: IptablesTable): Frontend[] {
  const { name, protocol: p } = sp;
  const svcChain = serviceChain(name, p);
  const extChain = externalChain(name, p);
  const has = ready.length > 0;
  const match = (ip: string | null, port: number) => [...['-m', p, '-p', p], ...(ip ? ['-d', ip] : []), '--dport', String(port)];
  const comment = (text: string) => ['-m', 'comment', '--comment', text];
  const noEndpoints = comment(`${name} has no endpoints`);
  const capture = (text: string, ip: string, target: string) =>
    nat.rules.push({ chain: 'KUBE-SERVICES', args: [...comment(`${name} ${text}`), ...match(ip, sp.port), '-j', target] });
  const reject = (chain: string, ip: string | null, port: number, local = false) =>
    filter.rules.push({ chain, args: [...noEndpoints, ...(local ? ['-m', 'addrtype', '--dst-type', 'LOCAL'] : []), ...match(ip, port), '-j', 'REJECT'] });

  // Capture the ClusterIP, external IPs, load-balancer IPs and the NodePort, or reject them.
  if (has) capture('cluster IP', sp.clusterIP, svcChain);
  else reject('KUBE-SERVICES', sp.clusterIP, sp.port);
  for (const ip of sp.externalIPs) has ? capture('external IP', ip, extChain) : reject('KUBE-EXTERNAL-SERVICES', ip, sp.port);
  for (const ip of sp.loadBalancerIPs) has ? capture('loadbalancer IP', ip, extChain) : reject('KUBE-EXTERNAL-SERVICES', ip, sp.port);
  if (sp.nodePort) {
    if (has) nat.rules.push({ chain: 'KUBE-NODEPORTS', args: [...comment(name), ...match(null, sp.nodePort), '-j', extChain] });
    else reject('KUBE-EXTERNAL-SERVICES', null, sp.nodePort, true);
  }

  const backends = has ? writeChains(sp, ready, input, nat, svcChain, extChain) : [];
  const frontend = (ip: string, port: number, kind: FrontendKind): Frontend => ({ ip, port, protocol: p, kind, service: name, backends });
  return [
    frontend(sp.clusterIP, sp.port, 'cluster IP'),
    ...sp.externalIPs.map((ip) => frontend(ip, sp.port, 'external IP')),
    ...sp.loadBalancerIPs.map((ip) => frontend(ip, sp.port, 'loadbalancer IP')),
    ...(sp.nodePort ? [frontend(input.nodeIP, sp.nodePort, 'node port')] : []),
  ];
}

// KUBE-EXT, KUBE-SVC and one KUBE-SEP per endpoint, for a service port that has endpoints.
function writeChains(sp: ServicePortInfo, ready: EndpointInfo[], input: RuleTableInput, nat: IptablesTable, svcChain: string, extChain: string): Backend[] {
  const { name, protocol: p } = sp;
  const rule = (chain: string, ...args: string[]) => nat.rules.push({ chain, args });
  const cidr = input.clusterCIDR === undefined ? '127.244.0.0/16' : input.clusterCIDR;
  if (sp.nodePort || sp.externalIPs.length || sp.loadBalancerIPs.length) {
    // External traffic may come from anywhere and go to a pod on another node: masquerade it, so
    // replies come back through this node and get un-NATed (Cluster external traffic policy).
    nat.chains.push(extChain);
    rule(extChain, '-m', 'comment', '--comment', `masquerade traffic for ${name} external destinations`, '-j', 'KUBE-MARK-MASQ');
    rule(extChain, '-j', svcChain);
  }
  nat.chains.push(svcChain);
  // Traffic to the ClusterIP from outside the pod network is masqueraded too (the local detector).
  if (cidr) rule(svcChain, '-m', 'comment', '--comment', `${name} cluster IP`, '-m', p, '-p', p, '-d', sp.clusterIP, '--dport', String(sp.port), '!', '-s', cidr, '-j', 'KUBE-MARK-MASQ');

  // @doc: proxy-probabilities
  const n = ready.length;
  const backends = ready.map((ep, i): Backend => {
    const ipPort = endpointString(ep);
    const chain = endpointChain(name, p, ipPort);
    const odds = i < n - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', computeProbability(n - i)] : [];
    rule(svcChain, '-m', 'comment', '--comment', `${name} -> ${ipPort}`, ...odds, '-j', chain);
    return { ip: ep.ip, port: ep.port, chain, probability: i < n - 1 ? 1 / (n - i) : 1, nodeName: ep.nodeName, podName: ep.podName };
  });
  for (const b of backends) {
    nat.chains.push(b.chain);
    // A pod that calls its own Service and lands on itself must be masqueraded, or it would get
    // a reply from itself to itself and drop it ("hairpin" traffic).
    rule(b.chain, '-m', 'comment', '--comment', name, '-s', b.ip, '-j', 'KUBE-MARK-MASQ');
    rule(b.chain, '-m', 'comment', '--comment', name, '-m', p, '-p', p, '-j', 'DNAT', '--to-destination', `${b.ip}:${b.port}`);
  }
  return backends;
}

// Two Services claiming the same address:port (say, one external IP) cannot both have it; like
// iptables, the first rule in the chain wins.
function dedupe(frontends: Frontend[]): Frontend[] {
  const seen = new Set<string>();
  return frontends.filter((f) => {
    const key = `${f.protocol}/${f.ip}:${f.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
