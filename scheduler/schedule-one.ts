// scheduleOne: one scheduling cycle for one pod
// =============================================
// CONCEPT   The heart of kube-scheduler, synchronous and pure: given a snapshot of the cluster and
//           a pod, run PreFilter, Filter on every node, (PostFilter if none passed), PreScore, Score
//           on every node that passed, NormalizeScore, multiply by weights, add up, pick the
//           highest. We record everything on the way (every filter verdict on every node, every
//           plugin's score on every feasible node) so the decision can be explained afterwards.
//           Binding is *not* here: the caller assumes the pod on the chosen node and binds later.
// REAL K8S  pkg/scheduler/schedule_one.go (schedulePod, findNodesThatFitPod,
//           findNodesThatPassFilters, prioritizeNodes, selectHost) (v1.32)
// SHIPS     The crane strikes out ships that cannot take the container, ranks the rest, points.
// EXAMPLE   scheduleOne(fw, snapshot, besu3) =>
//           { node: "node-2", status: null, explanation: { failures: [Insufficient memory, null, ...] } }
// SKIPPED   percentageOfNodesToScore (we evaluate every node), nominated-node fast path,
//           extenders, parallel filtering (we are one thread; typed arrays keep it fast instead).
//
// Ties: Kubernetes v1.32 selectHost keeps the first top-scoring node and replaces it with the
// k-th tied node with probability 1/k (reservoir sampling), so every tied node is equally likely.
// We do the same with `options.random` (default Math.random); a test passes `() => 0.5` to make
// the first tied node in name order win every time.

import { CycleState, MAX_NODE_SCORE, MIN_NODE_SCORE, Status } from './framework/interfaces.ts';
import type { NodeInfo, PodInfo, PostFilterResult, Snapshot } from './framework/interfaces.ts';
import type { Framework } from './framework/framework.ts';
import { fitErrorMessage } from './framework/fit-error.ts';
import { DEFAULT_SCHEDULER_NAME } from './framework/profiles.ts';
import { emptyExplanation, type Explanation } from './explanation.ts';
import type { Pod } from '../api/types.ts';

/**
 * frameworkForPod: the profile named by spec.schedulerName ("" means default-scheduler), or
 * undefined when this scheduler does not serve that name (another scheduler will).
 */
export function frameworkForPod(frameworks: ReadonlyMap<string, Framework>, pod: Pod): Framework | undefined {
  return frameworks.get(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
}

/** ErrNoNodesAvailable's message. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** What scheduleOne returns. */
export interface ScheduleResult {
  /** The chosen node, or null. */
  node: string | null;
  /** null on success; Unschedulable/UnschedulableAndUnresolvable with the FitError message; or Error. */
  status: Status | null;
  /** Set when preemption chose a node and victims: nominate, delete the victims, retry later. */
  nominated: PostFilterResult | null;
  /** Plugins that rejected the pod on some node: the queue wakes it only on their events. */
  unschedulablePlugins: Set<string>;
  explanation: Explanation;
}

export interface ScheduleOptions {
  /** Random source for tie breaking, in [0, 1). @default Math.random */
  random?: () => number;
  /** The time to stamp on the explanation. */
  now?: string;
}

/** Runs one scheduling cycle. Pure: reads the snapshot, changes nothing. */
export function scheduleOne(fw: Framework, snapshot: Snapshot, pod: PodInfo, options: ScheduleOptions = {}): ScheduleResult {
  fw.setSnapshot(snapshot);
  const ex = emptyExplanation(fw, snapshot, pod, options.now);
  const result: ScheduleResult = { node: null, status: null, nominated: null, unschedulablePlugins: new Set(), explanation: ex };
  const fail = (status: Status) => {
    ex.message = status.message();
    result.status = status;
    return result;
  };
  if (snapshot.nodeInfos.length === 0) return fail(new Status('UnschedulableAndUnresolvable', NO_NODES_AVAILABLE));

  const state = new CycleState();
  const pre = fw.runPreFilterPlugins(state, pod);
  ex.skippedFilters = [...state.skipFilterPlugins];
  if (pre !== null) {
    if (!pre.isRejected()) return fail(pre);
    // Every node gets the PreFilter verdict; the message quotes it once.
    ex.preFilter = pre;
    result.unschedulablePlugins.add(pre.plugin);
    const statuses = new Map(snapshot.nodeInfos.map((ni) => [ni.name, pre] as const));
    return postFilter(fw, state, pod, statuses, result, (post) => fitErrorMessage(snapshot.nodeInfos.length, [], pre.message(), post));
  }

  const feasibleNodes = findNodesThatPassFilters(fw, state, pod, snapshot.nodeInfos, ex);
  if (feasibleNodes === null) {
    const i = ex.failures.findIndex((s) => s !== null && s.code === 'Error');
    return fail(ex.failures[i]!.withPlugin(ex.filterPlugins[ex.failedAt[i]!]!));
  }
  if (feasibleNodes.length === 0) {
    const statuses = new Map<string, Status>();
    ex.failures.forEach((s, i) => {
      statuses.set(ex.nodes[i]!, s!);
      result.unschedulablePlugins.add(ex.filterPlugins[ex.failedAt[i]!]!);
    });
    return postFilter(fw, state, pod, statuses, result, (post) => fitErrorMessage(ex.nodes.length, statuses.values(), '', post));
  }
  // "When only one node after predicate, just use it": Kubernetes does not score a lone survivor.
  if (feasibleNodes.length === 1) {
    ex.selected = result.node = feasibleNodes[0]!.name;
    ex.tiedAtTop = 1;
    return result;
  }
  const scoreError = prioritizeNodes(fw, state, pod, feasibleNodes, ex);
  if (scoreError) return fail(scoreError);
  ex.selected = result.node = selectHost(feasibleNodes, ex, options.random ?? Math.random);
  return result;
}

/**
 * findNodesThatPassFilters: every filter on every node, stopping per node at the first rejection.
 * Returns null when a filter reported an Error (the whole attempt fails, as in Kubernetes).
 */
function findNodesThatPassFilters(fw: Framework, state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], ex: Explanation): NodeInfo[] | null {
  // Plugins whose PreFilter said Skip are left out once here, not checked per node.
  const active = fw.filterPlugins.map((p, i) => [p, i] as const).filter(([p]) => !state.skipFilterPlugins.has(p.name));
  const plugins = active.map(([p]) => p);
  const indices = active.map(([, i]) => i);
  const feasibleIdx = new Int32Array(nodes.length);
  const feasible: NodeInfo[] = [];
  let error = false;
  // @doc: scheduler-filter-loop
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    let j = 0;
    for (; j < plugins.length; j++) {
      const s = plugins[j]!.filter(state, pod, node);
      if (s !== null && s.code !== 'Success') {
        ex.failedAt[i] = indices[j]!;
        ex.failures[i] = s;
        if (s.code === 'Error') error = true;
        break;
      }
    }
    if (j === plugins.length) feasibleIdx[feasible.push(node) - 1] = i;
  }
  ex.feasible = feasibleIdx.slice(0, feasible.length);
  return error ? null : feasible;
}

