// Known fields of batch/v1 Job
// ============================
// CONCEPT   The JSON field names and Go types of a Job, so that `?fieldValidation=Strict`
//           refuses a typo such as `spec.completion` or `spec.backofflimit`, and a value of the
//           wrong type (`"completions": "three"`) is a 400 before any validation runs. The pod
//           template is the same PodTemplateSpec a ReplicaSet carries.
// REAL K8S  staging/src/k8s.io/api/batch/v1/types.go (v1.32): JobSpec, PodFailurePolicy,
//           PodFailurePolicyRule, SuccessPolicy, JobStatus, JobCondition, UncountedTerminatedPods
// SHIPS     The work order form.
// EXAMPLE   knownFieldsForKind("Job").spec.backoffLimit  =>  int32
// SKIPPED   CronJob (not served).

import { labelSelector, objectHeader } from './meta-fields.ts';
import { podTemplateSpec } from './pod-fields.ts';
import { bool, int32, int64, listOf, named, str, struct, time, type Fields } from './shape.ts';

// ## podFailurePolicy and successPolicy: rules the controller would match failed pods against
const podFailurePolicyRule: Fields = struct('PodFailurePolicyRule', {
  action: named('v1.PodFailurePolicyAction'),
  onExitCodes: struct('PodFailurePolicyOnExitCodesRequirement', {
    containerName: str, operator: named('v1.PodFailurePolicyOnExitCodesOperator'), values: listOf(int32),
  }),
  onPodConditions: listOf(struct('PodFailurePolicyOnPodConditionsPattern', { type: named('v1.PodConditionType'), status: named('v1.ConditionStatus') })),
});
const successPolicyRule: Fields = struct('SuccessPolicyRule', { succeededIndexes: str, succeededCount: int32 });

const jobSpec: Fields = struct('JobSpec', {
  parallelism: int32,
  completions: int32,
  activeDeadlineSeconds: int64,
  podFailurePolicy: struct('PodFailurePolicy', { rules: listOf(podFailurePolicyRule) }),
  successPolicy: struct('SuccessPolicy', { rules: listOf(successPolicyRule) }),
  backoffLimit: int32,
  backoffLimitPerIndex: int32,
  maxFailedIndexes: int32,
  selector: labelSelector,
  manualSelector: bool,
  template: podTemplateSpec,
  ttlSecondsAfterFinished: int32,
  completionMode: named('v1.CompletionMode'),
  suspend: bool,
  podReplacementPolicy: named('v1.PodReplacementPolicy'),
  managedBy: str,
});

const jobStatus: Fields = struct('JobStatus', {
  conditions: listOf(struct('JobCondition', {
    type: named('v1.JobConditionType'), status: named('v1.ConditionStatus'), lastProbeTime: time, lastTransitionTime: time, reason: str, message: str,
  })),
  startTime: time,
  completionTime: time,
  active: int32,
  succeeded: int32,
  failed: int32,
  terminating: int32,
  completedIndexes: str,
  failedIndexes: str,
  uncountedTerminatedPods: struct('UncountedTerminatedPods', { succeeded: listOf(named('types.UID')), failed: listOf(named('types.UID')) }),
  ready: int32,
});

/** batch/v1 Job. */
export const job: Fields = { ...objectHeader, spec: jobSpec, status: jobStatus };
