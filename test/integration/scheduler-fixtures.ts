// Fixtures for the scheduler's integration tests
// ==============================================
// CONCEPT   The scheduler tests run against a real etcd and apiserver but no kubelet, so the test
//           plays the kubelet's part: it creates Ready nodes with allocatable resources itself.
//           These helpers build those objects, wait for conditions, watch every pod so a test can
//           prove "no pod was ever bound twice" (once spec.nodeName is set, it never changes), and
//           run `scheduler/main.ts` as a separate OS process that a test may SIGKILL by pid.
// REAL K8S  test/integration/scheduler/ (initTestSchedulerWithOptions, createAndWaitForNodesInCache,
//           waitForPodToSchedule), test/integration/util/util.go (v1.32)
// SHIPS     The practice yard: ships and cargo laid out for the cranes to lift.
// EXAMPLE   await client.create('nodes', node('node-1', { cpu: '4' }));
//           const watch = await watchBindings(client, 'default'); ...; expect(watch.violations).toEqual([]);
//           const proc = spawnScheduler(cp.kubeconfig, ['--leader-elect']); process.kill(proc.pid, 'SIGKILL');
// SKIPPED   Everything the tests do not look at.

import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Event, Node, Pod } from '../../api/types.ts';
import type { Clock } from '../../client/clock.ts';
import { Informer } from '../../client/informer.ts';
import { KubeClient } from '../../client/rest.ts';
import type { Scheduler } from '../../scheduler/scheduler.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { makeNode, makePod, type NodeOptions, type PodOptions } from '../../scheduler/testing.ts';

/** A Ready node with capacity = allocatable, as a kubelet would register it (no uid: the apiserver sets it). */
export function node(name: string, o: NodeOptions = {}): Node {
  const n = makeNode(name, o);
  delete n.metadata.uid;
  return n;
}

/** A one-container pod requesting `cpu` and `memory`, in "default" unless told. */
export function pod(name: string, o: PodOptions = {}): Pod {
  const p = makePod(name, o);
  delete p.metadata.uid;
  delete p.status;
  return p;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Polls `check` every 20 ms until it returns something truthy; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as Truthy<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(20);
  }
}

