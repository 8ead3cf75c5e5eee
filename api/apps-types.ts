// apps/v1 object types: Deployments and ReplicaSets
// ==================================================
// CONCEPT   A ReplicaSet is the ReplicationController's successor: the same "keep N copies of this
//           pod" order, but with a structured label selector (matchLabels and matchExpressions).
//           A Deployment sits one level higher: it owns ReplicaSets, one per version of its pod
//           template, and moves pods from the old one to the new one when the template changes.
// REAL K8S  staging/src/k8s.io/api/apps/v1/types.go (v1.32)
// SHIPS     The standing order (ReplicaSet) and the fleet plan that issues a new order per refit (Deployment).
// EXAMPLE   { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
//             spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: {...} } }
// SKIPPED   StatefulSet, DaemonSet, ControllerRevision; status.terminatingReplicas (v1.33 alpha).

import type { ConditionStatus, KubeObject, LabelSelector, PodTemplateSpec } from './types.ts';

/** An int-or-string that counts pods: 2, or "25%" of the desired replicas. */
export type IntOrPercent = number | string;

/** The conditions of apps/v1 status: Available, Progressing, ReplicaFailure. */
export interface AppsCondition {
  type: string;
  status: ConditionStatus;
  /** Deployments only: the last time the controller looked and found this still true. */
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

// ## ReplicaSet

export interface ReplicaSetSpec {
  /** @default 1 */
  replicas?: number;
  /** @default 0 */
  minReadySeconds?: number;
  /** Required, and must match the template's labels. */
  selector?: LabelSelector;
  template?: PodTemplateSpec;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: AppsCondition[];
}

export interface ReplicaSet extends KubeObject {
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

// ## Deployment

export interface RollingUpdateDeployment {
  /** How many pods may be missing during the update. @default "25%" (rounded down) */
  maxUnavailable?: IntOrPercent;
  /** How many pods may exist above `replicas` during the update. @default "25%" (rounded up) */
  maxSurge?: IntOrPercent;
}

export interface DeploymentStrategy {
  /** @default "RollingUpdate" */
  type?: 'RollingUpdate' | 'Recreate';
  rollingUpdate?: RollingUpdateDeployment;
}

export interface DeploymentSpec {
  /** @default 1 */
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  /** @default 0 */
  minReadySeconds?: number;
  /** Old ReplicaSets kept for `kubectl rollout undo`. @default 10 */
  revisionHistoryLimit?: number;
  paused?: boolean;
  /** After this long without progress the Progressing condition turns False. @default 600 */
  progressDeadlineSeconds?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: AppsCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}
