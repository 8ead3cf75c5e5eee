// Pods: defaults, validation and the columns of `kubectl get pods`
// ================================================================
// CONCEPT   A Pod is the unit the scheduler places and the kubelet runs. The apiserver fills in the
//           defaults every pod gets (restartPolicy Always, 30 s grace, the 300 s not-ready and
//           unreachable tolerations), refuses pods that could never run (no containers, duplicate
//           names, "2 cores" as a quantity), and keeps the spec frozen once created: only images and
//           added tolerations may change, as in Kubernetes.
// REAL K8S  pkg/registry/core/pod/strategy.go, pkg/apis/core/v1/defaults.go,
//           pkg/apis/core/validation/validation.go (ValidatePod, ValidatePodUpdate),
//           plugin/pkg/admission/defaulttolerationseconds/admission.go, pkg/printers/internalversion/printers.go (printPod)
// SHIPS     The container manifest form: what must be filled in, and what is stamped on by default.
// EXAMPLE   { containers: [{ name: "besu", image: "hyperledger/besu:24.1" }] }
//           => restartPolicy "Always", tolerations [not-ready 300s, unreachable 300s], status.phase "Pending"
// SKIPPED   Volumes, init-container ordering rules, security contexts, ephemeral containers.

import type { Container, KubeObject, Pod, PodSpec, StatusCause, Toleration } from '../../api/types.ts';
import { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE } from '../../api/types.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../../api/names.ts';
import { parseQuantity, compareQuantity } from '../../api/quantity.ts';
import { cause, required } from '../status.ts';
import { sameJson } from './store.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';

const asPod = (obj: KubeObject) => obj as Pod;

// ## Defaults: what every pod is given when the client leaves it out.
function defaultContainer(c: Container): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (!c.imagePullPolicy) {
    const tag = c.image?.includes(':') ? c.image.slice(c.image.lastIndexOf(':') + 1) : '';
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  c.resources ??= {};
  // A limit without a request means "request the same", as SetDefaults_Container does.
  if (c.resources.limits) {
    c.resources.requests = { ...c.resources.limits, ...(c.resources.requests ?? {}) };
  }
}

/** DefaultTolerationSeconds admission: every pod tolerates a lost node for 300 s before eviction. */
function defaultTolerations(spec: PodSpec): void {
  const tolerations: Toleration[] = (spec.tolerations ??= []);
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    const has = tolerations.some((t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
}

/** Guaranteed, Burstable or BestEffort, from requests and limits (pkg/apis/core/helper/qos). */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(spec.initContainers ?? []), ...spec.containers];
  const any = all.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = all.every((c) =>
    ['cpu', 'memory'].every((r) => {
      const limit = c.resources?.limits?.[r];
      const request = c.resources?.requests?.[r];
      return limit !== undefined && (request === undefined || request === limit);
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// ## Validation: refuse what could never run, with the field that is wrong.
function validateContainers(list: Container[] | undefined, path: string, causes: StatusCause[]): void {
  const seen = new Set<string>();
  (list ?? []).forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!c || typeof c !== 'object') return void causes.push(cause(at, 'must be an object'));
    if (!c.name) causes.push(required(`${at}.name`));
    else {
      for (const m of isDNS1123Label(c.name)) causes.push(cause(`${at}.name`, `Invalid value: "${c.name}": ${m}`));
      if (seen.has(c.name)) causes.push(cause(`${at}.name`, `Duplicate value: "${c.name}"`, 'FieldValueDuplicate'));
      seen.add(c.name);
    }
    if (!c.image) causes.push(required(`${at}.image`));
    (c.ports ?? []).forEach((p, j) => {
      if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
        causes.push(cause(`${at}.ports[${j}].containerPort`, `Invalid value: ${JSON.stringify(p.containerPort)}: must be between 1 and 65535, inclusive`));
      }
    });
    validateResources(c, at, causes);
  });
}

function validateResources(c: Container, at: string, causes: StatusCause[]): void {
  for (const kind of ['requests', 'limits'] as const) {
    for (const [name, value] of Object.entries(c.resources?.[kind] ?? {})) {
      try {
        if (parseQuantity(value).value < 0) causes.push(cause(`${at}.resources.${kind}.${name}`, `Invalid value: "${value}": must be greater than or equal to 0`));
      } catch {
        causes.push(cause(`${at}.resources.${kind}.${name}`, `Invalid value: "${value}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`));
      }
    }
  }
  for (const [name, request] of Object.entries(c.resources?.requests ?? {})) {
    const limit = c.resources?.limits?.[name];
    try {
      if (limit !== undefined && compareQuantity(parseQuantity(request), parseQuantity(limit)) > 0) {
        causes.push(cause(`${at}.resources.requests`, `Invalid value: "${request}": must be less than or equal to ${name} limit of ${limit}`));
      }
    } catch {
      // already reported above
    }
  }
}

export function validatePodSpec(spec: PodSpec | undefined, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!spec || typeof spec !== 'object') return [required(path)];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) causes.push(required(`${path}.containers`));
  validateContainers(spec.containers, `${path}.containers`, causes);
  validateContainers(spec.initContainers, `${path}.initContainers`, causes);
  if (spec.restartPolicy && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    causes.push(cause(`${path}.restartPolicy`, `Unsupported value: "${spec.restartPolicy}": supported values: "Always", "OnFailure", "Never"`, 'FieldValueNotSupported'));
  }
  if (spec.nodeName) for (const m of isDNS1123Subdomain(spec.nodeName)) causes.push(cause(`${path}.nodeName`, `Invalid value: "${spec.nodeName}": ${m}`));
  (spec.tolerations ?? []).forEach((t, i) => {
    if (t.operator && !['Exists', 'Equal'].includes(t.operator)) {
      causes.push(cause(`${path}.tolerations[${i}].operator`, `Unsupported value: "${t.operator}": supported values: "Equal", "Exists"`, 'FieldValueNotSupported'));
    }
  });
  return causes;
}

