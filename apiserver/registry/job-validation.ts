// Job validation: what a batch/v1 Job must say before it is stored
// ================================================================
// CONCEPT   A Job's pods are meant to *finish*, so its template must restart OnFailure or Never
//           (Always would never let a pod succeed). Counts and durations are non-negative; an
//           Indexed Job needs `completions` (an index per completion). The selector must match
//           the template's labels - which it always does when the apiserver generated both.
//           After creation the Job is mostly frozen: the selector, completionMode and the pod
//           template may not change (a running Job's pods would no longer match what it counts),
//           except that a suspended Job that never started may still move its pods elsewhere
//           (nodeSelector, affinity, tolerations, labels, annotations, schedulingGates).
// REAL K8S  pkg/apis/batch/validation/validation.go (ValidateJob, validateJobSpec,
//           ValidateJobSpecUpdate, validatePodTemplateUpdate), pkg/registry/batch/job/strategy.go
//           (validationOptionsForJob: AllowMutableSchedulingDirectives)
// SHIPS     The work order clerk: "crates that keep being re-loaded never count as unloaded".
// EXAMPLE   template.spec.restartPolicy "Always"
//           => 422 spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"
// SKIPPED   podFailurePolicy, successPolicy and backoffLimitPerIndex rules beyond their types;
//           elastic Indexed Jobs (completions changing with parallelism).

import type { Job } from '../../api/batch-types.ts';
import type { StatusCause } from '../../api/types.ts';
import { labelSelectorToRequirements, matchesLabels, validateLabels } from '../../api/labels.ts';
import { deepEqualJson } from '../patch/json-value.ts';
import { cause, required } from '../status.ts';
import { validatePodSpec } from './pods.ts';
import { nonNegative, selectorImmutable, validateSelectorParts } from './workloads.ts';

/** The most completions (and parallelism) an Indexed Job may have (maxCompletionsForIndexedJob). */
const MAX_INDEXED = 100_000;
const MODES = ['NonIndexed', 'Indexed'];

// ValidateJob's selector half: present, well-formed, non-empty, matching the template's labels.
function validateSelector(job: Job): StatusCause[] {
  const sel = job.spec.selector;
  if (!sel || typeof sel !== 'object') return [required('spec.selector')];
  const causes = validateSelectorParts(sel, 'spec.selector');
  if (causes.length) return causes;
  const labels = job.spec.template?.metadata?.labels ?? {};
  try {
    const reqs = labelSelectorToRequirements(sel);
    if (reqs.length && !matchesLabels(reqs, labels)) {
      causes.push(cause('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``));
    }
  } catch (e) {
    causes.push(cause('spec.selector', `Invalid value: ${JSON.stringify(sel)}: invalid label selector: ${(e as Error).message}`));
  }
  return causes;
}

// validatePodTemplateSpec for Jobs: a valid pod that ends (OnFailure or Never).
function validateTemplate(job: Job): StatusCause[] {
  const template = job.spec.template;
  if (!template || typeof template !== 'object') return [required('spec.template')];
  const causes: StatusCause[] = [];
  for (const m of validateLabels(template.metadata?.labels ?? {})) causes.push(cause('spec.template.metadata.labels', m));
  causes.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  const policy = template.spec?.restartPolicy;
  const field = 'spec.template.spec.restartPolicy';
  if (!policy) causes.push(cause(field, 'Required value: valid values: "OnFailure", "Never"', 'FieldValueRequired'));
  else if (policy !== 'OnFailure' && policy !== 'Never') {
    causes.push(cause(field, `Unsupported value: "${policy}": supported values: "OnFailure", "Never"`, 'FieldValueNotSupported'));
  }
  return causes;
}

// validateJobSpec's counts and the completion mode.
function validateCounts(job: Job): StatusCause[] {
  const s = job.spec;
  const causes = [
    ...nonNegative(s.parallelism, 'spec.parallelism'),
    ...nonNegative(s.completions, 'spec.completions'),
    ...nonNegative(s.activeDeadlineSeconds, 'spec.activeDeadlineSeconds'),
    ...nonNegative(s.backoffLimit, 'spec.backoffLimit'),
    ...nonNegative(s.ttlSecondsAfterFinished, 'spec.ttlSecondsAfterFinished'),
  ];
  const mode = s.completionMode;
  if (mode !== undefined && !MODES.includes(mode)) {
    causes.push(cause('spec.completionMode', `Unsupported value: ${JSON.stringify(mode)}: supported values: "NonIndexed", "Indexed"`, 'FieldValueNotSupported'));
  }
  if (mode === 'Indexed') {
    if (s.completions === undefined) causes.push(cause('spec.completions', 'Required value: when completion mode is Indexed', 'FieldValueRequired'));
    else if (s.completions > MAX_INDEXED) causes.push(cause('spec.completions', `Invalid value: ${s.completions}: must be less than or equal to ${MAX_INDEXED} when completion mode is Indexed`));
    if ((s.parallelism ?? 0) > MAX_INDEXED) causes.push(cause('spec.parallelism', `Invalid value: ${s.parallelism}: must be less than or equal to ${MAX_INDEXED} when completion mode is Indexed`));
  }
  return causes;
}

/** ValidateJob: the whole spec of a new (or updated) Job. */
export function validateJob(job: Job): StatusCause[] {
  if (!job.spec || typeof job.spec !== 'object') return [required('spec')];
  return [...validateCounts(job), ...validateSelector(job), ...validateTemplate(job)];
}

// The template parts a suspended, never-started Job may still change (AllowMutableSchedulingDirectives).
const SCHEDULING_DIRECTIVES = ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates'] as const;

function withoutSchedulingDirectives(template: Job['spec']['template']): unknown {
  const spec = { ...(template?.spec ?? {}) } as Record<string, unknown>;
  for (const k of SCHEDULING_DIRECTIVES) delete spec[k];
  return { spec };
}

// validatePodTemplateUpdate: frozen unless the Job is suspended and has never started.
function templateImmutable(job: Job, old: Job): StatusCause[] {
  const mutable = old.spec.suspend === true && !old.status?.startTime;
  const same = mutable
    ? deepEqualJson(withoutSchedulingDirectives(job.spec.template), withoutSchedulingDirectives(old.spec.template))
    : deepEqualJson(job.spec.template ?? null, old.spec.template ?? null);
  return same ? [] : [cause('spec.template', `Invalid value: ${JSON.stringify(job.spec.template ?? null)}: field is immutable`)];
}

function fieldImmutable(now: unknown, old: unknown, field: string): StatusCause[] {
  return deepEqualJson(now ?? null, old ?? null) ? [] : [cause(field, `Invalid value: ${JSON.stringify(now ?? null)}: field is immutable`)];
}

/** ValidateJobUpdate: the new spec is valid, and what was frozen at creation stayed the same. */
export function validateJobUpdate(job: Job, old: Job): StatusCause[] {
  const causes = validateJob(job);
  if (!job.spec || !old.spec) return causes;
  return [
    ...causes,
    ...selectorImmutable(job.spec.selector, old.spec.selector),
    ...templateImmutable(job, old),
    ...fieldImmutable(job.spec.completionMode, old.spec.completionMode, 'spec.completionMode'),
    ...fieldImmutable(job.spec.completions, old.spec.completions, 'spec.completions'),
    ...fieldImmutable(job.spec.podFailurePolicy, old.spec.podFailurePolicy, 'spec.podFailurePolicy'),
    ...fieldImmutable(job.spec.backoffLimitPerIndex, old.spec.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'),
    ...fieldImmutable(job.spec.managedBy, old.spec.managedBy, 'spec.managedBy'),
  ];
}
