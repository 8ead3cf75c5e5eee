// The supervisor: keeps every component process running, or knows why it is not
// ==============================================================================
// CONCEPT   Each component has a *desired* state (running or stopped) and an *actual* one. When a
//           process exits and we wanted it running, that is a crash: we report it at once, and a
//           control-plane component is started again after a back-off (1 s, 2 s, 4 s ... 30 s; the
//           back-off resets after 10 s of healthy running). A component stopped on purpose (stop(),
//           or the chaos API) stays down. Node components (kubelet, kube-proxy) are not restarted:
//           a dead kubelet is a sunk ship, and the lesson is what the control plane does about it.
// REAL K8S  systemd's Restart=always with RestartSec for the kubelet, and the kubelet's own
//           CrashLoopBackOff for static control-plane pods (pkg/kubelet/kuberuntime, backOff 10 s..5 min).
// SHIPS     The harbour's watch officer: notices who went overboard and sends a replacement.
// EXAMPLE   const s = new Supervisor([etcdSpec, apiserverSpec]); await s.start('etcd');
//           s.on('change', (st) => ...); await s.kill('kube-scheduler')  // restarted after 1 s
// SKIPPED   restart limits (we retry forever, with the back-off capped at 30 s).

import { EventEmitter } from 'node:events';
import { Backoff } from '../client/backoff.ts';
import { realClock, type Clock, type Timer } from '../client/clock.ts';
import { describeExit, pidAlive, spawnProcess, type ExitStatus, type ManagedProcess } from './process.ts';

export { describeExit };

export type Role = 'control-plane' | 'node';

/** What the supervisor needs to know to run one component. */
export interface ComponentSpec {
  /** "etcd", "kube-apiserver", "kubelet/node-1", "kube-proxy/node-1" ... */
  name: string;
  role: Role;
  /** For node components: the node they serve. */
  node?: string;
  command: string;
  args: string[];
  cwd?: string;
  /** True once the component is serving (asked every 100 ms while it starts); `since` is when its process was spawned. */
  healthy?(since: number): Promise<boolean>;
  /** Healthy only once the process printed a line matching this (and `healthy`, if given, agrees). */
  readyLine?: RegExp;
  /**
   * Runs the component inside the launcher instead of spawning `command` (--in-process, in-process.ts):
   * a ManagedProcess with pid 0, whose lines go to `onLine`.
   */
  host?(onLine: (line: string) => void): ManagedProcess;
  /** A reason it cannot start at all (say, its main.ts does not exist yet); undefined if it can. */
  unavailable?(): string | undefined;
}

export type ComponentState = 'starting' | 'running' | 'paused' | 'crashed' | 'backoff' | 'stopped' | 'unavailable';

/** What the view, the log and the control API show about one component. */
export interface ComponentStatus {
  name: string;
  role: Role;
  node?: string;
  state: ComponentState;
  pid?: number;
  /** Times the supervisor started it again after a crash. */
  restarts: number;
  /** Wall-clock ms when the state last changed. */
  since: number;
  /** Plain words: "exited with code 1; restarting in 2.0 s". */
  message?: string;
}

export interface SupervisorOptions {
  /** Wall-clock time for the back-off (the supervisor is not a Kubernetes component). @default realClock(1) */
  clock?: Clock;
  /** How long a component may take to turn healthy. @default 30000 */
  startTimeoutMs?: number;
}

interface Entry {
  spec: ComponentSpec;
  status: ComponentStatus;
  proc?: ManagedProcess;
  wanted: boolean;
  backoff: Backoff;
  retry?: Timer;
  healthyAt?: number;
  sawReadyLine?: boolean;
  tail: string[];
}

