// After the decision: the binding cycle, and what a failed attempt leaves behind
// =============================================================================
// CONCEPT   A scheduling cycle ends in one of two ways, and this file handles both.
//           - A node was chosen and the pod assumed on it: the *binding cycle* runs in the
//             background and asks the Bind plugins to POST pods/binding. On success we record the
//             `Scheduled` event; on failure we forget the assumption (freeing its room) and treat
//             it like any other failure, except a 409 "already assigned": another scheduler won
//             that race and the pod is bound once, which is all we wanted.
//           - No node: handleSchedulingFailure writes the FailedScheduling event, the
//             PodScheduled=False condition and the annotation, starts preemption's evictions if it
//             nominated a node, and puts the pod back in the queue to wait for a helpful change.
// REAL K8S  pkg/scheduler/schedule_one.go (bindingCycle, bind, handleBindingCycleError,
//           handleSchedulingFailure) (v1.32)
// SHIPS     The crane radios the harbour master; if he says no, the container goes back on the dock.
// EXAMPLE   bind ok   =>  Event Normal Scheduled "Successfully assigned default/besu-0 to node-2"
//           no node   =>  Event Warning FailedScheduling "0/3 nodes are available: 3 Insufficient cpu. ..."
// SKIPPED   Reserve/Permit/PreBind/PostBind plugins (so no Unreserve either), binding metrics.

import type { Pod } from '../api/types.ts';
import type { EventRecorder } from '../client/events.ts';
import type { SchedulerCache } from './cache.ts';
import type { Framework } from './framework/framework.ts';
import { CycleState, Status, type PodInfo, type PostFilterResult } from './framework/interfaces.ts';
import { newPodInfo } from './framework/node-info.ts';
import type { podWrites } from './pod-writes.ts';
import type { QueuedPodInfo, SchedulingQueue } from './queue.ts';
import type { Explanation } from './explanation.ts';

/** What the two handlers read and write; scheduler.ts builds it once. */
export interface BindingCycleDeps {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  /** The pod informer's lister: the pod as the apiserver last showed it. */
  pods: { get(key: string): Pod | undefined };
  recorder: EventRecorder;
  writes: ReturnType<typeof podWrites>;
  /** Whether to write the explanation annotation (SchedulerOptions.annotate). */
  annotate: boolean;
  log: (line: string) => void;
}

/** validation.NoteLengthLimit: an Event message longer than this is cut with " ...". */
const NOTE_LENGTH_LIMIT = 1024;
const truncate = (m: string) => (m.length <= NOTE_LENGTH_LIMIT ? m : m.slice(0, NOTE_LENGTH_LIMIT - 4) + ' ...');

/** Builds bindingCycle and handleSchedulingFailure around one scheduler's cache, queue and writers. */
export function newBindingCycle(deps: BindingCycleDeps) {
  const { cache, queue, pods, recorder, writes, log } = deps;
  const writeAnnotation = (pod: Pod, e: Explanation) => (deps.annotate ? writes.annotate(pod, e) : Promise.resolve());

  // ## Failure: event, condition, back into the queue
  // @doc: scheduler-handle-failure
  const handleSchedulingFailure = (q: QueuedPodInfo, cycle: number, status: Status, e: Explanation, unschedulable: Set<string>, nominated: PostFilterResult | null) => {
    const rejected = status.isRejected();
    q.unschedulablePlugins = rejected ? unschedulable : new Set();
    const current = pods.get(q.podInfo.key);
    if (!current || current.spec?.nodeName) queue.done(q.podInfo.uid); // gone, or bound by someone else
    else {
      q.podInfo = newPodInfo(current);
      queue.addUnschedulableIfNotPresent(q, cycle);
    }
    const pod = current ?? q.podInfo.pod;
    recorder.event(pod, 'Warning', 'FailedScheduling', truncate(status.message()));
    if (nominated) void writes.preempt(pod, nominated);
    if (current && !current.spec?.nodeName) {
      void writes.condition(current, rejected ? 'Unschedulable' : 'SchedulerError', status.message());
      void writeAnnotation(current, e);
    }
  };

  // ## Binding cycle: runs in the background
  const bindingCycle = async (fw: Framework, q: QueuedPodInfo, cycle: number, assumed: PodInfo, node: string, e: Explanation) => {
    let status: Status | null = new Status('Error', 'no Bind plugin handled the pod');
    for (const b of fw.bindPlugins) {
      status = await b.bind(new CycleState(), assumed, node);
      if (status === null || status.code !== 'Skip') break;
    }
    cache.finishBinding(q.podInfo.uid);
    if (status === null) {
      queue.done(q.podInfo.uid);
      recorder.event(q.podInfo.pod, 'Normal', 'Scheduled', `Successfully assigned ${q.podInfo.key} to ${node}`);
      await writeAnnotation(q.podInfo.pod, e);
      return;
    }
    // The bind failed: release the node's room (that frees space for others too) and retry later.
    log(`crane: binding ${q.podInfo.key} to ${node} failed: ${status.message()}`);
    cache.forgetPod(q.podInfo.uid);
    queue.moveAllToActiveOrBackoffQueue('AssignedPodDelete');
    // 409 "already assigned": another scheduler won the race. The apiserver's compare-and-swap
    // kept the pod bound once; our informer will show it bound. Nothing to report or retry.
    if (/is already assigned to node/.test(status.message())) return queue.done(q.podInfo.uid);
    handleSchedulingFailure(q, cycle, new Status('Error', `binding rejected: ${status.message()}`), e, new Set(), null);
  };

  return { bindingCycle, handleSchedulingFailure };
}
