// Driving `npm run cluster` from a program: tests, the start-time benchmark, scenario runners
// ==========================================================================================
// CONCEPT   Some programs need a whole harbour of their own: the end-to-end test, the start-time
//           benchmark, later the scenario runner. They run the launcher exactly as a newcomer does
//           (`npm run cluster -- ...`, no TTY, so it prints lines), in a private state folder, with
//           every port 0 (free) and loopback ranges no other harbour on this machine uses. They
//           wait for "The harbour is open", read launcher.json for the pids, and stop it with SIGTERM.
// REAL K8S  kind's e2e helpers and test/e2e/framework play this role for real clusters.
// SHIPS     A practice harbour of one's own, opened and closed by the book.
// EXAMPLE   writeFileSync(cfg, isolatedConfigYaml()); const h = spawnLauncher({ args: ['--config', cfg, '--dir', d] });
//           const { ms, file } = await h.opened;  ...  await h.stop();   // { code: 0 }
// SKIPPED   attaching to a harbour someone else started (read launcher.json directly for that).

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLauncherFile, type LauncherFile } from './launcher-file.ts';
import { pidAlive } from './process.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface SpawnLauncherOptions {
  /** Arguments after `npm run cluster --`; include --dir so the state stays private. */
  args: string[];
  /** Run through npm as a newcomer would, or `node --import tsx cluster/main.ts` (faster). @default true */
  viaNpm?: boolean;
  /** Called with every output line. @default ignore */
  onLine?: (line: string) => void;
  /** How long to wait for "The harbour is open". @default 60000 */
  openTimeoutMs?: number;
}

export interface LauncherChild {
  child: ChildProcess;
  /** Every line printed so far (stdout and stderr). */
  lines: string[];
  /** Resolves once the harbour is open: ms since spawn, and launcher.json. Rejects if it exits first. */
  opened: Promise<{ ms: number; file: LauncherFile }>;
  /** Sends a signal; resolves with the child's exit code once it and the launcher have exited. @default "SIGTERM" */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Starts the launcher as a child process (stdout is a pipe, so it prints lines, not the view). */
export function spawnLauncher(options: SpawnLauncherOptions): LauncherChild {
  const t0 = Date.now();
  const viaNpm = options.viaNpm ?? true;
  const [command, args] = viaNpm
    ? ['npm', ['run', '--silent', 'cluster', '--', ...options.args]]
    : [process.execPath, ['--import', 'tsx', 'cluster/main.ts', ...options.args]];
  const child = spawn(command, args as string[], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let markOpen: () => void = () => {};
  const openSeen = new Promise<void>((r) => (markOpen = r));
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        options.onLine?.(line);
        if (line.startsWith('The harbour is open')) markOpen();
      }
    });
  }
  const dir = stateDir(options.args);
  const opened = (async () => {
    const timeoutMs = options.openTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      openSeen.then(() => 'open' as const),
      exited.then(() => 'exited' as const),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome !== 'open') throw new Error(`the launcher ${outcome === 'exited' ? 'exited' : `was not open after ${timeoutMs} ms`}:\n${lines.join('\n')}`);
    const ms = Date.now() - t0;
    const file = readLauncherFile(dir);
    if (!file) throw new Error(`no launcher.json in ${dir}`);
    return { ms, file };
  })();
  return {
    child, lines, opened,
    async stop(signal = 'SIGTERM') {
      const s = Date.now();
      const launcherPid = readLauncherFile(dir)?.pid;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      // npm may exit at once and leave the launcher to notice (parent-watch.ts); we wait for it too.
      while (launcherPid && pidAlive(launcherPid) && Date.now() - s < 20_000) await new Promise((r) => setTimeout(r, 100));
      return { code, ms: Date.now() - s };
    },
  };
}

/**
 * A cluster config no other harbour on this machine collides with: every port 0 and loopback
 * ranges picked at random away from the defaults (127.0.10.x, 127.244/16, 127.96/16, 127.200/16).
 */
export function isolatedConfigYaml(options: { timeScale?: number; seed?: number } = {}): string {
  const n = options.seed ?? Math.floor(Math.random() * 40);
  return `apiVersion: harbour.dev/v1alpha1
kind: Cluster
timeScale: ${options.timeScale ?? 0.1}
ships:
  - {name: node-1, cpu: "2", memory: 4Gi}
  - {name: node-2, cpu: "4", memory: 8Gi}
  - {name: node-3, cpu: "8", memory: 16Gi}
ports: {etcd: 0, etcdPeer: 0, apiserver: 0, scheduler: 0, kubelet: 0, proxyHealthz: 0, launcher: 0}
network:
  nodeIPPrefix: 127.0.${200 + n}
  clusterCIDR: 127.${150 + n}.0.0/16
  serviceClusterIPRange: 127.${100 + n}.0.0/16
  loadBalancerCIDR: 127.${201 + n}.0.0/16
`;
}

function stateDir(args: string[]): string {
  const i = args.indexOf('--dir');
  return resolve(ROOT, i >= 0 ? args[i + 1]! : '.cluster');
}
