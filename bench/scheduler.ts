// Benchmark: scheduling decisions per second from the in-memory snapshot
// =====================================================================
// CONCEPT   How many pods can the cranes place per second when nothing waits on the network?
//           We build 1,000 nodes, then schedule 10,000 pods one by one, each through the full
//           cycle (PreFilter, Filter on all 1,000 nodes, Score on every feasible node, normalize,
//           select, assume), and report decisions per second. Several runs, median printed.
// REAL K8S  test/integration/scheduler_perf (SchedulingBasic: 5000 nodes, 1000 pods)
// SHIPS     Timing the cranes on an empty quay with a thousand ships waiting.
// EXAMPLE   npx tsx bench/scheduler.ts [--runs 5] [--nodes 1000] [--pods 10000] [--profile default-scheduler]
//           npx tsx bench/scheduler.ts --e2e [--nodes 100] [--pods 1000] [--annotate false]
//           With --e2e: a real etcd and apiserver, pods created first, then the scheduler started;
//           we time from its start until every pod shows spec.nodeName through the API.
// SKIPPED   concurrent pod creation while scheduling (a real burst also pays for the creates).

import { SchedulerCache } from '../scheduler/cache.ts';
import { Framework } from '../scheduler/framework/framework.ts';
import { newPodInfo } from '../scheduler/framework/node-info.ts';
import { builtinProfiles } from '../scheduler/framework/profiles.ts';
import { inTreeRegistry } from '../scheduler/framework/registry.ts';
import { scheduleOne } from '../scheduler/schedule-one.ts';
import { makeNode, makePod } from '../scheduler/testing.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const runs = Number(arg('runs', '5'));
const nodeCount = Number(arg('nodes', '1000'));
const podCount = Number(arg('pods', '10000'));
const profileName = arg('profile', 'default-scheduler');

// A deterministic pseudo-random sequence (mulberry32), so every run sees the same pods.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function once(): { perSecond: number; bound: number; unschedulable: number } {
  const random = rng(42);
  const cache = new SchedulerCache();
  for (let i = 0; i < nodeCount; i++) {
    cache.addNode(makeNode(`node-${i}`, { cpu: '32', memory: '128Gi', labels: { zone: `zone-${i % 3}` } }));
  }
  const profile = builtinProfiles().find((p) => p.schedulerName === profileName)!;
  const fw = new Framework(profile, inTreeRegistry());
  const cpus = ['100m', '250m', '500m', '1', '2'];
  const mems = ['128Mi', '256Mi', '512Mi', '1Gi', '2Gi'];
  const pods = Array.from({ length: podCount }, (_, i) =>
    makePod(`besu-${i}`, { cpu: cpus[Math.floor(random() * cpus.length)], memory: mems[Math.floor(random() * mems.length)] }),
  );
  let bound = 0;
  let unschedulable = 0;
  const start = process.hrtime.bigint();
  for (const pod of pods) {
    const info = newPodInfo(pod);
    const result = scheduleOne(fw, cache.snapshot(), info, { random });
    if (result.node) {
      cache.assumePod(info, result.node);
      bound++;
    } else unschedulable++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: podCount / seconds, bound, unschedulable };
}

if (process.argv.includes('--e2e')) {
  await endToEnd();
  process.exit(0);
}

// One unreported warm-up run lets V8 compile the hot loops, as a long-running scheduler would be.
once();
const results: number[] = [];
for (let r = 0; r < runs; r++) {
  const { perSecond, bound, unschedulable } = once();
  results.push(perSecond);
  console.log(`run ${r + 1}: ${perSecond.toFixed(0)} pods/s (${bound} bound, ${unschedulable} unschedulable)`);
}
results.sort((a, b) => a - b);
const median = results[Math.floor(results.length / 2)]!;
console.log(
  `scheduler: ${profileName}, ${nodeCount} nodes, ${podCount} pods, every node filtered and scored: ` +
    `median ${median.toFixed(0)} decisions/s over ${runs} runs`,
);

/** Binds per second through a real apiserver (POST pods/binding, Scheduled event, annotation). */
async function endToEnd(): Promise<void> {
  const { startControlPlane } = await import('../test/helpers/control-plane.ts');
  const { KubeClient } = await import('../client/rest.ts');
  const { startScheduler } = await import('../scheduler/scheduler.ts');
  const nodes = Number(arg('nodes', '100'));
  const count = Number(arg('pods', '1000'));
  const cp = await startControlPlane();
  try {
    const client = new KubeClient(cp.url);
    // The apiserver assigns uids; pods are created without status, nodes with their allocatable.
    const noUid = <T extends { metadata: { uid?: string } }>(o: T) => ({ ...o, metadata: { ...o.metadata, uid: undefined } });
    for (let i = 0; i < nodes; i++) await client.create('nodes', noUid(makeNode(`node-${i}`, { cpu: '32', memory: '128Gi' })));
    const pods = Array.from({ length: count }, (_, i) => ({ ...noUid(makePod(`besu-${i}`, { cpu: '250m', memory: '512Mi' })), status: undefined }));
    for (let i = 0; i < pods.length; i += 50) await Promise.all(pods.slice(i, i + 50).map((p) => client.create('pods', p)));
    const start = process.hrtime.bigint();
    const scheduler = await startScheduler({ client, log: process.env.BENCH_LOG ? console.log : () => {}, annotate: arg('annotate', 'true') !== 'false' });
    for (;;) {
      const list = await client.list('pods', { namespace: 'default', resourceVersion: '0' });
      if (list.items.filter((p) => p.spec.nodeName).length >= count) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await scheduler.stop();
    console.log(`scheduler end-to-end: ${count} pods bound on ${nodes} nodes through the apiserver in ${seconds.toFixed(2)} s: ${(count / seconds).toFixed(0)} binds/s`);
  } finally {
    await cp.stop();
  }
}
