// Two kube-proxies against a real apiserver and etcd, forwarding to three echo "pods" on loopback:
// the ClusterIP, every node's NodePort and the load-balancer IP answer; 300 requests spread evenly;
// a pod that turns not ready gets no new connections; no endpoints refuses; the rules are readable
// at /rules; when the VIP owner dies the other proxy takes the VIPs within the lease duration; a
// restarted proxy resumes from the API alone.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { serviceChain } from '../../proxy/chain-names.ts';
import { startProxy, type KubeProxy, type ProxyOptions } from '../../proxy/proxy.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

const R = 1 + Math.floor(Math.random() * 250);
const NET = `127.251.${R}`;
const LB_IP = `127.200.${R}.1`;
const PODS = [1, 2, 3].map((i) => ({ name: `besu-${i}`, node: `node-${i}`, ip: `${NET}.${i}` }));
const NODES = [{ name: 'node-1', ip: `${NET}.101` }, { name: 'node-2', ip: `${NET}.102` }];
const clock = realClock(0.1); // lease 15 s -> 1.5 s, min sync 1 s -> 0.1 s
const LEASE_WALL_MS = 15_000 * 0.1;

// ## Echo pods: HTTP servers that answer with their pod name

const pods: http.Server[] = [];
async function startPods(): Promise<void> {
  for (const p of PODS) {
    const server = http.createServer((_req, res) => res.end(p.name));
    pods.push(server);
    await new Promise<void>((r) => server.listen(8545, p.ip, r));
  }
}

/** One request on a fresh connection; resolves to the answering pod's name. */
function ask(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

// ## The cluster objects

let cp: ControlPlane;
let client: KubeClient;
let svc: Service;
const proxies = new Map<string, KubeProxy>();
const logs = new Map<string, string[]>();

function endpointsWith(ready: typeof PODS, notReady: typeof PODS = []): Endpoints {
  const addr = (p: (typeof PODS)[number]) => ({ ip: p.ip, nodeName: p.node, targetRef: { kind: 'Pod', namespace: 'default', name: p.name } });
  return { metadata: { name: 'besu-rpc', namespace: 'default' }, subsets: [{ addresses: ready.map(addr), notReadyAddresses: notReady.map(addr), ports: [{ name: 'rpc', port: 8545 }] }] };
}

async function setEndpoints(ready: typeof PODS, notReady: typeof PODS = []): Promise<void> {
  const current = await client.get('endpoints', 'besu-rpc', 'default');
  await client.update('endpoints', { ...endpointsWith(ready, notReady), metadata: current.metadata });
}

function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) >>> 1;
  };
}

async function start(node: (typeof NODES)[number], extra: Partial<ProxyOptions> = {}): Promise<KubeProxy> {
  const lines: string[] = [];
  logs.set(node.name, lines);
  // Fixed draws (the same seed on every node) make the 300-request spread repeatable.
  const p = await startProxy({ url: cp.url, clock, nodeName: node.name, nodeIP: node.ip, healthzPort: 0, listenRetryMs: 50,
    random31: seeded(7), log: (l) => lines.push(l), ...extra });
  proxies.set(node.name, p);
  return p;
}

