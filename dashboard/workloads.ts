// Workload views: ReplicationControllers, ReplicaSets and Deployments on the big board
// ===================================================================================
// CONCEPT   Three kinds of object keep pods alive, and the page shows them the same way: how many
//           pods they want (spec.replicas), how many exist, how many are ready. They differ in
//           what stands between them and the pods:
//             - a ReplicationController (core/v1) owns its pods directly;
//             - a ReplicaSet (apps/v1) does too - the same loop with a set-based selector;
//             - a Deployment owns *ReplicaSets*, one per version of its pod template, numbered by
//               the `deployment.kubernetes.io/revision` annotation. Changing the template makes a
//               new ReplicaSet and moves the pods over, a few at a time (maxSurge, maxUnavailable).
//           So a pod's *workload* - the thing a person scales or rolls - is found by following
//           controller ownerReferences up: pod -> ReplicaSet -> Deployment, when there is one.
// REAL K8S  `kubectl get rc,rs,deploy` columns (pkg/printers/internalversion/printers.go:
//           printReplicationController, printReplicaSet, printDeployment); the revision annotation
//           in pkg/controller/deployment/util/deployment_util.go; following the controller ref is
//           metav1.GetControllerOf (apimachinery/pkg/apis/meta/v1/controller_ref.go).
// SHIPS     The standing orders (RC, ReplicaSet) and the fleet plan that issues one per refit (Deployment).
// EXAMPLE   workloadOf({ kind: 'ReplicaSet', name: 'besu-nodes-7c9d' }, 'default', rsSource)
//             => { kind: 'Deployment', name: 'besu-nodes' }
//           deploymentView(d) => { kind: 'Deployment', desired: 4, current: 5, updated: 2, revision: 2,
//                                  strategy: 'RollingUpdate (maxSurge 1, maxUnavailable 0)', ... }
// SKIPPED   StatefulSets, DaemonSets and Jobs (not served); owners more than two levels up.

import type { Deployment, ReplicaSet } from '../api/apps-types.ts';
import type { KubeObject, OwnerReference, PodTemplateSpec, ReplicationController } from '../api/types.ts';
import { revisionOf } from '../controllers/deployment-util.ts';
import type { WorkloadKind, WorkloadView } from './protocol.ts';
import type { HarbourSources } from './sources.ts';

/** The controller ownerReference of an object (metav1.GetControllerOf), or its first owner. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  return refs?.find((r) => r.controller) ?? refs?.[0];
}

/** What the model can look ReplicaSets up in (an informer's cache fits). */
export interface ReplicaSetLookup {
  get(key: string): ReplicaSet | undefined;
}

// @doc: dashboard-workload-of
// A pod of a Deployment is owned by a ReplicaSet, which the Deployment owns. The student thinks of
// "the besu-nodes Deployment", not of "besu-nodes-7c9d", so we climb one more step when the owner
// is a ReplicaSet with a Deployment above it. A ReplicaSet nobody owns (made by hand, or orphaned by
// `kubectl delete deploy --cascade=orphan`) is the workload itself.
/** The workload a pod belongs to: its owner, or the Deployment above its ReplicaSet. */
export function workloadOf(owner: { kind: string; name: string } | undefined, namespace: string, rss: ReplicaSetLookup): { kind: string; name: string } | undefined {
  if (!owner || owner.kind !== 'ReplicaSet') return owner;
  const rs = rss.get(`${namespace}/${owner.name}`);
  const up = rs && controllerOf(rs);
  return up?.kind === 'Deployment' ? { kind: 'Deployment', name: up.name } : owner;
}

/** The fields every workload view shares. */
function base(kind: WorkloadKind, obj: KubeObject & { spec: { replicas?: number; template?: PodTemplateSpec } }): WorkloadView {
  return {
    key: `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name ?? ''}`,
    kind,
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name ?? '',
    desired: obj.spec.replicas ?? 1,
    current: 0,
    ready: 0,
    images: (obj.spec.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
  };
}

/** A ReplicationController: DESIRED, CURRENT, READY as `kubectl get rc` prints them. */
export function rcView(rc: ReplicationController): WorkloadView {
  return { ...base('ReplicationController', rc), current: rc.status?.replicas ?? 0, ready: rc.status?.readyReplicas ?? 0 };
}

/** A ReplicaSet: its counts, its revision and the Deployment that owns it (if any). */
export function replicaSetView(rs: ReplicaSet): WorkloadView {
  const view: WorkloadView = { ...base('ReplicaSet', rs), current: rs.status?.replicas ?? 0, ready: rs.status?.readyReplicas ?? 0 };
  const revision = revisionOf(rs);
  if (revision > 0) view.revision = revision;
  const owner = controllerOf(rs);
  if (owner?.kind === 'Deployment') view.deployment = owner.name;
  return view;
}

/** A Deployment: READY, UP-TO-DATE and AVAILABLE as `kubectl get deploy` prints them, its revision and strategy. */
export function deploymentView(d: Deployment): WorkloadView {
  const s = d.status ?? {};
  const view: WorkloadView = {
    ...base('Deployment', d),
    current: s.replicas ?? 0, ready: s.readyReplicas ?? 0, updated: s.updatedReplicas ?? 0, available: s.availableReplicas ?? 0,
    strategy: strategyText(d),
  };
  const revision = revisionOf(d);
  if (revision > 0) view.revision = revision;
  if (d.spec.paused) view.paused = true;
  return view;
}

/** "RollingUpdate (maxSurge 1, maxUnavailable 0)" or "Recreate"; the defaults are 25% each. */
export function strategyText(d: Deployment): string {
  const st = d.spec.strategy;
  if (st?.type === 'Recreate') return 'Recreate';
  const ru = st?.rollingUpdate ?? {};
  return `RollingUpdate (maxSurge ${ru.maxSurge ?? '25%'}, maxUnavailable ${ru.maxUnavailable ?? '25%'})`;
}

/** The protocol's change type for each workload kind. */
export type WorkloadChange = 'rc' | 'deploy' | 'rs';

/** The view of one workload, read from its informer's cache; undefined when it is gone. */
export function workloadView(t: WorkloadChange, key: string, sources: Pick<HarbourSources, 'replicationcontrollers' | 'deployments' | 'replicasets'>): WorkloadView | undefined {
  if (t === 'rc') {
    const rc = sources.replicationcontrollers.get(key);
    return rc && rcView(rc);
  }
  if (t === 'deploy') {
    const d = sources.deployments.get(key);
    return d && deploymentView(d);
  }
  const rs = sources.replicasets.get(key);
  return rs && replicaSetView(rs);
}
