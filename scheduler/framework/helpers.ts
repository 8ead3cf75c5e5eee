// Helpers shared by plugins: tolerations, node selector terms, score normalization
// ===============================================================================
// CONCEPT   A few rules are used by more than one plugin: whether a toleration covers a taint
//           (TaintToleration, NodeUnschedulable, preemption), how a nodeSelectorTerm matches a
//           node (NodeAffinity filter and score), and how raw scores are rescaled to 0-100.
// REAL K8S  staging/src/k8s.io/api/core/v1/toleration.go (ToleratesTaint),
//           staging/src/k8s.io/component-helpers/scheduling/corev1/helpers.go
//           (FindMatchingUntoleratedTaint), .../nodeaffinity/nodeaffinity.go (NodeSelector.Match),
//           pkg/scheduler/framework/plugins/helper/normalize_score.go (DefaultNormalizeScore)
// SHIPS     The harbour rule book the crane checks before loading.
// EXAMPLE   toleratesTaint({key:"dedicated",operator:"Exists"}, {key:"dedicated",effect:"NoSchedule"}) => true
// SKIPPED   Nothing of the rules themselves; matchFields supports only metadata.name, as Kubernetes.

import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from '../../api/types.ts';

// ## Taints and tolerations

/**
 * Toleration.ToleratesTaint: an empty effect matches every effect, an empty key with
 * operator Exists matches every key, operator "" means Equal.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** TolerationsTolerateTaint: does any toleration cover this taint? */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/**
 * FindMatchingUntoleratedTaint: the first taint (in the node's order) that passes `inScope` and
 * that no toleration covers, or undefined.
 */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  inScope: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints) {
    if (inScope(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

// ## Node selector terms (node affinity)
//
// Terms are ORed; inside a term every expression must hold. A term with no expressions and no
// fields matches nothing (Kubernetes treats it as a typo, not as "everything").

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  switch (req.operator) {
    case 'In':
      return has && (req.values ?? []).includes(value);
    case 'NotIn':
      return !has || !(req.values ?? []).includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Both sides must be integers; anything else simply does not match.
      if (!has || (req.values ?? []).length !== 1) return false;
      const a = Number.parseInt(value, 10);
      const b = Number.parseInt(req.values![0]!, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** Does one nodeSelectorTerm match a node with these labels and this name? */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const req of exprs) if (!requirementMatches(req, labels[req.key])) return false;
  for (const req of fields) {
    if (req.key !== 'metadata.name') return false;
    if (!requirementMatches(req, nodeName)) return false;
  }
  return true;
}

/** NodeSelector.Match: any term matches. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], labels: Record<string, string>, nodeName: string): boolean {
  for (const term of terms) if (nodeSelectorTermMatches(term, labels, nodeName)) return true;
  return false;
}

// ## Score normalization

/**
 * DefaultNormalizeScore: scale so the highest score becomes `max` (100); with `reverse`, the
 * highest becomes 0 and the lowest 100 ("fewer bad things is better"). All zero stays zero, or
 * becomes all `max` when reversed. Integer arithmetic, as in Go.
 */
export function defaultNormalizeScore(max: number, reverse: boolean, scores: Int32Array): void {
  let highest = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > highest) highest = scores[i]!;
  if (highest === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((max * scores[i]!) / highest);
    scores[i] = reverse ? max - s : s;
  }
}
