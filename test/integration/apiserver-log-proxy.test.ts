// pods/log is proxied to the kubelet of the pod's node, streamed as the kubelet writes it.
// A tiny HTTP server plays the kubelet's /containerLogs endpoint; the apiserver is real.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

let cp: ControlPlane;
let kubelet: http.Server;
const seen: string[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ serviceClusterIPRange: '127.96.40.0/24' });
  kubelet = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('Besu version: besu/v24.1.0-harbour\n');
    setTimeout(() => res.end('Imported #1 / 0 tx\n'), 100);
  });
  await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
  const port = (kubelet.address() as { port: number }).port;
  const post = (path: string, body: unknown) =>
    fetch(cp.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await post('/api/v1/nodes', {
    metadata: { name: 'ship-1' },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } },
  });
  await post('/api/v1/namespaces/default/pods', { metadata: { name: 'besu-0' }, spec: { nodeName: 'ship-1', containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } });
  await post('/api/v1/namespaces/default/pods', { metadata: { name: 'waiting' }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } });
});

afterAll(async () => {
  kubelet?.close();
  await cp?.stop();
});

describe('pods/log', () => {
  it('streams the container log from the kubelet, passing follow and tailLines on', async () => {
    // The node object reaches the apiserver's cache through its watch; give it a moment.
    await new Promise((r) => setTimeout(r, 300));
    const res = await fetch(`${cp.url}/api/v1/namespaces/default/pods/besu-0/log?follow=true&tailLines=10`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Besu version: besu/v24.1.0-harbour\nImported #1 / 0 tx\n');
    expect(seen.at(-1)).toBe('/containerLogs/default/besu-0/besu?follow=true&tailLines=10');
  });

  it('says a pod without a node has no log yet, as a 400 Status', async () => {
    const res = await fetch(`${cp.url}/api/v1/namespaces/default/pods/waiting/log`);
    expect(res.status).toBe(400);
    const status = (await res.json()) as { reason: string; message: string };
    expect(status.reason).toBe('BadRequest');
    expect(status.message).toContain('has not been scheduled');
  });
});
