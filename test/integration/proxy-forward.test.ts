// The forwarder with real sockets on loopback: three echo "pods" behind one frontend. New
// connections spread evenly by the iptables odds; removing an endpoint stops new connections to it
// while an open one carries on; no endpoints refuses; a busy address is retried until it frees up.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { Forwarder, type ForwardTarget } from '../../proxy/forwarder.ts';
import { buildRuleTable } from '../../proxy/rules.ts';

const NET = `127.251.${1 + Math.floor(Math.random() * 250)}`; // our own /24, so parallel runs never collide
const PODS = [1, 2, 3].map((i) => ({ name: `pod-${i}`, ip: `${NET}.${i}`, port: 8545 }));
const FRONT = { ip: `${NET}.10`, port: 8545 };
const FRONT_KEY = `${FRONT.ip}:${FRONT.port}`;
const NODE_IP = `${NET}.100`;

// ## Echo pods: answer every line with the pod's name and the address the connection came from

const servers: net.Server[] = [];
const seenFrom: string[] = [];
function startPod(pod: { name: string; ip: string; port: number }): Promise<net.Server> {
  const server = net.createServer((s) => {
    seenFrom.push(s.remoteAddress ?? '');
    s.on('data', (d) => d.toString().split('\n').slice(1).forEach(() => s.write(`${pod.name}\n`)));
    s.on('error', () => {});
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(pod.port, pod.ip, () => resolve(server)));
}

/** A client connection that asks "who are you?" one line at a time. */
function dial(ip = FRONT.ip, port = FRONT.port): Promise<{ ask(): Promise<string>; close(): void }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: ip, port });
    let buffer = '';
    const waiting: ((line: string) => void)[] = [];
    s.on('data', (d) => {
      buffer += d.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        waiting.shift()?.(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
      }
    });
    s.once('error', reject);
    s.once('connect', () => resolve({
      ask: () => new Promise<string>((res, rej) => { waiting.push(res); s.once('close', () => rej(new Error('closed'))); s.write('who?\n'); }),
      close: () => s.destroy(),
    }));
  });
}

async function askOnce(): Promise<string> {
  const c = await dial();
  try {
    return await c.ask();
  } finally {
    c.close();
  }
}

/** The frontend as the rule table writes it for a ClusterIP service with these ready pods. */
function frontendFor(pods: typeof PODS): ForwardTarget[] {
  const table = buildRuleTable({
    services: [{ metadata: { namespace: 'default', name: 'besu-rpc' }, spec: { clusterIP: FRONT.ip, ports: [{ name: 'rpc', port: FRONT.port }] } }],
    endpoints: [{ metadata: { namespace: 'default', name: 'besu-rpc' }, subsets: [{ addresses: pods.map((p) => ({ ip: p.ip })), ports: [{ name: 'rpc', port: 8545 }] }] }],
    nodeName: 'node-1',
    nodeIP: NODE_IP,
  });
  return table.frontends;
}

// Real iptables draws true random numbers, so 300 connections land outside +-20% of even in about
// 3 runs out of 100. We seed the draws (mulberry32) so the test is repeatable; the walk is the same.
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) >>> 1;
  };
}

let fw: Forwarder;
beforeAll(async () => {
  await Promise.all(PODS.map(startPod));
});
afterEach(async () => {
  await fw?.close();
});
afterAll(async () => {
  for (const s of servers) s.close();
});

describe('forwarding new connections by the iptables odds', () => {
  it('spreads 300 connections over 3 endpoints within 20% of even', async () => {
    fw = new Forwarder({ clock: realClock(), random31: seeded(7), log: () => {} });
    expect(await fw.update(frontendFor(PODS))).toEqual({ opened: [FRONT_KEY], closed: [], failed: [] });
    const counts = new Map<string, number>();
    for (let batch = 0; batch < 30; batch++) {
      const names = await Promise.all(Array.from({ length: 10 }, askOnce));
      for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['pod-1', 'pod-2', 'pod-3']);
    for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(80), expect(n).toBeLessThanOrEqual(120);
    expect([...fw.picks(FRONT_KEY).values()].reduce((a, b) => a + b)).toBe(300);
  });

  it('makes the pod see the node IP as the source, as masquerade does', async () => {
    fw = new Forwarder({ clock: realClock(), sourceIP: NODE_IP, log: () => {} });
    await fw.update(frontendFor(PODS));
    seenFrom.length = 0;
    await askOnce();
    expect(seenFrom).toEqual([NODE_IP]);
  });
});

describe('rule changes', () => {
  it('sends no new connection to a removed endpoint, and leaves an open one alone', async () => {
    fw = new Forwarder({ clock: realClock(), log: () => {} });
    await fw.update(frontendFor(PODS));
    const held = await dial();
    const pinned = await held.ask();
    const result = await fw.update(frontendFor(PODS.filter((p) => p.name !== pinned)));
    expect(result).toEqual({ opened: [], closed: [], failed: [] }); // swapped in place
    const names = await Promise.all(Array.from({ length: 60 }, askOnce));
    expect(names).not.toContain(pinned);
    expect(new Set(names).size).toBe(2);
    expect(await held.ask()).toBe(pinned); // conntrack keeps the established connection
    held.close();
  });

  it('refuses connections while the service has no ready endpoint, and serves again after', async () => {
    fw = new Forwarder({ clock: realClock(), log: () => {} });
    await fw.update(frontendFor(PODS));
    expect(await fw.update(frontendFor([]))).toEqual({ opened: [], closed: [FRONT_KEY], failed: [] });
    await expect(dial()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await fw.update(frontendFor(PODS.slice(0, 1)));
    expect(await askOnce()).toBe('pod-1');
  });

  it('resets the client when the chosen pod refuses', async () => {
    fw = new Forwarder({ clock: realClock(), log: () => {} });
    await fw.update(frontendFor([{ name: 'gone', ip: `${NET}.99`, port: 8545 }]));
    const c = await dial();
    await expect(c.ask()).rejects.toThrow();
  });

  it('retries an address another process still holds, and takes it when freed', async () => {
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(FRONT.port, FRONT.ip, r));
    const logs: string[] = [];
    fw = new Forwarder({ clock: realClock(), listenRetryMs: 50, log: (m) => logs.push(m) });
    expect(await fw.update(frontendFor(PODS))).toEqual({ opened: [], closed: [], failed: [FRONT_KEY] });
    expect(logs[0]).toMatch(/cannot listen on .* for default\/besu-rpc:rpc \(EADDRINUSE\); retrying/);
    await new Promise<void>((r) => squatter.close(() => r()));
    await expect.poll(() => fw.listening(), { timeout: 2000 }).toEqual([FRONT_KEY]);
    expect(await askOnce()).toMatch(/^pod-/);
  });
});
