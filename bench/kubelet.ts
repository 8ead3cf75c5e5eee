// Benchmark: how many hollow nodes and running pods one kubelet process holds
// ===========================================================================
// CONCEPT   kubemark's question: can one process host a thousand nodes, each registering,
//           heartbeating every 10 s and running its pods, without falling behind? We start a real
//           etcd and a real apiserver *in other processes* (so this process's memory is the kubelet's
//           alone), host N hollow nodes here, bind P pods to each (generic containers; no Besu), wait
//           until every pod is Running, then watch the heartbeats for a while.
//           Reported: memory per node and per pod (heap and RSS deltas), the time to register and to
//           run every pod, and how late lease renewals land (p50 / p99 / max, against their fixed
//           10 s grid) while the fleet is steady.
// REAL K8S  test/kubemark (hollow nodes), perf-tests/clusterloader2 (node density: 30 pods per node)
// SHIPS     How many ships one fleet office can captain before its radio reports come late.
// EXAMPLE   node --expose-gc --import tsx bench/kubelet.ts --nodes 1000 --pods-per-node 30 --window 60
//           npx tsx bench/kubelet.ts --nodes 100 --pods-per-node 30 --events false
// SKIPPED   Besu pods (each one is a real HTTP server and a chain: see bench/besu.ts territory).

import { spawn } from 'node:child_process';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, freePort } from '../cluster/etcd.ts';
import { realClock } from '../client/clock.ts';
import { isAlreadyExists, networkErrorCode } from '../client/errors.ts';
import { KubeClient } from '../client/rest.ts';
import { hollowNodes, startKubelet } from '../kubelet/kubelet.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const nodeCount = Number(arg('nodes', '1000'));
const podsPerNode = Number(arg('pods-per-node', '30'));
const windowSeconds = Number(arg('window', '60'));
const recordEvents = arg('events', 'true') !== 'false';
const timeScale = Number(arg('time-scale', '1'));
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { heap: number; rss: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const dir = mkdtempSync(join(tmpdir(), 'bench-kubelet-'));
const etcd = await startEtcd({ dataDir: join(dir, 'etcd'), clientPort: 0, peerPort: 0 });
const apiPort = await freePort();
const apiserver = spawn(process.execPath, ['--import', 'tsx', 'apiserver/main.ts', '--etcd-servers', etcd.url, '--port', String(apiPort)], { stdio: ['ignore', 'ignore', 'inherit'] });
const url = `http://127.0.0.1:${apiPort}`;
// Whatever happens, the processes we started go with us.
const cleanup = async () => {
  apiserver.kill('SIGTERM');
  await etcd.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
};
process.on('uncaughtException', (e) => {
  console.error(e);
  void cleanup().then(() => process.exit(1));
});
process.on('unhandledRejection', (e) => {
  console.error(e);
  void cleanup().then(() => process.exit(1));
});
for (let i = 0; ; i++) {
  if ((await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) break;
  if (i > 300) throw new Error('apiserver did not come up');
  await new Promise((r) => setTimeout(r, 100));
}

const clock = realClock(timeScale);
const client = new KubeClient({ server: url, clock, timeoutMs: 120_000 });
console.log(`kubelet bench: ${nodeCount} hollow nodes x ${podsPerNode} pods, time scale ${timeScale}, events ${recordEvents ? 'on' : 'off'}, gc ${gc ? 'exposed' : 'not exposed (run node --expose-gc for steadier figures)'}`);
const base = memory();

// ## 1. Register the nodes
let t = Date.now();
const kubelet = await startKubelet({
  client, nodes: hollowNodes({ count: nodeCount, prefix: 'hollow-' }), port: 0, recordEvents, log: () => {},
  statusWorkers: 16,
});
const registerMs = Date.now() - t;
const afterNodes = memory();
console.log(`registered ${nodeCount} nodes in ${seconds(registerMs)}; heap +${((afterNodes.heap - base.heap) / MB).toFixed(1)} MB, rss +${((afterNodes.rss - base.rss) / MB).toFixed(1)} MB`);

// ## 2. Bind pods to them (created with spec.nodeName, as a scheduler's binding would leave them)
t = Date.now();
const total = nodeCount * podsPerNode;
let next = 0;
const creator = async () => {
  for (let i = next++; i < total; i = next++) {
    const node = `hollow-${(i % nodeCount) + 1}`;
    // A POST cut off by a closing keep-alive socket is not retried by the client (it may have
    // landed); here we retry, and take "already exists" as the earlier attempt having worked.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.create('pods', {
          metadata: { name: `pod-${i}`, namespace: 'default', labels: { app: 'density' } },
          spec: { nodeName: node, containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '10Mi' } } }] },
        });
        break;
      } catch (e) {
        if (isAlreadyExists(e)) break;
        if (!networkErrorCode(e) || attempt >= 5) throw e;
      }
    }
  }
};
await Promise.all(Array.from({ length: 32 }, creator));
const createMs = Date.now() - t;
let running = 0;
for (;;) {
  running = kubelet.pods.list().filter((p) => p.status?.phase === 'Running').length;
  if (running >= total) break;
  if (Date.now() - t > 30 * 60_000) throw new Error(`only ${running}/${total} pods Running after 30 min`);
  await new Promise((r) => setTimeout(r, 500));
}
const runMs = Date.now() - t;
const afterPods = memory();
console.log(`created ${total} pods in ${seconds(createMs)}; all Running (as the API shows them) after ${seconds(runMs)}; status patches ${kubelet.statusManager.patches}`);

