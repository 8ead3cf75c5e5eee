// Drawing the harbour in a terminal, 80 columns wide
// ==================================================
// CONCEPT   A pure function from a snapshot to lines of text: the control ship (each component up
//           or down, who leads), each cargo ship with cpu and memory bars (requests against
//           allocatable, the numbers the scheduler packs by) and its pods, the dock with why each
//           pod waits, and the last events. Colour is optional; every state also has a symbol, so
//           the view reads the same without colour (NO_COLOR, a log file, a colour-blind reader).
// REAL K8S  Nothing in Kubernetes draws this; k9s and `kubectl top` are the nearest relatives.
// SHIPS     The harbour from the harbour master's window.
// EXAMPLE   renderHarbour(snapshot, { width: 80, color: false })
//             => ["── control ship ───...", " ● etcd  up  records office", ...]
// SKIPPED   scrolling: when the terminal is too short, the caller cuts the bottom lines.

import { SHIPS_WORDS } from '../components.ts';
import type { ComponentStatus } from '../supervisor.ts';
import type { HarbourSnapshot, PodChip, ShipRow } from './snapshot.ts';

export interface RenderOptions {
  /** Terminal columns. @default 80 */
  width?: number;
  /** ANSI colours. @default true */
  color?: boolean;
  /** Most pod lines per ship before "+N more". @default 3 */
  podLines?: number;
  /** One line per ship (bars and a pod count, no pod names), for harbours taller than the screen. @default false */
  compact?: boolean;
}

const CODES = { green: 32, yellow: 33, red: 31, cyan: 36, magenta: 35, grey: 90, bold: 1, dim: 2 } as const;
type Paint = keyof typeof CODES;

/** Symbol and colour per pod tone: the symbol alone must tell the state. */
export const TONES: Record<PodChip['tone'], { symbol: string; paint: Paint; label: string }> = {
  running: { symbol: '●', paint: 'green', label: 'Running' },
  notready: { symbol: '◐', paint: 'yellow', label: 'NotReady' },
  pending: { symbol: '◌', paint: 'cyan', label: 'Pending' },
  failed: { symbol: '✗', paint: 'red', label: 'Failed' },
  succeeded: { symbol: '✓', paint: 'grey', label: 'Completed' },
  terminating: { symbol: '↓', paint: 'magenta', label: 'Terminating' },
};

/** Draws the whole view. Each returned line is at most `width` visible columns. */
export function renderHarbour(s: HarbourSnapshot, options: RenderOptions = {}): string[] {
  const width = Math.max(60, options.width ?? 80);
  const paint = (text: string, p: Paint) => (options.color === false ? text : `\x1b[${CODES[p]}m${text}\x1b[0m`);
  const rule = (title: string) => paint(`── ${title} ${'─'.repeat(Math.max(0, width - title.length - 4))}`, 'dim');
  const out: string[] = [];

  const podCount = s.ships.reduce((n, ship) => n + ship.pods.length, 0) + s.dock.length;
  out.push(`${paint(' HARBOUR', 'bold')}  ${s.ships.length} ships · ${podCount} pods · ${s.dock.length} on the dock`);
  out.push(rule('control ship'));
  for (const c of s.control) {
    const { symbol, word, tone } = componentState(c);
    const detail = c.state === 'running' ? `${SHIPS_WORDS[c.name] ?? ''}${c.leader ? ` · leader ${shortHolder(c.leader)}` : ''}` : c.message ?? '';
    out.push(fit(` ${paint(symbol, tone)} ${c.name.padEnd(24)} ${paint(word.padEnd(8), tone)} ${detail}`, width));
  }

  out.push(rule('cargo ships'));
  for (const ship of s.ships) {
    if (options.compact) out.push(compactShip(ship, width, paint));
    else out.push(...renderShip(ship, width, options.podLines ?? 3, paint));
  }

  out.push(rule(`dock: ${s.dock.length} waiting`));
  if (s.dock.length === 0) out.push(paint(' (empty: every pod has a ship)', 'dim'));
  for (const pod of s.dock.slice(0, 6)) {
    // The scheduler appends what preemption found; the first sentence is the reason that matters.
    const reason = pod.reason.replace(/ preemption: .*$/, '');
    out.push(...wrap(` ${paint(TONES.pending.symbol, 'cyan')} ${pod.name}: ${reason}`, width, '     '));
  }
  if (s.dock.length > 6) out.push(`   +${s.dock.length - 6} more`);

  out.push(rule('harbour log'));
  for (const entry of s.log) {
    const time = new Date(entry.time).toTimeString().slice(0, 8);
    out.push(fit(` ${paint(time, 'dim')} ${entry.warning ? paint(entry.text, 'yellow') : entry.text}`, width));
  }
  out.push(paint(fit(` ${Object.values(TONES).map((t) => `${t.symbol} ${t.label}`).join('  ')}`, width), 'dim'));
  return out;
}

