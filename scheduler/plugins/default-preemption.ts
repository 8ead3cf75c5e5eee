// DefaultPreemption: make room by evicting lower-priority pods
// ===========================================================
// CONCEPT   PostFilter runs only when no node passed the filters. Preemption asks, node by node:
//           "if every pod of lower priority than this one left, would it fit?" Nodes that failed
//           for an unresolvable reason (taint, cordon, selector) are skipped outright. Where the
//           answer is yes, we put back as many of those pods as still leave room (most important
//           first); the rest are *victims*. The best node (fewest and least important victims)
//           is nominated, its victims are deleted, and the pod is retried: it does not bind in
//           this cycle. When no node works, the reasons become the "preemption: ..." half of
//           the FailedScheduling message.
// REAL K8S  pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go (PostFilter,
//           SelectVictimsOnNode), pkg/scheduler/framework/preemption/preemption.go (Preempt,
//           nodesWherePreemptionMightHelp, pickOneNodeForPreemption) (v1.32)
// SHIPS     To load an urgent container, the crane may put lesser containers back on the dock.
// EXAMPLE   3 nodes, all cordoned or short of cpu, no lower-priority pods  =>  "preemption: 0/3 nodes
//           are available: 1 No preemption victims found for incoming pod, 2 Preemption is not
//           helpful for scheduling."
// SKIPPED   PodDisruptionBudgets, extenders, the candidate sampling limits (we try every node),
//           PreFilter AddPod/RemovePod extensions (so evicting a pod never resolves an anti-affinity
//           conflict here), the terminating-victims check on an already nominated node.

import { cloneNodeInfo, removePodFromNode, addPodToNode } from '../framework/node-info.ts';
import { fitErrorMessage } from '../framework/fit-error.ts';
import {
  SUCCESS,
  Status,
  type NodeInfo,
  type PluginFactory,
  type PodInfo,
  type PostFilterPlugin,
} from '../framework/interfaces.ts';

export const NAME = 'DefaultPreemption';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const REASON_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';

const notHelpful = new Status('UnschedulableAndUnresolvable', REASON_NOT_HELPFUL);
const noVictims = new Status('UnschedulableAndUnresolvable', REASON_NO_VICTIMS);

interface Candidate {
  node: string;
  victims: PodInfo[];
}

export const defaultPreemption: PluginFactory = (): PostFilterPlugin => ({
  name: NAME,
  postFilter(state, pod, nodeStatuses, handle) {
    const policy = (pod.pod.spec as { preemptionPolicy?: string } | undefined)?.preemptionPolicy;
    if (policy === 'Never') return { result: null, status: new Status('Unschedulable', `preemption: ${REASON_POLICY_NEVER}`) };

    const statuses: Status[] = [];
    const candidates: Candidate[] = [];
    for (const node of handle.snapshot().nodeInfos) {
      const verdict = nodeStatuses.get(node.name);
      // nodesWherePreemptionMightHelp: evicting pods cannot fix an unresolvable rejection.
      if (!verdict || verdict.code === 'UnschedulableAndUnresolvable') {
        statuses.push(notHelpful);
        continue;
      }
      const found = selectVictimsOnNode(state, pod, node, handle);
      if (found instanceof Status) statuses.push(found);
      else candidates.push({ node: node.name, victims: found });
    }
    if (candidates.length === 0) {
      return { result: null, status: new Status('Unschedulable', `preemption: ${fitErrorMessage(statuses.length, statuses)}`) };
    }
    const best = pickOneNodeForPreemption(candidates);
    return { result: { nominatedNodeName: best.node, victims: best.victims }, status: SUCCESS };
  },
});

/** SelectVictimsOnNode: the victims that make the pod fit on this node, or why none can. */
function selectVictimsOnNode(
  state: Parameters<PostFilterPlugin['postFilter']>[0],
  pod: PodInfo,
  node: NodeInfo,
  handle: Parameters<PostFilterPlugin['postFilter']>[3],
): PodInfo[] | Status {
  const trial = cloneNodeInfo(node);
  const lower = node.pods.filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return noVictims;
  for (const p of lower) removePodFromNode(trial, p.uid);
  const fits = handle.runFilterPlugins(state, pod, trial);
  if (fits) return fits;
  // Reprieve the most important pods first: put each back if the pod still fits without it.
  lower.sort((a, b) => b.priority - a.priority);
  const victims: PodInfo[] = [];
  for (const p of lower) {
    addPodToNode(trial, p);
    if (handle.runFilterPlugins(state, pod, trial)) {
      removePodFromNode(trial, p.uid);
      victims.push(p);
    }
  }
  return victims;
}

/** pickOneNodeForPreemption, without PDBs: lowest top victim priority, lowest sum, fewest victims. */
function pickOneNodeForPreemption(candidates: Candidate[]): Candidate {
  const top = (c: Candidate) => Math.max(...c.victims.map((v) => v.priority));
  const sum = (c: Candidate) => c.victims.reduce((s, v) => s + v.priority, 0);
  return [...candidates].sort((a, b) => top(a) - top(b) || sum(a) - sum(b) || a.victims.length - b.victims.length)[0]!;
}
