// Hosting a component inside the launcher: `npm run cluster -- --in-process`
// ==========================================================================
// CONCEPT   DESIGN.md rule 4: every component exports a start…(options) function and its main.ts
//           only turns flags into options. So the launcher can call the same start function in its
//           own process, with the very flags the process mode would pass (each component's
//           flags.ts parses them for both). To the supervisor a hosted component looks like a
//           process (a ManagedProcess with pid 0): it can be stopped, started, restarted and killed.
//           The components cannot tell: they still talk only HTTP to the apiserver, and each
//           ship's kubelet and kube-proxy still go through their own chaos node link.
// REAL K8S  No binary does this; the nearest are kube-apiserver's integration test server
//           (cmd/kube-apiserver/app/testing/testserver.go) and kubemark's hollow nodes, which run
//           real component code in one process.
// SHIPS     The whole crew aboard one ship: same jobs, same radio, one hull.
// EXAMPLE   const p = hostComponent('scheduler/main.ts', ['--kubeconfig', kc, '--port', '10259'], console.log);
//           p.signal('SIGKILL');  await p.exited   // { code: null, signal: 'SIGKILL' }: a crash
// SKIPPED   pausing (SIGSTOP): there is one event loop, so freezing one component freezes them all.
//
// What a crash means in-process: SIGKILL (the control API's kill) stops the component abruptly: its
// servers close and its watches end, but it says no goodbye where the component lets us skip it
// (the scheduler and kube-proxy keep their Leases, so a successor waits for them to expire, as after
// a real crash). The controller-manager's stop() always releases its Lease. A thrown error that
// nobody catches inside a hosted component crashes that component, not the launcher. What no
// in-process crash can do is take memory or a stuck event loop with it: for those lessons, run
// the cluster as processes (the default).

import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { ExitStatus, ManagedProcess } from './process.ts';

/** What the launcher can do to a started component. */
export interface HostedComponent {
  /** The graceful stop its main.ts runs on SIGTERM. */
  stop(): Promise<void>;
  /** An abrupt stop: servers and watches closed, no goodbye (Leases kept) where the component allows. */
  crash(): Promise<void>;
}

/** Starts one component from its flags; `crashed` is for a component that decides to exit (lost its Lease). */
export type Starter = (args: string[], log: (line: string) => void, crashed: () => void) => Promise<HostedComponent>;

// Dynamic imports: the process mode never loads component code into the launcher.
const STARTERS: Record<string, Starter> = {
  'apiserver/main.ts': async (args, log) => {
    const [{ apiServerOptionsFromFlags }, { startApiServer }] = await Promise.all([import('../apiserver/flags.ts'), import('../apiserver/server.ts')]);
    const server = await startApiServer({ ...apiServerOptionsFromFlags(args), log });
    return { stop: () => server.close(), crash: () => server.close() };
  },
  'scheduler/main.ts': async (args, log) => {
    const [{ schedulerOptionsFromFlags }, { startScheduler }] = await Promise.all([import('../scheduler/flags.ts'), import('../scheduler/scheduler.ts')]);
    const scheduler = await startScheduler({ ...schedulerOptionsFromFlags(args), log });
    if (scheduler.url) log(`scheduler: explanations at ${scheduler.url}/explanations`);
    return { stop: () => scheduler.stop(), crash: () => scheduler.stop({ release: false }) };
  },
  'controllers/main.ts': async (args, log, crashed) => {
    const [{ controllerManagerOptionsFromFlags }, { startControllerManager }] = await Promise.all([import('../controllers/flags.ts'), import('../controllers/controller-manager.ts')]);
    // As the process exits with code 1 when its leadership is lost, the hosted one crashes.
    const cm = await startControllerManager({ ...controllerManagerOptionsFromFlags(args), log, onLeadershipLost: crashed });
    return { stop: () => cm.stop(), crash: () => cm.stop() };
  },
  'kubelet/main.ts': async (args, log) => {
    const [{ kubeletOptionsFromFlags }, { startKubelet }] = await Promise.all([import('../kubelet/flags.ts'), import('../kubelet/kubelet.ts')]);
    const kubelet = await startKubelet({ ...kubeletOptionsFromFlags(args), log });
    return { stop: () => kubelet.stop(), crash: () => kubelet.stop() };
  },
  'proxy/main.ts': async (args, log) => {
    const [{ proxyOptionsFromFlags }, { startProxy }] = await Promise.all([import('../proxy/flags.ts'), import('../proxy/proxy.ts')]);
    const proxy = await startProxy({ ...proxyOptionsFromFlags(args), log });
    if (proxy.healthzURL) log(`kube-proxy: health at ${proxy.healthzURL}/healthz, rules at ${proxy.healthzURL}/rules`);
    return { stop: () => proxy.stop(), crash: () => proxy.stop({ release: false }) };
  },
};

