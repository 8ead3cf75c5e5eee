// A practice harbour for the dashboard's browser tests
// ====================================================
// CONCEPT   The browser tests need a cluster that works and a launcher to break it with. We start a
//           real etcd and apiserver (test/helpers/control-plane.ts), the scheduler, the
//           controller-manager, and a kubelet and a kube-proxy per node *in this process*, and put a
//           small in-process launcher in front of them that serves the launcher's real control API
//           (cluster/control-api.ts). The dashboard then talks to it exactly as it would to
//           `npm run cluster`: process chaos over HTTP, everything else through the Kubernetes API.
//           Addresses are this file's own (node IPs 127.0.131.N, pods in 127.132.0.0/16, Services
//           in 127.133.0.0/16) so other test files can run at the same time.
// REAL K8S  test/integration/framework (an apiserver per test) plus kubemark-style hollow nodes.
// SHIPS     A model harbour on the classroom table.
// EXAMPLE   const h = await startHarbour({ nodes: 3, timeScale: 0.05 }); ... await h.stop();
// SKIPPED   Pausing in-process components (SIGSTOP needs a process): the launcher answers 409.

import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { realClock, type Clock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startControlApi, type ControlApi } from '../../cluster/control-api.ts';
import type { ComponentStatus, Supervisor } from '../../cluster/supervisor.ts';
import { startControllerManager } from '../../controllers/controller-manager.ts';
import { startDashboard, type Dashboard } from '../../dashboard/server.ts';
import { startKubelet } from '../../kubelet/kubelet.ts';
import { startProxy } from '../../proxy/proxy.ts';
import { startScheduler, type Scheduler } from '../../scheduler/scheduler.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = 'test-output/screenshots';

