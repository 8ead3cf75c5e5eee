// Deployments: a pod template that rolls out, one ReplicaSet per version
// ======================================================================
// CONCEPT   A Deployment is what every Kubernetes tutorial starts with. The apiserver fills in the
//           defaults the rollout needs - replicas 1, strategy RollingUpdate with maxSurge and
//           maxUnavailable 25%, keep 10 old ReplicaSets for undo, give up on progress after 600 s -
//           and refuses a Deployment that could never roll out: no selector, a selector that does
//           not match the template, maxSurge and maxUnavailable both 0 (nothing could ever move),
//           a `rollingUpdate` block on a Recreate strategy. The selector is frozen after creation.
//           Every change of spec bumps metadata.generation; the controller answers with
//           status.observedGeneration, which is how `kubectl rollout status` knows it was seen.
// REAL K8S  pkg/registry/apps/deployment/strategy.go, pkg/apis/apps/v1/defaults.go
//           (SetDefaults_Deployment), pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
//           ValidateDeploymentStrategy, ValidateRollingUpdateDeployment, ValidatePositiveIntOrPercent),
//           pkg/printers/internalversion/printers.go (printDeployment)
// SHIPS     The fleet plan: "three Besu containers of this build; refit them two at a time".
// EXAMPLE   { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }
//           => 422 spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0
// SKIPPED   spec.rollbackTo (extensions/v1beta1 only; `kubectl rollout undo` patches the template).

import type { Deployment, DeploymentStrategy, IntOrPercent } from '../../api/apps-types.ts';
import type { KubeObject, StatusCause } from '../../api/types.ts';
import { cause, required } from '../status.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';
import { containerCells, defaultPodTemplate, nonNegative, selectorImmutable, selectorText, validateSelectorAndTemplate } from './workloads.ts';

const asDeployment = (obj: KubeObject) => obj as Deployment;

// ## Defaults (SetDefaults_Deployment)
function defaultDeployment(d: Deployment): void {
  d.spec.replicas ??= 1;
  const strategy = (d.spec.strategy ??= {});
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = (strategy.rollingUpdate ??= {});
    rolling.maxUnavailable ??= '25%';
    rolling.maxSurge ??= '25%';
  }
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(d.spec.template);
}

// ## Validation
/** ValidatePositiveIntOrPercent plus IsNotMoreThan100Percent when `max100`. */
function intOrPercent(value: IntOrPercent | undefined, field: string, max100: boolean): StatusCause[] {
  if (typeof value === 'number') return nonNegative(value, field);
  if (typeof value !== 'string') return [];
  if (!/^[0-9]+%$/.test(value)) {
    return [cause(field, `Invalid value: "${value}": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`)];
  }
  if (max100 && Number.parseInt(value, 10) > 100) return [cause(field, `Invalid value: "${value}": must not be greater than 100%`)];
  return [];
}

/** The number an int-or-percent names, ignoring its base: "0%" and 0 are both zero. */
const magnitude = (v: IntOrPercent | undefined) => (typeof v === 'number' ? v : Number.parseInt(String(v ?? '0'), 10) || 0);

function validateStrategy(strategy: DeploymentStrategy | undefined): StatusCause[] {
  const path = 'spec.strategy';
  if (strategy?.type === 'Recreate') {
    return strategy.rollingUpdate ? [cause(`${path}.rollingUpdate`, "Forbidden: may not be specified when strategy `type` is 'Recreate'", 'FieldValueForbidden')] : [];
  }
  if (strategy?.type !== 'RollingUpdate') {
    return [cause(`${path}.type`, `Unsupported value: ${JSON.stringify(strategy?.type)}: supported values: "Recreate", "RollingUpdate"`, 'FieldValueNotSupported')];
  }
  const rolling = strategy.rollingUpdate;
  if (!rolling) return [required(`${path}.rollingUpdate`)];
  const causes = [
    ...intOrPercent(rolling.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`, true),
    ...intOrPercent(rolling.maxSurge, `${path}.rollingUpdate.maxSurge`, false),
  ];
  if (magnitude(rolling.maxUnavailable) === 0 && magnitude(rolling.maxSurge) === 0) {
    causes.push(cause(`${path}.rollingUpdate.maxUnavailable`, `Invalid value: ${JSON.stringify(rolling.maxUnavailable)}: may not be 0 when \`maxSurge\` is 0`));
  }
  return causes;
}

function validateDeployment(d: Deployment): StatusCause[] {
  const spec = d.spec;
  if (!spec || typeof spec !== 'object') return [required('spec')];
  const causes = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...validateSelectorAndTemplate(spec, 'deployment'),
    ...validateStrategy(spec.strategy),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
    ...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'),
  ];
  // A deadline shorter than minReadySeconds would time out before any pod could count as available.
  if (typeof spec.progressDeadlineSeconds === 'number' && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
    causes.push(cause('spec.progressDeadlineSeconds', `Invalid value: ${spec.progressDeadlineSeconds}: must be greater than minReadySeconds`));
  }
  return causes;
}

export const deploymentStrategy: Strategy = {
  // apps/v1 (and core/v1) delete dependents in the background unless told otherwise (registry strategy.go).
  defaultGarbageCollectionPolicy: 'DeleteDependents',
  defaults(obj) {
    const d = asDeployment(obj);
    if (d.spec && typeof d.spec === 'object') defaultDeployment(d);
  },
  prepareForCreate(obj) {
    asDeployment(obj).status = {};
  },
  prepareForUpdate(obj, old) {
    asDeployment(obj).status = asDeployment(old).status;
  },
  validate: (obj) => validateDeployment(asDeployment(obj)),
  validateUpdate(obj, old) {
    const causes = validateDeployment(asDeployment(obj));
    return [...causes, ...selectorImmutable(asDeployment(obj).spec?.selector, asDeployment(old).spec?.selector)];
  },
  table: {
    columns: [
      NAME_COLUMN,
      column('Ready', 'string', 'Number of the pod with ready state'),
      column('Up-to-date', 'string', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
      column('Available', 'string', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE_COLUMN,
      column('Containers', 'string', 'Names of each container in the template.', 1),
      column('Images', 'string', 'Images referenced by each container in the template.', 1),
      column('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells(obj, now) {
      const d = asDeployment(obj);
      const [containers, images] = containerCells(d.spec?.template);
      return [
        d.metadata.name,
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        humanAge(d.metadata.creationTimestamp, now),
        containers,
        images,
        selectorText(d.spec?.selector),
      ];
    },
  },
};
