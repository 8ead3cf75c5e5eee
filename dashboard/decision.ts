// The crane's decision, from either of its two records
// ====================================================
// CONCEPT   The scheduler keeps the whole decision for a pod - every ship's filter verdict, every
//           plugin's score on every ship that passed, the winner - and tells it two ways: in full
//           from its own endpoint (GET /explanations/<ns>/<name>, until it restarts and forgets),
//           and compactly in an annotation on the pod (the 3 best ships, filtered ships grouped by
//           reason), which outlives the scheduler. We read either into one shape, so the pod's
//           "why" panel draws the same table whichever source answered, and says what the compact
//           one leaves out.
// REAL K8S  kube-scheduler-simulator's annotations (filter-result, score-result, finalscore-result,
//           selected-node); ours are written by scheduler/explanation.ts.
// SHIPS     The crane's logbook, read aloud.
// EXAMPLE   decisionFromExplanation({ selectedNode: "node-2", filter: { "node-1": { NodeResourcesFit:
//             "Insufficient cpu" } }, ... })  => { selected: "node-2", nodes: [{ node: "node-1", verdict: "Insufficient cpu" }, ...] }
// SKIPPED   Preemption victims (shown only as the scheduler's message).

/** One ship's line in the crane's decision. */
export interface NodeVerdict {
  node: string;
  /** "passed", or the filter's reason ("Insufficient cpu"). */
  verdict: string;
  /** The Filter plugin that rejected it. */
  filteredBy?: string;
  /** Per Score plugin, 0-100 (after NormalizeScore, before the weight). */
  scores?: Record<string, number>;
  /** Sum of score x weight. */
  total?: number;
  winner: boolean;
}

/** The crane's decision for one pod, in one shape whatever its source. */
export interface Decision {
  source: 'scheduler' | 'annotation';
  selected: string | null;
  profile?: string;
  time?: string;
  message?: string;
  /** Score plugins in column order, with their weights. */
  weights: Record<string, number>;
  nodes: NodeVerdict[];
  /** What the source left out ("the annotation keeps the 3 best ships"). */
  note?: string;
}

const NOT_A_VERDICT = new Set(['passed', 'skipped', 'not run']);

/** The scheduler endpoint's full explanation (scheduler/explanation.ts explanationToJSON) as a Decision. */
export function decisionFromExplanation(ex: Record<string, any>): Decision {
  const weights: Record<string, number> = ex.weights ?? {};
  const nodes = Object.entries((ex.filter ?? {}) as Record<string, Record<string, string>>).map(([node, verdicts]): NodeVerdict => {
    const failed = Object.entries(verdicts).find(([, v]) => !NOT_A_VERDICT.has(v));
    const line: NodeVerdict = { node, verdict: failed ? failed[1] : 'passed', winner: node === ex.selectedNode };
    if (failed) line.filteredBy = failed[0];
    const final = ex.finalScore?.[node] as Record<string, number> | undefined;
    if (final) line.scores = Object.fromEntries(Object.entries(final).map(([p, s]) => [p, weights[p] ? Math.round(s / weights[p]!) : ex.score?.[node]?.[p] ?? 0]));
    if (ex.total?.[node] !== undefined) line.total = ex.total[node];
    return line;
  });
  return { source: 'scheduler', selected: ex.selectedNode ?? null, profile: ex.profile, time: ex.time, message: ex.message || undefined, weights, nodes: rank(nodes) };
}

/** The compact annotation (scheduler/explanation.ts explanationAnnotation) as a Decision. */
export function decisionFromAnnotation(text: string): Decision | undefined {
  let a: Record<string, any>;
  try {
    a = JSON.parse(text);
  } catch {
    return undefined;
  }
  const nodes: NodeVerdict[] = [];
  let hidden = 0;
  for (const [reason, names] of Object.entries((a.filtered ?? {}) as Record<string, string[] | string>)) {
    const [plugin, ...rest] = reason.split(': ');
    for (const node of Array.isArray(names) ? names : [names]) {
      const more = /^\+(\d+) more$/.exec(node);
      if (more) hidden += Number(more[1]);
      else nodes.push({ node, verdict: rest.join(': ') || reason, filteredBy: plugin, winner: false });
    }
  }
  for (const t of (a.top ?? []) as { node: string; total?: number; scores?: Record<string, number> }[]) {
    nodes.push({ node: t.node, verdict: 'passed', ...(t.scores ? { scores: t.scores } : {}), ...(t.total !== undefined ? { total: t.total } : {}), winner: t.node === a.node });
  }
  const [feasible] = String(a.feasible ?? '').split('/').map(Number);
  const untold = (feasible ?? 0) - (a.top?.length ?? 0);
  const notes = [
    untold > 0 ? `${untold} more ship${untold > 1 ? 's' : ''} passed the filters but scored lower (the annotation keeps the 3 best)` : '',
    hidden > 0 ? `${hidden} more filtered ship${hidden > 1 ? 's' : ''} not named` : '',
  ].filter(Boolean);
  return {
    source: 'annotation', selected: a.node ?? null, profile: a.profile, time: a.time, message: a.message,
    weights: a.weights ?? {}, nodes: rank(nodes), ...(notes.length ? { note: `${notes.join('; ')}.` } : {}),
  };
}

/** Winner first, then passed ships by total, then filtered ones by name. */
function rank(nodes: NodeVerdict[]): NodeVerdict[] {
  const order = (n: NodeVerdict) => (n.winner ? 0 : n.verdict === 'passed' ? 1 : 2);
  return nodes.sort((a, b) => order(a) - order(b) || (b.total ?? 0) - (a.total ?? 0) || a.node.localeCompare(b.node, 'en', { numeric: true }));
}
