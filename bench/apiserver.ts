// Benchmark: pod creates through the apiserver against raw etcd puts
// ==================================================================
// CONCEPT   Every write a student makes goes kubectl -> apiserver -> etcd. The apiserver adds
//           decoding, defaulting, validation, admission and a compare-and-swap transaction on top of
//           etcd's own put. This benchmark measures, in one run on one etcd and at the same
//           concurrency: E, the raw etcd put rate through the etcd3 client; A, the pod-create rate
//           through the apiserver over HTTP; their ratio A/E (goal >= 0.5); and create latency
//           p50/p99. Rounds alternate etcd and apiserver so machine noise hits both alike.
//           For reference it also times E2, the same puts through the apiserver's own etcd client
//           (apiserver/storage/etcd-grpc.ts): the apiserver pays that client's cost, not etcd3's.
// REAL K8S  test/integration/apiserver/... and the density tests in perf-tests (clusterloader2)
// SHIPS     Timing the radio room against the records office's own filing speed.
// EXAMPLE   npm run bench -- apiserver --rounds 5 --count 2000 --concurrency 32
// SKIPPED   Reads, lists and watches (the informer benchmark covers watch delivery).

import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Etcd3 } from 'etcd3';
import { freePort, startEtcd } from '../cluster/etcd.ts';
import { GrpcChannel } from '../apiserver/storage/etcd-grpc.ts';
import { ProtoWriter } from '../apiserver/storage/proto-codec.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    count: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    'etcd-channels': { type: 'string', default: '4' },
  },
  allowPositionals: true,
});
const rounds = Number(values.rounds);
const count = Number(values.count);
const concurrency = Number(values.concurrency);

/** Runs `count` operations with `concurrency` in flight; returns ops/s and per-op latencies (ms). */
async function drive(op: (i: number) => Promise<void>): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { rate: count / ((performance.now() - started) / 1000), latencies };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function pod(name: string) {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'besu', bench: 'apiserver' } },
    spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1', resources: { requests: { cpu: '100m', memory: '256Mi' } } }] },
  });
}

const dir = mkdtempSync(join(tmpdir(), 'harbour-bench-'));
const etcd = await startEtcd({ dataDir: join(dir, 'etcd'), clientPort: 0, peerPort: 0 });
const port = await freePort();
// The apiserver runs as its own process, as in a real cluster, so it does not share this
// process's event loop with the load generator.
const apiserver = spawn(process.execPath, ['--import', 'tsx', 'apiserver/main.ts', '--etcd-servers', etcd.url, '--port', String(port), '--etcd-channels', values['etcd-channels']!], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  apiserver.stdout!.on('data', (b: Buffer) => b.toString().includes('serving') && resolve());
  apiserver.on('exit', (code) => reject(new Error(`apiserver exited with ${code}`)));
});
// Plain node:http with keep-alive: fetch's stream machinery would cost the load generator more
// CPU than the apiserver under test, on a machine where all three processes share two cores.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function post(path: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`create answered ${res.statusCode}: ${Buffer.concat(chunks)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const client = new Etcd3({ hosts: etcd.url });
// etcdserverpb.PutRequest { key = 1, value = 2 } through the apiserver's own gRPC client.
const own = new GrpcChannel({ endpoints: [etcd.url] });
const ownPut = (key: string, value: string) => own.unary('/etcdserverpb.KV/Put', new ProtoWriter(5).bytes(1, key).bytes(2, value)).then(() => undefined);

const results: { e: number; e2: number; a: number; p50: number; p99: number; ratio: number }[] = [];
try {
  for (let r = 0; r < rounds; r++) {
    // A representative value: the same pod JSON the apiserver would store.
    const value = pod('x');
    const raw = await drive((i) => client.put(`/bench/raw/${r}/${i}`).value(value).exec().then(() => undefined));
    const api = await drive((i) => post('/api/v1/namespaces/default/pods', pod(`bench-${r}-${i}`)));
    const raw2 = await drive((i) => ownPut(`/bench/own/${r}/${i}`, value));
    const sorted = api.latencies.sort((a, b) => a - b);
    const row = { e: raw.rate, e2: raw2.rate, a: api.rate, p50: pct(sorted, 50), p99: pct(sorted, 99), ratio: api.rate / raw.rate };
    results.push(row);
    console.log(
      `round ${r + 1}/${rounds}: etcd puts ${row.e.toFixed(0)}/s (own client ${row.e2.toFixed(0)}/s), apiserver pod creates ${row.a.toFixed(0)}/s, ` +
        `ratio ${row.ratio.toFixed(2)}, create p50 ${row.p50.toFixed(1)} ms p99 ${row.p99.toFixed(1)} ms`,
    );
  }
  console.log(
    `\nmedian of ${rounds} rounds (count ${count}, concurrency ${concurrency}):\n` +
      `  E  raw etcd put rate           ${median(results.map((x) => x.e)).toFixed(0)} puts/s\n` +
      `  A  apiserver pod-create rate   ${median(results.map((x) => x.a)).toFixed(0)} creates/s\n` +
      `  A/E                            ${median(results.map((x) => x.ratio)).toFixed(2)}  (goal >= 0.50)\n` +
      `  E2 puts, apiserver's own client ${median(results.map((x) => x.e2)).toFixed(0)} puts/s  (A/E2 ${median(results.map((x) => x.a / x.e2)).toFixed(2)}, for reference)\n` +
      `  create latency p50 / p99       ${median(results.map((x) => x.p50)).toFixed(1)} ms / ${median(results.map((x) => x.p99)).toFixed(1)} ms`,
  );
} finally {
  client.close();
  own.close();
  agent.destroy();
  apiserver.kill('SIGTERM');
  await new Promise((r) => apiserver.once('exit', r));
  await etcd.stop();
  rmSync(dir, { recursive: true, force: true });
}
