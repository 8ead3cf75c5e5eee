// Polling: waiting for the cluster in Kubernetes time
// ===================================================
// CONCEPT   A scenario waits for the cluster by asking again and again, every 200 ms of wall time:
//           `until` polls a check until it answers (or a deadline passes), `holds` polls one
//           until a span is over and fails the moment it stops answering. Deadlines are written
//           in Kubernetes time ("NotReady within 40s"), scaled to the wall clock by the cluster's
//           time scale, plus a fixed slack: processes take real seconds to start, whatever the
//           time scale. Every wait says on the timeline how long it took, in both clocks.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/util/wait (PollUntilContextTimeout), as used by
//           test/e2e/framework.
// SHIPS     The instructor watching the harbour, checking the clock in both kinds of hours.
// EXAMPLE   await poller.until('node-2 is NotReady', check, '60s')
//           => "✔ node-2 is NotReady (after 4.4 s, k8s 44 s)"
// SKIPPED   Backoff between polls: 200 ms is cheap against one local apiserver.

import { parseDuration } from '../chaos/timings.ts';
import type { Check } from './api.ts';
import { StepFailure } from './step-failure.ts';
import { kubernetesSpan, type Timeline } from './timeline.ts';

const POLL_MS = 200;

export interface PollerOptions {
  timeline: Timeline;
  /** The cluster's time scale: wall time = Kubernetes time * timeScale. */
  timeScale: number;
  /** Wall-clock ms added to every deadline. @default 15000 */
  slackMs?: number;
  /** Aborted when the run is interrupted (Ctrl-C): every wait then fails at once. @default never */
  signal?: AbortSignal;
  /** The step running now, named in failures. */
  currentStep(): string;
}

export class Poller {
  constructor(private readonly o: PollerOptions) {}

  /** Polls `check` until it answers a truthy value, which it returns; fails after `within` (k8s time) plus slack. */
  async until<T>(what: string, check: Check<T>, within: string | number): Promise<T> {
    const started = Date.now();
    const deadline = started + this.wall(within) + this.slack();
    let last = '';
    for (;;) {
      try {
        const value = await check();
        if (value) {
          this.o.timeline.line('\u2714', `${what} (after ${this.span(started)})`, 2);
          return value as T;
        }
        last = value === false || value == null ? '' : String(value);
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() >= deadline) {
        throw new StepFailure(this.o.currentStep(), `timed out after ${this.span(started)} waiting for: ${what} (allowed ${this.allowed(within)})${last ? `; last seen: ${last}` : ''}`);
      }
      await this.pause();
    }
  }

  /** Polls `check` for `during` (k8s time); fails as soon as it answers falsy or throws. */
  async holds(what: string, check: Check<unknown>, during: string | number): Promise<void> {
    const started = Date.now();
    const end = started + this.wall(during);
    do {
      let reason = '';
      let ok = false;
      try {
        ok = Boolean(await check());
      } catch (err) {
        reason = (err as Error).message;
      }
      if (!ok) throw new StepFailure(this.o.currentStep(), `expected "${what}" to hold for ${kubernetesSpan(parseDuration(during) / 1000)} (k8s), but it stopped after ${this.span(started)}${reason ? `: ${reason}` : ''}`);
      await this.pause();
    } while (Date.now() < end);
    this.o.timeline.line('\u2714', `${what} (held for ${this.span(started)})`, 2);
  }

  /** Fails at once if the run was interrupted. */
  checkInterrupted(): void {
    if (this.o.signal?.aborted) throw new StepFailure(this.o.currentStep(), 'interrupted (Ctrl-C)');
  }

  // ## Plumbing

  /** Waits one poll interval; fails at once if the run was interrupted meanwhile. */
  private async pause(): Promise<void> {
    await new Promise((r) => setTimeout(r, POLL_MS));
    this.checkInterrupted();
  }

  private wall(duration: string | number): number {
    return parseDuration(duration) * this.o.timeScale;
  }

  private slack(): number {
    return this.o.slackMs ?? 15_000;
  }

  private allowed(within: string | number): string {
    return `${kubernetesSpan(parseDuration(within) / 1000)} k8s = ${(this.wall(within) / 1000).toFixed(1)} s + ${(this.slack() / 1000).toFixed(0)} s slack`;
  }

  private span(since: number): string {
    const wall = (Date.now() - since) / 1000;
    return `${wall.toFixed(1)} s, k8s ${kubernetesSpan(wall / this.o.timeScale)}`;
  }
}
