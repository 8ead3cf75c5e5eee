// Endpoints subsets: which pod addresses and ports serve a Service
// ================================================================
// CONCEPT   An Endpoints object lists, for one Service, where its traffic can go. Each selected pod
//           with an IP becomes an address: ready pods under `addresses` (kube-proxy sends traffic
//           there), not-ready ones under `notReadyAddresses` (visible, but no traffic). Each address
//           names its pod (targetRef) and node (nodeName). Ports are resolved per pod: a numeric
//           targetPort is used as is, a named one ("rpc") is looked up in the pod's containers, so
//           two pods may serve the same Service port on different container ports. Finally addresses
//           that serve the same set of ports are packed into one subset, in a stable order, so the
//           same cluster state always gives the same object (and no needless writes).
// REAL K8S  pkg/controller/endpoint/endpoints_controller.go (syncService, addEndpointSubset,
//           podToEndpointAddressForService), pkg/api/v1/endpoints/util.go (RepackSubsets,
//           SortSubsets), pkg/controller/util/endpointslice (ShouldPodBeInEndpoints)
// SHIPS     The crew list pinned at the service desk: who is aboard and answering, who is not yet.
// EXAMPLE   svc port 8545 -> targetPort "rpc"; pods a (ready, 127.244.1.5, rpc=8545), b (not ready)
//             => [{ addresses: [a], notReadyAddresses: [b], ports: [{ port: 8545, protocol: TCP }] }]
// SKIPPED   EndpointSlices, hostname/subdomain, the 1000-address truncation, appProtocol.

import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from '../api/types.ts';
import { findPort, isPodReady, isPodTerminal } from './pod-util.ts';

/** Whether a pod belongs in a Service's Endpoints at all (ShouldPodBeInEndpoints). */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** A pod as an endpoint address (podToEndpointAddressForService). */
export function podAddress(pod: Pod): EndpointAddress {
  return {
    ip: pod.status!.podIP!,
    nodeName: pod.spec.nodeName,
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid },
  };
}

interface Entry {
  address: EndpointAddress;
  ready: boolean;
  ports: EndpointPort[];
}

const portKey = (ports: EndpointPort[]) => ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(',');
const byIP = (a: EndpointAddress, b: EndpointAddress) => compareIPs(a.ip, b.ip) || (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');

/**
 * The subsets of a Service's Endpoints, given the pods its selector matches. Pure: the endpoints
 * controller compares the result with what is stored and writes only a difference.
 */
// @doc: endpoints-compute-subsets
export function computeSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = Boolean((service.spec as { publishNotReadyAddresses?: boolean }).publishNotReadyAddresses);
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of service.spec.ports ?? []) {
      const port = findPort(pod, sp);
      // A pod without that named port simply does not serve this Service port.
      if (port !== undefined) ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    // A pod serving none of the ports is left out, unless the Service has no ports (headless).
    if (!ports.length && (service.spec.ports ?? []).length) continue;
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    entries.push({ address: podAddress(pod), ready: publishNotReady || isPodReady(pod), ports });
  }
  // RepackSubsets: one subset per distinct port set.
  const groups = new Map<string, EndpointSubset>();
  for (const e of entries) {
    const key = portKey(e.ports);
    let subset = groups.get(key);
    if (!subset) groups.set(key, (subset = e.ports.length ? { ports: e.ports } : {}));
    const list = e.ready ? (subset.addresses ??= []) : (subset.notReadyAddresses ??= []);
    list.push(e.address);
  }
  const subsets = [...groups.values()];
  for (const s of subsets) {
    s.addresses?.sort(byIP);
    s.notReadyAddresses?.sort(byIP);
  }
  const first = (s: EndpointSubset) => (s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? '';
  return subsets.sort((a, b) => compareIPs(first(a), first(b)) || portKey(a.ports ?? []).localeCompare(portKey(b.ports ?? [])));
}

/** Orders dotted IPv4 addresses numerically ("127.244.1.10" after "127.244.1.9"). */
export function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