/** The binary each main stands for, to name it in messages. */
const BINARIES: Record<string, string> = {
  'apiserver/main.ts': 'kube-apiserver', 'scheduler/main.ts': 'kube-scheduler', 'controllers/main.ts': 'kube-controller-manager',
  'kubelet/main.ts': 'a kubelet', 'proxy/main.ts': 'a kube-proxy',
};

/** The answer to SIGSTOP / SIGCONT for a hosted component. */
export function pauseRefusal(name: string): string {
  return `${name} runs inside the launcher (--in-process): pausing (SIGSTOP) would freeze the launcher and every `
    + 'other component with it, so it has no in-process equivalent. Kill, stop or restart it instead, or run the '
    + 'cluster as processes (npm run cluster, without --in-process) to pause it.';
}

/** Which component's code is running now: its log sink and how to crash it. */
interface Context {
  log: (line: string) => void;
  crash: (error: unknown) => void;
}
const current = new AsyncLocalStorage<Context>();

/**
 * Starts a component's code in this process and returns it as the supervisor's ManagedProcess.
 * Signals: SIGKILL crashes it (see the header), SIGTERM / SIGINT stop it gracefully (exit code 0),
 * SIGSTOP / SIGCONT throw (pauseRefusal). @param starter @default the real component's (tests pass a fake)
 */
export function hostComponent(main: string, args: string[], onLine: (line: string) => void,
  starter: Starter | undefined = STARTERS[main]): ManagedProcess {
  installConsoleRouting();
  let status: ExitStatus | undefined;
  let ending: Promise<ExitStatus> | undefined;
  let resolveExit!: (exit: ExitStatus) => void;
  const exited = new Promise<ExitStatus>((r) => (resolveExit = r));
  const finish = (exit: ExitStatus) => {
    status ??= exit;
    resolveExit(status);
    return status;
  };
  // The supervisor's listeners (--logs prints with console.log) must not run as this component,
  // or their console line would come straight back here.
  const log = (line: string) => current.exit(() => onLine(line));
  const end = (how: 'stop' | 'crash', exit: ExitStatus): Promise<ExitStatus> => {
    ending ??= running.then(async (component) => {
      await component?.[how]().catch((err: Error) => log(`${how} failed: ${err.message}`));
      return finish(exit);
    });
    return ending;
  };
  const context: Context = {
    log,
    crash: (error) => {
      log(`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      void end('crash', { code: 1, signal: null });
    },
  };
  const running: Promise<HostedComponent | undefined> = current.run(context, async () => {
    if (!starter) throw new Error(`${main} cannot run in-process`);
    return starter(args, log, () => void end('crash', { code: 1, signal: null }));
  }).catch((err: Error) => {
    log(err.message);
    finish({ code: 1, signal: null });
    return undefined;
  });
  return {
    pid: 0,
    exited,
    exitStatus: () => status,
    signal(signal) {
      if (status) return;
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') throw new Error(pauseRefusal(BINARIES[main] ?? main));
      void end(signal === 'SIGKILL' ? 'crash' : 'stop', signal === 'SIGKILL' ? { code: null, signal } : { code: 0, signal: null });
    },
    async stop(graceMs = 5000) {
      if (status) return status;
      // A stop that hangs past the grace period is cut short, as SIGKILL would cut a process.
      const late = new Promise<ExitStatus>((r) => setTimeout(() => r(finish({ code: null, signal: 'SIGKILL' })), graceMs).unref());
      return Promise.race([end('stop', { code: 0, signal: null }), late]);
    },
  };
}

let routed = false;

/**
 * Deep inside, some code logs with console.* or throws where nobody catches. In-process we send each
 * line to the component whose code printed it (AsyncLocalStorage follows timers, promises and
 * sockets), and an uncaught error crashes only that component. Outside any component (the
 * launcher's own code), console and errors behave as they always do.
 */
function installConsoleRouting(): void {
  if (routed) return;
  routed = true;
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const ctx = current.getStore();
      if (ctx) ctx.log(format(...args));
      else original(...args);
    };
  }
  process.on('uncaughtException', (err) => {
    const ctx = current.getStore();
    if (ctx) return ctx.crash(err);
    console.error(err);
    process.exit(1); // the orphan guard (process.ts) still stops etcd
  });
  // Outside any component an unhandled rejection ends the launcher, as Node's default would.
  process.on('unhandledRejection', (err) => {
    const ctx = current.getStore();
    if (ctx) return ctx.crash(err);
    console.error(err);
    process.exit(1);
  });
}
