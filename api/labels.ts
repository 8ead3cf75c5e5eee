// Label selectors: "app=besu,tier!=db" and "env in (prod, dev)"
// =============================================================
// CONCEPT   Labels are the only way Kubernetes objects find each other: a ReplicaSet owns the
//           pods its selector matches, a Service sends traffic to them, `kubectl get -l` lists
//           them. A selector is a list of requirements that must ALL hold (there is no OR), in
//           two spellings: a string on the command line and URL, a structure inside objects.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/labels/selector.go,
//           pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector, FormatLabelSelector),
//           pkg/apis/meta/v1/validation/validation.go (ValidateLabels) (v1.32)
// SHIPS     "Every container stamped cargo=grain, except those stamped port=rotterdam."
// EXAMPLE   parseLabelSelector("tier!=db, app=besu")
//             => [{ key: "app", operator: "=", values: ["besu"] },
//                 { key: "tier", operator: "!=", values: ["db"] }]   (sorted by key)
//           matchesLabels(that, { app: "besu" })  =>  true   (no tier label is not tier=db)
// SKIPPED   the SetSelector fast path, RequiresExactMatch, field.Path prefixes on messages
//
// Interface:
//   parseLabelSelector / formatLabelSelector   string <-> requirements
//   matchesLabels                              requirements x labels -> boolean
//   selectorFromSet                            {app: "besu"} -> requirements
//   labelSelectorToRequirements / matchesLabelSelector / describeLabelSelector   the structure
//   validateLabels                             metadata.labels -> error messages
//   (newRequirement, matchesRequirement, formatRequirement, SelectorError: label-requirement.ts)

import type { LabelSelector } from './types.ts';
import { invalidValue, isQualifiedName, isValidLabelValue } from './names.ts';
import { formatRequirement, matchesRequirement, newRequirement, SelectorError } from './label-requirement.ts';
import type { Requirement, SelectorOperator } from './label-requirement.ts';
import { parseRequirements } from './label-selector-parser.ts';

export { formatRequirement, matchesRequirement, newRequirement, SelectorError };
export type { Requirement, SelectorOperator };

// Kubernetes sorts requirements by key "to grant deterministic parsing": the same selector
// written in any order then prints, compares and caches the same. Array.sort is stable, and
// comparing with < orders by UTF-16 code unit, which for the ASCII of label keys is Go's byte order.
function sortByKey(reqs: Requirement[]): Requirement[] {
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Parse: the string form `kubectl -l` sends as ?labelSelector=. "" selects everything.
 * Returns the requirements sorted by key. Note that "app=" is valid: it asks for the label
 * app with the empty value, exactly as in Kubernetes.
 * @throws SelectorError e.g. for "=x", "a b", "env in (x", "Bad Key=1", with the column.
 */
export function parseLabelSelector(s: string): Requirement[] {
  return sortByKey(parseRequirements(s));
}

/** Selector.String: the requirements joined by commas; parseLabelSelector reads it back. */
export function formatLabelSelector(reqs: Requirement[]): string {
  return reqs.map(formatRequirement).join(',');
}

/** Selector.Matches: true when every requirement holds. No requirements select everything. */
export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) if (!matchesRequirement(r, labels)) return false;
  return true;
}

/** SelectorFromSet: `{app: "besu"}` => `app=besu`, one `=` clause per label, sorted, unvalidated. */
export function selectorFromSet(set: Record<string, string>): Requirement[] {
  return sortByKey(Object.entries(set).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}

// ## The structured form inside objects
//
// Inside objects (a ReplicaSet's spec.selector, an affinity term) selectors are written as
// { matchLabels, matchExpressions }. They mean the same as the string form, with one trap:
// a *missing* selector selects nothing, while an *empty* one ({}) selects everything.

const EXPRESSION_OPERATORS: Record<string, SelectorOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * LabelSelectorAsSelector for a present selector: matchLabels become `=` clauses and
 * matchExpressions In/NotIn/Exists/DoesNotExist become in/notin/exists/!; sorted by key.
 * `{}` gives no requirements (everything).
 * @throws SelectorError for an unknown operator or an invalid key, value or value count.
 */
export function labelSelectorToRequirements(sel: LabelSelector): Requirement[] {
  const reqs = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => newRequirement(k, '=', [v]));
  for (const expr of sel.matchExpressions ?? []) {
    const op = EXPRESSION_OPERATORS[expr.operator];
    if (!op) throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return sortByKey(reqs);
}

/**
 * Does a structured selector select these labels? We follow metav1.LabelSelectorAsSelector:
 * `undefined` (a nil selector) selects NOTHING, `{}` selects EVERYTHING. (A Service's
 * spec.selector is a plain map, not this structure: there, no selector means the endpoints
 * controller leaves the Service alone. Callers with their own rule apply it before calling.)
 * In a hot loop, convert once with labelSelectorToRequirements and call matchesLabels.
 * @throws SelectorError when the selector itself is invalid.
 */
export function matchesLabelSelector(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (sel === undefined) return false;
  return matchesLabels(labelSelectorToRequirements(sel), labels);
}

/** FormatLabelSelector, as `kubectl describe` prints it: "app=besu", "<none>" or "<error>". */
export function describeLabelSelector(sel: LabelSelector | undefined): string {
  if (sel === undefined) return '<none>';
  try {
    return formatLabelSelector(labelSelectorToRequirements(sel)) || '<none>';
  } catch {
    return '<error>';
  }
}

// ## Validating the labels on an object

/**
 * ValidateLabels: every key a qualified name, every value a valid label value.
 * @param path when given, each message starts with it, as Kubernetes' field.Error prints;
 *   without it we return the bare body, the form a Status cause carries beside its field.
 * @returns e.g. `Invalid value: "Bad Key": name part must consist of ...`, or with
 *   path "metadata.labels", `metadata.labels: Invalid value: "Bad Key": ...`; [] means valid.
 */
export function validateLabels(labels: Record<string, string>, path = ''): string[] {
  const errs: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    for (const msg of isQualifiedName(key)) errs.push(invalidValue(path, key, msg));
    for (const msg of isValidLabelValue(value)) errs.push(invalidValue(path, value, msg));
  }
  return errs;
}
