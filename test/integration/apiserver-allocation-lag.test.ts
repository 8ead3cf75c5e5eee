// The allocators read the watch cache, which trails etcd by a moment. A NodePort or ClusterIP
// released by a delete the cache has not heard of yet must still be free: etcd's reservation key
// decides. To make "not heard of yet" last, the test stops the Services cache's etcd watch.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { etcdPrefix } from '../../apiserver/registry/strategy.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

let cp: ControlPlane;
beforeAll(async () => {
  cp = await startControlPlane({ serviceClusterIPRange: '127.97.50.0/24' });
});
afterAll(async () => cp?.stop());

const PATH = '/api/v1/namespaces/default/services';
const send = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${cp.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
const service = (name: string, nodePort: number, clusterIP?: string) => ({
  metadata: { name }, spec: { type: 'NodePort', clusterIP, ports: [{ port: 8545, nodePort }] },
});

it('lets a port and an address be taken again as soon as etcd has released them, whatever the cache says', async () => {
  const first = await send('POST', PATH, service('first', 31500));
  expect(first.status).toBe(201);
  const ip = first.body.spec.clusterIP as string;
  // From here on the Services cache hears nothing: it still holds "first" after the delete.
  const store = cp.apiserver.store;
  await store.cache(store.def('services')).stop();
  expect(store.cache(store.def('services')).get(`${etcdPrefix(store.def('services'))}default/first`)).toBeDefined();
  expect((await send('DELETE', `${PATH}/first`)).status).toBe(200);

  const again = await send('POST', PATH, service('second', 31500, ip));
  expect(again.status, JSON.stringify(again.body)).toBe(201);
  expect(again.body.spec.ports[0].nodePort).toBe(31500);
  expect(again.body.spec.clusterIP).toBe(ip);
  // A port etcd still holds is refused, cache or no cache.
  const clash = await send('POST', PATH, service('third', 31500));
  expect(clash.status).toBe(422);
  expect(clash.body.message).toContain('provided port is already allocated');
});
