// etcd, managed: the records office as a real child process
// =========================================================
// CONCEPT   etcd is the only place cluster state lives. We run the real etcd server (Debian's
//           `etcd-server` package) as a child process on loopback ports of our choosing, wait until
//           it answers its health check, and stop it cleanly so its data directory stays intact.
// REAL K8S  cmd/kubeadm/app/phases/etcd/local.go (kubeadm's static etcd pod), and
//           test/integration/framework/etcd.go (how Kubernetes' own tests start an etcd)
// SHIPS     The records office: every ship's manifest is filed here, and nothing else files anything.
// EXAMPLE   const etcd = await startEtcd({ dataDir: '.cluster/etcd', clientPort: 2379 });
//           etcd.url  // "http://127.0.0.1:2379"       await etcd.stop()
// SKIPPED   TLS and multi-member clusters: one member, plain HTTP on loopback.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { splitLines } from './process.ts';

export interface EtcdOptions {
  /** Where etcd keeps its write-ahead log and snapshots. Kept across restarts unless the caller wipes it. */
  dataDir: string;
  /** Client port on 127.0.0.1; 0 picks a free one. @default 2379 */
  clientPort?: number;
  /** Peer port on 127.0.0.1; 0 picks a free one. @default 2380 */
  peerPort?: number;
  /** Member name. @default "harbour-etcd" */
  name?: string;
  /** Called with each line etcd prints (it logs JSON to stderr). @default ignore */
  onLog?: (line: string) => void;
  /** How long to wait for /health to say true. @default 20000 */
  startTimeoutMs?: number;
}

export interface EtcdProcess {
  /** The client URL to give the apiserver as --etcd-servers. */
  url: string;
  pid: number;
  dataDir: string;
  /** Resolves with the exit code when etcd exits for any reason. */
  exited: Promise<number | null>;
  /** Stops etcd with SIGTERM (SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The command a newcomer should run when the etcd binary is missing. */
export const ETCD_INSTALL_HINT = 'sudo apt-get install -y etcd-server   (or: npm run setup)';

/** Finds whether `etcd` is on PATH; returns its version line or undefined. */
export function etcdVersion(binary = 'etcd'): string | undefined {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  return out.stdout.split('\n')[0];
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The flags for a single-member etcd on loopback: the flags kubeadm passes, minus TLS. Quota and
 * snapshot counts stay at etcd's defaults. The launcher spawns etcd with these under supervision.
 * @example etcdArgs({ name: 'harbour-etcd', dataDir: '.cluster/etcd', clientPort: 2379, peerPort: 2380 })
 */
export function etcdArgs(o: { name: string; dataDir: string; clientPort: number; peerPort: number }): string[] {
  const url = `http://127.0.0.1:${o.clientPort}`;
  const peerUrl = `http://127.0.0.1:${o.peerPort}`;
  return [
    `--name=${o.name}`,
    `--data-dir=${o.dataDir}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${o.name}=${peerUrl}`,
    // The apiserver takes bodies up to 3 MiB (as Kubernetes does); etcd's default 1.5 MiB limit
    // would refuse the larger ones after the apiserver had accepted them.
    '--max-request-bytes=4194304',
    '--logger=zap',
    '--log-level=warn',
  ];
}

/** Starts a single-member etcd and resolves once its health endpoint reports healthy. */
export async function startEtcd(options: EtcdOptions): Promise<EtcdProcess> {
  if (!etcdVersion()) {
    throw new Error(`etcd is not installed (no 'etcd' on PATH). Install it with:\n  ${ETCD_INSTALL_HINT}`);
  }
  const clientPort = options.clientPort === 0 ? await freePort() : options.clientPort ?? 2379;
  const peerPort = options.peerPort === 0 ? await freePort() : options.peerPort ?? 2380;
  const name = options.name ?? 'harbour-etcd';
  const url = `http://127.0.0.1:${clientPort}`;
  mkdirSync(options.dataDir, { recursive: true });

  const child = spawn('etcd', etcdArgs({ name, dataDir: options.dataDir, clientPort, peerPort }), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  splitLines(child, options.onLog && ((line) => options.onLog!(line)));
  // If our process ends without stopping etcd (a crash, an uncaught error), take etcd with it
  // rather than leave an orphan holding the port and the data directory's lock.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));

  try {
    await waitHealthy(url, exited, options.startTimeoutMs ?? 20_000, clientPort);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
  return { url, pid: child.pid!, dataDir: options.dataDir, exited, stop: () => stopChild(child, exited) };
}

async function waitHealthy(url: string, exited: Promise<number | null>, timeoutMs: number, port: number) {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) {
      throw new Error(`etcd exited with code ${gone} while starting; is port ${port} already in use?`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`etcd did not become healthy at ${url} within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}
