// batch/v1 field tables: Job
// ==========================
// CONCEPT   `kubectl create job hello --image=busybox -- echo hello` builds the Job with its typed
//           client, and typed clients send protobuf. This table turns those bytes into the JSON a
//           `kubectl create -f` would have sent. The Job embeds the core/v1 PodTemplateSpec
//           (./pod.ts) and the meta/v1 LabelSelector (./meta.ts).
// REAL K8S  staging/src/k8s.io/api/batch/v1/generated.proto (v1.32): Job, JobSpec, JobStatus,
//           JobCondition, PodFailurePolicy(+Rule, +OnExitCodesRequirement, +OnPodConditionsPattern),
//           SuccessPolicy(+Rule), UncountedTerminatedPods
// SHIPS     The one-off voyage order, read off the wire box by numbered box.
// EXAMPLE   JobSpec bytes 08 02 10 05  =>  { parallelism: 2, completions: 5 }
// SKIPPED   CronJob and JobTemplateSpec (not served).

import { LabelSelector, ObjectMeta } from './meta.ts';
import { PodTemplateSpec } from './pod.ts';
import { bool, int32, int64, list, message, obj, ptr, str, strings, time, type Field } from './schema.ts';

const int32s = (json: string): Field => ({ json, type: 'int32', repeated: true });

const PodFailurePolicyRule = message('PodFailurePolicyRule', {
  1: str('action'),
  2: obj('onExitCodes', message('PodFailurePolicyOnExitCodesRequirement', { 1: ptr(str('containerName')), 2: str('operator'), 3: int32s('values') })),
  3: list('onPodConditions', message('PodFailurePolicyOnPodConditionsPattern', { 1: str('type'), 2: str('status') })),
});
const SuccessPolicyRule = message('SuccessPolicyRule', { 1: ptr(str('succeededIndexes')), 2: ptr(int32('succeededCount')) });

// Nearly every JobSpec field is a Go pointer: `completions: 0` on the wire means zero, not unset.
const JobSpec = message('JobSpec', {
  1: ptr(int32('parallelism')),
  2: ptr(int32('completions')),
  3: ptr(int64('activeDeadlineSeconds')),
  11: obj('podFailurePolicy', message('PodFailurePolicy', { 1: list('rules', PodFailurePolicyRule) })),
  16: obj('successPolicy', message('SuccessPolicy', { 1: list('rules', SuccessPolicyRule) })),
  7: ptr(int32('backoffLimit')),
  12: ptr(int32('backoffLimitPerIndex')),
  13: ptr(int32('maxFailedIndexes')),
  4: obj('selector', LabelSelector),
  5: ptr(bool('manualSelector')),
  6: obj('template', PodTemplateSpec),
  8: ptr(int32('ttlSecondsAfterFinished')),
  9: ptr(str('completionMode')),
  10: ptr(bool('suspend')),
  14: ptr(str('podReplacementPolicy')),
  15: ptr(str('managedBy')),
});

const JobCondition = message('JobCondition', {
  1: str('type'),
  2: str('status'),
  3: time('lastProbeTime'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});

const JobStatus = message('JobStatus', {
  1: list('conditions', JobCondition),
  2: time('startTime'),
  3: time('completionTime'),
  4: int32('active'),
  5: int32('succeeded'),
  6: int32('failed'),
  11: ptr(int32('terminating')),
  7: str('completedIndexes'),
  10: ptr(str('failedIndexes')),
  8: obj('uncountedTerminatedPods', message('UncountedTerminatedPods', { 1: strings('succeeded'), 2: strings('failed') })),
  9: ptr(int32('ready')),
});

/** batch/v1 Job. */
export const Job = message('Job', { 1: obj('metadata', ObjectMeta), 2: obj('spec', JobSpec), 3: obj('status', JobStatus) });
