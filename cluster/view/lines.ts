// Line output: for pipes, CI logs, and `--logs`
// ==============================================
// CONCEPT   Without a terminal, a redrawn screen is noise. We print one line per change instead,
//           the way `kubectl get pods -w` does: components going up or down, ships turning Ready
//           or NotReady, pods changing status, and every new event in ships words. `--logs` prints
//           instead every line every process writes, prefixed with its name and coloured per
//           component, like `docker compose up`.
// REAL K8S  `kubectl get -w` (one line per watch event) and `kubectl events -w`.
// SHIPS     The harbour log read out line by line, or every crew member heard at once.
// EXAMPLE   12:04:31 crane: besu-0 lifted onto node-2 [Scheduled]
//           12:04:32 pod default/besu-0 on node-2: Running
//           [kube-scheduler     ] scheduler: bound default/besu-0 to node-2 ...
// SKIPPED   filtering by namespace or component (pipe through grep).

import type { Event, Node, Pod } from '../../api/types.ts';
import type { ComponentStatus, Supervisor } from '../supervisor.ts';
import type { HarbourWatch } from './harbour-watch.ts';
import { podChip } from './snapshot.ts';
import { eventInShipsWords } from './ships-words.ts';

type Write = (line: string) => void;

const STATE_WORDS: Record<string, string> = { running: 'is up', starting: 'is starting', backoff: 'went DOWN', crashed: 'went DOWN', stopped: 'is stopped', paused: 'is paused' };

const stamp = () => new Date().toTimeString().slice(0, 8);

/** Prints one line per change. Returns a function that stops printing. */
export function startLineOutput(watch: HarbourWatch, supervisor: Supervisor, write: Write): () => void {
  const say = (text: string) => write(`${stamp()} ${text}`);
  const offs: (() => void)[] = [];

  const lastState = new Map<string, string>();
  const onChange = (c: ComponentStatus) => {
    if (lastState.get(c.name) === c.state) return;
    lastState.set(c.name, c.state);
    const word = STATE_WORDS[c.state] ?? c.state;
    say(`${c.role === 'node' ? 'ship crew' : 'control ship'}: ${c.name} ${word}${c.pid && c.state === 'running' ? ` (pid ${c.pid})` : ''}${c.message ? `: ${c.message}` : ''}`);
  };
  for (const c of supervisor.list()) lastState.set(c.name, c.state);
  supervisor.on('change', onChange);
  offs.push(() => supervisor.off('change', onChange));

  const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  offs.push(watch.nodes.addEventHandler({
    onAdd: (n, initial) => !initial && say(`ship ${n.metadata.name} registered`),
    onUpdate: (a, b) => {
      if (ready(a) !== ready(b)) say(`ship ${b.metadata.name} is ${ready(b) === 'True' ? 'Ready' : ready(b) === 'False' ? 'NotReady' : 'Unknown (not heard from)'}`);
      if (Boolean(a.spec?.unschedulable) !== Boolean(b.spec?.unschedulable)) say(`ship ${b.metadata.name} ${b.spec?.unschedulable ? 'cordoned' : 'uncordoned'}`);
    },
    onDelete: (n) => say(`ship ${n.metadata.name} removed`),
  }));

  const podLine = (p: Pod) => {
    const chip = podChip(p);
    const where = p.spec.nodeName ? `on ${p.spec.nodeName}` : 'on the dock';
    return `pod ${chip.namespace}/${chip.name} ${where}: ${chip.status}${chip.status === 'Running' && p.status?.podIP ? ` (${p.status.podIP})` : ''}`;
  };
  offs.push(watch.pods.addEventHandler({
    onAdd: (p, initial) => !initial && say(podLine(p)),
    onUpdate: (a, b) => {
      if (podChip(a).status !== podChip(b).status || a.spec.nodeName !== b.spec.nodeName) say(podLine(b));
    },
    onDelete: (p) => say(`pod ${p.metadata.namespace}/${p.metadata.name} deleted`),
  }));

  const eventLine = (e: Event) => say(eventInShipsWords(e));
  offs.push(watch.events.addEventHandler({
    onAdd: (e, initial) => !initial && eventLine(e),
    onUpdate: (a, b) => (a.count ?? 1) !== (b.count ?? 1) && eventLine(b),
  }));
  return () => offs.forEach((off) => off());
}

const PALETTE = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];

/** --logs: every process's lines, prefixed and coloured. Returns a function that stops printing. */
export function startLogOutput(supervisor: Supervisor, write: Write, color = !process.env.NO_COLOR): () => void {
  const names = supervisor.list().map((c) => c.name);
  const width = Math.min(24, Math.max(...names.map((n) => n.length)));
  const onLine = (name: string, line: string) => {
    const prefix = `[${name.padEnd(width)}]`;
    const code = PALETTE[Math.max(0, names.indexOf(name)) % PALETTE.length];
    write(`${color ? `\x1b[${code}m${prefix}\x1b[0m` : prefix} ${line}`);
  };
  supervisor.on('line', onLine);
  return () => supervisor.off('line', onLine);
}
