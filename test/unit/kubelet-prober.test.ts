// A probe's timeout is wall time even when the cluster's clock runs ten times fast: the thing
// probed is a real HTTP server or socket, which answers no faster at time scale 0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Container } from '../../api/types.ts';
import { runProbe, type ProbeTarget } from '../../kubelet/prober.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  // /slow/<ms> answers after that many milliseconds.
  server = createServer((req, res) => setTimeout(() => res.end('ok'), Number(req.url!.split('/')[2] ?? 0)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const target = (): ProbeTarget => ({ podIP: '127.0.0.1', container: { name: 'besu', image: 'besu' } as Container, workload: {} as ProbeTarget['workload'] });

it('passes a server that answers within timeoutSeconds of wall time', async () => {
  const r = await runProbe('Readiness', { httpGet: { path: '/slow/300', port }, timeoutSeconds: 1 }, target());
  expect(r).toEqual({ ok: true, message: '' });
});

it('fails one that does not, with the kubelet\'s deadline message', async () => {
  const started = Date.now();
  const r = await runProbe('Liveness', { httpGet: { path: '/slow/1500', port }, timeoutSeconds: 1 }, target());
  expect(r.ok).toBe(false);
  expect(r.message).toContain('context deadline exceeded');
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
});
