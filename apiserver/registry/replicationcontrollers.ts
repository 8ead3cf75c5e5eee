// ReplicationControllers: "keep N copies of this pod running"
// ===========================================================
// CONCEPT   An RC holds a desired count, a label selector and a pod template. The apiserver only
//           checks it is coherent: replicas not negative, and a selector that matches the template's
//           labels (otherwise the RC would create pods it can never count, forever). The replication
//           controller in kube-controller-manager does the actual counting.
// REAL K8S  pkg/registry/core/replicationcontroller/strategy.go, pkg/apis/core/v1/defaults.go
//           (SetDefaults_ReplicationController), validation.go (ValidateReplicationController)
// SHIPS     A standing order at the replication office: "always six Besu containers afloat".
// EXAMPLE   { replicas: -1 }  =>  422 'ReplicationController "besu" is invalid: spec.replicas:
//           Invalid value: -1: must be greater than or equal to 0'
// SKIPPED   minReadySeconds semantics beyond storing it.

import type { KubeObject, ReplicationController } from '../../api/types.ts';
import { cause, required } from '../status.ts';
import { podStrategy, validatePodSpec } from './pods.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';

const asRC = (obj: KubeObject) => obj as ReplicationController;

function selectorText(selector: Record<string, string> | undefined): string {
  return Object.entries(selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
}

export const replicationControllerStrategy: Strategy = {
  // apps/v1 (and core/v1) delete dependents in the background unless told otherwise (registry strategy.go).
  defaultGarbageCollectionPolicy: 'DeleteDependents',
  defaults(obj) {
    const rc = asRC(obj);
    if (!rc.spec || typeof rc.spec !== 'object') return;
    const labels = rc.spec.template?.metadata?.labels;
    // An RC without a selector selects its template's labels, as SetDefaults_ReplicationController.
    if (!rc.spec.selector || Object.keys(rc.spec.selector).length === 0) {
      if (labels) rc.spec.selector = { ...labels };
    }
    if (!rc.metadata.labels && labels) rc.metadata.labels = { ...labels };
    rc.spec.replicas ??= 1;
    rc.spec.minReadySeconds ??= 0;
    if (rc.spec.template?.spec) {
      podStrategy.defaults!({ metadata: rc.spec.template.metadata ?? {}, spec: rc.spec.template.spec });
      rc.spec.template.metadata ??= {};
      rc.spec.template.metadata.creationTimestamp ??= undefined;
    }
  },
  prepareForCreate(obj) {
    asRC(obj).status = { replicas: 0 };
  },
  prepareForUpdate(obj, old) {
    asRC(obj).status = asRC(old).status;
  },
  validate(obj) {
    const rc = asRC(obj);
    const causes = [];
    if (!rc.spec || typeof rc.spec !== 'object') return [required('spec')];
    const replicas = rc.spec.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      causes.push(cause('spec.replicas', `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`));
    }
    const selector = rc.spec.selector ?? {};
    if (Object.keys(selector).length === 0) causes.push(required('spec.selector'));
    if (!rc.spec.template) {
      causes.push(required('spec.template'));
      return causes;
    }
    const labels = rc.spec.template.metadata?.labels ?? {};
    if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
      causes.push(cause('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``));
    }
    causes.push(...validatePodSpec(rc.spec.template.spec, 'spec.template.spec'));
    if (rc.spec.template.spec?.restartPolicy && rc.spec.template.spec.restartPolicy !== 'Always') {
      causes.push(cause('spec.template.spec.restartPolicy', `Unsupported value: "${rc.spec.template.spec.restartPolicy}": supported values: "Always"`, 'FieldValueNotSupported'));
    }
    return causes;
  },
  fields: (obj) => ({ 'status.replicas': String(asRC(obj).status?.replicas ?? 0) }),
  selectableFields: ['status.replicas'],
  table: {
    columns: [
      NAME_COLUMN,
      column('Desired', 'integer', 'Number of desired pods.'),
      column('Current', 'integer', 'Number of actually running pods.'),
      column('Ready', 'integer', 'Number of pods ready.'),
      AGE_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.', 1),
      column('Images', 'string', 'Images referenced by each container in the template.', 1),
      column('Selector', 'string', 'Label selector for pods.', 1),
    ],
    cells(obj, now) {
      const rc = asRC(obj);
      const containers = rc.spec?.template?.spec?.containers ?? [];
      return [
        rc.metadata.name,
        rc.spec?.replicas ?? 0,
        rc.status?.replicas ?? 0,
        rc.status?.readyReplicas ?? 0,
        humanAge(rc.metadata.creationTimestamp, now),
        containers.map((c) => c.name).join(','),
        containers.map((c) => c.image).join(','),
        selectorText(rc.spec?.selector),
      ];
    },
  },
};
