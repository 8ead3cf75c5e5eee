// Backoff: how long to wait before trying again
// ============================================
// CONCEPT   When something fails that may work later (a refused connection, a 503, a dropped watch),
//           we wait before retrying, and wait longer each time: 200 ms, 400 ms, 800 ms ... up to a
//           cap. A little random *jitter* on top keeps a hundred clients that failed together from
//           all retrying in the same millisecond (the "thundering herd").
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/util/wait/backoff.go (wait.Backoff, Step, Jitter)
// SHIPS     A radio operator who gets no answer calls again, a little later each time.
// EXAMPLE   backoffDelay(3, { initialMs: 200, factor: 2, capMs: 5000, jitter: 0.2 })
//             => 1600 ms plus up to 20 % more, somewhere in [1600, 1920]
// SKIPPED   wait.Backoff's Steps counter lives in the caller (KubeClient counts its attempts).
//
// The figures are Kubernetes milliseconds: the caller sleeps them on a Clock, so a cluster running
// at timeScale 0.1 also retries ten times faster.

/** The shape of one exponential backoff, as wait.Backoff. */
export interface BackoffOptions {
  /** The first delay, in Kubernetes ms. @default 200 @example { initialMs: 5 } */
  initialMs?: number;
  /** Each delay is the previous one times this. @default 2 */
  factor?: number;
  /** No delay (before jitter) exceeds this, in Kubernetes ms. @default 5000 */
  capMs?: number;
  /**
   * Up to this fraction of the delay is added at random: the result lies in [d, d * (1 + jitter)].
   * @default 0.2
   * @example { jitter: 0 } // deterministic delays, for tests
   */
  jitter?: number;
}

const DEFAULTS: Required<BackoffOptions> = { initialMs: 200, factor: 2, capMs: 5000, jitter: 0.2 };

/**
 * The delay before retry number `attempt` (0 = the first retry): min(cap, initial * factor^attempt),
 * then jittered as wait.Jitter does (`d + rand * jitter * d`).
 * @param random a source of numbers in [0, 1); tests pass a fixed one. @default Math.random
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const o = { ...DEFAULTS, ...options };
  // We cap before multiplying out of range: factor^attempt overflows to Infinity long after the cap.
  const exponential = o.initialMs * Math.pow(o.factor, Math.max(0, attempt));
  const capped = Math.min(o.capMs, exponential);
  return capped + random() * o.jitter * capped;
}

/**
 * A stateful backoff: each `next()` returns a longer delay, `reset()` starts over after a success.
 * @example const b = new Backoff({ initialMs: 800, capMs: 30_000 }); await clock.sleep(b.next());
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay in Kubernetes ms; every call makes the following one longer (up to the cap). */
  next(): number {
    return backoffDelay(this.attempt++, this.options, this.random);
  }

  /** Forgets past failures: the next delay is the initial one again. */
  reset(): void {
    this.attempt = 0;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }
}
