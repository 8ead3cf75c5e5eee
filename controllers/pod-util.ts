// Pod facts the controllers agree on: ready, active, available, owned, which port
// ===============================================================================
// CONCEPT   Several controllers ask the same questions about a pod, and they must answer them the
//           same way or they fight: "is it ready?" (its Ready condition is True), "does it still
//           count?" (active: not Succeeded, not Failed, not being deleted), "has it been ready long
//           enough?" (available: ready for minReadySeconds), "who manages it?" (the ownerReference
//           with controller: true), "which port does Service port 'rpc' reach on it?".
// REAL K8S  pkg/api/v1/pod/util.go (IsPodReady, IsPodAvailable, UpdatePodCondition, FindPort),
//           pkg/controller/controller_utils.go (IsPodActive, FilterActivePods),
//           apimachinery/pkg/apis/meta/v1/controller_ref.go (GetControllerOf, NewControllerRef)
// SHIPS     The checklist every office reads a container's tag with, so no two offices disagree.
// EXAMPLE   isPodReady({ status: { conditions: [{ type: "Ready", status: "True" }] } })  => true
//           findPort(pod with containerPort 8545 named "rpc", { port: 80, targetPort: "rpc" })  => 8545
// SKIPPED   restartable init containers (sidecars) in findPort; pod readiness gates.

import type { KubeObject, OwnerReference, Pod, PodCondition, PodStatus, ServicePort } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';

/** The condition of `type` in a pod's status, if any (GetPodCondition). */
export function getPodCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

/** True when the pod's Ready condition is True (IsPodReady): it may receive traffic. */
export function isPodReady(pod: Pod): boolean {
  return getPodCondition(pod, 'Ready')?.status === 'True';
}

/** True when the pod finished for good: phase Succeeded or Failed (IsPodTerminal). */
export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * True when the pod still counts towards a controller's replicas (IsPodActive): not finished and
 * not being deleted. A pod with a deletionTimestamp is on its way out, so we already replace it.
 */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/**
 * True when the pod has been ready for at least `minReadySeconds` (IsPodAvailable). The wait is a
 * Kubernetes duration, so we measure it on the (scaled) clock.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, clock: Clock): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = getPodCondition(pod, 'Ready')?.lastTransitionTime;
  return since !== undefined && clock.since(since) >= minReadySeconds * 1000;
}

/**
 * Sets a condition on a *draft* status (use inside immer's `produce`), as UpdatePodCondition does:
 * lastTransitionTime moves only when the status flips. Returns false when nothing changed, so the
 * caller can skip the write.
 */
export function setPodCondition(status: PodStatus, condition: PodCondition, now: string): boolean {
  const conditions = (status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === condition.type);
  if (i < 0) {
    conditions.push({ lastProbeTime: null, lastTransitionTime: now, ...condition });
    return true;
  }
  const old = conditions[i];
  if (old.status === condition.status && old.reason === condition.reason && old.message === condition.message) return false;
  conditions[i] = {
    ...old, ...condition,
    lastTransitionTime: old.status === condition.status ? old.lastTransitionTime : now,
  };
  return true;
}

/** The ownerReference with controller: true (GetControllerOf): the one object that manages this one. */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The reference a controller stamps on what it creates (NewControllerRef). */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/**
 * The container port a Service port reaches on this pod (FindPort). A number is used as it is; a
 * name is looked up among the containers' named ports with the same protocol. Undefined: this
 * pod does not serve that port (the endpoints controller then leaves the pod out for that port).
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  for (const container of pod.spec.containers ?? []) {
    for (const p of container.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}
