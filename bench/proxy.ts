// Benchmark: what the kube-proxy forwarder costs, against going straight to the pod
// ================================================================================
// CONCEPT   Our kube-proxy forwards in user space, where a real node's kernel would DNAT for free.
//           How much does that cost? A pod (an HTTP server answering a JSON-RPC call, in its own
//           process) and a forwarder (in another process, like a real kube-proxy) run on loopback;
//           this process is the client. Each round measures both paths, direct first then through
//           the proxy, then the other way round, so drift (CPU heat, other load) hits both alike:
//           - latency: sequential requests, each on a NEW connection (the case the rules decide:
//             every new connection walks the KUBE-SVC chain and dials a pod), median per round;
//           - throughput: `--concurrency` keep-alive clients for `--seconds`, requests per second.
//           We print the median over rounds of each figure and the difference.
// REAL K8S  kube-proxy iptables mode adds no process hop at all (the kernel rewrites addresses);
//           the comparison Kubernetes people quote is iptables vs IPVS vs nftables rule-sync time.
// SHIPS     Timing a message sent straight to a container against one patched through the radio room.
// EXAMPLE   npx tsx bench/proxy.ts [--rounds 5] [--requests 300] [--seconds 2] [--concurrency 16]
// SKIPPED   large payloads (JSON-RPC answers are small), many endpoints (the walk is a few coin tosses).

import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { realClock } from '../client/clock.ts';
import { Forwarder } from '../proxy/forwarder.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x1b4' });

// ## The two helper processes

if (arg('role', '') === 'pod') {
  const [ip, port] = arg('listen', '').split(':');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(port), ip, () => console.log('ready'));
} else if (arg('role', '') === 'proxy') {
  const [ip, port] = arg('listen', '').split(':');
  const [podIP, podPort] = arg('pod', '').split(':');
  const fw = new Forwarder({ clock: realClock(), log: () => {} });
  void fw.update([{ ip, port: Number(port), service: 'default/besu-rpc:rpc', backends: [{ ip: podIP, port: Number(podPort), probability: 1 }] }])
    .then(() => console.log('ready'));
} else {
  await main();
}

function startChild(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)));
  });
}

// ## Measuring

function request(agent: http.Agent | false, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}');
  });
}

/** Median milliseconds of `n` sequential requests, each on a fresh connection. */
async function newConnectionLatency(host: string, port: number, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await request(false, host, port);
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Requests per second from `concurrency` keep-alive clients over `seconds`. */
async function keepAliveThroughput(host: string, port: number, concurrency: number, seconds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await request(agent, host, port);
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return done / elapsed;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '5'));
  const requests = Number(arg('requests', '300'));
  const seconds = Number(arg('seconds', '2'));
  const concurrency = Number(arg('concurrency', '16'));
  const net = `127.252.${1 + Math.floor(Math.random() * 250)}`;
  const pod = { host: `${net}.1`, port: 8545 };
  const front = { host: `${net}.10`, port: 8545 };
  const children = [
    await startChild(['--role', 'pod', '--listen', `${pod.host}:${pod.port}`]),
    await startChild(['--role', 'proxy', '--listen', `${front.host}:${front.port}`, '--pod', `${pod.host}:${pod.port}`]),
  ];
  try {
    const results = { direct: { lat: [] as number[], rps: [] as number[] }, proxy: { lat: [] as number[], rps: [] as number[] } };
    await newConnectionLatency(pod.host, pod.port, 50); // warm-up: JIT, connection paths
    await newConnectionLatency(front.host, front.port, 50);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const);
      for (const path of order) {
        const target = path === 'direct' ? pod : front;
        results[path].lat.push(await newConnectionLatency(target.host, target.port, requests));
        results[path].rps.push(await keepAliveThroughput(target.host, target.port, concurrency, seconds));
      }
      console.log(`round ${r + 1}/${rounds}: latency direct ${results.direct.lat[r].toFixed(3)} ms, proxy ${results.proxy.lat[r].toFixed(3)} ms; `
        + `rps direct ${results.direct.rps[r].toFixed(0)}, proxy ${results.proxy.rps[r].toFixed(0)}`);
    }
    const [dl, pl, dr, pr] = [median(results.direct.lat), median(results.proxy.lat), median(results.direct.rps), median(results.proxy.rps)];
    console.log(`\nmedians of ${rounds} rounds (${requests} new-connection requests; ${concurrency} keep-alive clients for ${seconds}s):`);
    console.log(`  new-connection latency  direct ${dl.toFixed(3)} ms   via proxy ${pl.toFixed(3)} ms   added ${(pl - dl).toFixed(3)} ms`);
    console.log(`  keep-alive throughput   direct ${dr.toFixed(0)} req/s   via proxy ${pr.toFixed(0)} req/s   (${((pr / dr) * 100).toFixed(0)}% of direct)`);
  } finally {
    for (const c of children) c.kill();
  }
}
