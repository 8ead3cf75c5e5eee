// Explanations: why the crane chose this ship
// ===========================================
// CONCEPT   kube-scheduler decides silently; `kubectl describe` shows only the failure message.
//           Like kube-scheduler-simulator's "debuggable scheduler", we keep the whole decision and
//           show it three ways: a full JSON (every filter verdict on every node, every plugin's
//           score on every feasible node) for the HTTP endpoint, a compact annotation on the pod,
//           and one log line in ships words.
// REAL K8S  none in kube-scheduler; kubernetes-sigs/kube-scheduler-simulator writes the
//           annotations kube-scheduler-simulator.sigs.k8s.io/filter-result, score-result,
//           finalscore-result and selected-node (simulator/scheduler/storereflector)
// SHIPS     The crane's logbook.
// EXAMPLE   shipsLogLine(ex) =>
//           "crane: default/besu-3 -> node-2, fullest ship that fits: score 87; node-1 filtered: Insufficient memory"
// SKIPPED   Nothing; the compact annotation keeps the 3 best nodes and names at most 10 nodes per reason.

import type { Framework } from './framework/framework.ts';
import type { PodInfo, Snapshot, Status } from './framework/interfaces.ts';

/** Where the compact explanation goes on the pod. */
export const SCHEDULING_RESULT_ANNOTATION = 'scheduler.harbour-k8s.dev/result';

// ## The decision, kept whole
// scheduleOne (schedule-one.ts) starts from an empty explanation and fills it in as it goes.

/** Everything one attempt decided, for the annotation, the HTTP endpoint and the log line. */
export interface Explanation {
  pod: string;
  uid: string;
  profile: string;
  /** When the attempt ran (RFC 3339), if the caller said. */
  time?: string;
  /** Every node of the snapshot, in evaluation order. */
  nodes: readonly string[];
  /** The profile's Filter plugins in order. */
  filterPlugins: readonly string[];
  /** Filter plugins whose PreFilter said Skip: they passed every node without running. */
  skippedFilters: readonly string[];
  /** A PreFilter rejection, which applies to every node. */
  preFilter: Status | null;
  /** Per node: index into filterPlugins of the plugin that rejected it, or -1 (passed). */
  failedAt: Int16Array;
  /** Per node: the rejecting status, or null. */
  failures: (Status | null)[];
  /** Indices (into nodes) of the nodes that passed every filter. */
  feasible: Int32Array;
  /** The profile's Score plugins, weights, and how the ships analogy says "high score". */
  scorePlugins: readonly { name: string; weight: number; words?: string }[];
  skippedScores: readonly string[];
  /** Per score plugin, per feasible node: the score before NormalizeScore. */
  rawScores: Int32Array[];
  /** Per score plugin, per feasible node: after NormalizeScore, before the weight (0-100). */
  scores: Int32Array[];
  /** Per feasible node: sum of score x weight. */
  totals: Float64Array;
  /** The chosen node, or null. */
  selected: string | null;
  /** How many feasible nodes shared the top total. */
  tiedAtTop: number;
  /** The FailedScheduling message when no node was chosen, else "". */
  message: string;
  /** What PostFilter (preemption) concluded, when it ran. */
  postFilter: { message: string; nominatedNodeName?: string; victims?: string[] } | null;
}

/** An explanation with nothing decided yet: every node unfiltered, no scores. */
export function emptyExplanation(fw: Framework, snapshot: Snapshot, pod: PodInfo, now?: string): Explanation {
  const n = snapshot.nodeInfos.length;
  return {
    pod: pod.key,
    uid: pod.uid,
    profile: fw.profileName,
    time: now,
    nodes: snapshot.nodeNames,
    filterPlugins: fw.filterPlugins.map((p) => p.name),
    skippedFilters: [],
    preFilter: null,
    failedAt: new Int16Array(n).fill(-1),
    failures: new Array<Status | null>(n).fill(null),
    feasible: new Int32Array(0),
    scorePlugins: fw.scorePlugins.map((p, i) => ({ name: p.name, weight: fw.scoreWeights[i]!, words: p.shipsWords })),
    skippedScores: [],
    rawScores: [],
    scores: [],
    totals: new Float64Array(0),
    selected: null,
    tiedAtTop: 0,
    message: '',
    postFilter: null,
  };
}

// ## Three ways to show it

/** A filter verdict as the simulator writes it: "passed", the reasons, "skipped" (PreFilter said so), or "not run". */
function verdict(ex: Explanation, node: number, plugin: number): string {
  const name = ex.filterPlugins[plugin]!;
  if (ex.preFilter) return ex.preFilter.plugin === name ? ex.preFilter.message() : 'not run';
  if (ex.skippedFilters.includes(name)) return 'skipped';
  const failed = ex.failedAt[node]!;
  if (failed < 0 || plugin < failed) return 'passed';
  return plugin === failed ? ex.failures[node]!.message() : 'not run';
}

