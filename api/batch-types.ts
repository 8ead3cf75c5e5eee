// batch/v1 object types: Jobs
// ===========================
// CONCEPT   A Job runs pods *to completion*: where a ReplicaSet replaces a pod that exits, a Job
//           counts it. `completions` successful pods finish the Job; `parallelism` caps how many
//           run at once; `backoffLimit` failed pods (or container restarts) give up on it.
//           The Job's status is a tally (active, succeeded, failed) plus conditions: Complete or
//           Failed, with a reason such as BackoffLimitExceeded or DeadlineExceeded.
// REAL K8S  staging/src/k8s.io/api/batch/v1/types.go (v1.32)
// SHIPS     A work order: "unload these five crates, two cranes at a time, give up after six drops".
// EXAMPLE   { apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi" },
//             spec: { completions: 3, template: { spec: { restartPolicy: "Never", containers: [...] } } } }
// SKIPPED   CronJob; the fields exist for podFailurePolicy, successPolicy, backoffLimitPerIndex and
//           managedBy but only the apiserver reads them (see controllers/job-controller.ts).

import type { ConditionStatus, KubeObject, LabelSelector, PodTemplateSpec } from './types.ts';

export type CompletionMode = 'NonIndexed' | 'Indexed';

export interface JobSpec {
  /** How many pods may run at once. @default 1 */
  parallelism?: number;
  /** Successful pods needed; unset means "any one success, once all have ended". @default 1 (when parallelism is unset too) */
  completions?: number;
  /** Seconds since startTime after which the Job fails with DeadlineExceeded. */
  activeDeadlineSeconds?: number;
  /** Failed pods (or container restarts, with OnFailure) before the Job fails. @default 6 */
  backoffLimit?: number;
  /** Generated from metadata.uid unless manualSelector is true. */
  selector?: LabelSelector;
  /** @default unset (false): the apiserver generates the selector and pod labels */
  manualSelector?: boolean;
  template?: PodTemplateSpec;
  /** Seconds after Complete or Failed before the TTL controller deletes the Job. */
  ttlSecondsAfterFinished?: number;
  /** @default "NonIndexed" */
  completionMode?: CompletionMode;
  /** @default false */
  suspend?: boolean;
  /** @default "TerminatingOrFailed" ("Failed" with a podFailurePolicy) */
  podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed';
  podFailurePolicy?: { rules: unknown[] };
  successPolicy?: { rules: unknown[] };
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  managedBy?: string;
}

/** Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet. */
export interface JobCondition {
  type: string;
  status: ConditionStatus;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  ready?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}
