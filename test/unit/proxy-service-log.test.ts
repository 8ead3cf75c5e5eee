// The proxy's log lines: each Service change said once, in plain words.
import { describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../api/types.ts';
import { describeChanges, serviceViews } from '../../proxy/service-log.ts';

const rpc: Service = {
  metadata: { namespace: 'default', name: 'besu-rpc' },
  spec: { type: 'NodePort', clusterIP: '127.96.0.10', ports: [{ name: 'rpc', port: 8545, nodePort: 30545 }] },
};
const addr = (i: number) => ({ ip: `127.244.${i}.4`, nodeName: `node-${i}`, targetRef: { kind: 'Pod', name: `besu-${i}` } });
const eps = (ready: number[], notReady: number[] = []): Endpoints => ({
  metadata: { namespace: 'default', name: 'besu-rpc' },
  subsets: [{ addresses: ready.map(addr), notReadyAddresses: notReady.map(addr), ports: [{ name: 'rpc', port: 8545 }] }],
});
const views = (e?: Endpoints, s: Service[] = [rpc]) => serviceViews(s, e ? [e] : []);

describe('describeChanges', () => {
  it('announces a new service with its addresses and endpoints', () => {
    expect(describeChanges(new Map(), views(eps([1, 2, 3])))).toEqual([
      'svc default/besu-rpc: new, at ClusterIP 127.96.0.10, NodePort 30545; 3 endpoints']);
    expect(describeChanges(new Map(), views())).toEqual([
      'svc default/besu-rpc: new, at ClusterIP 127.96.0.10, NodePort 30545; 0 endpoints, connections will be refused']);
  });

  it('names the node and pod whose endpoint went not ready', () => {
    expect(describeChanges(views(eps([1, 2, 3])), views(eps([1, 3], [2])))).toEqual([
      "svc default/besu-rpc: 2 of 3 endpoints ready; node-2's besu-2 (127.244.2.4) went not ready"]);
  });

  it('says when endpoints are added, become ready, or go away', () => {
    expect(describeChanges(views(eps([1], [2])), views(eps([1, 2, 3])))).toEqual([
      "svc default/besu-rpc: 3 endpoints; node-2's besu-2 (127.244.2.4) became ready, node-3's besu-3 (127.244.3.4) added"]);
    expect(describeChanges(views(eps([1, 2])), views(eps([2])))).toEqual([
      "svc default/besu-rpc: 1 endpoint; node-1's besu-1 (127.244.1.4) removed"]);
  });

  it('warns when the last ready endpoint goes, and says when serving resumes', () => {
    expect(describeChanges(views(eps([1])), views(eps([], [1])))[0]).toMatch(/0 of 1 endpoints ready; .* went not ready; no ready endpoint left, connections will be refused$/);
    expect(describeChanges(views(eps([], [1])), views(eps([1])))[0]).toMatch(/became ready; serving again$/);
  });

  it('reports a new load-balancer address and a deleted service, and nothing when nothing changed', () => {
    const lb: Service = { ...rpc, spec: { ...rpc.spec, type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '127.200.0.1' }] } } };
    expect(describeChanges(views(eps([1]), [{ ...lb, status: {} }]), views(eps([1]), [lb]))).toEqual([
      'svc default/besu-rpc: 1 endpoint; now at ClusterIP 127.96.0.10, NodePort 30545, LoadBalancer 127.200.0.1']);
    expect(describeChanges(views(eps([1])), views())).toEqual(["svc default/besu-rpc: 0 endpoints; node-1's besu-1 (127.244.1.4) removed; no ready endpoint left, connections will be refused"]);
    expect(describeChanges(views(eps([1])), new Map())).toEqual(['svc default/besu-rpc: deleted, its rules are gone']);
    expect(describeChanges(views(eps([1, 2])), views(eps([2, 1])))).toEqual([]);
  });
});
