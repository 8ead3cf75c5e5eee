// One child process: spawn it, read its lines, stop it by pid and make sure it is gone
// ===================================================================================
// CONCEPT   Every component runs as its own OS process. We start each in its own process group,
//           so a Ctrl-C in the terminal reaches only the launcher, which then stops the children
//           in order (nodes first, etcd last). Stopping is SIGTERM, then SIGKILL after a grace
//           period, then a check with kill(pid, 0) that the pid is really gone.
// REAL K8S  On a kubeadm machine systemd runs the kubelet and the kubelet runs the control plane as
//           static pods; `systemctl stop` follows the same TERM-then-KILL rule (KillMode, TimeoutStopSec).
// SHIPS     One crew member signed on: we hear everything they say and can send them ashore.
// EXAMPLE   const p = spawnProcess({ command: 'etcd', args: [...], onLine: console.log });
//           await p.stop();   // { code: 0, signal: null }
// SKIPPED   cgroups and resource limits; restarts are the supervisor's business, not this file's.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** How a process ended: an exit code, or the signal that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessOptions {
  command: string;
  args: string[];
  /** @default process.cwd() */
  cwd?: string;
  /** Called with each complete line the process prints on stdout or stderr. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** A running child, as the supervisor sees it. */
export interface ManagedProcess {
  readonly pid: number;
  /** Resolves once when the process has exited, for any reason. */
  readonly exited: Promise<ExitStatus>;
  /** Set once the process has exited. */
  exitStatus(): ExitStatus | undefined;
  /** Sends a signal (SIGKILL to crash it, SIGSTOP/SIGCONT to pause it). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, SIGKILL after `graceMs`, then waits for the exit. @param graceMs @default 5000 */
  stop(graceMs?: number): Promise<ExitStatus>;
}

/** Every child we started and have not yet seen exit: the orphan guard kills these if we crash. */
const live = new Set<ChildProcess>();
let guardInstalled = false;

/** Starts a process in its own process group and splits its output into lines. */
export function spawnProcess(options: ProcessOptions): ManagedProcess {
  installOrphanGuard();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the terminal's Ctrl-C reaches only the launcher
  });
  live.add(child);
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('error', () => {
      // spawn failed (no such binary): 'exit' never comes, so we report it here.
      live.delete(child);
      status ??= { code: 127, signal: null };
      resolve(status);
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      status ??= { code, signal };
      resolve(status);
    });
  });
  splitLines(child, options.onLine);
  const send = (sig: NodeJS.Signals) => {
    if (status === undefined && child.pid) {
      try {
        process.kill(child.pid, sig);
      } catch {
        // already gone
      }
    }
  };
  return {
    pid: child.pid ?? -1,
    exited,
    exitStatus: () => status,
    signal: send,
    async stop(graceMs = 5000) {
      if (status) return status;
      // A paused process cannot act on SIGTERM, so we wake it first.
      send('SIGCONT');
      send('SIGTERM');
      const killer = setTimeout(() => send('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
  };
}

/** "exited with code 1", "killed by SIGKILL". */
export function describeExit(exit: ExitStatus): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** True while a process with this pid exists (kill with signal 0 only checks). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; /proc tells us it is dead in all but name.
    return !/^\d+ \(.*\) Z/.test(readProcStat(pid));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a pid (empty when it is gone or /proc is missing). */
export function pidCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

function readProcStat(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/** Hands each whole line a child prints (stdout and stderr) to `onLine`, as it arrives. */
export function splitLines(child: ChildProcess, onLine?: ProcessOptions['onLine']): void {
  for (const [stream, name] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine?.(line.replace(/\r$/, ''), name);
    });
    stream?.on('end', () => {
      if (buffered.trim()) onLine?.(buffered, name);
      buffered = '';
    });
  }
}

// Children live in their own process groups, so nothing takes them down with us by default. If
// the launcher dies of an uncaught error we still run 'exit' handlers: there we kill every child
// still alive. (A SIGKILLed launcher runs nothing; the next launcher cleans up from launcher.json.)
function installOrphanGuard(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
}
