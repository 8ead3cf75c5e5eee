// Address allocation: the CIDR bitmap, node podCIDRs (freed when the node goes, rebuilt from the
// cache after a restart) and LoadBalancer IPs (held by a finalizer until released).
import { describe, expect, it } from 'vitest';
import type { Node, Service } from '../../api/types.ts';
import { CidrSet } from '../../controllers/cidr-set.ts';
import { NodeIpamController } from '../../controllers/node-ipam.ts';
import { LB_CLEANUP_FINALIZER, ServiceLBController } from '../../controllers/service-lb.ts';
import { enabledControllers } from '../../controllers/controller-manager.ts';
import { deliver, fill, harness, node } from './controllers-fake-client.ts';

describe('CidrSet', () => {
  it('hands out /24 blocks in turn, does not reuse a freed block at once, and reports full', () => {
    const s = new CidrSet('127.244.0.0/23', 24);
    expect(s.allocateNext()).toBe('127.244.0.0/24');
    expect(s.allocateNext()).toBe('127.244.1.0/24');
    expect(s.allocateNext()).toBeUndefined();
    s.release('127.244.0.0/24');
    expect(s.allocateNext()).toBe('127.244.0.0/24');
  });

  it('hands out single IPs without the network and broadcast addresses', () => {
    const s = new CidrSet('127.200.0.0/30', 32, { reserveEnds: true });
    expect([s.allocateNext(), s.allocateNext(), s.allocateNext()]).toEqual(['127.200.0.1', '127.200.0.2', undefined]);
    expect(s.occupy('127.201.0.1')).toBe(false);
  });
});

describe('NodeIpamController.sync', () => {
  function ipam(nodes: Node[]) {
    const h = harness();
    const c = new NodeIpamController({ client: h.client, factory: h.factory, clock: h.clock, recorder: h.recorder, log: h.log });
    fill(h.factory.informer('nodes'), nodes);
    return { ...h, sync: (n: string) => c['sync'](n), nodes: h.factory.informer('nodes') };
  }
  const withCIDR = (name: string, cidr: string) => ({ ...node(name), spec: { podCIDR: cidr, podCIDRs: [cidr] } });

  it('assigns the first free /24 of 127.244.0.0/16, skipping blocks nodes already hold', async () => {
    const t = ipam([withCIDR('n1', '127.244.0.0/24'), node('n2')]);
    await t.sync('n2');
    expect(t.client.of('patch', 'nodes')[0]).toMatchObject({ name: 'n2', body: { spec: { podCIDR: '127.244.1.0/24', podCIDRs: ['127.244.1.0/24'] } } });
    await t.sync('n2'); // our write is not in the cache yet: no second block
    expect(t.client.of('patch')).toHaveLength(1);
  });

  it('frees the block of a deleted node', async () => {
    const t = ipam([withCIDR('n1', '127.244.0.0/24'), withCIDR('n2', '127.244.1.0/24')]);
    await t.sync('n1');
    deliver(t.nodes, 'DELETED', withCIDR('n1', '127.244.0.0/24'));
    await t.sync('n1');
    expect(t.logs).toContain('node-ipam: node n1 is gone: released podCIDR 127.244.0.0/24');
  });
});

describe('ServiceLBController.sync', () => {
  const lb = (name: string, extra: Partial<Service['metadata']> = {}, ip?: string): Service => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra },
    spec: { type: 'LoadBalancer', ports: [{ port: 8545 }], clusterIP: '127.96.0.5' },
    status: { loadBalancer: ip ? { ingress: [{ ip }] } : {} },
  });
  function controller(services: Service[]) {
    const h = harness();
    const c = new ServiceLBController({ client: h.client, factory: h.factory, clock: h.clock, recorder: h.recorder, log: h.log });
    fill(h.factory.informer('services'), services);
    return { ...h, sync: (k: string) => c['sync'](k) };
  }

  it('adds the cleanup finalizer, then writes an ingress IP other services do not hold', async () => {
    const t = controller([lb('old', { finalizers: [LB_CLEANUP_FINALIZER] }, '127.200.0.1'), lb('besu')]);
    await t.sync('default/besu');
    const [finalizer, status] = t.client.of('patch', 'services');
    expect(finalizer.body).toMatchObject({ metadata: { finalizers: [LB_CLEANUP_FINALIZER] } });
    expect(status).toMatchObject({ options: { subresource: 'status' }, body: { status: { loadBalancer: { ingress: [{ ip: '127.200.0.2' }] } } } });
    expect(t.recorder.messages()).toEqual(['Ensuring load balancer', 'Ensured load balancer']);
  });

  it('releases the IP and the finalizer when the Service is deleted', async () => {
    const t = controller([lb('besu', { finalizers: [LB_CLEANUP_FINALIZER] }, '127.200.0.1')]);
    await t.sync('default/besu'); // already ensured: nothing to do
    expect(t.client.calls).toEqual([]);
    deliver(t.factory.informer('services'), 'MODIFIED', lb('besu', { finalizers: [LB_CLEANUP_FINALIZER], deletionTimestamp: '2026-01-01T00:00:00Z' }, '127.200.0.1'));
    await t.sync('default/besu');
    expect(t.client.of('patch', 'services').map((c) => c.body)).toEqual([{ metadata: { resourceVersion: expect.any(String), finalizers: null } }]);
    expect(t.logs).toContain('service-lb: default/besu: released load balancer address 127.200.0.1');
  });

  it('takes the address back from a Service that is no longer a LoadBalancer', async () => {
    const was = lb('besu', { finalizers: [LB_CLEANUP_FINALIZER] }, '127.200.0.1');
    const t = controller([{ ...was, spec: { ...was.spec, type: 'ClusterIP' } }]);
    await t.sync('default/besu');
    expect(t.client.of('patch', 'services').map((c) => c.body)).toEqual([
      { status: { loadBalancer: { ingress: null } } },
      { metadata: { resourceVersion: expect.any(String), finalizers: null } },
    ]);
    expect(t.recorder.messages()).toEqual(['Deleting load balancer', 'Deleted load balancer']);
  });
});

describe('--controllers', () => {
  it('enables all with "*", disables with "-name", and accepts the old short names', () => {
    expect(enabledControllers(['*', '-nodeipam', '-service-lb-controller'])).not.toContain('node-ipam-controller');
    expect(enabledControllers(['replicationcontroller', 'endpoint'])).toEqual(['replicationcontroller-controller', 'endpoints-controller']);
    expect(enabledControllers(['*'], false)).not.toContain('node-ipam-controller');
    expect(() => enabledControllers(['statefulset'])).toThrow('unknown controller');
    expect(enabledControllers(['deployment', 'replicaset'])).toEqual(['replicaset-controller', 'deployment-controller']);
  });
});