function renderShip(ship: ShipRow, width: number, podLines: number, paint: (t: string, p: Paint) => string): string[] {
  const readyTone: Paint = ship.ready === 'Ready' ? 'green' : ship.ready === 'absent' ? 'grey' : 'red';
  const crew = [['captain', ship.kubelet], ['comms', ship.proxy]] as const;
  const crewText = crew.map(([who, c]) => {
    const { word, tone } = componentState(c);
    return `${who} ${paint(word, tone)}`;
  }).join('  ');
  const state = ship.ready === 'absent' ? 'not registered' : ship.ready + (ship.cordoned ? ',cordoned' : '');
  const lines = [fit(` ${paint(ship.name.padEnd(8), 'bold')} ${paint(state.padEnd(9), readyTone)} ${(ship.ip ?? '').padEnd(12)} ${crewText}`, width)];
  const barWidth = width >= 90 ? 24 : 14;
  const cpu = bar(ship.cpu.used, ship.cpu.total, barWidth, paint);
  const mem = bar(ship.memory.used, ship.memory.total, barWidth, paint);
  lines.push(`   cpu ${cpu} ${`${cores(ship.cpu.used)}/${cores(ship.cpu.total)}`.padEnd(9)} mem ${mem} ${gib(ship.memory.used)}/${gib(ship.memory.total)}Gi`);
  const chips = ship.pods.map((p) => ({ plain: `${TONES[p.tone].symbol} ${p.name}`, tone: TONES[p.tone].paint }));
  const podRows: string[] = [];
  let line = '  ';
  let shown = 0;
  for (const chip of chips) {
    if (visible(line).length + chip.plain.length + 2 > width) {
      if (podRows.length + 1 >= podLines) break;
      podRows.push(line);
      line = '  ';
    }
    line += ` ${paint(chip.plain, chip.tone)} `;
    shown++;
  }
  if (line.trim()) podRows.push(line);
  if (shown < chips.length) podRows[podRows.length - 1] = fit(`${podRows[podRows.length - 1]} +${chips.length - shown} more`, width);
  if (chips.length === 0) podRows.push(paint('   (no pods aboard)', 'dim'));
  return [...lines, ...podRows];
}

/** "host_8343855a-18c5-4bb9-8886-..." => "host_8343855a": enough to tell two replicas apart. */
function shortHolder(holder: string): string {
  return holder.replace(/_([0-9a-f]{8})-[0-9a-f-]+/, '_$1');
}

/** "node-7   Ready    cpu ███░░░ 1.5/4   mem ██░░░░ 2/8Gi      5 pods, captain up": one line a ship. */
function compactShip(ship: ShipRow, width: number, paint: (t: string, p: Paint) => string): string {
  const readyTone: Paint = ship.ready === 'Ready' ? 'green' : ship.ready === 'absent' ? 'grey' : 'red';
  const crew = componentState(ship.kubelet);
  return fit(` ${paint(ship.name.padEnd(8), 'bold')} ${paint(ship.ready.padEnd(8), readyTone)} cpu ${bar(ship.cpu.used, ship.cpu.total, 6, paint)} `
    + `${`${cores(ship.cpu.used)}/${cores(ship.cpu.total)}`.padEnd(7)} mem ${bar(ship.memory.used, ship.memory.total, 6, paint)} `
    + `${`${gib(ship.memory.used)}/${gib(ship.memory.total)}Gi`.padEnd(9)} ${String(ship.pods.length).padStart(2)} pods, captain ${paint(crew.word, crew.tone)}`, width);
}

const cores = (m: number) => (m / 1000).toFixed(m % 1000 === 0 ? 0 : 1);
const gib = (b: number) => (b / 2 ** 30).toFixed(b % 2 ** 30 === 0 ? 0 : 1);

function componentState(c: ComponentStatus | undefined): { symbol: string; word: string; tone: Paint } {
  switch (c?.state) {
    case 'running': return { symbol: '●', word: 'up', tone: 'green' };
    case 'starting': return { symbol: '◌', word: 'starting', tone: 'cyan' };
    case 'paused': return { symbol: '◐', word: 'paused', tone: 'yellow' };
    case 'crashed': case 'backoff': return { symbol: '✗', word: 'DOWN', tone: 'red' };
    case 'stopped': return { symbol: '○', word: 'stopped', tone: 'yellow' };
    default: return { symbol: '·', word: 'n/a', tone: 'grey' };
  }
}

/** A bar of `width` cells: filled share of used/total, red when over 90 %. */
function bar(used: number, total: number, width: number, paint: (t: string, p: Paint) => string): string {
  const share = total > 0 ? Math.min(1, used / total) : 0;
  const filled = Math.round(share * width);
  const tone: Paint = share > 0.9 ? 'red' : share > 0.7 ? 'yellow' : 'green';
  return paint('█'.repeat(filled), tone) + paint('░'.repeat(width - filled), 'dim');
}

/** Strips ANSI colour codes, to measure what the reader sees. */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Cuts a (possibly coloured) line to `width` visible columns. */
function fit(text: string, width: number): string {
  if (visible(text).length <= width) return text;
  let out = '';
  let seen = 0;
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      continue;
    }
    const take = Math.max(0, Math.min(part.length, width - 1 - seen));
    out += part.slice(0, take);
    seen += take;
  }
  return `${out}…${text.includes('\x1b[') ? '\x1b[0m' : ''}`;
}

/** Wraps a line at word boundaries; continuation lines start with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  const lead = /^ */.exec(text)![0];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    if (line.trim() && visible(line).length + 1 + visible(word).length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line.trim() ? `${line} ${word}` : `${line}${word}`;
  }
  if (line) lines.push(line);
  return lines.slice(0, 3).map((l) => fit(l, width));
}
