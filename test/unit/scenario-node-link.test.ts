// A node's link to the apiserver (cluster/chaos/node-link.ts) and the launcher's chaos routes
// (cluster/chaos/routes.ts), against a tiny HTTP server standing in for the apiserver.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeLink } from '../../cluster/chaos/node-link.ts';
import { DEFAULT_PORTS } from '../../cluster/config.ts';
import { chaosRoutes, type ChaosHost } from '../../cluster/chaos/routes.ts';
import type { NodeLinks } from '../../cluster/chaos/node-links.ts';
import type { Supervisor } from '../../cluster/supervisor.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The "apiserver": answers every request with its path, counting what it saw. */
async function apiserver(): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end(`hello ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return { port: (server.address() as AddressInfo).port, seen };
}

async function link(target: number, timeScale = 1): Promise<{ link: NodeLink; port: number }> {
  const l = new NodeLink({ node: 'node-1', listen: { host: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port: target }, timeScale });
  const port = await l.start();
  closers.push(() => l.close());
  return { link: l, port };
}

/** One request on a fresh connection (no keep-alive), or the error it ended with. */
function get(port: number, path: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

describe('NodeLink', () => {
  it('forwards every byte while open', async () => {
    const api = await apiserver();
    const { port, link: l } = await link(api.port);
    expect(await get(port, '/api/v1/nodes')).toBe('hello /api/v1/nodes');
    expect(l.state()).toMatchObject({ node: 'node-1', mode: 'open', delayMs: 0, listen: `127.0.0.1:${port}` });
  });

  it('swallows requests while partitioned: the client waits, the apiserver never hears them', async () => {
    const api = await apiserver();
    const { port, link: l } = await link(api.port);
    l.partition();
    expect(l.state().mode).toBe('partitioned');
    await expect(get(port, '/lease', 300)).rejects.toThrow('timed out');
    expect(api.seen).toEqual([]);
  });

  it('freezes a connection that was open when the partition came, and resets it on heal', async () => {
    const api = await apiserver();
    const { port, link: l } = await link(api.port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const viaAgent = (path: string) => new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    expect(await viaAgent('/first')).toBe('hello /first');
    l.partition();
    const stuck = viaAgent('/during');
    await new Promise((r) => setTimeout(r, 200));
    expect(api.seen).toEqual(['/first']);
    l.heal();
    await expect(stuck).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await get(port, '/after')).toBe('hello /after');
    agent.destroy();
  });

  it('delays every request by the Kubernetes delay times the time scale', async () => {
    const api = await apiserver();
    const { port, link: l } = await link(api.port, 0.01);
    l.slow(20_000); // 20 s of Kubernetes time = 200 ms of wall time
    expect(l.state()).toMatchObject({ mode: 'slow', delayMs: 20_000 });
    const t0 = Date.now();
    expect(await get(port, '/slow')).toBe('hello /slow');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    l.slow(0);
    const t1 = Date.now();
    await get(port, '/fast');
    expect(Date.now() - t1).toBeLessThan(150);
  });
});

describe('chaos routes', () => {
  async function serve(host: ChaosHost): Promise<string> {
    const routes = chaosRoutes(host);
    const server = http.createServer((req, res) => {
      if (!routes(req, res)) res.writeHead(404).end('{"error":"not a chaos route"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => server.close(r)));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function fakeHost(l: NodeLink): ChaosHost {
    const links = { get: (n: string) => (n === 'node-1' ? l : undefined), list: () => [l.state()] } as unknown as NodeLinks;
    return {
      supervisor: {} as Supervisor, links, shipSpecs: () => [],
      config: {
        timeScale: 0.1, ships: [{ name: 'node-1', cpu: '2', memory: '4Gi', pods: 110, ip: '127.0.10.1' }],
        ports: { ...DEFAULT_PORTS },
        network: { nodeIPPrefix: '127.0.10', clusterCIDR: '127.244.0.0/16', serviceClusterIPRange: '127.96.0.0/16', loadBalancerCIDR: '127.200.0.0/16', serviceNodePortRange: '30000-32767' },
      },
    };
  }

  it('answers /harbour, partitions, slows and heals a node, and leaves other paths alone', async () => {
    const api = await apiserver();
    const { link: l } = await link(api.port);
    const url = await serve(fakeHost(l));
    expect(await (await fetch(`${url}/harbour`)).json()).toMatchObject({ timeScale: 0.1, ships: [{ name: 'node-1' }] });
    expect(await (await fetch(`${url}/nodes/node-1/partition`, { method: 'POST' })).json()).toMatchObject({ mode: 'partitioned' });
    expect(await (await fetch(`${url}/nodes/node-1/slow?delay=1m30s`, { method: 'POST' })).json()).toMatchObject({ mode: 'partitioned', delayMs: 90_000 });
    expect(await (await fetch(`${url}/nodes/node-1/heal`, { method: 'POST' })).json()).toMatchObject({ mode: 'open', delayMs: 0 });
    const bad = await fetch(`${url}/nodes/node-1/slow?delay=soon`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/slow needs \?delay=DURATION.*"soon" is not a duration/);
    const missing = await fetch(`${url}/nodes/node-9/partition`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toBe('no node "node-9"; nodes with links: node-1');
    expect((await fetch(`${url}/components`)).status).toBe(404);
  });

  it('refuses a ship with a bad size, naming the field', async () => {
    const api = await apiserver();
    const { link: l } = await link(api.port);
    const url = await serve(fakeHost(l));
    const res = await fetch(`${url}/nodes`, { method: 'POST', body: JSON.stringify({ name: 'node-1', cpu: 'lots' }) });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error).toContain('cpu: "lots" is not a quantity');
    expect(error).toContain('name: a ship named "node-1" is already in the harbour');
  });
});
