// Workload rules shared by ReplicaSets and Deployments: selector, template, printing
// ==================================================================================
// CONCEPT   Both apps/v1 kinds carry the same three things: a count, a structured label selector
//           and a pod template. The apiserver checks they fit together before storing anything:
//           the selector must be present and non-empty (an empty one would select every pod in the
//           namespace), valid (`In` needs values, `Exists` must have none), and must match the
//           template's own labels - otherwise the controller would create pods it can never count,
//           forever. The template is checked like a pod, and must restart Always: a workload's pods
//           are meant to run, not to finish.
// REAL K8S  pkg/apis/apps/validation/validation.go (ValidateReplicaSetSpec,
//           ValidatePodTemplateSpecForReplicaSet), apimachinery/pkg/apis/meta/v1/validation
//           (ValidateLabelSelector), pkg/printers/internalversion/printers.go (layoutContainerCells)
// SHIPS     The standing order must name the cargo mark it counts, and stamp that mark on every container.
// EXAMPLE   selector { matchLabels: { app: "web" } }, template labels { app: "db" }
//           => spec.template.metadata.labels: Invalid value: {"app":"db"}: `selector` does not match template `labels`
// SKIPPED   the pod-template checks pods.ts does not do either (volumes, security contexts).

import type { LabelSelector, PodTemplateSpec, StatusCause } from '../../api/types.ts';
import { formatLabelSelector, labelSelectorToRequirements, matchesLabels, validateLabels, type Requirement } from '../../api/labels.ts';
import { isQualifiedName } from '../../api/names.ts';
import { cause, required } from '../status.ts';
import { podStrategy, validatePodSpec } from './pods.ts';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** ValidateNonnegativeField: the message every count and duration gets. */
export function nonNegative(value: unknown, field: string): StatusCause[] {
  if (value === undefined) return [];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return [cause(field, `Invalid value: ${JSON.stringify(value)}: must be greater than or equal to 0`)];
  }
  return [];
}

/** ValidateLabelSelector: keys and values well-formed, operators known, values as the operator needs. */
export function validateSelectorParts(sel: LabelSelector, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const message of validateLabels(sel.matchLabels ?? {})) causes.push(cause(`${path}.matchLabels`, message));
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = e?.values ?? [];
    if (!OPERATORS.includes(e?.operator)) {
      causes.push(cause(`${at}.operator`, `Invalid value: ${JSON.stringify(e?.operator)}: not a valid selector operator`));
    } else if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
      causes.push(cause(`${at}.values`, "Required value: must be specified when `operator` is 'In' or 'NotIn'", 'FieldValueRequired'));
    } else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
      causes.push(cause(`${at}.values`, "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'", 'FieldValueForbidden'));
    }
    for (const m of isQualifiedName(String(e?.key ?? ''))) causes.push(cause(`${at}.key`, `Invalid value: ${JSON.stringify(e?.key)}: ${m}`));
  });
  return causes;
}

/**
 * The selector and template of a ReplicaSet or Deployment spec, checked together
 * (ValidateReplicaSetSpec / ValidateDeploymentSpec minus the kind's own fields).
 * `kindWord` ends the empty-selector message: "empty selector is invalid for deployment".
 */
export function validateSelectorAndTemplate(spec: { selector?: LabelSelector; template?: PodTemplateSpec }, kindWord: string): StatusCause[] {
  const causes: StatusCause[] = [];
  let requirements: Requirement[] | undefined;
  const sel = spec.selector;
  if (!sel || typeof sel !== 'object') causes.push(required('spec.selector'));
  else {
    causes.push(...validateSelectorParts(sel, 'spec.selector'));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      causes.push(cause('spec.selector', `Invalid value: ${JSON.stringify(sel)}: empty selector is invalid for ${kindWord}`));
    }
    if (!causes.length) {
      try {
        requirements = labelSelectorToRequirements(sel);
      } catch (e) {
        causes.push(cause('spec.selector', `Invalid value: ${JSON.stringify(sel)}: invalid label selector: ${(e as Error).message}`));
      }
    }
  }
  causes.push(...validateTemplate(spec.template, requirements));
  return causes;
}

/** ValidatePodTemplateSpecForReplicaSet: labels match the selector, a valid pod spec that restarts Always. */
function validateTemplate(template: PodTemplateSpec | undefined, selector: Requirement[] | undefined): StatusCause[] {
  if (!template || typeof template !== 'object') return [required('spec.template')];
  const causes: StatusCause[] = [];
  const labels = template.metadata?.labels ?? {};
  for (const m of validateLabels(labels)) causes.push(cause('spec.template.metadata.labels', m));
  if (selector?.length && !matchesLabels(selector, labels)) {
    causes.push(cause('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``));
  }
  causes.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  const policy = template.spec?.restartPolicy;
  if (policy && policy !== 'Always') {
    causes.push(cause('spec.template.spec.restartPolicy', `Unsupported value: "${policy}": supported values: "Always"`, 'FieldValueNotSupported'));
  }
  if ((template.spec as { activeDeadlineSeconds?: number } | undefined)?.activeDeadlineSeconds !== undefined) {
    causes.push(cause('spec.template.spec.activeDeadlineSeconds', 'Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported', 'FieldValueForbidden'));
  }
  return causes;
}

/**
 * Pod defaults for a template (restartPolicy, dnsPolicy, imagePullPolicy ...). The 300 s
 * tolerations are not defaults but pod admission (DefaultTolerationSeconds), so a template
 * does not get them: its pods do, when they are created.
 */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!template?.spec || typeof template.spec !== 'object') return;
  const tolerations = template.spec.tolerations;
  podStrategy.defaults!({ metadata: template.metadata ?? {}, spec: template.spec });
  if (tolerations === undefined) delete template.spec.tolerations;
  else template.spec.tolerations = tolerations;
  template.metadata ??= {};
}

/** Selector.String() as `-o wide` prints it: "app=web,pod-template-hash=5d4f8c6b9". */
export function selectorText(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>';
  try {
    return formatLabelSelector(labelSelectorToRequirements(sel)) || '<none>';
  } catch {
    return '<error>';
  }
}

/** layoutContainerCells: the CONTAINERS and IMAGES cells of `-o wide`. */
export function containerCells(template: PodTemplateSpec | undefined): [string, string] {
  const containers = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

/** ValidateImmutableField for spec.selector (apps/v1 froze selectors: a changed one would orphan pods). */
export function selectorImmutable(now: LabelSelector | undefined, old: LabelSelector | undefined): StatusCause[] {
  if (JSON.stringify(normalise(now)) === JSON.stringify(normalise(old))) return [];
  return [cause('spec.selector', `Invalid value: ${JSON.stringify(now ?? null)}: field is immutable`)];
}

// Key order must not make two equal selectors differ.
function normalise(sel: LabelSelector | undefined): unknown {
  if (!sel) return null;
  const labels = Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const exprs = (sel.matchExpressions ?? []).map((e) => [e.key, e.operator, e.values ?? []]);
  return [labels, exprs];
}
