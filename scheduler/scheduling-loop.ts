// The scheduling loop: one pod at a time, bindings in the background
// ==================================================================
// CONCEPT   The loop takes the most important pending pod from the queue and runs one scheduling
//           cycle for it against the cache's snapshot (schedule-one.ts). Then either
//           - it *assumes* the pod on the chosen node, so the very next cycle already counts it
//             there, and starts the binding cycle in the background (binding-cycle.ts): the next
//             pod is being scheduled while the apiserver answers; or
//           - it hands the failure to handleSchedulingFailure (binding-cycle.ts), which records
//             why and puts the pod back in the queue.
//           The cycles themselves are synchronous, so between pods we yield to the event loop to
//           let watch events and HTTP requests in; and we cap the bindings in flight.
// REAL K8S  pkg/scheduler/schedule_one.go (ScheduleOne, skipPodSchedule, assume), pkg/scheduler/scheduler.go
//           (Run: wait.UntilWithContext(ctx, sched.ScheduleOne, 0)) (v1.32)
// SHIPS     The crane's routine: next container, choose a ship, chalk it on the ship, radio ashore.
// EXAMPLE   const loop = newSchedulingLoop({ frameworks, cache, queue, ... });
//           void loop.run(signal);   // returns when the signal aborts or the queue closes
// SKIPPED   Metrics per attempt, the nominated-node fast path.

import type { Clock } from '../client/clock.ts';
import type { SchedulerCache } from './cache.ts';
import type { newBindingCycle } from './binding-cycle.ts';
import { shipsLogLine, type Explanation } from './explanation.ts';
import type { Framework } from './framework/framework.ts';
import type { PodInfo } from './framework/interfaces.ts';
import type { QueuedPodInfo, SchedulingQueue } from './queue.ts';
import { frameworkForPod, scheduleOne } from './schedule-one.ts';

/** What the loop reads and calls; startScheduler (scheduler.ts) builds it once. */
export interface SchedulingLoopDeps {
  /** One framework per profile, by schedulerName. */
  frameworks: ReadonlyMap<string, Framework>;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  clock: Clock;
  /** The two ways a cycle ends (binding-cycle.ts). */
  cycles: ReturnType<typeof newBindingCycle>;
  /** Keeps the explanation for the endpoint. */
  remember: (e: Explanation) => void;
  /** Makes a best-effort error logger: warn('binding default/besu-0')(err). */
  warn: (what: string) => (e: unknown) => void;
  log: (line: string) => void;
  /** Tie-breaking randomness, [0, 1). @default Math.random */
  random?: () => number;
  /** Bindings allowed in flight before the loop waits for one. @default 64 */
  maxInFlightBinds?: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Builds the loop; `inFlight` holds the bindings still running, for a clean stop. */
export function newSchedulingLoop(deps: SchedulingLoopDeps) {
  const { frameworks, cache, queue, clock, cycles, remember, warn, log } = deps;
  const inFlight = new Set<Promise<void>>();

  // ## One pod: decide, then assume and bind in the background, or record the failure
  const scheduleNext = (q: QueuedPodInfo, cycle: number) => {
    const pod = q.podInfo.pod;
    const fw = frameworkForPod(frameworks, pod);
    // skipPodSchedule: being deleted, or already assumed (an update re-queued it meanwhile).
    if (!fw || pod.metadata.deletionTimestamp || cache.isAssumedPod(q.podInfo.uid)) return queue.done(q.podInfo.uid);
    const result = scheduleOne(fw, cache.snapshot(), q.podInfo, { random: deps.random, now: clock.nowISO() });
    remember(result.explanation);
    log(shipsLogLine(result.explanation));
    if (result.node === null) {
      return cycles.handleSchedulingFailure(q, cycle, result.status!, result.explanation, result.unschedulablePlugins, result.nominated);
    }
    // Assume before binding: from now on the pod counts against the node for every next cycle.
    let assumed: PodInfo;
    try {
      assumed = cache.assumePod(q.podInfo, result.node);
    } catch (err) {
      warn(`assuming ${q.podInfo.key}`)(err);
      return queue.done(q.podInfo.uid);
    }
    const binding = cycles.bindingCycle(fw, q, cycle, assumed, result.node, result.explanation)
      .catch(warn(`binding ${q.podInfo.key}`))
      .finally(() => inFlight.delete(binding));
    inFlight.add(binding);
  };

  // ## The loop, for as long as we lead
  // @doc: scheduler-loop
  const run = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      const q = await queue.next();
      if (!q) return;
      const cycle = queue.schedulingCycle;
      if (signal.aborted) {
        // Leadership ended between pop and work: hand the pod back untouched.
        queue.done(q.podInfo.uid);
        queue.add(q.podInfo.pod);
        return;
      }
      try {
        scheduleNext(q, cycle);
      } catch (err) {
        warn(`scheduling ${q.podInfo.key}`)(err);
        queue.done(q.podInfo.uid);
      }
      if (inFlight.size >= (deps.maxInFlightBinds ?? 64)) await Promise.race(inFlight);
      // scheduleOne is synchronous; let watch events and HTTP requests in between pods.
      await yieldToEventLoop();
    }
  };

  return { run, inFlight };
}
