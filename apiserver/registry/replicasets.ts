// ReplicaSets: the apps/v1 "keep N copies of this pod running"
// ============================================================
// CONCEPT   A ReplicaSet is a ReplicationController with a structured selector (matchLabels and
//           matchExpressions) that may not change after creation. Students rarely write one by
//           hand: a Deployment creates one per version of its template, named after the
//           template's hash. The apiserver defaults replicas to 1 and checks the selector and
//           template fit (workloads.ts); the ReplicaSet controller does the counting.
// REAL K8S  pkg/registry/apps/replicaset/strategy.go, pkg/apis/apps/v1/defaults.go
//           (SetDefaults_ReplicaSet), pkg/apis/apps/validation/validation.go (ValidateReplicaSet,
//           ValidateReplicaSetUpdate), pkg/printers/internalversion/printers.go (printReplicaSet)
// SHIPS     A standing order at the replication office, written on the newer form.
// EXAMPLE   kubectl get rs  =>  NAME             DESIRED   CURRENT   READY   AGE
//                              web-5d4f8c6b9    3         3         3       2m
// SKIPPED   the extensions/v1beta1 and apps/v1beta2 versions (apps/v1 only).

import type { ReplicaSet } from '../../api/apps-types.ts';
import type { KubeObject, StatusCause } from '../../api/types.ts';
import { required } from '../status.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';
import { containerCells, defaultPodTemplate, nonNegative, selectorImmutable, selectorText, validateSelectorAndTemplate } from './workloads.ts';

const asRS = (obj: KubeObject) => obj as ReplicaSet;

function validateReplicaSet(rs: ReplicaSet): StatusCause[] {
  if (!rs.spec || typeof rs.spec !== 'object') return [required('spec')];
  return [
    ...nonNegative(rs.spec.replicas, 'spec.replicas'),
    ...nonNegative(rs.spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(rs.spec, 'deployment'),
  ];
}

export const replicaSetStrategy: Strategy = {
  // apps/v1 (and core/v1) delete dependents in the background unless told otherwise (registry strategy.go).
  defaultGarbageCollectionPolicy: 'DeleteDependents',
  defaults(obj) {
    const rs = asRS(obj);
    if (!rs.spec || typeof rs.spec !== 'object') return;
    rs.spec.replicas ??= 1;
    defaultPodTemplate(rs.spec.template);
  },
  prepareForCreate(obj) {
    asRS(obj).status = { replicas: 0 };
  },
  prepareForUpdate(obj, old) {
    asRS(obj).status = asRS(old).status;
  },
  validate: (obj) => validateReplicaSet(asRS(obj)),
  validateUpdate(obj, old) {
    const causes = validateReplicaSet(asRS(obj));
    return [...causes, ...selectorImmutable(asRS(obj).spec?.selector, asRS(old).spec?.selector)];
  },
  fields: (obj) => ({ 'status.replicas': String(asRS(obj).status?.replicas ?? 0) }),
  selectableFields: ['status.replicas'],
  table: {
    columns: [
      NAME_COLUMN,
      column('Desired', 'integer', 'Replicas is the number of desired pods.'),
      column('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods.'),
      column('Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      AGE_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.', 1),
      column('Images', 'string', 'Images referenced by each container in the template.', 1),
      column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    cells(obj, now) {
      const rs = asRS(obj);
      const [containers, images] = containerCells(rs.spec?.template);
      return [
        rs.metadata.name,
        rs.spec?.replicas ?? 0,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        humanAge(rs.metadata.creationTimestamp, now),
        containers,
        images,
        selectorText(rs.spec?.selector),
      ];
    },
  },
};
