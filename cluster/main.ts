// `npm run cluster`: bring up the harbour and watch it work
// ========================================================
// CONCEPT   Parses flags, reads the cluster config, calls launchCluster (launcher.ts), then shows
//           the harbour: the live terminal view in a TTY, one line per change in a pipe, or every
//           process's own log lines with --logs. Ctrl-C or SIGTERM stops everything within
//           seconds and keeps etcd's data, so the next `npm run cluster` resumes.
// REAL K8S  `kind create cluster` / `kubeadm init`, followed by `kubectl get -w` in another window.
// SHIPS     Opening the harbour, and standing at the harbour master's window.
// EXAMPLE   npm run cluster                          # resumes from .cluster/ if it exists
//           npm run cluster -- --fresh --nodes 4     # start over, with four ships
//           npm run cluster -- --logs | grep kubelet # every log line, prefixed
//           npm run cluster -- --in-process          # one process (plus etcd), for small machines
// SKIPPED   pausing components in --in-process mode (there is no SIGSTOP for part of a process).

import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadClusterConfig, PORT_FLAGS, withShipCount, type PortsConfig } from './config.ts';
import { LaunchError, launchCluster, type RunningCluster } from './launcher.ts';
import { parentChain, watchParents } from './parent-watch.ts';
import { readLauncherFile, removeLauncherFile } from './launcher-file.ts';
import { PreflightError } from './preflight.ts';
import type { Supervisor } from './supervisor.ts';
import { startLineOutput, startLogOutput } from './view/lines.ts';
import { startTerminalView } from './view/terminal.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: npm run cluster [-- --config FILE] [--fresh] [--logs] [--nodes N] [--dir DIR] [--time-scale X] [--tsx] [--in-process]
                      [${Object.values(PORT_FLAGS).join(' PORT] [')} PORT]
  --config FILE   cluster config (default examples/cluster.yaml)
  --fresh         wipe the state folder (etcd's data included) first
  --logs          print every process's log lines instead of the harbour view
  --nodes N       run N ships (sizes repeat the config's ships in turn)
  --dir DIR       state folder: etcd data, kubeconfig, logs, launcher.json (default .cluster)
  --tsx           run the components' .ts files with tsx instead of a bundle (slower start)
  --in-process    run every component but etcd inside the launcher's process (less memory; no pause)`;

function fail(message: string, code = 2): never {
  console.error(`cluster: ${message}`);
  process.exit(code);
}

const portOptions = Object.fromEntries(Object.values(PORT_FLAGS).map((f) => [f.slice(2), { type: 'string' as const }]));
let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      config: { type: 'string', default: resolve(ROOT, 'examples/cluster.yaml') },
      fresh: { type: 'boolean', default: false },
      logs: { type: 'boolean', default: false },
      nodes: { type: 'string' },
      dir: { type: 'string', default: '.cluster' },
      'time-scale': { type: 'string' },
      tsx: { type: 'boolean', default: false },
      'in-process': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...portOptions,
    },
  }));
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

