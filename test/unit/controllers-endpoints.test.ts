// Endpoints computation and the endpoints controller's writes: ready pods as addresses, not-ready
// ones as notReadyAddresses, ports resolved from named container ports, one write per real change.
import { describe, expect, it } from 'vitest';
import type { Endpoints, Pod, Service } from '../../api/types.ts';
import { EndpointsController } from '../../controllers/endpoints.ts';
import { compareIPs, computeSubsets } from '../../controllers/endpoints-subsets.ts';
import { deliver, fill, harness, pod } from './controllers-fake-client.ts';

const svc = (ports: Service['spec']['ports'] = [{ name: 'rpc', port: 8545, targetPort: 'rpc', protocol: 'TCP' }]): Service => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'besu', namespace: 'default', uid: 'uid-svc', labels: { tier: 'chain' } },
  spec: { selector: { app: 'besu' }, ports, clusterIP: '127.96.0.10' },
});

describe('computeSubsets', () => {
  it('lists ready pods as addresses and not-ready ones as notReadyAddresses, with targetRef and nodeName', () => {
    const subsets = computeSubsets(svc(), [
      pod('b', { node: 'n2', ready: true, ip: '127.244.1.10' }),
      pod('a', { node: 'n1', ready: true, ip: '127.244.0.9' }),
      pod('c', { node: 'n1', ready: false, ip: '127.244.0.3' }),
    ]);
    expect(subsets).toEqual([{
      ports: [{ name: 'rpc', port: 8545, protocol: 'TCP' }],
      addresses: [
        { ip: '127.244.0.9', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
        { ip: '127.244.1.10', nodeName: 'n2', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
      ],
      notReadyAddresses: [{ ip: '127.244.0.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
    }]);
  });

  it('leaves out pods without an IP, terminating pods and finished pods', () => {
    const subsets = computeSubsets(svc(), [
      pod('no-ip', { node: 'n1', ready: true }),
      pod('leaving', { node: 'n1', ready: true, ip: '127.244.0.4', deleting: true }),
      pod('done', { node: 'n1', phase: 'Succeeded', ip: '127.244.0.5' }),
    ]);
    expect(subsets).toEqual([]);
  });

  it('resolves numeric and named target ports per pod, grouping pods by the ports they serve', () => {
    const other = pod('other', { node: 'n1', ready: true, ip: '127.244.0.7' });
    other.spec.containers[0].ports = [{ name: 'rpc', containerPort: 9000, protocol: 'TCP' }];
    const bare = pod('bare', { node: 'n1', ready: true, ip: '127.244.0.8' });
    bare.spec.containers[0].ports = [];
    const subsets = computeSubsets(svc([
      { name: 'rpc', port: 8545, targetPort: 'rpc', protocol: 'TCP' },
      { name: 'metrics', port: 9545, targetPort: 9545, protocol: 'TCP' },
    ]), [pod('a', { node: 'n1', ready: true, ip: '127.244.0.6' }), other, bare]);
    expect(subsets.map((s) => [s.addresses?.map((a) => a.targetRef?.name), s.ports?.map((p) => `${p.name}=${p.port}`)])).toEqual([
      [['a'], ['metrics=9545', 'rpc=8545']],
      [['other'], ['metrics=9545', 'rpc=9000']],
      [['bare'], ['metrics=9545']],
    ]);
  });

  it('orders IPs numerically', () => {
    expect(['127.244.1.10', '127.244.1.9', '127.244.0.200'].sort(compareIPs)).toEqual(['127.244.0.200', '127.244.1.9', '127.244.1.10']);
  });
});

function controller(services: Service[], pods: Pod[], endpoints: Endpoints[] = []) {
  const h = harness();
  const ec = new EndpointsController({ client: h.client, factory: h.factory, clock: h.clock, recorder: h.recorder, log: h.log });
  fill(h.factory.informer('services'), services);
  fill(h.factory.informer('pods'), pods);
  fill(h.factory.informer('endpoints'), endpoints);
  return { ...h, sync: () => ec['sync']('default/besu'), endpoints: h.factory.informer('endpoints') };
}

describe('EndpointsController.sync', () => {
  it('creates the Endpoints with the Service\'s name and labels', async () => {
    const t = controller([svc()], [pod('a', { node: 'n1', ready: true, ip: '127.244.0.9' }), pod('x', { labels: { app: 'other' }, node: 'n1', ready: true, ip: '127.244.0.2' })]);
    await t.sync();
    const ep = t.client.of('create', 'endpoints')[0].body as Endpoints;
    expect(ep.metadata).toMatchObject({ name: 'besu', namespace: 'default', labels: { tier: 'chain' } });
    expect(ep.subsets![0].addresses!.map((a) => a.ip)).toEqual(['127.244.0.9']);
  });

  it('writes nothing when the Endpoints already say the same, and updates when a pod turns ready', async () => {
    const a = pod('a', { node: 'n1', ready: false, ip: '127.244.0.9' });
    const t = controller([svc()], [a]);
    await t.sync();
    deliver(t.endpoints, 'ADDED', t.client.of('create')[0].body as Endpoints);
    await t.sync();
    expect(t.client.actions()).toEqual(['create endpoints besu']);
    deliver(t.factory.informer('pods'), 'MODIFIED', pod('a', { node: 'n1', ready: true, ip: '127.244.0.9' }));
    await t.sync();
    const updated = t.client.of('update', 'endpoints')[0].body as Endpoints;
    expect(updated.subsets![0].addresses!.map((x) => x.targetRef?.name)).toEqual(['a']);
    expect(updated.subsets![0].notReadyAddresses).toBeUndefined();
  });

  it('leaves Services without a selector alone and deletes the Endpoints of a deleted Service', async () => {
    const manual = { ...svc(), spec: { ...svc().spec, selector: undefined } };
    const t = controller([manual], [pod('a', { node: 'n1', ready: true, ip: '127.244.0.9' })]);
    await t.sync();
    expect(t.client.actions()).toEqual([]);
    const gone = controller([], [], [{ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'besu', namespace: 'default' } }]);
    await gone.sync();
    expect(gone.client.actions()).toEqual(['delete endpoints besu']);
  });
});
