// Jobs: batch/v1 "run this pod until it has succeeded N times"
// ============================================================
// CONCEPT   The apiserver's part of the classic run-to-completion lesson. It fills in the defaults
//           (parallelism and completions 1, backoffLimit 6, completionMode NonIndexed, suspend
//           false) and, unless the user asked for `manualSelector`, *generates* the selector: it
//           stamps the template with labels naming the Job's own uid and name, and selects on the
//           uid. So two Jobs called "hello" (one deleted, one new) can never count each other's
//           pods. The Job's own labels, when it has none, are copied from the template.
// REAL K8S  pkg/registry/batch/job/strategy.go (PrepareForCreate, Validate -> generateSelector,
//           DefaultGarbageCollectionPolicy), pkg/apis/batch/v1/defaults.go (SetDefaults_Job),
//           pkg/printers/internalversion/printers.go (printJob)
// SHIPS     The work order desk: it writes the order number onto every crate it will count.
// EXAMPLE   kubectl create job hello --image=busybox -- echo hello
//           => selector { matchLabels: { "batch.kubernetes.io/controller-uid": "<uid>" } },
//              template labels controller-uid, batch.kubernetes.io/controller-uid, job-name, batch.kubernetes.io/job-name
//           kubectl get jobs  =>  NAME    STATUS     COMPLETIONS   DURATION   AGE
//                                 hello   Complete   1/1           5s         12s
// SKIPPED   the Warning header a DELETE without propagationPolicy gets ("child pods are preserved
//           by default when jobs are deleted"); status-subresource validation.

import type { Job } from '../../api/batch-types.ts';
import type { KubeObject } from '../../api/types.ts';
import { isValidLabelValue } from '../../api/names.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';
import { validateJob, validateJobUpdate } from './job-validation.ts';
import { containerCells, defaultPodTemplate, selectorText } from './workloads.ts';

const asJob = (obj: KubeObject) => obj as Job;

/** The labels generateSelector writes (batch.LegacyControllerUidLabel, batch.ControllerUidLabel ...). */
export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  legacyControllerUid: 'controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyJobName: 'job-name',
} as const;

// ## generateSelector: the template carries the uid, the selector asks for it.
// @doc: job-generate-selector
function generateSelector(job: Job): void {
  const template = job.spec.template;
  if (!template || typeof template !== 'object') return;
  const labels = ((template.metadata ??= {}).labels ??= {});
  const uid = job.metadata.uid!;
  labels[JOB_LABELS.legacyControllerUid] = uid;
  labels[JOB_LABELS.controllerUid] = uid;
  // A name longer than 63 characters is no label value: the pods then go without these two.
  if (isValidLabelValue(job.metadata.name ?? '').length === 0) {
    labels[JOB_LABELS.legacyJobName] = job.metadata.name!;
    labels[JOB_LABELS.jobName] = job.metadata.name!;
  }
  job.spec.selector ??= {};
  job.spec.selector.matchLabels = { ...(job.spec.selector.matchLabels ?? {}), [JOB_LABELS.controllerUid]: uid };
}

// ## Defaults (SetDefaults_Job)
function defaultJob(job: Job): void {
  const s = job.spec;
  if (s.completions === undefined && s.parallelism === undefined) s.completions = 1;
  s.parallelism ??= 1;
  s.backoffLimit ??= s.backoffLimitPerIndex !== undefined ? 2 ** 31 - 1 : 6;
  s.completionMode ??= 'NonIndexed';
  s.suspend ??= false;
  s.podReplacementPolicy ??= s.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(s.template);
  const templateLabels = s.template?.metadata?.labels;
  if (templateLabels && !Object.keys(job.metadata.labels ?? {}).length) job.metadata.labels = { ...templateLabels };
}

// ## Printing (printJob)
function statusWord(job: Job): string {
  const has = (type: string) => job.status?.conditions?.some((c) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function completionsCell(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

// DURATION: startTime to completionTime, or to now while running; empty before the Job started.
function durationCell(job: Job, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanAge(start, end);
}

export const jobStrategy: Strategy = {
  // batch/v1 keeps OrphanDependents "for back compatibility" (strategy.go): a bare DELETE leaves
  // the pods. kubectl always sends propagationPolicy Background, so `kubectl delete job` removes them.
  defaultGarbageCollectionPolicy: 'OrphanDependents',
  prepareForCreate(obj) {
    const job = asJob(obj);
    job.status = {};
    if (job.spec && typeof job.spec === 'object' && job.spec.manualSelector !== true) generateSelector(job);
  },
  defaults(obj) {
    const job = asJob(obj);
    if (job.spec && typeof job.spec === 'object') defaultJob(job);
  },
  prepareForUpdate(obj, old) {
    asJob(obj).status = asJob(old).status;
  },
  validate: (obj) => validateJob(asJob(obj)),
  validateUpdate: (obj, old) => validateJobUpdate(asJob(obj), asJob(old)),
  fields: (obj) => ({ 'status.successful': String(asJob(obj).status?.succeeded ?? 0) }),
  selectableFields: ['status.successful'],
  table: {
    columns: [
      NAME_COLUMN,
      column('Status', 'string', 'Status of the job.'),
      column('Completions', 'string', 'The completion status of the job.'),
      column('Duration', 'string', 'Time required to complete the job.'),
      AGE_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.', 1),
      column('Images', 'string', 'Images referenced by each container in the template.', 1),
      column('Selector', 'string', 'Selector is a label query over pods that should match the pod count.', 1),
    ],
    cells(obj, now) {
      const job = asJob(obj);
      const [containers, images] = containerCells(job.spec?.template);
      return [
        job.metadata.name, statusWord(job), completionsCell(job), durationCell(job, now),
        humanAge(job.metadata.creationTimestamp, now), containers, images, selectorText(job.spec?.selector),
      ];
    },
  },
};