let config;
try {
  config = loadClusterConfig(String(values.config));
  if (values.nodes !== undefined) {
    if (!/^\d+$/.test(String(values.nodes))) throw new Error(`--nodes: must be a whole number 1-250, got "${values.nodes}"`);
    config = withShipCount(config, Number(values.nodes));
  }
} catch (err) {
  fail(err instanceof ConfigError || /^--nodes/.test((err as Error).message) ? (err as Error).message : `cannot read ${values.config}: ${(err as Error).message}`);
}
for (const [key, flag] of Object.entries(PORT_FLAGS) as [keyof PortsConfig, string][]) {
  const raw = values[flag.slice(2)];
  if (raw === undefined) continue;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${flag}: must be a port number 0-65535, got "${raw}"`);
  config.ports[key] = port;
}
if (values['time-scale'] !== undefined) {
  const scale = Number(values['time-scale']);
  if (!(scale > 0 && scale <= 10)) fail(`--time-scale: must be a number above 0 and at most 10, got "${values['time-scale']}"`);
  config.timeScale = scale;
}

// Taken before anything slow happens: a parent that dies during the launch is noticed too.
const parents = parentChain();
const dir = resolve(String(values.dir));
const rel = relative(process.cwd(), dir);
const shown = rel && !rel.startsWith('..') ? rel : dir;
let cluster: RunningCluster | undefined;
let supervisor: Supervisor | undefined;
let stopLogs: (() => void) | undefined;
let stopOutput: () => void = () => {};
let stopping = false;
let stoppingAt = 0;
process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP (terminal closed)'));
// npm may forward our SIGTERM and then die itself: that is the same request, not a second one.
watchParents((pid) => void (stopping || shutdown(`parent process ${pid} is gone`)), parents);
try {
  cluster = await launchCluster({
    config, root: ROOT, dir, fresh: Boolean(values.fresh), bundle: !values.tsx, inProcess: Boolean(values['in-process']), print: (l) => console.log(l),
    // --logs shows every line from the first, so a component that fails to start shows why.
    onSupervisor: (s) => {
      supervisor = s;
      if (values.logs) stopLogs = startLogOutput(s, (l) => console.log(l));
    },
  });
} catch (err) {
  if (stopping) await new Promise(() => {}); // Ctrl-C during the launch: shutdown() exits for us
  if (err instanceof PreflightError || err instanceof LaunchError) fail(err.message, 1);
  throw err;
}

const ready = cluster.config.ships.filter((s) => cluster.watch.nodeReady(s.name)).length;
console.log(`
The harbour is open in ${(cluster.startMs / 1000).toFixed(1)} s: ${ready} of ${cluster.config.ships.length} ships Ready. Use kubectl with:
  export KUBECONFIG=${cluster.paths.kubeconfig}
  kubectl get nodes
Control API ${cluster.control.url} (in ${shown}/launcher.json) · process logs in ${shown}/logs/
Ctrl-C stops everything; etcd's data stays in ${shown}/etcd for the next run.
`);
void cluster.dashboard.then((url) => url && console.log(`The harbour dashboard: ${url}  (open it in a browser; it updates live)`));

// @doc: cluster-output-modes
if (values.logs) stopOutput = stopLogs ?? (() => {});
else if (process.stdout.isTTY) {
  stopOutput = startTerminalView(cluster.watch, process.stdout, [
    ` KUBECONFIG=${cluster.paths.kubeconfig} · Ctrl-C stops the harbour`,
  ]);
} else stopOutput = startLineOutput(cluster.watch, cluster.supervisor, (l) => console.log(l));
if (values.logs) cluster.supervisor.on('crash', (name: string) => console.log(`[launcher] ${name} went down unexpectedly`));

async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    // Ctrl-C reaches npm and us at once, and npm forwards its copy: a repeat within a second is
    // the same request. A later one means the user is in a hurry: the orphan guard SIGKILLs every
    // child as we exit.
    if (Date.now() - stoppingAt < 1000) return;
    console.log('Second signal: killing every component now.');
    process.exit(130);
  }
  stopping = true;
  stoppingAt = Date.now();
  stopOutput();
  const started = Date.now();
  let survivors: number[];
  if (cluster) {
    console.log(`\n${signal}: stopping the harbour (ships first, etcd last)...`);
    survivors = await cluster.stop();
  } else {
    // Still launching: we stop whatever has started and leave the state folder as it was.
    console.log(`\n${signal} while starting: stopping what has started...`);
    survivors = (await supervisor?.stopAll()) ?? [];
    if (readLauncherFile(dir)?.pid === process.pid) removeLauncherFile(dir);
  }
  if (survivors.length) {
    console.error(`cluster: processes still alive after stopping: ${survivors.join(', ')}`);
    process.exit(1);
  }
  console.log(`Stopped in ${((Date.now() - started) / 1000).toFixed(1)} s; no process left. etcd's data is kept in ${shown}/etcd.`);
  process.exit(cluster ? 0 : 130);
}
