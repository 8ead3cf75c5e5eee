// Service ports and their endpoints: what kube-proxy reads out of the API objects
// ===============================================================================
// CONCEPT   kube-proxy does not work on whole Services. It splits each Service into *service
//           ports*, one per entry of spec.ports, named "namespace/name:portName" (ServicePortName),
//           and pairs each with the ready endpoints whose Endpoints port carries the same name.
//           Everything downstream (chain names, rules, forwarders) is per service port.
//           A Service without a ClusterIP (headless, ExternalName) gets nothing: there is no
//           virtual IP to catch traffic for.
// REAL K8S  pkg/proxy/servicechangetracker.go (serviceToServiceMap), pkg/proxy/serviceport.go
//           (BaseServicePortInfo), pkg/proxy/types.go (ServicePortName.String),
//           pkg/proxy/endpointslicecache.go (endpoints sorted by "ip:port": byEndpoint)
// SHIPS     The communications officer's list: which radio channel reaches which containers.
// EXAMPLE   Service default/besu-rpc ports [{ name: rpc, port: 8545 }], Endpoints with port rpc 8545 and
//           addresses [127.244.1.4, 127.244.2.7]  =>  servicePorts -> [{ name: "default/besu-rpc:rpc", ... }]
//           endpointsByPort -> Map { "rpc/tcp" => [127.244.1.4:8545 ready, 127.244.2.7:8545 ready] }
// SKIPPED   EndpointSlices (we read v1 Endpoints, which kube-proxy used until 1.19), dual-stack
//           (one IPv4 family), the incremental change trackers (we rebuild from the informer caches
//           on every sync; see proxy.ts), terminating/serving endpoint states.

import type { EndpointAddress, Endpoints, Service, ServicePort } from '../api/types.ts';

/** One port of one Service, as kube-proxy sees it (proxy.ServicePort). */
export interface ServicePortInfo {
  /** ServicePortName.String(): "namespace/name:portName", or "namespace/name" for an unnamed port. */
  name: string;
  namespace: string;
  service: string;
  /** spec.ports[].name; "" when the Service has a single unnamed port. */
  portName: string;
  /** Lower case, as iptables spells it. */
  protocol: 'tcp' | 'udp' | 'sctp';
  clusterIP: string;
  port: number;
  /** Set for NodePort and LoadBalancer Services. */
  nodePort?: number;
  /** spec.externalIPs: addresses an administrator routes to the nodes. */
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip: what the load balancer controller assigned. */
  loadBalancerIPs: string[];
}

/** One endpoint of a service port (proxy.Endpoint). */
export interface EndpointInfo {
  ip: string;
  port: number;
  /** The node the pod runs on (addresses[].nodeName), for log lines. */
  nodeName?: string;
  /** The pod that backs it (targetRef), for log lines. */
  podName?: string;
  /** From subsets[].addresses (true) or subsets[].notReadyAddresses (false). */
  ready: boolean;
}

/** "ip:port", the endpoint's String() that kube-proxy hashes and sorts by. */
export function endpointString(ep: { ip: string; port: number }): string {
  return `${ep.ip}:${ep.port}`;
}

/** ServicePortName.String(): the name the chain hashes and the rule comments use. */
export function servicePortName(namespace: string, service: string, portName: string): string {
  return `${namespace}/${service}${portName ? `:${portName}` : ''}`;
}

/** The key that pairs a Service port with an Endpoints port: same name, same protocol. */
export function portKey(portName: string | undefined, protocol: string | undefined): string {
  return `${portName ?? ''}/${(protocol ?? 'TCP').toLowerCase()}`;
}

// ## Services

/**
 * Splits a Service into its service ports (serviceToServiceMap). Returns [] for a Service
 * kube-proxy ignores: ExternalName, headless (clusterIP "None") or not yet allocated.
 */
export function servicePorts(svc: Service): ServicePortInfo[] {
  const spec = svc.spec ?? {};
  const clusterIP = spec.clusterIP;
  // @doc: proxy-skip-headless
  if (spec.type === 'ExternalName' || !clusterIP || clusterIP === 'None') return [];
  const namespace = svc.metadata.namespace ?? 'default';
  const service = svc.metadata.name ?? '';
  const lbIPs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);
  return (spec.ports ?? []).map((p: ServicePort) => ({
    name: servicePortName(namespace, service, p.name ?? ''),
    namespace,
    service,
    portName: p.name ?? '',
    protocol: (p.protocol ?? 'TCP').toLowerCase() as ServicePortInfo['protocol'],
    clusterIP,
    port: p.port,
    // Only NodePort and LoadBalancer Services open node ports, whatever a stale field says.
    nodePort: spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? p.nodePort || undefined : undefined,
    externalIPs: [...(spec.externalIPs ?? [])],
    loadBalancerIPs: spec.type === 'LoadBalancer' ? lbIPs : [],
  }));
}

// ## Endpoints

/**
 * Explodes an Endpoints object into endpoints per port key (name/protocol), ready and not-ready
 * alike, each list sorted by "ip:port" as kube-proxy's EndpointSliceCache sorts them, so the
 * rules come out in the same order on every node and every sync.
 */
export function endpointsByPort(ep: Endpoints | undefined): Map<string, EndpointInfo[]> {
  const byPort = new Map<string, EndpointInfo[]>();
  for (const subset of ep?.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      const key = portKey(port.name, port.protocol);
      const list = byPort.get(key) ?? [];
      const add = (a: EndpointAddress, ready: boolean) => {
        // An address without an IP or a port 0 cannot be dialled (isValidEndpoint in older proxier.go).
        if (a.ip && port.port > 0) list.push({ ip: a.ip, port: port.port, nodeName: a.nodeName, podName: a.targetRef?.name, ready });
      };
      for (const a of subset.addresses ?? []) add(a, true);
      for (const a of subset.notReadyAddresses ?? []) add(a, false);
      byPort.set(key, list);
    }
  }
  for (const list of byPort.values()) list.sort((a, b) => compareStrings(endpointString(a), endpointString(b)));
  return byPort;
}

// Go's sort compares strings byte by byte; localeCompare would not, so we compare plainly.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