/** Chromium as the brief says: Debian's binary, headless, no sandbox, a fresh profile per launch. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (scripts/setup.sh does it)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  // launch() gives every browser its own temporary user-data dir, removed on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Whether to run the browser tests: always under CI (a missing chromium then fails), else when it exists. */
export function browserTestsEnabled(): boolean {
  if (process.env.CI === 'true' || existsSync(CHROMIUM)) return true;
  console.warn(`dashboard browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return false;
}

type Running = { stop(): Promise<void> };
interface Entry { status: ComponentStatus; start: () => Promise<Running>; running?: Running }

/** The launcher's Supervisor, for components hosted in this process: same list(), same 'change' events. */
export class InProcessLauncher extends EventEmitter {
  private readonly entries = new Map<string, Entry>();

  /** Registers a component; `running` adopts one that is already up. */
  add(name: string, role: 'control-plane' | 'node', start: () => Promise<Running>, node?: string, running?: Running): void {
    this.entries.set(name, { status: { name, role, node, state: running ? 'running' : 'stopped', restarts: 0, since: Date.now() }, start, running });
  }
  list(): ComponentStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status }));
  }
  has(name: string): boolean {
    return this.entries.has(name);
  }
  async start(name: string): Promise<void> {
    const e = this.entry(name);
    if (e.running) return;
    this.set(e, 'starting');
    e.running = await e.start();
    this.set(e, 'running');
  }
  async stop(name: string): Promise<void> {
    const e = this.entry(name);
    await e.running?.stop();
    e.running = undefined;
    this.set(e, 'stopped', 'stopped on purpose');
  }
  async restart(name: string): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }
  /** The component died by itself: like the launcher's supervisor, we start it again after 1 s. */
  crashed(name: string): void {
    const e = this.entry(name);
    const dying = e.running;
    e.running = undefined;
    this.set(e, 'backoff', 'exited; restarting in 1.0 s');
    e.status.restarts++;
    setTimeout(() => void dying?.stop().finally(() => this.start(name).catch(() => this.set(e, 'crashed', 'could not start again'))), 1000);
  }

  /** SIGKILL is a crash (the component stops at once); other signals need a real process. */
  kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): void {
    const e = this.entry(name);
    if (!e.running) throw new Error(`${name} is not running`);
    if (signal !== 'SIGKILL') throw new Error(`${signal} needs a process; ${name} runs inside the test`);
    void e.running.stop();
    e.running = undefined;
    this.set(e, 'crashed', 'killed by SIGKILL');
  }
  private set(e: Entry, state: ComponentStatus['state'], message?: string): void {
    e.status = { ...e.status, state, message, since: Date.now() };
    this.emit('change', { ...e.status });
  }
  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`no component "${name}"`);
    return e;
  }
}

export interface TestHarbour {
  cp: ControlPlane;
  client: KubeClient;
  clock: Clock;
  launcher: InProcessLauncher;
  control: ControlApi;
  dashboard: Dashboard;
  nodeNames: string[];
  /** Stops the dashboard and starts a new one on the same port (the page must reconnect by itself). */
  restartDashboard(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarbour(options: { nodes: number; timeScale: number; cpu?: string[]; memory?: string[] }): Promise<TestHarbour> {
  const clock = realClock(options.timeScale);
  const cp = await startControlPlane({ serviceClusterIPRange: '127.133.0.0/16' });
  const client = new KubeClient({ server: cp.url, clock });
  const quiet = () => {};
  const clusterCIDR = '127.132.0.0/16';
  const launcher = new InProcessLauncher();
  let scheduler: Scheduler | undefined;
  // etcd and the apiserver are already up (startControlPlane); the apiserver can be killed and started.
  launcher.add('etcd', 'control-plane', async () => { throw new Error('etcd cannot be restarted in this harness'); }, undefined, { stop: async () => { throw new Error('etcd cannot be stopped in this harness'); } });
  const apiserver = { stop: () => cp.stopApiServer() };
  launcher.add('kube-apiserver', 'control-plane', async () => (await cp.restartApiServer(), apiserver), undefined, apiserver);
  const proxyUrls = new Map<string, string>();
  // Leases four times kube-scheduler's defaults: at time scale 0.1 a 1 s renew deadline is too short
  // for a test machine shared with other runs, and a leader that misses it stops working.
  const lease = { leaseDurationSeconds: 60, renewDeadlineSeconds: 40, retryPeriodSeconds: 8 };
  launcher.add('kube-scheduler', 'control-plane', async () => {
    scheduler = await startScheduler({ client, clock, leaderElect: true, port: 0, log: quiet, ...lease });
    return scheduler;
  });
  launcher.add('kube-controller-manager', 'control-plane', () =>
    startControllerManager({
      client, clock, leaderElect: true, clusterCIDR, loadBalancerCIDR: '127.134.0.0/16', log: quiet, leaderElection: lease,
      // 80 s instead of 40 s (8 s at time scale 0.1): a busy test machine must not sink healthy ships.
      nodeMonitorGracePeriodMs: 80_000,
      // kube-controller-manager exits when it loses its Lease, and its supervisor starts it again.
      onLeadershipLost: () => launcher.crashed('kube-controller-manager'),
    }));
  const nodeNames = Array.from({ length: options.nodes }, (_, i) => `node-${i + 1}`);
  nodeNames.forEach((name, i) => {
    const ip = `127.0.131.${i + 1}`;
    launcher.add(`kubelet/${name}`, 'node', () => startKubelet({
      client, clock, nodes: [{ name, ip }], port: 0, log: quiet,
      cpu: options.cpu?.[i % options.cpu.length] ?? '4', memory: options.memory?.[i % options.memory.length] ?? '8Gi',
    }), name);
    launcher.add(`kube-proxy/${name}`, 'node', async () => {
      const proxy = await startProxy({ client, clock, nodeName: name, nodeIP: ip, healthzPort: 0, clusterCIDR, log: quiet });
      proxyUrls.set(name, proxy.healthzURL!);
      return proxy;
    }, name);
  });
  for (const c of launcher.list()) if (c.state !== 'running') await launcher.start(c.name);
  const control = await startControlApi(launcher as unknown as Supervisor, 0);
  let port = 0;
  const start = async () => {
    const d = await startDashboard({
      port, apiserver: cp.url, clock, launcherControl: { url: control.url, components: launcher },
      schedulerUrl: () => scheduler?.url, proxyRulesUrl: (node) => `${proxyUrls.get(node)}/rules`,
    });
    port = Number(new URL(d.url).port);
    return d;
  };
  const harbour: TestHarbour = {
    cp, client, clock, launcher, control, nodeNames,
    dashboard: await start(),
    async restartDashboard() {
      await harbour.dashboard.close();
      harbour.dashboard = await start();
    },
    async stop() {
      await harbour.dashboard.close();
      await control.close();
      for (const c of launcher.list().reverse()) if (c.state === 'running' && c.name !== 'etcd' && c.name !== 'kube-apiserver') await launcher.stop(c.name).catch(() => {});
      await cp.stop();
    },
  };
  return harbour;
}
