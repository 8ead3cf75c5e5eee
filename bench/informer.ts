// Benchmark: one informer keeping 10,000 pods in sync under 200 updates per second
// ================================================================================
// CONCEPT   A controller's view of the cluster is only as fresh as its informer. We measure two
//           things: how much memory the cache costs per pod, and how long a write takes to reach an
//           informer handler (write -> apiserver -> etcd -> watch cache -> watch stream -> cache ->
//           handler). The writer stamps each update with the wall time in an annotation; the handler
//           subtracts it from its own clock (same machine, same clock).
// REAL K8S  kubernetes test/integration/scheduler_perf and the "watch latency" SLI of
//           sig-scalability (a write reaches watchers within 5 s at the 99th percentile)
// SHIPS     How long after a container is stamped in the records office the clerk's copy shows it.
// EXAMPLE   npx tsx bench/informer.ts --pods 10000 --rate 200 --seconds 30
//           => memory per cached pod 2.1 KiB; write-to-handler delay p50 4.2 ms, p99 19.8 ms
// SKIPPED   Several informers at once, selectors, nodes; the load comes from this one process.
//
// The apiserver runs in this process (as the test helper hosts it); the informer runs in a child
// process so its heap can be measured alone and its event loop is not shared with the apiserver.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Pod } from '../api/types.ts';
import { realClock } from '../client/clock.ts';
import { Informer } from '../client/informer.ts';
import { KubeClient } from '../client/rest.ts';
import { startControlPlane } from '../test/helpers/control-plane.ts';

const NS = 'bench';
const STAMP = 'bench.harbour/written-at';
const wallMs = () => performance.timeOrigin + performance.now();

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// ## The child: one informer, its heap, its handler delays

async function child(url: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const informer = new Informer<Pod>(new KubeClient(url), 'pods', { namespace: NS });
  const seen: [stamp: number, at: number][] = [];
  informer.addEventHandler({
    onUpdate: (_old, pod) => {
      const stamp = Number(pod.metadata.annotations?.[STAMP]);
      if (stamp) seen.push([stamp, wallMs()]);
    },
  });
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = wallMs();
  informer.start();
  await informer.waitForSync();
  const syncMs = wallMs() - t0;
  gc?.();
  const perPod = (process.memoryUsage().heapUsed - before) / informer.size;
  process.send!({ kind: 'synced', pods: informer.size, perPod, syncMs, gc: Boolean(gc) });
  process.on('message', (msg: { kind: string }) => {
    if (msg.kind !== 'report') return;
    informer.stop();
    // We exit only once the (large) message has gone down the IPC channel.
    process.send!({ kind: 'report', seen, relists: informer.relists }, undefined, {}, () => process.exit(0));
  });
}

// ## The parent: control plane, pods, load

async function createPods(client: KubeClient, count: number, concurrency = 64): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await client.create('pods', {
        metadata: { name: `besu-${i}`, namespace: NS, labels: { app: 'besu', shard: String(i % 16) } },
        spec: {
          containers: [{ name: 'besu', image: 'hyperledger/besu:24.1', ports: [{ containerPort: 8545 }, { containerPort: 9545 }], resources: { requests: { cpu: '100m', memory: '256Mi' } } }],
          nodeName: `node-${i % 100}`,
        },
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

// Every tick we send the updates that are due, so the rate holds even when a tick runs late.
interface LoadResult { sent: number; failed: number; wallS: number; writeMs: number[]; ackedAt: Map<number, number> }

async function load(client: KubeClient, pods: number, rate: number, seconds: number): Promise<LoadResult> {
  const clock = realClock();
  const start = wallMs();
  let sent = 0;
  let failed = 0;
  const writeMs: number[] = [];
  const ackedAt = new Map<number, number>();
  const inflight = new Set<Promise<unknown>>();
  await new Promise<void>((resolve) => {
    const timer = clock.setInterval(() => {
      const due = Math.min(rate * seconds, Math.floor(((wallMs() - start) / 1000) * rate));
      for (; sent < due; sent++) {
        const name = `besu-${(sent * 7919) % pods}`; // a spread of pods, each one updated now and then
        const stamp = wallMs();
        const p = client.patch('pods', name, { metadata: { annotations: { [STAMP]: String(stamp) } } }, { namespace: NS })
          .then(() => { ackedAt.set(stamp, wallMs()); writeMs.push(wallMs() - stamp); }, () => void failed++)
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (sent >= rate * seconds) {
        timer.cancel();
        resolve();
      }
    }, 10);
  });
  await Promise.all(inflight);
  return { sent, failed, wallS: (wallMs() - start) / 1000, writeMs: writeMs.sort((a, b) => a - b), ackedAt };
}

function ask(proc: ReturnType<typeof fork>, kind: string): Promise<Record<string, any>> {
  return new Promise((resolve) => {
    proc.on('message', (m: { kind: string }) => m.kind === kind && resolve(m as never));
  });
}

async function main(): Promise<void> {
  const pods = flag('pods', 10_000);
  const rate = flag('rate', 200);
  const seconds = flag('seconds', 30);
  const cp = await startControlPlane();
  try {
    const client = new KubeClient(cp.url);
    await client.create('namespaces', { metadata: { name: NS } });
    let t = wallMs();
    await createPods(client, pods);
    console.log(`created ${pods} pods in ${((wallMs() - t) / 1000).toFixed(1)} s`);

    // BENCH_PROFILE=/some/dir writes a CPU profile of the informer process there.
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const proc = fork(fileURLToPath(import.meta.url), ['--child', cp.url], { execArgv: ['--import', 'tsx', '--expose-gc', ...profile] });
    const synced = await ask(proc, 'synced');
    console.log(`informer synced ${synced.pods} pods in ${(synced.syncMs as number).toFixed(0)} ms; ` +
      `heap per cached pod ${((synced.perPod as number) / 1024).toFixed(2)} KiB${synced.gc ? '' : ' (no --expose-gc: rough)'}`);

    const result = await load(client, pods, rate, seconds);
    const w = result.writeMs;
    console.log(`sent ${result.sent} updates in ${result.wallS.toFixed(1)} s (${(result.sent / result.wallS).toFixed(0)}/s), ${result.failed} failed; ` +
      `PATCH round trip p50 ${percentile(w, 50).toFixed(1)} ms, p99 ${percentile(w, 99).toFixed(1)} ms`);
    await new Promise((r) => setTimeout(r, 2000)); // let the last events arrive
    proc.send({ kind: 'report' });
    const report = await ask(proc, 'report');
    const seen = report.seen as [number, number][];
    const delay = seen.map(([stamp, at]) => at - stamp).sort((a, b) => a - b);
    // How long after the apiserver acknowledged the write the handler had it (negative: before).
    const afterAck = seen.filter(([s]) => result.ackedAt.has(s)).map(([s, at]) => at - result.ackedAt.get(s)!).sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`handler saw ${seen.length} updates; write-to-handler delay p50 ${ms(percentile(delay, 50))}, p99 ${ms(percentile(delay, 99))}, ` +
      `max ${ms(delay.at(-1)!)}; after the write's response p50 ${ms(percentile(afterAck, 50))}, p99 ${ms(percentile(afterAck, 99))}; relists ${report.relists}`);
  } finally {
    await cp.stop();
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(process.argv[childAt + 1]);
else await main();
