// Clock: the one place every component reads time from
// ====================================================
// CONCEPT   Kubernetes is full of timers: a node is presumed lost after 40 s without a heartbeat,
//           pods are evicted 300 s later, leases renew every 10 s, crash loops back off from 10 s to
//           5 min. A lesson cannot wait five minutes, so the whole cluster runs on a *time scale*:
//           every Kubernetes duration is multiplied by it (0.1 makes 40 s take 4 s of wall time).
//           Nothing calls `Date.now()` or `setTimeout` for a timing decision directly; it asks a Clock.
// REAL K8S  k8s.io/utils/clock/clock.go (the Clock interface and the fake clock tests use)
// SHIPS     The harbour's one clock tower: speed it up and every ship's watch keeps step.
// EXAMPLE   clock = realClock(0.1); clock.setTimeout(fn, 40_000)  // fires after 4 s of wall time
//           clock.since(lease.spec.renewTime)                   // elapsed *Kubernetes* milliseconds
// SKIPPED   Monotonic time: we use wall time, which is what timestamps in objects are anyway.
//
// Timestamps written into objects (creationTimestamp, lastHeartbeatTime) stay real wall-clock
// times, so `kubectl get` shows a true AGE. Only *durations* are scaled.

/** A cancellable timer handle. */
export interface Timer {
  cancel(): void;
}

/** Time as a component sees it. Durations passed in and returned are Kubernetes milliseconds. */
export interface Clock {
  /** Kubernetes durations are multiplied by this to get wall time. @default 1 */
  readonly timeScale: number;
  /** Wall-clock time in ms since the epoch (for timestamps, never scaled). */
  now(): number;
  /** `now()` as an RFC 3339 string, the format of every Kubernetes timestamp. */
  nowISO(): string;
  /** Kubernetes milliseconds elapsed since a wall-clock instant (ms or an RFC 3339 string). */
  since(instant: number | string): number;
  /** Runs `fn` once after `ms` Kubernetes milliseconds. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Runs `fn` every `ms` Kubernetes milliseconds until cancelled. */
  setInterval(fn: () => void, ms: number): Timer;
  /** Resolves after `ms` Kubernetes milliseconds. */
  sleep(ms: number): Promise<void>;
}

function toMs(instant: number | string): number {
  return typeof instant === 'number' ? instant : Date.parse(instant);
}

/**
 * The clock every process uses in production, scaled by the cluster's `timeScale`.
 * @param timeScale multiplier applied to every Kubernetes duration. @default 1
 * @example realClock(0.1).setTimeout(markNodeUnknown, 40_000) // 4 s of wall time
 */
export function realClock(timeScale = 1): Clock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new Error(`--time-scale must be a positive number, got ${timeScale}`);
  }
  const wall = (ms: number) => Math.max(0, ms * timeScale);
  return {
    timeScale,
    now: () => Date.now(),
    nowISO: () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    since: (instant) => (Date.now() - toMs(instant)) / timeScale,
    setTimeout(fn, ms) {
      const t = setTimeout(fn, wall(ms));
      t.unref?.();
      return { cancel: () => clearTimeout(t) };
    },
    setInterval(fn, ms) {
      const t = setInterval(fn, Math.max(1, wall(ms)));
      t.unref?.();
      return { cancel: () => clearInterval(t) };
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, wall(ms))),
  };
}

/**
 * A clock that only moves when a test says so. Timers fire, in order, inside `advance()`.
 * @example const c = new FakeClock(); c.setTimeout(fn, 1000); c.advance(999); c.advance(1) // fn ran
 */
export class FakeClock implements Clock {
  readonly timeScale = 1;
  private current: number;
  private timers: { at: number; fn: () => void; every?: number; id: number }[] = [];
  private nextId = 0;

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  nowISO(): string {
    return new Date(this.current).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  since(instant: number | string): number {
    return this.current - toMs(instant);
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, Math.max(1, ms));
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(resolve, ms));
  }

  /** Moves time forward, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.current = next.at;
      if (next.every) next.at += next.every;
      else this.timers.shift();
      next.fn();
    }
    this.current = end;
  }

  /** How many timers are waiting; tests use it to check nothing was left scheduled. */
  pending(): number {
    return this.timers.length;
  }

  private schedule(fn: () => void, ms: number, every?: number): Timer {
    const timer = { at: this.current + Math.max(0, ms), fn, every, id: this.nextId++ };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }
}
