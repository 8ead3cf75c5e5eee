// Failures: faults an instructor writes into a manifest
// ======================================================
// CONCEPT   Kubernetes earns its keep when containers misbehave: the kubelet restarts a container
//           that exits (and backs off when it keeps crashing), takes a pod out of its Service while
//           its readiness probe fails, kills it when its liveness probe fails, and the kernel
//           OOM-kills it when it outgrows its memory limit. To stage those lessons, a pod asks its
//           simulated Besu to misbehave through annotations:
//             besu.harbour.dev/crash-after:    "30s"      exit with code 1 after 30 s
//             besu.harbour.dev/fail-readiness: "true"     /readiness answers 503 (or a duration: from then on)
//             besu.harbour.dev/fail-liveness:  "45s"      /liveness answers 503 from 45 s on ("true": at once)
//             besu.harbour.dev/slow-start:     "20s"      JSON-RPC does not listen for 20 s
//             besu.harbour.dev/memory-growth:  "50Mi/s"   memory grows; OOMKilled (137) at the limit
//           All durations are Kubernetes time: at time scale 0.1, "30s" passes in 3 s.
// REAL BESU none: a real Besu fails for real. The signals match what the kubelet would see: exit
//           code 1 with reason Error, exit code 137 with reason OOMKilled (pkg/kubelet/kuberuntime).
// SHIPS     Staged accidents for a harbour drill: a clerk who faints, or hoards paper until the cabin bursts.
// EXAMPLE   parseFailurePlan({ 'besu.harbour.dev/crash-after': '30s' }) => { plan: { crashAfterMs: 30000 } }
// SKIPPED   CPU throttling, disk pressure, network partitions between pods.
import type { Clock, Timer } from '../../client/clock.ts';
import { memoryBytes as quantityBytes } from '../../api/quantity.ts';
import { ANNOTATION_PREFIX, parseDuration } from './config.ts';

/** The annotation names, for manifests, docs and tests. */
export const FAILURE_ANNOTATIONS = {
  crashAfter: `${ANNOTATION_PREFIX}crash-after`,
  failReadiness: `${ANNOTATION_PREFIX}fail-readiness`,
  failLiveness: `${ANNOTATION_PREFIX}fail-liveness`,
  slowStart: `${ANNOTATION_PREFIX}slow-start`,
  memoryGrowth: `${ANNOTATION_PREFIX}memory-growth`,
} as const;

/** The failures one container will act out; all times in Kubernetes ms from container start. */
export interface FailurePlan {
  crashAfterMs?: number;
  failReadinessAfterMs?: number;
  failLivenessAfterMs?: number;
  slowStartMs?: number;
  memoryGrowthBytesPerSecond?: number;
}

/**
 * The resident memory of a freshly started simulated Besu. A real Besu wants 1-2 GiB; we keep it
 * small so that manifests with modest limits (128Mi) still run, and OOM happens only when asked.
 */
export const BASE_MEMORY_BYTES = 100 * 1024 * 1024;

/** "50Mi/s" => 52428800 bytes per second; also "/m" or "/min" per minute. undefined when invalid. */
export function parseByteRate(text: string): number | undefined {
  const m = /^\s*([0-9.]+[A-Za-z]*)\s*\/\s*(s|sec|m|min)\s*$/.exec(text);
  if (!m) return undefined;
  try {
    const bytes = quantityBytes(m[1]);
    return m[2].startsWith('m') ? bytes / 60 : bytes;
  } catch {
    return undefined;
  }
}

/** "true" => 0 (from the start), "false" => undefined, a duration => that many ms. */
function parseSwitchOrDuration(value: string): number | undefined | 'bad' {
  if (/^true$/i.test(value)) return 0;
  if (/^false$/i.test(value)) return undefined;
  return parseDuration(value) ?? 'bad';
}

/**
 * Reads the failure annotations of a pod. Unparseable values are reported in `warnings` and
 * ignored, so a typo shows up in the container log rather than as a mystery.
 */
