// Known fields of a container
// ===========================
// CONCEPT   The container is where most typos live (`imagee`, `containerport`, `readinessprobe`),
//           because it is the deepest part of a manifest people write by hand. Here is every
//           field of core/v1 Container and of the small structs inside it.
// REAL K8S  staging/src/k8s.io/api/core/v1/types.go (v1.32): Container, EphemeralContainer,
//           ContainerPort, EnvVar, EnvVarSource, EnvFromSource, VolumeMount, VolumeDevice,
//           ResourceRequirements, ContainerResizePolicy, Probe, ProbeHandler, Lifecycle,
//           LifecycleHandler, SecurityContext, PodSecurityContext.
// SHIPS     The line on a ship's manifest for one container: its cargo, its ports, its checks.
// EXAMPLE   container.readinessProbe.httpGet.httpHeaders[0] => { name, value }
// SKIPPED   Nothing in Container itself. Fields added after v1.32 (e.g. restartPolicyRules,
//           stopSignal in lifecycle) are unknown here, as they are to a v1.32 apiserver.

import { freeMap, listOf, scalar, scalars, type Fields } from './shape.ts';

// ## Probes and lifecycle hooks
// ProbeHandler is embedded in Probe (`json:",inline"`), so `exec`, `httpGet`, `tcpSocket` and
// `grpc` sit beside `periodSeconds`; LifecycleHandler reuses three of the same actions.
const exec: Fields = scalars('command');
const httpGet: Fields = {
  ...scalars('path', 'port', 'host', 'scheme'),
  httpHeaders: listOf(scalars('name', 'value')),
};
const tcpSocket: Fields = scalars('port', 'host');

/** core/v1 Probe: one handler plus its timing. `grpc` is GA since v1.27. */
export const probe: Fields = {
  exec,
  httpGet,
  tcpSocket,
  grpc: scalars('port', 'service'),
  ...scalars('initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'),
  ...scalars('terminationGracePeriodSeconds'),
};

const lifecycleHandler: Fields = { exec, httpGet, tcpSocket, sleep: scalars('seconds') };

/** core/v1 Lifecycle: hooks the kubelet runs after start and before stop. */
export const lifecycle: Fields = { postStart: lifecycleHandler, preStop: lifecycleHandler };

// ## Environment
const envVarSource: Fields = {
  fieldRef: scalars('apiVersion', 'fieldPath'),
  resourceFieldRef: scalars('containerName', 'resource', 'divisor'),
  // ConfigMapKeySelector and SecretKeySelector embed LocalObjectReference, hence `name`.
  configMapKeyRef: scalars('name', 'key', 'optional'),
  secretKeyRef: scalars('name', 'key', 'optional'),
};
const envVar: Fields = { ...scalars('name', 'value'), valueFrom: envVarSource };
const envFromSource: Fields = {
  prefix: scalar,
  configMapRef: scalars('name', 'optional'),
  secretRef: scalars('name', 'optional'),
};

// ## Resources
/** core/v1 ResourceRequirements: requests and limits are ResourceLists, free-form maps. */
export const resourceRequirements: Fields = {
  limits: freeMap,
  requests: freeMap,
  claims: listOf(scalars('name', 'request')),
};

// ## Security contexts
// Small enough to write out whole; each nested struct is a handful of leaves.
const seLinuxOptions = scalars('user', 'role', 'type', 'level');
const windowsOptions = scalars('gmsaCredentialSpecName', 'gmsaCredentialSpec', 'runAsUserName', 'hostProcess');
const seccompProfile = scalars('type', 'localhostProfile');
const appArmorProfile = scalars('type', 'localhostProfile');

/** core/v1 SecurityContext, per container. */
export const securityContext: Fields = {
  capabilities: scalars('add', 'drop'),
  seLinuxOptions,
  windowsOptions,
  seccompProfile,
  appArmorProfile,
  ...scalars('privileged', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem'),
  ...scalars('allowPrivilegeEscalation', 'procMount'),
};

/** core/v1 PodSecurityContext, for the whole pod. */
export const podSecurityContext: Fields = {
  seLinuxOptions,
  windowsOptions,
  seccompProfile,
  appArmorProfile,
  sysctls: listOf(scalars('name', 'value')),
  ...scalars('runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups', 'supplementalGroupsPolicy'),
  ...scalars('fsGroup', 'fsGroupChangePolicy', 'seLinuxChangePolicy'),
};

// ## Container
// @doc: schema-container
/** core/v1 Container: all 24 JSON fields, in types.go order. */
export const container: Fields = {
  ...scalars('name', 'image', 'command', 'args', 'workingDir'),
  ports: listOf(scalars('name', 'hostPort', 'containerPort', 'protocol', 'hostIP')),
  envFrom: listOf(envFromSource),
  env: listOf(envVar),
  resources: resourceRequirements,
  resizePolicy: listOf(scalars('resourceName', 'restartPolicy')),
  restartPolicy: scalar,
  volumeMounts: listOf(
    scalars('name', 'readOnly', 'recursiveReadOnly', 'mountPath', 'subPath', 'mountPropagation', 'subPathExpr'),
  ),
  volumeDevices: listOf(scalars('name', 'devicePath')),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle,
  ...scalars('terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy'),
  securityContext,
  ...scalars('stdin', 'stdinOnce', 'tty'),
};

/**
 * core/v1 EphemeralContainer: the same fields (EphemeralContainerCommon, inlined) plus the
 * container whose namespaces it joins. `kubectl debug` adds these to a running pod.
 */
export const ephemeralContainer: Fields = { ...container, targetContainerName: scalar };