// ## 3. Steady state: heartbeats against their grid
// A forced full GC (memory() above) stalls the process; we let the timers it delayed fire first.
await new Promise((r) => setTimeout(r, 15_000));
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const gcPauses: number[] = [];
const gcObserver = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
gcObserver.observe({ entryTypes: ['gc'] });
kubelet.heartbeatLateness.length = 0;
kubelet.heartbeatTimerLateness.length = 0;
const cpuBefore = process.cpuUsage();
const relistsBefore = kubelet.pods.relists;
const renewalsBefore = kubelet.nodes.reduce((n, k) => n + k.lease.renewals, 0);
await new Promise((r) => setTimeout(r, windowSeconds * 1000));
const late = [...kubelet.heartbeatLateness].sort((a, b) => a - b);
const fired = [...kubelet.heartbeatTimerLateness].sort((a, b) => a - b);
const renewals = kubelet.nodes.reduce((n, k) => n + k.lease.renewals, 0) - renewalsBefore;
const expected = nodeCount * ((windowSeconds * 1000) / (10_000 * timeScale));
const cpu = process.cpuUsage(cpuBefore);
const relists = kubelet.pods.relists - relistsBefore;
loopDelay.disable();
gcObserver.disconnect();
const steady = memory();

console.log('\n| figure | value |\n|---|---|');
const row = (k: string, v: string) => console.log(`| ${k} | ${v} |`);
row('nodes x pods', `${nodeCount} x ${podsPerNode} = ${total}`);
row('register all nodes', seconds(registerMs));
row('create all pods / all Running', `${seconds(createMs)} / ${seconds(runMs)}`);
row('heap per node (no pods)', `${((afterNodes.heap - base.heap) / nodeCount / 1024).toFixed(1)} KiB`);
row('heap per running pod', `${((afterPods.heap - afterNodes.heap) / total / 1024).toFixed(1)} KiB`);
row('rss total (steady)', `${(steady.rss / MB).toFixed(0)} MB (heap ${(steady.heap / MB).toFixed(0)} MB)`);
row(`lease renewals in ${windowSeconds} s`, `${renewals} of ${Math.round(expected)} due`);
const dist = (xs: number[]) => `${pct(xs, 50).toFixed(0)} / ${pct(xs, 99).toFixed(0)} / ${(xs[xs.length - 1] ?? NaN).toFixed(0)} ms`;
row('heartbeat written late p50 / p99 / max', `${dist(late)} (past its slot on the 10 s grid, apiserver round trip included)`);
row('heartbeat timer late p50 / p99 / max', `${dist(fired)} (this process's own event-loop lag)`);
row('event-loop delay p50 / p99 / max', `${(loopDelay.percentile(50) / 1e6).toFixed(0)} / ${(loopDelay.percentile(99) / 1e6).toFixed(0)} / ${(loopDelay.max / 1e6).toFixed(0)} ms`);
row('GC pauses in the window', `${gcPauses.length}, longest ${Math.max(0, ...gcPauses).toFixed(0)} ms, total ${gcPauses.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
row('kubelet CPU in the window', `${(((cpu.user + cpu.system) / 1e6 / windowSeconds) * 100).toFixed(0)} % of one core; pods informer relists: ${relists}`);
row('status patches / events', `${kubelet.statusManager.patches} / ${recordEvents ? 'on' : 'off'}`);

await kubelet.stop();
await cleanup();
process.exit(0);