/** Emits 'change' (ComponentStatus), 'line' (name, line) and 'crash' (name, ExitStatus). */
export class Supervisor extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  /** Every pid we ever started, so shutdown can prove none is left. */
  readonly startedPids = new Set<number>();
  /**
   * Restart crashed control-plane components. Even during the launch: a start that fails rejects
   * start() (and the launcher gives up), but a component that was healthy and then crashed (a
   * controller-manager that lost its Lease on a busy machine exits, as the real one does) comes back.
   * stopAll() turns it off. @default true
   */
  restartOnCrash = true;

  constructor(specs: ComponentSpec[], private readonly options: SupervisorOptions = {}) {
    super();
    this.clock = options.clock ?? realClock(1);
    for (const spec of specs) this.add(spec);
  }

  /** Every component in start order. */
  list(): ComponentStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status }));
  }

  /** Adds a component (a ship joining); it starts when start(name) is called. */
  add(spec: ComponentSpec): void {
    if (this.entries.has(spec.name)) throw new Error(`component "${spec.name}" already exists`);
    const reason = spec.unavailable?.();
    const status: ComponentStatus = { name: spec.name, role: spec.role, node: spec.node, state: reason ? 'unavailable' : 'stopped', restarts: 0, since: Date.now(), message: reason };
    this.entries.set(spec.name, { spec, status, wanted: false, backoff: new Backoff({ initialMs: 1000, capMs: 30_000, jitter: 0 }), tail: [] });
    this.emit('change', { ...status });
  }

  /** Forgets a component (a ship leaving). @throws if its process still runs: stop() it first */
  remove(name: string): void {
    const e = this.entry(name);
    if (e.proc && !e.proc.exitStatus()) throw new Error(`${name} is still running; stop it first`);
    e.retry?.cancel();
    this.entries.delete(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The last lines a component printed (for error messages). */
  tail(name: string): string[] {
    return [...(this.entry(name).tail)];
  }

  /** Starts a component and resolves once it is healthy. @throws when it exits or times out first */
  async start(name: string): Promise<void> {
    const e = this.entry(name);
    const reason = e.spec.unavailable?.();
    if (reason) return this.set(e, 'unavailable', reason);
    e.wanted = true;
    e.retry?.cancel();
    if (e.proc && !e.proc.exitStatus()) return;
    e.tail = [];
    e.sawReadyLine = false;
    const onLine = (line: string) => {
      e.tail.push(line);
      if (e.tail.length > 40) e.tail.shift();
      if (e.spec.readyLine?.test(line)) e.sawReadyLine = true;
      this.emit('line', name, line);
    };
    const proc = e.spec.host ? e.spec.host(onLine) : spawnProcess({ command: e.spec.command, args: e.spec.args, cwd: e.spec.cwd, onLine });
    e.proc = proc;
    if (proc.pid > 0) this.startedPids.add(proc.pid);
    e.status.pid = proc.pid > 0 ? proc.pid : undefined;
    this.set(e, 'starting');
    void proc.exited.then((exit) => this.onExit(e, proc, exit));
    try {
      await this.waitHealthy(e, proc);
    } catch (err) {
      // Under supervision a start that hangs counts as a crash: we kill it and onExit backs off.
      if (this.restartOnCrash && !proc.exitStatus()) proc.signal('SIGKILL');
      throw err;
    }
    e.healthyAt = Date.now();
    this.set(e, 'running');
  }

  /** Stops a component on purpose: it stays down until start() or restart(). */
  async stop(name: string): Promise<void> {
    const e = this.entry(name);
    e.wanted = false;
    e.retry?.cancel();
    if (e.proc && !e.proc.exitStatus()) await e.proc.stop();
    if (e.status.state !== 'unavailable') this.set(e, 'stopped', 'stopped on purpose');
  }

  async restart(name: string): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  /**
   * Sends a signal as an outside event would: SIGKILL is a crash (the supervisor reacts as to any
   * crash), SIGSTOP pauses the process, SIGCONT resumes it. A hosted component (in-process.ts)
   * throws for SIGSTOP and SIGCONT: it cannot be paused.
   */
  kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): void {
    const e = this.entry(name);
    if (!e.proc || e.proc.exitStatus()) throw new Error(`${name} is not running`);
    e.proc.signal(signal);
    if (signal === 'SIGSTOP') this.set(e, 'paused', 'paused with SIGSTOP');
    if (signal === 'SIGCONT' && e.status.state === 'paused') this.set(e, 'running');
  }

  /** Stops everything, last started first; resolves with the pids still alive (should be none). */
  async stopAll(): Promise<number[]> {
    this.restartOnCrash = false;
    const groups = [
      (e: Entry) => e.spec.role === 'node',
      (e: Entry) => e.spec.name === 'kube-scheduler' || e.spec.name === 'kube-controller-manager',
      (e: Entry) => e.spec.name !== 'etcd',
      () => true,
    ];
    for (const inGroup of groups) {
      await Promise.all([...this.entries.values()].filter((e) => inGroup(e) && e.wanted).map((e) => this.stop(e.spec.name)));
    }
    await Promise.all([...this.entries.values()].map((e) => e.proc?.stop(2000)));
    return [...this.startedPids].filter(pidAlive);
  }

  private async waitHealthy(e: Entry, proc: ManagedProcess): Promise<void> {
    const since = Date.now();
    const deadline = since + (this.options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      const exit = proc.exitStatus();
      if (exit) throw new Error(`${e.spec.name} exited while starting (${describeExit(exit)})`);
      if (e.proc !== proc) throw new Error(`${e.spec.name} was stopped while starting`);
      // Both checks must pass when a spec has both (a kubelet: "registered", then its Node Ready).
      const lineOk = !e.spec.readyLine || e.sawReadyLine;
      if (lineOk && (!e.spec.healthy || (await e.spec.healthy(since).catch(() => false)))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${e.spec.name} did not become healthy within ${(this.options.startTimeoutMs ?? 30_000) / 1000} s`);
  }

  private onExit(e: Entry, proc: ManagedProcess, exit: ExitStatus): void {
    if (e.proc !== proc || !e.wanted) return;
    // We wanted it running, so this is a crash. We report it before deciding anything else.
    this.emit('crash', e.spec.name, exit);
    if (e.healthyAt && Date.now() - e.healthyAt > 10_000) e.backoff.reset();
    e.healthyAt = undefined;
    if (!this.restartOnCrash || e.spec.role !== 'control-plane') {
      this.set(e, 'crashed', `${describeExit(exit)}${e.spec.role === 'node' ? '; not restarted (a sunk ship stays down until started)' : ''}`);
      return;
    }
    const delay = e.backoff.next();
    this.set(e, 'backoff', `${describeExit(exit)}; restarting in ${(delay / 1000).toFixed(1)} s`);
    e.retry = this.clock.setTimeout(() => {
      if (!e.wanted || !this.restartOnCrash) return;
      e.status.restarts++;
      // A failed start exits (or is killed), and onExit schedules the next try.
      this.start(e.spec.name).catch(() => {});
    }, delay);
  }

  private set(e: Entry, state: ComponentState, message?: string): void {
    e.status = { ...e.status, state, since: Date.now(), message, pid: e.proc && !e.proc.exitStatus() && e.proc.pid > 0 ? e.proc.pid : undefined };
    this.emit('change', { ...e.status });
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`no component "${name}"; known: ${[...this.entries.keys()].join(', ')}`);
    return e;
  }
}
