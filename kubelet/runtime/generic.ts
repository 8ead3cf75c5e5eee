// The generic container: sleeps, echoes, exits, or just runs
// ==========================================================
// CONCEPT   Pods that are not Besu run this stand-in for a process. It reads the container's
//           `command` and `args` the way a shell would read a tiny script: `echo` writes a log line,
//           `sleep 5` waits 5 s (cluster time), `exit 3` ends with code 3, `false` fails, and
//           `while true; do ...; done` repeats its body. A container with no command (an image's own
//           entrypoint, like nginx) or one we do not understand runs until it is stopped. If the
//           container declares ports, a tiny HTTP server answers on podIP:containerPort, so a
//           Service can send it traffic and httpGet / tcpSocket probes succeed.
// REAL K8S  (none: a real runtime execs the image's entrypoint; exit codes and reasons follow
//           containerd: 0 => "Completed", anything else => "Error")
// SHIPS     A plain crate: it sits on deck, or falls overboard when its label says so.
// EXAMPLE   command ["sh","-c","echo hi; sleep 2; exit 3"] => logs "hi", exits 3 ("Error") 2 s later
//           args ["exit","1"]                              => exits 1 after a moment
//           (no command)                                   => runs until stopped
// SKIPPED   real shells: pipes, conditionals (`&&` is read as `;`); of variables only `$VAR` and
//           `${VAR}` in echo, from the container's env (so a ConfigMap's value shows in the log).

import type { Timer } from '../../client/clock.ts';
import type { Workload, WorkloadContext } from './workload.ts';

/** One step of the script. */
export type Step = { op: 'echo'; text: string } | { op: 'sleep'; ms: number } | { op: 'exit'; code: number };

/** A parsed command: steps to run once, then a loop body (while true) or an exit, or run forever. */
export interface Script {
  steps: Step[];
  /** `while true; do <body>; done`: repeated after `steps`. */
  loop?: Step[];
  /** Nothing we could read: run until stopped. */
  daemon: boolean;
}

/** A process that exits at once still takes a moment to start and end, cluster time. */
const MIN_RUN_MS = 1000;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/**
 * Reads `command` + `args` as a tiny shell script.
 * @example parseCommand(['sh', '-c', 'exit 3']) => { steps: [{ op: 'exit', code: 3 }], daemon: false }
 */
export function parseCommand(command: string[] = [], args: string[] = []): Script {
  const argv = [...command, ...args];
  if (argv.length === 0) return { steps: [], daemon: true };
  const base = argv[0].slice(argv[0].lastIndexOf('/') + 1);
  if (SHELLS.has(base)) {
    const c = argv.indexOf('-c');
    return c >= 0 && argv[c + 1] !== undefined ? parseScript(argv[c + 1]) : { steps: [], daemon: true };
  }
  const step = parseStatement(argv.map(unquote));
  return step === 'unknown' ? { steps: [], daemon: true } : { steps: step ? [step] : [], daemon: false };
}

function parseScript(text: string): Script {
  const loop = /^(.*?)\s*while\s+(?:true|:)\s*;?\s*do\s+(.*?);?\s*done\s*$/s.exec(text);
  const head = loop ? loop[1] : text;
  const steps = parseStatements(head);
  if (steps === 'unknown') return { steps: [], daemon: true };
  if (!loop) return { steps, daemon: false };
  const body = parseStatements(loop[2]);
  return body === 'unknown' ? { steps, daemon: true } : { steps, loop: body, daemon: false };
}

function parseStatements(text: string): Step[] | 'unknown' {
  const steps: Step[] = [];
  for (const statement of text.split(/;|&&|\n/).map((s) => s.trim()).filter(Boolean)) {
    const step = parseStatement(tokenize(statement));
    if (step === 'unknown') return 'unknown';
    if (step) steps.push(step);
  }
  return steps;
}

// One command: the ones we understand, `true`/`:` (no-op), or unknown (the process just runs).
function parseStatement(words: string[]): Step | undefined | 'unknown' {
  const [cmd, ...rest] = words;
  const name = cmd?.slice(cmd.lastIndexOf('/') + 1);
  switch (name) {
    case 'echo':
      return { op: 'echo', text: rest.join(' ') };
    case 'sleep': {
      if (rest[0] === 'infinity') return 'unknown';
      const s = Number(rest[0]?.replace(/s$/, ''));
      return Number.isFinite(s) && s >= 0 ? { op: 'sleep', ms: s * 1000 } : 'unknown';
    }
    case 'exit':
      return { op: 'exit', code: Number(rest[0] ?? 0) & 255 };
    case 'false':
      return { op: 'exit', code: 1 };
    case 'true':
    case ':':
      return undefined;
    default:
      return 'unknown';
  }
}

function tokenize(statement: string): string[] {
  return (statement.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote);
}

function unquote(word: string): string {
  return /^(["']).*\1$/s.test(word) ? word.slice(1, -1) : word;
}

/** A shell's `$VAR` / `${VAR}` from the container's env; an unset variable is empty, as in sh. */
export function expandVars(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string, b: string) => env[a ?? b] ?? '');
}

/** Starts a generic container (a WorkloadFactory). */
export async function startGeneric(ctx: WorkloadContext): Promise<Workload> {
  const { clock, container } = ctx;
  const script = parseCommand(container.command, container.args);
  const closers: (() => Promise<void>)[] = [];
  let timer: Timer | undefined;
  let done = false;
  const closePorts = () => Promise.all(closers.splice(0).map((c) => c())).then(() => {});

  for (const p of container.ports ?? []) {
    if (p.protocol && p.protocol !== 'TCP') continue;
    const answer = `${ctx.pod.metadata.name} (${container.image}) on ${ctx.podIP}:${p.containerPort}\n`;
    const opened = await ctx.ports.open(ctx.podIP, p.containerPort, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : answer);
    });
    closers.push(opened.close);
  }
  if (script.daemon) ctx.log(`${container.image}: started (simulated container; it runs until stopped)`);

  const finish = (code: number) => {
    if (done) return;
    done = true;
    void closePorts().then(() => ctx.onExit(code, code === 0 ? 'Completed' : 'Error'));
  };
  // @doc: kubelet-generic-script
  // Each step runs after the previous one; the program counter walks `steps`, then `loop` forever.
  let pc = 0;
  let elapsed = 0;
  const run = () => {
    if (done) return;
    for (;;) {
      const inLoop = pc >= script.steps.length;
      if (inLoop && !script.loop?.length) {
        if (script.daemon) return;
        timer = clock.setTimeout(() => finish(0), Math.max(0, MIN_RUN_MS - elapsed));
        return;
      }
      const step = inLoop ? script.loop![(pc - script.steps.length) % script.loop!.length] : script.steps[pc];
      pc++;
      if (step.op === 'echo') ctx.log(expandVars(step.text, ctx.env));
      else if (step.op === 'exit') {
        timer = clock.setTimeout(() => finish(step.code), Math.max(0, MIN_RUN_MS - elapsed));
        return;
      } else if (step.op === 'sleep') {
        elapsed += step.ms;
        timer = clock.setTimeout(run, step.ms);
        return;
      }
      // A loop of echoes with no sleep would spin forever; real shells would too, but we pace it.
      if (inLoop && !script.loop!.some((s) => s.op === 'sleep') && (pc - script.steps.length) % script.loop!.length === 0) {
        timer = clock.setTimeout(run, 1000);
        return;
      }
    }
  };
  run();

  const end = () => {
    done = true;
    timer?.cancel();
    return closePorts();
  };
  return { stop: end, kill: () => void end(), live: () => !done, ready: () => !done };
}
