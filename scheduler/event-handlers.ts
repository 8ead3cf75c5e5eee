// Event handlers: informer events into the cache and the queue
// ============================================================
// CONCEPT   The scheduler watches two things. Pods *without* a node are work: they go into the
//           scheduling queue (if their spec.schedulerName is one of our profiles). Pods *with* a
//           node, and nodes themselves, are the state of the cluster: they go into the cache. Some
//           of those changes can make a waiting pod schedulable (a node appears, is uncordoned or
//           relabelled, a pod leaves), so they also nudge the queue with a cluster event.
// REAL K8S  pkg/scheduler/eventhandlers.go (addAllEventHandlers, addNodeToCache, updateNodeInCache,
//           addPodToSchedulingQueue, addPodToCache, deletePodFromCache, nodeSchedulingPropertiesChange)
//           (v1.32)
// SHIPS     The dock office listens to the radio: new containers join the line, ships arriving or
//           leaving change the crane's tally, and good news wakes the containers in the corner.
// EXAMPLE   node-4 added  =>  cache.addNode(node-4); queue.moveAllToActiveOrBackoffQueue("NodeAdd")
// SKIPPED   PodScheduled-condition-only updates are not filtered out; CSI, volumes, DRA events.

import type { Node, Pod } from '../api/types.ts';
import type { Informer } from '../client/informer.ts';
import type { SchedulerCache } from './cache.ts';
import type { ClusterEvent } from './framework/interfaces.ts';
import type { SchedulingQueue } from './queue.ts';

export interface EventHandlerDeps {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  /** Is this pod ours to schedule (its schedulerName is one of our profiles)? */
  responsibleForPod(pod: Pod): boolean;
}

const assigned = (p: Pod) => !!p.spec?.nodeName;
const terminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const uidOf = (p: Pod) => p.metadata.uid ?? `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * nodeSchedulingPropertiesChange: which scheduling-relevant parts of a node changed. Heartbeats
 * (lastHeartbeatTime) change nothing; a Ready flip does.
 */
export function nodeUpdateEvents(old: Node, cur: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (!same(old.status?.allocatable, cur.status?.allocatable)) events.push('NodeUpdateAllocatable');
  if (!same(old.metadata.labels, cur.metadata.labels)) events.push('NodeUpdateLabel');
  // Kubernetes files spec.unschedulable changes under UpdateNodeTaint too.
  if (!same(old.spec?.taints, cur.spec?.taints) || !!old.spec?.unschedulable !== !!cur.spec?.unschedulable) events.push('NodeUpdateTaint');
  const conditions = (n: Node) => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
  if (conditions(old) !== conditions(cur)) events.push('NodeUpdateCondition');
  return events;
}

/** Wires the pod and node informers to the cache and the queue. Returns a function that unhooks them. */
export function addAllEventHandlers(deps: EventHandlerDeps, pods: Informer<Pod>, nodes: Informer<Node>): () => void {
  const { cache, queue } = deps;
  const move = (e: ClusterEvent) => queue.moveAllToActiveOrBackoffQueue(e);

  const offNodes = nodes.addEventHandler({
    onAdd(node) {
      cache.addNode(node);
      move('NodeAdd');
    },
    onUpdate(old, cur) {
      cache.updateNode(cur);
      for (const e of nodeUpdateEvents(old, cur)) move(e);
    },
    onDelete(node) {
      cache.removeNode(node.metadata.name ?? '');
    },
  });

  const offPods = pods.addEventHandler({
    onAdd(pod) {
      if (assigned(pod)) {
        cache.addPod(pod);
        move('AssignedPodAdd');
      } else if (deps.responsibleForPod(pod) && !terminal(pod) && !pod.metadata.deletionTimestamp) {
        queue.add(pod);
      }
    },
    onUpdate(old, cur) {
      if (assigned(cur)) {
        // Bound (by us: this confirms the assumed pod; or by someone else: it leaves our queue).
        if (!assigned(old)) queue.delete(uidOf(cur));
        cache.updatePod(cur);
        if (terminal(cur) && !terminal(old)) move('AssignedPodDelete');
        else if (!same(old.metadata.labels, cur.metadata.labels)) move('AssignedPodUpdate');
        return;
      }
      if (!deps.responsibleForPod(cur)) return;
      if (terminal(cur) || cur.metadata.deletionTimestamp) queue.delete(uidOf(cur));
      // skipPodUpdate: a pod we assumed is waiting for its binding to show; leave it be.
      else if (!cache.isAssumedPod(uidOf(cur))) queue.update(cur);
    },
    onDelete(pod) {
      if (assigned(pod)) {
        cache.removePod(pod);
        move('AssignedPodDelete');
      } else {
        queue.delete(uidOf(pod));
        if (cache.isAssumedPod(uidOf(pod))) cache.removePod(pod);
      }
    },
  });

  return () => {
    offNodes();
    offPods();
  };
}
