// Preflight: catch what newcomers hit before starting anything
// ============================================================
// CONCEPT   Most failed first runs are one of four things: etcd is not installed, another program
//           holds a port we need, a cluster already runs from this folder, or the config has a
//           typo. We check all of them before starting a single process, and each error says how
//           to fix it: the exact install command, which port and which flag changes it.
// REAL K8S  kubeadm's preflight checks (cmd/kubeadm/app/preflight/checks.go: PortOpenCheck,
//           FileExistingCheck, InPathCheck), which also run before anything is started.
// SHIPS     The harbour master walks the quay before opening: is the records office staffed,
//           is any berth taken by a stranger?
// EXAMPLE   await checkPorts(config)  =>  throws 'port 6443 on 127.0.0.1 (kube-apiserver) is
//           already in use; choose another with --apiserver-port or ports.apiserver in the config'
// SKIPPED   checks for memory, cpu count and swap, which kubeadm also makes.

import { createServer } from 'node:net';
import type { ClusterConfig, PortsConfig } from './config.ts';
import { PORT_FLAGS } from './config.ts';
import { ETCD_INSTALL_HINT, etcdVersion } from './etcd.ts';
import { readLauncherFile, removeLauncherFile } from './launcher-file.ts';
import { pidAlive, pidCommandLine } from './process.ts';

/** A problem the newcomer can fix; the launcher prints its message and exits with code 2. */
export class PreflightError extends Error {}

/** etcd must be on PATH. @throws PreflightError with the install command */
export function checkEtcd(): string {
  const version = etcdVersion();
  if (!version) throw new PreflightError(`etcd is not installed (no 'etcd' on PATH). Install it with:\n  ${ETCD_INSTALL_HINT}`);
  return version;
}

/**
 * One launcher per state folder. A live launcher => error. A dead launcher that left children
 * (it was SIGKILLed) => we stop those children, after checking each pid still runs one of ours.
 * @returns the pids we cleaned up
 */
export async function checkNotRunning(dir: string): Promise<number[]> {
  const previous = readLauncherFile(dir);
  if (!previous) return [];
  if (previous.pid !== process.pid && pidAlive(previous.pid) && /cluster\/main\.ts/.test(pidCommandLine(previous.pid))) {
    throw new PreflightError(
      `a cluster is already running from this folder (launcher pid ${previous.pid}, control API ${previous.control}).\n` +
      `  Use it (export KUBECONFIG=${previous.kubeconfig}), or stop it with Ctrl-C in its terminal or: kill ${previous.pid}`,
    );
  }
  // Children of a dead launcher: their command lines name files in our state folder.
  const leftovers = Object.values(previous.components ?? {}).filter((pid) => pidAlive(pid) && pidCommandLine(pid).includes(dir));
  for (const pid of leftovers) safeKill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (leftovers.some(pidAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of leftovers.filter(pidAlive)) safeKill(pid, 'SIGKILL');
  removeLauncherFile(dir);
  return leftovers;
}

/** Turns every 0 port into a free one the kernel picks (tests use 0 everywhere). */
export async function resolvePorts(config: ClusterConfig): Promise<ClusterConfig> {
  const ports = { ...config.ports };
  for (const key of Object.keys(ports) as (keyof PortsConfig)[]) {
    if (ports[key] === 0) ports[key] = await freePortOn('127.0.0.1');
  }
  return { ...config, ports };
}

/** Every port we will listen on, with the host and the component that needs it. */
export function plannedListeners(config: ClusterConfig): { key: keyof PortsConfig; host: string; port: number; who: string }[] {
  const p = config.ports;
  const local = (key: keyof PortsConfig, who: string) => ({ key, host: '127.0.0.1', port: p[key], who });
  return [
    local('etcd', 'etcd client'), local('etcdPeer', 'etcd peer'), local('apiserver', 'kube-apiserver'),
    local('scheduler', 'kube-scheduler'), local('launcher', 'launcher control API'),
    ...config.ships.flatMap((s) => [
      { key: 'kubelet' as const, host: s.ip, port: p.kubelet, who: `kubelet of ${s.name}` },
      { key: 'proxyHealthz' as const, host: s.ip, port: p.proxyHealthz, who: `kube-proxy of ${s.name}` },
    ]),
  ];
}

/** @throws PreflightError naming the first port in use, its owner in our plan, and the flag to change it */
export async function checkPorts(config: ClusterConfig): Promise<void> {
  for (const l of plannedListeners(config)) {
    const problem = await tryListen(l.host, l.port);
    if (problem === 'EADDRINUSE') {
      throw new PreflightError(
        `port ${l.port} on ${l.host} (${l.who}) is already in use by another program (see: ss -ltnp | grep :${l.port}).\n` +
        `  Choose another with ${PORT_FLAGS[l.key]} PORT, or set ports.${l.key} in your cluster config (--config FILE).`,
      );
    }
    if (problem) throw new PreflightError(`cannot listen on ${l.host}:${l.port} (${l.who}): ${problem}`);
  }
}

function tryListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

function freePortOn(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
