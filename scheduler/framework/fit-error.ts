// FitError: the "0/3 nodes are available: ..." message
// ===================================================
// CONCEPT   When no node passes the filters, kube-scheduler writes one sentence that students
//           learn to read in `kubectl describe pod`: how many nodes there were, then a histogram
//           of the reasons the nodes gave, then what preemption concluded. Each entry is
//           "<count> <reason>", entries sorted as *strings* (so "10 ..." sorts before "2 ...").
// REAL K8S  pkg/scheduler/framework/types.go (FitError.Error, NoNodeAvailableMsg) (v1.32)
// SHIPS     The harbour master's note pinned on a container that could not be loaded.
// EXAMPLE   fitErrorMessage(3, [cpu, unschedulable, unschedulable], "", "preemption: ...")  =>
//           "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable. preemption: ..."
// SKIPPED   Nothing.

import type { Status } from './interfaces.ts';

/** NoNodeAvailableMsg. */
export const NO_NODE_AVAILABLE_MSG = (n: number) => `0/${n} nodes are available`;

/** Counts every reason of every status: reason -> number of nodes that gave it. */
export function reasonHistogram(statuses: Iterable<Status>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** "1 Insufficient cpu, 2 node(s) were unschedulable": sorted as Go's sort.Strings sorts. */
export function formatHistogram(counts: Map<string, number>): string {
  const parts: string[] = [];
  for (const [reason, n] of counts) parts.push(`${n} ${reason}`);
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return parts.join(', ');
}

/**
 * FitError.Error(): "0/N nodes are available: <PreFilterMsg>. <Filter histogram>. <PostFilterMsg>".
 * When PreFilter rejected the pod, its message replaces the histogram (every node would repeat it).
 */
export function fitErrorMessage(numAllNodes: number, statuses: Iterable<Status>, preFilterMsg = '', postFilterMsg = ''): string {
  let msg = NO_NODE_AVAILABLE_MSG(numAllNodes) + ':';
  if (preFilterMsg) msg += ` ${preFilterMsg}.`;
  else {
    const histogram = formatHistogram(reasonHistogram(statuses));
    if (histogram) msg += ` ${histogram}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}