/** The full explanation as plain JSON, shaped like kube-scheduler-simulator's annotations. */
export function explanationToJSON(ex: Explanation): Record<string, unknown> {
  const filter: Record<string, Record<string, string>> = {};
  ex.nodes.forEach((node, i) => {
    filter[node] = Object.fromEntries(ex.filterPlugins.map((p, j) => [p, verdict(ex, i, j)]));
  });
  const score: Record<string, Record<string, number>> = {};
  const finalScore: Record<string, Record<string, number>> = {};
  const total: Record<string, number> = {};
  ex.feasible.forEach((nodeIndex, i) => {
    const node = ex.nodes[nodeIndex]!;
    if (ex.scores.length === 0) return;
    score[node] = Object.fromEntries(ex.scorePlugins.map((p, k) => [p.name, ex.rawScores[k]![i]!]));
    finalScore[node] = Object.fromEntries(ex.scorePlugins.map((p, k) => [p.name, ex.scores[k]![i]! * p.weight]));
    total[node] = ex.totals[i]!;
  });
  return {
    pod: ex.pod,
    profile: ex.profile,
    time: ex.time,
    selectedNode: ex.selected,
    message: ex.message,
    weights: Object.fromEntries(ex.scorePlugins.map((p) => [p.name, p.weight])),
    skippedScores: ex.skippedScores,
    filter,
    score,
    finalScore,
    total,
    tiedAtTop: ex.tiedAtTop,
    postFilter: ex.postFilter,
  };
}

/** Nodes that failed, grouped by "Plugin: reasons". */
export function filteredByReason(ex: Explanation): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  ex.nodes.forEach((node, i) => {
    const s = ex.preFilter ?? ex.failures[i];
    if (!s) return;
    const plugin = ex.preFilter ? ex.preFilter.plugin : ex.filterPlugins[ex.failedAt[i]!];
    const key = `${plugin}: ${s.message()}`;
    const list = groups.get(key);
    if (list) list.push(node);
    else groups.set(key, [node]);
  });
  return groups;
}

/** Feasible node positions (into ex.feasible) by total, best first; stable on ties. */
function ranked(ex: Explanation): number[] {
  return [...ex.feasible.keys()].sort((a, b) => (ex.totals[b] ?? 0) - (ex.totals[a] ?? 0));
}

/**
 * The compact annotation value: the winner, nodes filtered out grouped by reason (at most 10
 * names each), and the 3 best feasible nodes with each plugin's 0-100 score and the weighted total.
 */
export function explanationAnnotation(ex: Explanation): string {
  const filtered: Record<string, string[] | string> = {};
  for (const [reason, nodes] of filteredByReason(ex)) {
    filtered[reason] = nodes.length > 10 ? [...nodes.slice(0, 10), `+${nodes.length - 10} more`] : nodes;
  }
  const top = ranked(ex)
    .slice(0, 3)
    .map((i) => ({
      node: ex.nodes[ex.feasible[i]!],
      total: ex.scores.length ? ex.totals[i] : undefined,
      scores: ex.scores.length ? Object.fromEntries(ex.scorePlugins.map((p, k) => [p.name, ex.scores[k]![i]!])) : undefined,
    }));
  return JSON.stringify({
    node: ex.selected,
    profile: ex.profile,
    time: ex.time,
    feasible: `${ex.feasible.length}/${ex.nodes.length}`,
    ...(ex.message ? { message: ex.message } : {}),
    filtered,
    ...(ex.scores.length ? { weights: Object.fromEntries(ex.scorePlugins.map((p) => [p.name, p.weight])) } : {}),
    top,
  });
}

/** The plugin whose score the log line quotes: the resource strategy if the profile has one. */
function headline(ex: Explanation): number {
  const i = ex.scorePlugins.findIndex((p) => p.words && /^NodeResources(Most|Least)Allocated$/.test(p.name));
  return i >= 0 ? i : ex.scorePlugins.findIndex((p) => p.words);
}

/**
 * One log line in ships words:
 * "crane: default/besu-3 -> node-2, fullest ship that fits: score 87; node-1 filtered: Insufficient memory".
 */
export function shipsLogLine(ex: Explanation, maxFiltered = 3): string {
  let line: string;
  if (ex.selected === null) line = `crane: ${ex.pod} stays on the dock: ${ex.message}`;
  else if (ex.scores.length === 0) line = `crane: ${ex.pod} -> ${ex.selected}, the only ship that fits`;
  else {
    const h = headline(ex);
    const pos = [...ex.feasible].indexOf(ex.nodes.indexOf(ex.selected));
    const why = h >= 0 ? `${ex.scorePlugins[h]!.words}: score ${ex.scores[h]![pos]}` : `score ${ex.totals[pos]}`;
    line = `crane: ${ex.pod} -> ${ex.selected}, ${why}`;
    if (ex.tiedAtTop > 1) line += ` (a tie with ${ex.tiedAtTop - 1} other ship${ex.tiedAtTop > 2 ? 's' : ''}, drawn by lot)`;
  }
  if (ex.selected === null) return line;
  const parts: string[] = [];
  let count = 0;
  ex.nodes.forEach((node, i) => {
    const s = ex.failures[i];
    if (!s) return;
    if (count++ < maxFiltered) parts.push(`${node} filtered: ${s.message()}`);
  });
  if (count > maxFiltered) parts.push(`${count - maxFiltered} more filtered`);
  return parts.length ? `${line}; ${parts.join('; ')}` : line;
}