/** Creates objects `width` at a time (a burst without hundreds of sockets at once). */
export async function createAll<T>(items: T[], create: (item: T) => Promise<unknown>, width = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await create(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** What a pod watch saw: each pod's nodeName history, and every change of an already set nodeName. */
export interface BindingWatch {
  /** pod name -> the node it was bound to (first non-empty spec.nodeName seen). */
  boundTo: Map<string, string>;
  /** "x: node-1 -> node-2" for every pod whose nodeName changed once set (must stay empty). */
  violations: string[];
  bound(): number;
  stop(): void;
}

/**
 * Watches the pods of `namespace` through an informer and records every binding. A pod bound twice
 * would show as a nodeName that changes, or as a bound pod that becomes unbound.
 */
export async function watchBindings(client: KubeClient & { clock?: Clock }, namespace: string): Promise<BindingWatch> {
  const boundTo = new Map<string, string>();
  const violations: string[] = [];
  const informer = new Informer<Pod>(client, 'pods', { namespace, log: () => {} });
  const see = (p: Pod) => {
    const name = p.metadata.name!;
    const was = boundTo.get(name);
    const now = p.spec?.nodeName ?? '';
    if (was !== undefined && now !== was) violations.push(`${name}: ${was} -> ${now || '(unbound)'}`);
    else if (was === undefined && now) boundTo.set(name, now);
  };
  informer.addEventHandler({ onAdd: see, onUpdate: (_old, cur) => see(cur) });
  informer.start();
  await informer.waitForSync();
  return { boundTo, violations, bound: () => boundTo.size, stop: () => informer.stop() };
}

/** Events about one pod (matched by uid), optionally of one reason. */
export async function eventsFor(client: KubeClient, p: Pod, reason?: string): Promise<Event[]> {
  const list = await client.list('events', { namespace: p.metadata.namespace ?? 'default' });
  return list.items.filter((e) => e.involvedObject.uid === p.metadata.uid && (!reason || e.reason === reason));
}

/** Waits for at least one event of `reason` about the pod, and returns them all. */
export async function waitForEvents(client: KubeClient, p: Pod, reason: string): Promise<Event[]> {
  return waitFor(`a ${reason} event for ${p.metadata.name}`, async () => {
    const events = await eventsFor(client, p, reason);
    return events.length > 0 && events;
  });
}

/** pod uid -> how many Scheduled events were recorded for it (folded repeats counted). */
export async function scheduledEventCounts(client: KubeClient, namespace: string): Promise<Map<string, number>> {
  const list = await client.list('events', { namespace });
  const counts = new Map<string, number>();
  for (const e of list.items) {
    if (e.reason !== 'Scheduled') continue;
    const uid = e.involvedObject.uid ?? '';
    counts.set(uid, (counts.get(uid) ?? 0) + (e.count ?? 1));
  }
  return counts;
}

/** The PodScheduled condition of a pod, if any. */
export const podScheduled = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

/** Deletes every pod of `namespace` at once (grace 0: no kubelet will ever confirm) and every node. */
export async function clearCluster(client: KubeClient, namespace: string): Promise<void> {
  await client.deleteCollection('pods', { namespace, gracePeriodSeconds: 0 });
  await client.deleteCollection('nodes', {});
  await waitFor('pods and nodes to be gone', async () => {
    const [pods, nodes] = await Promise.all([client.list('pods', { namespace }), client.list('nodes')]);
    return pods.items.length === 0 && nodes.items.length === 0;
  });
}

// ## A scheduler as its own OS process

/** A `scheduler/main.ts` child process and what it printed. */
export interface SchedulerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** The endpoint URL, once the process printed it. */
  readonly url: Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Calls `fn` for every stdout line from now on. */
  onLine(fn: (line: string) => void): void;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcess>();

/** Starts `node --import tsx scheduler/main.ts --kubeconfig FILE --port 0 ...args` in the repository. */
export function spawnScheduler(kubeconfig: string, args: string[] = []): SchedulerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scheduler/main.ts', '--kubeconfig', kubeconfig, '--port', '0', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  const url = new Promise<string>((resolve, reject) => {
    listeners.push((line) => {
      const m = /explanations at (http:\/\/\S+)\/explanations/.exec(line);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`scheduler process exited before serving: ${stderr.slice(-2000)}`)));
  });
  url.catch(() => {}); // a test that never asks for the URL must not see an unhandled rejection
  // Always drain both pipes: a child writing to a full pipe would block.
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const fn of listeners) fn(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  return { child, pid: child.pid!, lines, url, exited, onLine: (fn) => void listeners.push(fn) };
}

/** SIGKILLs, by pid, every scheduler process this file started that is still running. */
export async function killSchedulerProcesses(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    waits.push(new Promise((resolve) => child.once('exit', resolve)));
    process.kill(child.pid!, 'SIGKILL');
  }
  await Promise.all(waits);
}

/** A promise with its resolve function outside (for "stop once N pods were scheduled"). */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A real etcd and apiserver for one test file, and the schedulers its tests start (add them to
 * `running`): after each test none is left running, no scheduler process survives, and the
 * namespace is empty again.
 */
export function useSchedulerHarness(clock: Clock, namespace: string) {
  const h = { cp: undefined as unknown as ControlPlane, client: undefined as unknown as KubeClient, running: new Set<Scheduler>() };
  beforeAll(async () => {
    h.cp = await startControlPlane();
    h.client = new KubeClient({ server: h.cp.url, clock });
  });
  afterEach(async () => {
    await Promise.all([...h.running].map((s) => s.stop()));
    h.running.clear();
    await killSchedulerProcesses();
    await clearCluster(h.client, namespace);
  });
  afterAll(async () => {
    await killSchedulerProcesses();
    await h.cp?.stop();
  });
  return h;
}
