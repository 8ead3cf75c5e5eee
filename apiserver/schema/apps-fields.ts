// Known fields of the apps/v1 kinds: Deployment and ReplicaSet
// ============================================================
// CONCEPT   The JSON field names of apps/v1 Deployment and ReplicaSet, so that
//           `?fieldValidation=Strict` (kubectl create, apply, replace) refuses a typo such as
//           `spec.replica` or `strategy.rollingUpdate.maxSurges` instead of silently dropping it.
//           Both embed the same PodTemplateSpec a ReplicationController does.
// REAL K8S  staging/src/k8s.io/api/apps/v1/types.go (v1.32): DeploymentSpec, DeploymentStrategy,
//           RollingUpdateDeployment, DeploymentStatus, DeploymentCondition, ReplicaSetSpec,
//           ReplicaSetStatus, ReplicaSetCondition
// SHIPS     The newer blank forms of the replication office.
// EXAMPLE   knownFieldsForKind("Deployment").spec.strategy.rollingUpdate  =>  { maxUnavailable, maxSurge }
// SKIPPED   spec.rollbackTo (extensions/v1beta1 and apps/v1beta1 only, not in apps/v1);
//           status.terminatingReplicas (added in v1.33).

import { labelSelector, objectHeader } from './meta-fields.ts';
import { podTemplateSpec } from './pod-fields.ts';
import { listOf, scalars, type Fields } from './shape.ts';

// ## Deployment
const deploymentSpec: Fields = {
  ...scalars('replicas', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'),
  selector: labelSelector,
  template: podTemplateSpec,
  strategy: { ...scalars('type'), rollingUpdate: scalars('maxUnavailable', 'maxSurge') },
};
const deploymentStatus: Fields = {
  ...scalars('observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'),
  conditions: listOf(scalars('type', 'status', 'lastUpdateTime', 'lastTransitionTime', 'reason', 'message')),
};
export const deployment: Fields = { ...objectHeader, spec: deploymentSpec, status: deploymentStatus };

// ## ReplicaSet
const replicaSetSpec: Fields = {
  ...scalars('replicas', 'minReadySeconds'),
  selector: labelSelector,
  template: podTemplateSpec,
};
const replicaSetStatus: Fields = {
  ...scalars('replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'),
  conditions: listOf(scalars('type', 'status', 'lastTransitionTime', 'reason', 'message')),
};
export const replicaSet: Fields = { ...objectHeader, spec: replicaSetSpec, status: replicaSetStatus };
