// The timeline: every line a scenario prints, stamped with cluster-relative time
// =============================================================================
// CONCEPT   A lesson about failure is a lesson about *when*: the node went silent at +0.0 s, was
//           marked NotReady at +4.1 s, its pods were evicted at +7.2 s. Each line carries two
//           stamps from the same instant: wall-clock seconds since the scenario started, and the
//           same span in Kubernetes time (wall / time scale), which is what the flags talk about.
//           At time scale 0.1, "+4.1 s | k8s 41 s" reads: four seconds for us, forty for the cluster.
// REAL K8S  None; the nearest is the timestamps in `kubectl get events --sort-by=.lastTimestamp`.
// SHIPS     The ship's log, written as things happen.
// EXAMPLE   const t = new Timeline({ timeScale: 0.1, print: console.log });
//           t.line('▶', 'Sink node-2')   =>  "[+  0.0 s | k8s    0 s]  ▶ Sink node-2"
// SKIPPED   colours (the runner's output is often piped into a file or a test log).

export interface TimelineOptions {
  /** The cluster's time scale: Kubernetes time = wall time / timeScale. */
  timeScale: number;
  /** Where lines go. @default console.log */
  print?: (line: string) => void;
  /** Wall-clock ms of t = 0. @default Date.now() at construction */
  start?: number;
  /** Wrap text at this many columns (stamp included). @default 110 */
  width?: number;
}

export class Timeline {
  readonly start: number;
  /** Every line printed, for tests and for the failure summary. */
  readonly lines: string[] = [];
  private readonly print: (line: string) => void;

  constructor(private readonly options: TimelineOptions) {
    this.start = options.start ?? Date.now();
    this.print = options.print ?? ((l) => console.log(l));
  }

  /** "[+ 12.3 s | k8s  2m03s]" for a wall-clock instant. */
  stamp(at = Date.now()): string {
    const wall = (at - this.start) / 1000;
    return `[+${wall.toFixed(1).padStart(5)} s | k8s ${kubernetesSpan(wall / this.options.timeScale).padStart(6)}]`;
  }

  /** One stamped line: a symbol (▶ ✔ ✗ ⚡ ?) and text, wrapped under itself. */
  line(symbol: string, text: string, indent = 0): void {
    const head = `${this.stamp()}  ${' '.repeat(indent)}${symbol} `;
    this.emit(head, text);
  }

  /** An unstamped continuation line under the previous one (chaos predictions, details). */
  detail(text: string, indent = 4): void {
    this.emit(`${' '.repeat(this.stamp().length + 2 + indent)}\u00b7 `, text);
  }

  /** A plain line (headers, the summary). */
  plain(text = ''): void {
    this.lines.push(text);
    this.print(text);
  }

  private emit(head: string, text: string): void {
    const width = Math.max(40, (this.options.width ?? 110) - head.length);
    const wrapped = wrap(text, width);
    const pad = ' '.repeat(head.length);
    wrapped.forEach((part, i) => this.plain(`${i === 0 ? head : pad}${part}`));
  }
}

/** Kubernetes seconds as a person says them: "0 s", "41 s", "2m03s", "1h05m". */
export function kubernetesSpan(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}