/** RunPostFilterPlugins: the first success (a nomination) wins; otherwise the rejections' reasons. */
function postFilter(
  fw: Framework,
  state: CycleState,
  pod: PodInfo,
  statuses: Map<string, Status>,
  result: ScheduleResult,
  message: (postFilterMsg: string) => string,
): ScheduleResult {
  const reasons: string[] = [];
  for (const p of fw.postFilterPlugins) {
    const { result: r, status } = p.postFilter(state, pod, statuses, fw.handle);
    if (status.isSuccess()) {
      result.nominated = r;
      result.explanation.postFilter = { message: '', nominatedNodeName: r?.nominatedNodeName, victims: r?.victims.map((v) => v.key) };
      break;
    }
    if (!status.isRejected()) {
      result.status = status.withPlugin(p.name);
      result.explanation.message = status.message();
      return result;
    }
    reasons.push(...status.reasons);
  }
  const postMsg = result.nominated ? '' : reasons.join(', ');
  if (reasons.length && !result.nominated) result.explanation.postFilter = { message: postMsg };
  result.explanation.message = message(postMsg);
  result.status = new Status('Unschedulable', result.explanation.message);
  return result;
}

/** prioritizeNodes: PreScore, then per plugin Score every feasible node, normalize, weight, sum. */
function prioritizeNodes(fw: Framework, state: CycleState, pod: PodInfo, nodes: NodeInfo[], ex: Explanation): Status | null {
  const pre = fw.runPreScorePlugins(state, pod, nodes);
  if (pre) return pre;
  ex.skippedScores = [...state.skipScorePlugins];
  const n = nodes.length;
  const totals = new Float64Array(n);
  // @doc: scheduler-score-loop
  for (let k = 0; k < fw.scorePlugins.length; k++) {
    const p = fw.scorePlugins[k]!;
    const raw = new Int32Array(n);
    let scores = raw;
    if (!state.skipScorePlugins.has(p.name)) {
      try {
        for (let i = 0; i < n; i++) raw[i] = p.score(state, pod, nodes[i]!);
        if (p.normalizeScore) {
          scores = raw.slice();
          p.normalizeScore(state, pod, scores);
        }
      } catch (err) {
        return new Status('Error', `plugin "${p.name}" failed with: ${err instanceof Error ? err.message : String(err)}`).withPlugin(p.name);
      }
      const w = fw.scoreWeights[k]!;
      for (let i = 0; i < n; i++) {
        const s = scores[i]!;
        if (s > MAX_NODE_SCORE || s < MIN_NODE_SCORE) {
          return new Status('Error', `plugin "${p.name}" returns an invalid score ${s}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`).withPlugin(p.name);
        }
        totals[i] += s * w;
      }
    }
    ex.rawScores.push(raw);
    ex.scores.push(scores);
  }
  ex.totals = totals;
  return null;
}

/** selectHost: the highest total; ties by reservoir sampling, so each tied node is equally likely. */
function selectHost(nodes: NodeInfo[], ex: Explanation, random: () => number): string {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < nodes.length; i++) {
    if (ex.totals[i]! > ex.totals[best]!) {
      best = i;
      ties = 1;
    } else if (ex.totals[i] === ex.totals[best]) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  // The loop's count is exactly the number of nodes sharing the final top total.
  ex.tiedAtTop = ties;
  return nodes[best]!.name;
}
