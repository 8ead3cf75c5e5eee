// The sync runner: rewrite the rules soon, but not for every single event
// =======================================================================
// CONCEPT   A rolling update changes Endpoints dozens of times a second. Rewriting every rule for
//           each change would waste the node's CPU, so kube-proxy asks a runner to sync: the runner
//           runs at once if the last run started at least minInterval ago, otherwise it waits until
//           then; requests that arrive meanwhile fold into that one run. A request during a run
//           schedules one more after it. Independently, it runs every maxInterval, a full resync
//           that repairs anything a missed event left behind.
// REAL K8S  pkg/util/async/bounded_frequency_runner.go (BoundedFrequencyRunner: Run, Loop,
//           minInterval = --iptables-min-sync-period, maxInterval = --iptables-sync-period)
// SHIPS     The officer redraws the chart at most once a minute, however many messages arrive.
// EXAMPLE   const r = new SyncRunner(sync, { clock, minIntervalMs: 1000, maxIntervalMs: 30_000 });
//           r.run(); r.run(); r.run();   // one sync now (or when the min interval allows)
// SKIPPED   burst tokens (the real one allows `burstRuns` back-to-back runs), RetryAfter.

import type { Clock, Timer } from '../client/clock.ts';

export interface SyncRunnerOptions {
  clock: Clock;
  /** Least time between the starts of two runs, Kubernetes ms. @default 1000 */
  minIntervalMs?: number;
  /** Run at least this often, Kubernetes ms; 0 never. @default 30000 */
  maxIntervalMs?: number;
  /** Where a failed run is reported; the next request or periodic run retries. */
  onError?: (error: unknown) => void;
}

/** Calls `fn` when asked, at most once per minInterval, never two at once. */
export class SyncRunner {
  private running?: Promise<void>;
  private again = false;
  private timer?: Timer;
  private periodic?: Timer;
  private lastStart = -Infinity;
  private enabled = false;

  constructor(private readonly fn: () => Promise<void>, private readonly options: SyncRunnerOptions) {}

  /** Allows runs and starts the periodic resync. Requests before start() are ignored. */
  start(): void {
    this.enabled = true;
    const every = this.options.maxIntervalMs ?? 30_000;
    if (every > 0) this.periodic = this.options.clock.setInterval(() => void this.runNow(), every);
  }

  /** Asks for a run: now if the min interval has passed, else as soon as it has. */
  run(): void {
    if (!this.enabled || this.timer) return;
    if (this.running) return void (this.again = true);
    const wait = Math.max(0, (this.options.minIntervalMs ?? 1000) - this.options.clock.since(this.lastStart));
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.runNow();
    }, wait);
  }

  /** Runs now (after any run in progress), ignoring the min interval; resolves when done. */
  async runNow(): Promise<void> {
    while (this.running) await this.running;
    if (!this.enabled) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.lastStart = this.options.clock.now();
    this.running = this.fn()
      .catch((e) => this.options.onError?.(e))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.run();
        }
      });
    return this.running;
  }

  /** Stops runs and timers; resolves when a run in progress has finished. */
  async stop(): Promise<void> {
    this.enabled = false;
    this.timer?.cancel();
    this.periodic?.cancel();
    await this.running;
  }
}
