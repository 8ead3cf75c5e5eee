// Bringing up the harbour, in order, and taking it down again
// ===========================================================
// CONCEPT   The launcher's one job, as a function: check what newcomers get wrong (preflight.ts),
//           write the kubeconfig, then start at once etcd, the kube-apiserver pointed at it, and
//           everything that talks to the apiserver: scheduler, controller-manager, and a kubelet
//           and a kube-proxy per ship. Each start waits for health and prints a tick with the
//           seconds it took. The supervisor restarts crashed control-plane components, and stop()
//           takes everything down (ships first, etcd last) and proves no process is left.
// REAL K8S  kubeadm init's phases (cmd/kubeadm/app/cmd/phases/init: preflight, etcd, control-plane,
//           kubeconfig, wait-control-plane), and kind's node bootstrap.
// SHIPS     Opening the harbour: records office, radio room, then cranes, offices and every ship.
// EXAMPLE   const cluster = await launchCluster({ config, root, dir: '.cluster', fresh: false, print });
//           ... const survivors = await cluster.stop();   // []
//           With inProcess every component but etcd runs inside this process (in-process.ts).
// SKIPPED   Ships join and leave later through chaos/routes.ts.

import { realClock } from '../client/clock.ts';
import { kubeconfigText } from './kubeconfig.ts';
import { startDashboard } from '../dashboard/server.ts';
import { createWriteStream, mkdirSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { bundleComponents } from './build.ts';
import { chaosRoutes } from './chaos/routes.ts';
import { NodeLinks } from './chaos/node-links.ts';
import { componentSpecs, shipSpecs, SHIPS_WORDS, type ClusterPaths, type ComponentDeps } from './components.ts';
import type { ClusterConfig } from './config.ts';
import { startControlApi, type ControlApi } from './control-api.ts';
import { removeLauncherFile, writeLauncherFile } from './launcher-file.ts';
import { checkEtcd, checkNotRunning, checkPorts, resolvePorts } from './preflight.ts';
import { describeExit, Supervisor } from './supervisor.ts';
import { HarbourWatch } from './view/harbour-watch.ts';

export interface LaunchOptions {
  config: ClusterConfig;
  /** The repository root (components run from it). */
  root: string;
  /** The state folder. @default "<cwd>/.cluster" */
  dir: string;
  /** Wipe the state folder (etcd's data included) first. @default false */
  fresh?: boolean;
  /** Where progress lines go. */
  print: (line: string) => void;
  /** Run bundled JavaScript (build.ts) rather than tsx: the same code, half the start-up cpu. @default true */
  bundle?: boolean;
  /** Host every component but etcd in this process (in-process.ts; DESIGN.md rule 4). @default false */
  inProcess?: boolean;
  /** Called with the supervisor before any process starts (`--logs` prints from the first line). */
  onSupervisor?: (supervisor: Supervisor) => void;
}

export interface RunningCluster {
  config: ClusterConfig;
  paths: ClusterPaths;
  supervisor: Supervisor;
  watch: HarbourWatch;
  control: ControlApi;
  /** Milliseconds from launchCluster() to every component healthy (every node Ready). */
  startMs: number;
  /** Stops everything; resolves with the pids still alive afterwards (none, normally). */
  stop(): Promise<number[]>;
  /** Resolves with where the harbour dashboard is served (undefined if it could not start). */
  dashboard: Promise<string | undefined>;
}

/** A launch that failed for a reason we could explain; main.ts prints it without a stack trace. */
export class LaunchError extends Error {}

export async function launchCluster(options: LaunchOptions): Promise<RunningCluster> {
  const t0 = Date.now();
  const { dir, root, print } = options;
  checkEtcd();
  const cleaned = await checkNotRunning(dir);
  if (cleaned.length) print(`Stopped ${cleaned.length} processes left behind by a launcher that did not stop cleanly (pids ${cleaned.join(', ')}).`);
  if (options.fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const config = await resolvePorts(options.config);
  await checkPorts(config);

  const paths: ClusterPaths = { root, dir, etcdData: join(dir, 'etcd'), kubeconfig: join(dir, 'kubeconfig') };
  writeFileSync(paths.kubeconfig, kubeconfigText(`http://127.0.0.1:${config.ports.apiserver}`));
  const tBuild = Date.now();
  // In-process there is nothing to spawn, so nothing to bundle: tsx has already loaded the code.
  const built = options.bundle === false || options.inProcess ? undefined : await bundleComponents(root, (m) => print(`  note: ${m}`));
  if (Date.now() - tBuild > 100) print(`  \u2714 ${'components bundled (esbuild, once per edit)'.padEnd(44)} ${((Date.now() - tBuild) / 1000).toFixed(1)} s`);
  // Each ship talks to the apiserver through its own link, so chaos can partition or slow one ship.
  const links = new NodeLinks({ dir, apiserverPort: config.ports.apiserver, clusterKubeconfig: paths.kubeconfig, timeScale: config.timeScale });
  try {
    for (const ship of config.ships) await links.add(ship.name, ship.ip);
  } catch (err) {
    await links.closeAll();
    throw new LaunchError((err as Error).message);
  }
  let watch: HarbourWatch | undefined;
  const deps: ComponentDeps = { nodeReady: (name, since) => watch?.nodeReady(name, since) ?? false, built, nodeKubeconfig: (node) => links.kubeconfigPath(node), inProcess: options.inProcess };
  const supervisor = new Supervisor(componentSpecs(config, paths, deps));
  const launcherLog = createWriteStream(join(dir, 'logs', 'launcher.log'), { flags: 'a' });
  watch = new HarbourWatch({ kubeconfig: paths.kubeconfig, supervisor, timeScale: config.timeScale, log: (m) => launcherLog.write(`${m}\n`) });
  const logFiles = writeLogFiles(supervisor, dir);
  options.onSupervisor?.(supervisor);
  const control = await startControlApi(supervisor, config.ports.launcher, chaosRoutes({
    supervisor, config, links, shipSpecs: (ship, i) => shipSpecs(ship, i, config, paths, deps, links.kubeconfigPath(ship.name)),
  }));
  const record = () => writeLauncherFile(dir, {
    pid: process.pid, control: control.url, apiserver: `http://127.0.0.1:${config.ports.apiserver}`, kubeconfig: paths.kubeconfig,
    startedAt: new Date(t0).toISOString(), mode: options.inProcess ? 'in-process' : 'processes',
    components: Object.fromEntries(supervisor.list().filter((c) => c.pid).map((c) => [c.name, c.pid!])),
  });
  record();
  supervisor.on('change', record);
  supervisor.on('crash', (name: string, exit) => {
    launcherLog.write(`${new Date().toISOString()} ${name} ${describeExit(exit)}\n`);
    watch!.note(`${name} went down (${describeExit(exit)})`, true);
  });

  const stop = async () => {
    watch!.stop();
    const survivors = await supervisor.stopAll();
    await control.close();
    await links.closeAll();
    removeLauncherFile(dir);
    for (const stream of [...logFiles.values(), launcherLog]) stream.end();
    return survivors;
  };
  const tick = async (name: string) => {
    const started = Date.now();
    await supervisor.start(name);
    const status = supervisor.list().find((c) => c.name === name)!;
    const label = `${name} (${SHIPS_WORDS[name.split('/')[0]!] ?? ''})`;
    if (status.state === 'unavailable') print(`  - ${label.padEnd(44)} skipped: ${status.message}`);
    else print(`  \u2714 ${label.padEnd(44)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };

  print(`Bringing up the harbour (${config.ships.length} ships, time scale ${config.timeScale}${options.inProcess ? ', in-process: one process plus etcd' : ''}):`);
  try {
    // @doc: cluster-parallel-start
    // Every process starts at once, as kubeadm's static pods do: the apiserver waits for etcd,
    // and a scheduler or kubelet that is up before the apiserver retries until it answers.
    // Loading each process's code takes about a second of cpu, so overlapping that with etcd's
    // and the apiserver's start saves seconds. Ticks print in the order things turn healthy.
    const apiserver = tick('kube-apiserver').then(() => watch!.start());
    const rest = supervisor.list().map((c) => c.name).filter((n) => n !== 'kube-apiserver');
    await Promise.all([apiserver, ...rest.map(tick)]);
  } catch (err) {
    const name = /^(\S+)/.exec((err as Error).message)?.[1] ?? '';
    const tail = supervisor.has(name) ? supervisor.tail(name).slice(-8) : [];
    await stop();
    throw new LaunchError(`${(err as Error).message}${tail.length ? `\n  last lines of ${name} (all in ${join(dir, 'logs')}):\n${tail.map((l) => `    ${l}`).join('\n')}` : ''}`);
  }
  const startMs = Date.now() - t0;
  // The dashboard starts once the harbour is up, so it never delays a ship's first heartbeat.
  const dashboard = startDashboard({
    port: config.ports.dashboard,
    host: '127.0.0.1',
    kubeconfig: paths.kubeconfig,
    launcherControl: { url: control.url, components: supervisor },
    clock: realClock(config.timeScale),
    schedulerUrl: `http://127.0.0.1:${config.ports.scheduler}`,
    proxyRulesUrl: (_node: string, ip: string) => `http://${ip}:${config.ports.proxyHealthz}/rules`,
    log: (m: string) => launcherLog.write(`dashboard: ${m}\n`),
  }).catch((err: Error) => {
    print(`  - dashboard not started: ${err.message} (change its port with --dashboard-port)`);
    return undefined;
  });
  const stopAll = async () => {
    await (await dashboard)?.close();
    return stop();
  };
  return { config, paths, supervisor, watch, control, dashboard: dashboard.then((d) => d?.url), startMs, stop: stopAll };
}



/** Every component's lines also go to .cluster/logs/<name>.log (kubelet/node-1 => kubelet-node-1.log). */
function writeLogFiles(supervisor: Supervisor, dir: string): Map<string, WriteStream> {
  const files = new Map<string, WriteStream>();
  supervisor.on('line', (name: string, line: string) => {
    let file = files.get(name);
    if (!file) files.set(name, (file = createWriteStream(join(dir, 'logs', `${name.replace('/', '-')}.log`), { flags: 'a' })));
    file.write(`${line}\n`);
  });
  return files;
}

export { kubeconfigText } from './kubeconfig.ts';