export function parseFailurePlan(annotations: Record<string, string>): { plan: FailurePlan; warnings: string[] } {
  const plan: FailurePlan = {};
  const warnings: string[] = [];
  const get = (key: string) => annotations[key]?.trim();
  const bad = (key: string, want: string) => warnings.push(`Ignoring annotation ${key}="${annotations[key]}": expected ${want}`);

  const crash = get(FAILURE_ANNOTATIONS.crashAfter);
  if (crash !== undefined) plan.crashAfterMs = parseDuration(crash) ?? (bad(FAILURE_ANNOTATIONS.crashAfter, 'a duration such as "30s"'), undefined);

  const slow = get(FAILURE_ANNOTATIONS.slowStart);
  if (slow !== undefined) plan.slowStartMs = parseDuration(slow) ?? (bad(FAILURE_ANNOTATIONS.slowStart, 'a duration such as "20s"'), undefined);

  for (const [key, field] of [
    [FAILURE_ANNOTATIONS.failReadiness, 'failReadinessAfterMs'],
    [FAILURE_ANNOTATIONS.failLiveness, 'failLivenessAfterMs'],
  ] as const) {
    const v = get(key);
    if (v === undefined) continue;
    const parsed = parseSwitchOrDuration(v);
    if (parsed === 'bad') bad(key, '"true", "false" or a duration');
    else plan[field] = parsed;
  }

  const growth = get(FAILURE_ANNOTATIONS.memoryGrowth);
  if (growth !== undefined) {
    plan.memoryGrowthBytesPerSecond = parseByteRate(growth) ?? (bad(FAILURE_ANNOTATIONS.memoryGrowth, 'a rate such as "50Mi/s"'), undefined);
  }
  return { plan, warnings };
}

/** What the container does when a scheduled failure fires. */
export interface FailureHandlers {
  /** crash-after elapsed: the process exits with code 1. */
  crash(): void;
  /** Memory reached the limit: the kernel kills the process (137, OOMKilled). */
  oomKill(): void;
  /** slow-start is over (called at once when there is none): open JSON-RPC. */
  startupDone(): void;
}

/**
 * The failure plan of one running container, on its clock: timers for the events, and the
 * questions the node asks every probe (`starting`, `readinessFailing`, `livenessFailing`, `memoryBytes`).
 */
export class FailureSchedule {
  private startedAt = 0;
  private timers: Timer[] = [];

  /**
   * @param memoryLimitBytes the container's memory limit; without one memory grows forever.
   * @param baseMemoryBytes memory at start. @default BASE_MEMORY_BYTES
   */
  constructor(
    readonly plan: FailurePlan,
    private readonly clock: Clock,
    private readonly memoryLimitBytes?: number,
    private readonly baseMemoryBytes = BASE_MEMORY_BYTES,
  ) {}

  /** Starts the container's failure timers. `startupDone` runs synchronously when there is no slow start. */
  start(handlers: FailureHandlers): void {
    this.startedAt = this.clock.now();
    const at = (ms: number | undefined, fn: () => void) => {
      if (ms !== undefined) this.timers.push(this.clock.setTimeout(fn, ms));
    };
    at(this.plan.crashAfterMs, () => handlers.crash());
    at(this.oomAfterMs(), () => handlers.oomKill());
    if (this.plan.slowStartMs) at(this.plan.slowStartMs, () => handlers.startupDone());
    else handlers.startupDone();
  }

  /** Cancels every pending failure (the container stopped first). */
  cancel(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  /** Kubernetes ms since the container started. */
  elapsedMs(): number {
    return this.clock.since(this.startedAt);
  }

  /** Inside slow-start: JSON-RPC is not listening yet. */
  starting(): boolean {
    return !!this.plan.slowStartMs && this.elapsedMs() < this.plan.slowStartMs;
  }

  readinessFailing(): boolean {
    const after = this.plan.failReadinessAfterMs;
    return after !== undefined && this.elapsedMs() >= after;
  }

  livenessFailing(): boolean {
    const after = this.plan.failLivenessAfterMs;
    return after !== undefined && this.elapsedMs() >= after;
  }

  /** Resident memory now: the base plus the growth so far, never above the limit. */
  memoryBytes(): number {
    const grown = this.baseMemoryBytes + ((this.plan.memoryGrowthBytesPerSecond ?? 0) * this.elapsedMs()) / 1000;
    return Math.round(this.memoryLimitBytes ? Math.min(grown, this.memoryLimitBytes) : grown);
  }

  /** When memory reaches the limit, in Kubernetes ms after start; undefined if it never does. */
  oomAfterMs(): number | undefined {
    const limit = this.memoryLimitBytes;
    if (!limit) return undefined;
    if (limit <= this.baseMemoryBytes) return 0;
    const rate = this.plan.memoryGrowthBytesPerSecond;
    return rate && rate > 0 ? ((limit - this.baseMemoryBytes) / rate) * 1000 : undefined;
  }
}