/** Polls `check` until it returns a truthy value (expect.poll is for inside tests only). */
async function waitFor<T>(check: () => T, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const owner = () => [...proxies.values()].find((p) => p.isVipOwner());
const clusterIP = () => svc.spec.clusterIP!;
const nodePort = () => svc.spec.ports![0].nodePort!;

beforeAll(async () => {
  await startPods();
  cp = await startControlPlane({ serviceClusterIPRange: `127.98.${R}.0/24` });
  client = new KubeClient({ server: cp.url, clock });
  svc = await client.create('services', {
    metadata: { name: 'besu-rpc', namespace: 'default' },
    spec: { type: 'LoadBalancer', selector: { app: 'besu' }, ports: [{ name: 'rpc', port: 8545, protocol: 'TCP' }] },
  });
  svc = await client.updateStatus('services', { ...svc, status: { loadBalancer: { ingress: [{ ip: LB_IP }] } } });
  await client.create('endpoints', endpointsWith(PODS));
  for (const n of NODES) await start(n);
  const first = await waitFor(owner, 10_000, 'a VIP owner');
  await waitFor(() => first.forwarder.listening().length === 3, 5_000, 'ClusterIP, LB IP and NodePort listeners');
});

afterAll(async () => {
  for (const p of proxies.values()) await p.stop();
  await cp?.stop();
  for (const s of pods) s.close();
});

describe('kube-proxy against a real apiserver', () => {
  it('answers on the ClusterIP, on every node\'s NodePort and on the load-balancer IP', async () => {
    expect(await ask(clusterIP(), 8545)).toMatch(/^besu-\d$/);
    expect(await ask(LB_IP, 8545)).toMatch(/^besu-\d$/);
    for (const n of NODES) expect(await ask(n.ip, nodePort())).toMatch(/^besu-\d$/);
    const other = [...proxies.values()].find((p) => !p.isVipOwner())!;
    expect(other.forwarder.listening()).toEqual([`${other.nodeIP}:${nodePort()}`]);
  });

  it('spreads 300 requests to the ClusterIP over 3 endpoints within 20% of even', async () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      for (const name of await Promise.all(Array.from({ length: 10 }, () => ask(clusterIP(), 8545)))) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['besu-1', 'besu-2', 'besu-3']);
    for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(80), expect(n).toBeLessThanOrEqual(120);
  });

  it('serves the rules in iptables-save format and health on the node IP', async () => {
    const p = proxies.get('node-1')!;
    const rules = await (await fetch(`${p.healthzURL}/rules`)).text();
    const chain = serviceChain('default/besu-rpc:rpc', 'tcp');
    expect(rules).toContain(`-A KUBE-SERVICES -d ${clusterIP()}/32 -p tcp -m comment --comment "default/besu-rpc:rpc cluster IP" -m tcp --dport 8545 -j ${chain}`);
    expect(rules).toContain(`-A KUBE-SERVICES -d ${LB_IP}/32 -p tcp -m comment --comment "default/besu-rpc:rpc loadbalancer IP"`);
    expect(rules.match(new RegExp(`^-A ${chain} .*-j KUBE-SEP-`, 'gm'))).toHaveLength(3);
    const health = await fetch(`${p.healthzURL}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ nodeEligible: true });
    expect(p.healthzURL).toContain(NODES[0].ip);
    expect(logs.get('node-1')!.some((l) => l.startsWith('svc default/besu-rpc: new, at ClusterIP'))).toBe(true);
  });

  it('sends no new connection to a pod that turned not ready, and says so in plain words', async () => {
    await setEndpoints([PODS[0], PODS[2]], [PODS[1]]);
    const o = owner()!;
    await expect.poll(() => o.table()?.frontends[0].backends.length, { timeout: 5_000 }).toBe(2);
    const names = await Promise.all(Array.from({ length: 60 }, () => ask(clusterIP(), 8545)));
    expect(names).not.toContain('besu-2');
    expect(logs.get(o.nodeName)).toContain(`svc default/besu-rpc: 2 of 3 endpoints ready; node-2's besu-2 (${PODS[1].ip}) went not ready`);
  });

  it('refuses connections when no endpoint is ready, with a REJECT rule to show for it', async () => {
    await setEndpoints([], PODS);
    const o = owner()!;
    await expect.poll(() => o.forwarder.listening(), { timeout: 5_000 }).toEqual([]);
    await expect(ask(clusterIP(), 8545)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(o.rules()).toContain('--comment "default/besu-rpc:rpc has no endpoints"');
    await setEndpoints(PODS);
    await expect.poll(() => ask(clusterIP(), 8545).catch(() => ''), { timeout: 5_000 }).toMatch(/^besu-\d$/);
  });

  it('moves the VIPs to the other proxy within the lease duration when the owner dies', async () => {
    const dead = owner()!;
    const survivor = [...proxies.values()].find((p) => p !== dead)!;
    const t0 = performance.now();
    await dead.stop({ release: false }); // a crash: the Lease is left to expire
    proxies.delete(dead.nodeName);
    await expect.poll(() => ask(clusterIP(), 8545).catch(() => ''), { timeout: 10_000, interval: 50 }).toMatch(/^besu-\d$/);
    const tookMs = performance.now() - t0;
    expect(survivor.isVipOwner()).toBe(true);
    expect(tookMs).toBeLessThan(LEASE_WALL_MS + 1_500); // lease duration plus a retry period and a sync
    expect(await ask(LB_IP, 8545)).toMatch(/^besu-\d$/);
  });

  it('resumes after a restart from what the apiserver holds', async () => {
    const node = NODES.find((n) => !proxies.has(n.name))!;
    const p = await start(node);
    expect(await ask(node.ip, nodePort())).toMatch(/^besu-\d$/);
    expect(p.table()?.frontends.map((f) => f.kind)).toEqual(['cluster IP', 'loadbalancer IP', 'node port']);
    const events = await client.list('events', { namespace: 'default' });
    expect(events.items.some((e) => e.reason === 'Starting' && e.involvedObject.name === node.name)).toBe(true);
  });
});
