// apps/v1 field tables: Deployment and ReplicaSet
// ===============================================
// CONCEPT   `kubectl create deployment web --image=nginx --replicas=3` builds the Deployment with
//           its typed client, and typed clients send protobuf. These tables turn those bytes into
//           the JSON a `kubectl create -f` would have sent. Both kinds embed the core/v1
//           PodTemplateSpec (./pod.ts) and the meta/v1 LabelSelector (./meta.ts).
// REAL K8S  staging/src/k8s.io/api/apps/v1/generated.proto (v1.32): Deployment, DeploymentSpec,
//           DeploymentStrategy, RollingUpdateDeployment, DeploymentStatus, DeploymentCondition,
//           ReplicaSet, ReplicaSetSpec, ReplicaSetStatus, ReplicaSetCondition
// SHIPS     The fleet-plan form, read off the wire box by numbered box.
// EXAMPLE   DeploymentSpec bytes 08 03  =>  { replicas: 3 }
// SKIPPED   DeploymentSpec.podReplacementPolicy (10) and status.terminatingReplicas (9): v1.33 alpha.

import { LabelSelector, ObjectMeta } from './meta.ts';
import { PodTemplateSpec } from './pod.ts';
import { bool, int32, int64, intOrString, list, message, obj, ptr, str, time } from './schema.ts';

// ## Deployment
const RollingUpdateDeployment = message('RollingUpdateDeployment', {
  1: intOrString('maxUnavailable'),
  2: intOrString('maxSurge'),
});
const DeploymentStrategy = message('DeploymentStrategy', { 1: str('type'), 2: obj('rollingUpdate', RollingUpdateDeployment) });
const DeploymentCondition = message('DeploymentCondition', {
  1: str('type'),
  2: str('status'),
  6: time('lastUpdateTime'),
  7: time('lastTransitionTime'),
  4: str('reason'),
  5: str('message'),
});

/** apps/v1 Deployment. `replicas`, `revisionHistoryLimit`, `progressDeadlineSeconds` are *int32 in Go. */
export const Deployment = message('Deployment', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', message('DeploymentSpec', {
    1: ptr(int32('replicas')),
    2: obj('selector', LabelSelector),
    3: obj('template', PodTemplateSpec),
    4: obj('strategy', DeploymentStrategy),
    5: int32('minReadySeconds'),
    6: ptr(int32('revisionHistoryLimit')),
    7: bool('paused'),
    9: ptr(int32('progressDeadlineSeconds')),
  })),
  3: obj('status', message('DeploymentStatus', {
    1: int64('observedGeneration'),
    2: int32('replicas'),
    3: int32('updatedReplicas'),
    7: int32('readyReplicas'),
    4: int32('availableReplicas'),
    5: int32('unavailableReplicas'),
    6: list('conditions', DeploymentCondition),
    8: ptr(int32('collisionCount')),
  })),
});

// ## ReplicaSet
const ReplicaSetCondition = message('ReplicaSetCondition', {
  1: str('type'),
  2: str('status'),
  3: time('lastTransitionTime'),
  4: str('reason'),
  5: str('message'),
});

/** apps/v1 ReplicaSet: an RC with a structured selector. */
export const ReplicaSet = message('ReplicaSet', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', message('ReplicaSetSpec', {
    1: ptr(int32('replicas')),
    4: int32('minReadySeconds'),
    2: obj('selector', LabelSelector),
    3: obj('template', PodTemplateSpec),
  })),
  3: obj('status', message('ReplicaSetStatus', {
    1: int32('replicas'),
    2: int32('fullyLabeledReplicas'),
    4: int32('readyReplicas'),
    5: int32('availableReplicas'),
    3: int64('observedGeneration'),
    6: list('conditions', ReplicaSetCondition),
  })),
});
