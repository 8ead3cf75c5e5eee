// Container logs: what `kubectl logs` reads
// ========================================
// CONCEPT   Whatever a container writes to stdout and stderr, the runtime keeps in a log file per
//           container instance on the node (/var/log/pods/<ns>_<pod>_<uid>/<container>/<restart>.log),
//           each line stamped with the time it was written. `kubectl logs` reads the tail of the
//           current file; `-f` keeps reading as lines arrive until the container exits;
//           `--previous` reads the file of the instance before the last restart.
//           Here the "file" is a bounded list of lines in memory, with followers for `-f`.
// REAL K8S  pkg/kubelet/kuberuntime/logs/logs.go (ReadLogs, follow, tail), the CRI log format
//           "2016-10-06T00:17:09.669794202Z stdout F line", pkg/kubelet/logs/container_log_manager.go (rotation)
// SHIPS     The container's own logbook, kept aboard the ship that carries it.
// EXAMPLE   log.append('Starting Besu'); log.read({ tailLines: 10, timestamps: true })
//           => "2026-01-01T00:00:00.123000000Z Starting Besu\n"
// SKIPPED   stdout/stderr streams, limitBytes mid-line precision, log rotation by size (we keep
//           the newest `maxLines` lines, as rotation would drop the oldest).

/** One written line. */
export interface LogLine {
  /** Wall-clock ms, as the runtime stamps it. */
  time: number;
  text: string;
}

/** What a log read asks for (the query of /containerLogs). */
export interface LogReadOptions {
  /** Only the last N lines. @default all */
  tailLines?: number;
  /** Only lines newer than this wall-clock instant, ms. @default all */
  sinceTime?: number;
  /** Prefix each line with its RFC 3339 nano timestamp. @default false */
  timestamps?: boolean;
}

/** RFC3339Nano, as the CRI log format and `kubectl logs --timestamps` show it. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function formatLine(line: LogLine, timestamps = false): string {
  return timestamps ? `${rfc3339Nano(line.time)} ${line.text}\n` : `${line.text}\n`;
}

/** The log of one container instance. */
export class ContainerLog {
  private lines: LogLine[] = [];
  private followers = new Set<(line: LogLine | null) => void>();
  private ended = false;

  /** @param maxLines lines kept; older ones are dropped as rotation would. @default 5000 */
  constructor(private readonly now: () => number, private readonly maxLines = 5000) {}

  /** Writes one line (the container printed it). Ignored once the instance has ended. */
  append(text: string): void {
    if (this.ended) return;
    const line = { time: this.now(), text };
    this.lines.push(line);
    // Dropping in chunks keeps append O(1) amortised.
    if (this.lines.length > this.maxLines * 1.2) this.lines = this.lines.slice(-this.maxLines);
    for (const f of this.followers) f(line);
  }

  /** The instance exited: followers are told the stream is over. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const f of this.followers) f(null);
    this.followers.clear();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The lines a read returns now. */
  read(options: LogReadOptions = {}): LogLine[] {
    let lines = this.lines;
    if (options.sinceTime !== undefined) lines = lines.filter((l) => l.time >= options.sinceTime!);
    if (options.tailLines !== undefined && options.tailLines >= 0) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
    return lines;
  }

  /** Calls `fn` with every new line, then with null when the instance ends. Returns "unfollow". */
  follow(fn: (line: LogLine | null) => void): () => void {
    if (this.ended) {
      fn(null);
      return () => {};
    }
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }
}