/** The part of a pod spec an update may not change: everything but images and tolerations. */
function frozenSpec(spec: PodSpec): unknown {
  const strip = (list?: Container[]) => list?.map((c) => ({ ...c, image: '' }));
  return { ...spec, containers: strip(spec.containers), initContainers: strip(spec.initContainers), tolerations: undefined, activeDeadlineSeconds: undefined };
}

// ## The STATUS column, worked out as kubectl's printPod does.
export function podStatusReason(pod: Pod): string {
  let reason = pod.status?.reason || pod.status?.phase || 'Pending';
  const init = initReason(pod);
  if (init && pod.metadata.deletionTimestamp && pod.status?.reason !== 'NodeLost') return 'Terminating';
  if (init) return init;
  for (const cs of pod.status?.containerStatuses ?? []) {
    const state = cs.state;
    if (state?.waiting?.reason) reason = state.waiting.reason;
    else if (state?.terminated?.reason) reason = state.terminated.reason;
    else if (state?.terminated) reason = state.terminated.signal ? `Signal:${state.terminated.signal}` : `ExitCode:${state.terminated.exitCode}`;
    else if (state?.running && cs.ready) continue;
  }
  if (pod.metadata.deletionTimestamp && pod.status?.reason !== 'NodeLost') reason = 'Terminating';
  return reason;
}

// While a pod initializes, the first init container that has not succeeded names the STATUS:
// Init:Error, Init:CrashLoopBackOff, Init:ImagePullBackOff, or Init:1/2 while it runs.
function initReason(pod: Pod): string | undefined {
  const total = pod.spec?.initContainers?.length ?? 0;
  const statuses = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < statuses.length; i++) {
    const state = statuses[i].state;
    if (state?.terminated?.exitCode === 0) continue;
    if (state?.terminated) {
      const t = state.terminated;
      return `Init:${t.reason || (t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`)}`;
    }
    if (state?.waiting?.reason && state.waiting.reason !== 'PodInitializing') return `Init:${state.waiting.reason}`;
    return `Init:${i}/${total}`;
  }
  return undefined;
}

function restarts(pod: Pod, now: number): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const count = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const last = statuses.map((c) => c.lastState?.terminated?.finishedAt).filter(Boolean).sort().pop();
  return count && last ? `${count} (${humanAge(last, now)} ago)` : String(count);
}

export const podStrategy: Strategy = {
  defaults(obj) {
    const spec = asPod(obj).spec;
    if (!spec || typeof spec !== 'object') return;
    spec.restartPolicy ??= 'Always';
    spec.terminationGracePeriodSeconds ??= 30;
    spec.dnsPolicy ??= 'ClusterFirst';
    spec.schedulerName ??= 'default-scheduler';
    spec.securityContext ??= {};
    spec.priority ??= 0;
    if (Array.isArray(spec.containers)) spec.containers.forEach((c) => c && typeof c === 'object' && defaultContainer(c));
    if (Array.isArray(spec.initContainers)) spec.initContainers.forEach(defaultContainer);
    defaultTolerations(spec);
  },
  prepareForCreate(obj) {
    const pod = asPod(obj);
    pod.status = { phase: 'Pending', ...(Array.isArray(pod.spec?.containers) ? { qosClass: qosClass(pod.spec) } : {}) };
  },
  prepareForUpdate(obj, old) {
    asPod(obj).status = asPod(old).status;
  },
  validate: (obj) => validatePodSpec(asPod(obj).spec, 'spec'),
  validateUpdate(obj, old) {
    const causes = validatePodSpec(asPod(obj).spec, 'spec');
    if (!causes.length && !sameJson(frozenSpec(asPod(obj).spec), frozenSpec(asPod(old).spec))) {
      causes.push(cause('spec', 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)', 'FieldValueForbidden'));
    }
    return causes;
  },
  fields(obj) {
    const pod = asPod(obj);
    return {
      'spec.nodeName': pod.spec?.nodeName ?? '',
      'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
      'spec.schedulerName': pod.spec?.schedulerName ?? '',
      'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
      'status.phase': pod.status?.phase ?? '',
      'status.podIP': pod.status?.podIP ?? '',
      'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
    };
  },
  selectableFields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  table: {
    columns: [
      NAME_COLUMN,
      column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'string', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE_COLUMN,
      column('IP', 'string', 'IP address allocated to the pod.', 1),
      column('Node', 'string', 'Name of the node this pod is assigned to.', 1),
      column('Nominated Node', 'string', 'Name of the node this pod is nominated to.', 1),
      column('Readiness Gates', 'string', 'Pod readiness gates.', 1),
    ],
    cells(obj, now) {
      const pod = asPod(obj);
      const total = pod.spec?.containers?.length ?? 0;
      const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready).length;
      return [
        pod.metadata.name,
        `${ready}/${total}`,
        podStatusReason(pod),
        restarts(pod, now),
        humanAge(pod.metadata.creationTimestamp, now),
        pod.status?.podIP ?? '<none>',
        pod.spec?.nodeName || '<none>',
        pod.status?.nominatedNodeName || '<none>',
        '<none>',
      ];
    },
  },
};
