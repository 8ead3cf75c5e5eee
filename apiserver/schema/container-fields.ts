// Known fields of a container
// ===========================
// CONCEPT   The container is where most typos live (`imagee`, `containerport`, `readinessprobe`),
//           because it is the deepest part of a manifest people write by hand. Here is every
//           field of core/v1 Container and of the small structs inside it, with its Go type.
// REAL K8S  staging/src/k8s.io/api/core/v1/types.go (v1.32): Container, EphemeralContainer,
//           ContainerPort, EnvVar, EnvVarSource, EnvFromSource, VolumeMount, VolumeDevice,
//           ResourceRequirements, ContainerResizePolicy, Probe, ProbeHandler, Lifecycle,
//           LifecycleHandler, SecurityContext, PodSecurityContext.
// SHIPS     The line on a ship's manifest for one container: its cargo, its ports, its checks.
// EXAMPLE   container.readinessProbe.httpGet.httpHeaders[0] => { name: str, value: str }
//           container.ports[0].containerPort === int32
// SKIPPED   Nothing in Container itself. Fields added after v1.32 (e.g. restartPolicyRules,
//           stopSignal in lifecycle) are unknown here, as they are to a v1.32 apiserver.

import { bool, int32, int64, intOrString, listOf, named, quantity, resourceList, str, strings, struct, type Fields } from './shape.ts';

// ## Probes and lifecycle hooks
// ProbeHandler is embedded in Probe (`json:",inline"`), so `exec`, `httpGet`, `tcpSocket` and
// `grpc` sit beside `periodSeconds`, and Go names the outer struct (Probe) in its errors.
const exec: Fields = struct('ExecAction', { command: strings });
const httpGet: Fields = struct('HTTPGetAction', {
  path: str, port: intOrString, host: str, scheme: named('v1.URIScheme'),
  httpHeaders: listOf(struct('HTTPHeader', { name: str, value: str })),
});
const tcpSocket: Fields = struct('TCPSocketAction', { port: intOrString, host: str });

/** core/v1 Probe: one handler plus its timing. `grpc` is GA since v1.27. */
export const probe: Fields = struct('Probe', {
  exec,
  httpGet,
  tcpSocket,
  grpc: struct('GRPCAction', { port: int32, service: str }),
  initialDelaySeconds: int32, timeoutSeconds: int32, periodSeconds: int32, successThreshold: int32, failureThreshold: int32,
  terminationGracePeriodSeconds: int64,
});

const lifecycleHandler: Fields = struct('LifecycleHandler', { exec, httpGet, tcpSocket, sleep: struct('SleepAction', { seconds: int64 }) });

/** core/v1 Lifecycle: hooks the kubelet runs after start and before stop. */
export const lifecycle: Fields = struct('Lifecycle', { postStart: lifecycleHandler, preStop: lifecycleHandler });

// ## Environment
// ConfigMapKeySelector and SecretKeySelector embed LocalObjectReference, hence `name`.
const envVarSource: Fields = struct('EnvVarSource', {
  fieldRef: struct('ObjectFieldSelector', { apiVersion: str, fieldPath: str }),
  resourceFieldRef: struct('ResourceFieldSelector', { containerName: str, resource: str, divisor: quantity }),
  configMapKeyRef: struct('ConfigMapKeySelector', { name: str, key: str, optional: bool }),
  secretKeyRef: struct('SecretKeySelector', { name: str, key: str, optional: bool }),
});
const envVar: Fields = struct('EnvVar', { name: str, value: str, valueFrom: envVarSource });
const envFromSource: Fields = struct('EnvFromSource', {
  prefix: str,
  configMapRef: struct('ConfigMapEnvSource', { name: str, optional: bool }),
  secretRef: struct('SecretEnvSource', { name: str, optional: bool }),
});

// ## Resources
/** core/v1 ResourceRequirements: requests and limits are ResourceLists (name => quantity). */
export const resourceRequirements: Fields = struct('ResourceRequirements', {
  limits: resourceList,
  requests: resourceList,
  claims: listOf(struct('ResourceClaim', { name: str, request: str })),
});

// ## Security contexts
// Small enough to write out whole; each nested struct is a handful of leaves.
const seLinuxOptions = struct('SELinuxOptions', { user: str, role: str, type: str, level: str });
const windowsOptions = struct('WindowsSecurityContextOptions', {
  gmsaCredentialSpecName: str, gmsaCredentialSpec: str, runAsUserName: str, hostProcess: bool,
});
const seccompProfile = struct('SeccompProfile', { type: named('v1.SeccompProfileType'), localhostProfile: str });
const appArmorProfile = struct('AppArmorProfile', { type: named('v1.AppArmorProfileType'), localhostProfile: str });

/** core/v1 SecurityContext, per container. */
export const securityContext: Fields = struct('SecurityContext', {
  capabilities: struct('Capabilities', { add: listOf(named('v1.Capability')), drop: listOf(named('v1.Capability')) }),
  privileged: bool,
  seLinuxOptions,
  windowsOptions,
  runAsUser: int64, runAsGroup: int64, runAsNonRoot: bool, readOnlyRootFilesystem: bool,
  allowPrivilegeEscalation: bool,
  procMount: named('v1.ProcMountType'),
  seccompProfile,
  appArmorProfile,
});

/** core/v1 PodSecurityContext, for the whole pod. */
export const podSecurityContext: Fields = struct('PodSecurityContext', {
  seLinuxOptions,
  windowsOptions,
  runAsUser: int64, runAsGroup: int64, runAsNonRoot: bool,
  supplementalGroups: listOf(int64),
  supplementalGroupsPolicy: named('v1.SupplementalGroupsPolicy'),
  fsGroup: int64,
  sysctls: listOf(struct('Sysctl', { name: str, value: str })),
  fsGroupChangePolicy: named('v1.PodFSGroupChangePolicy'),
  seccompProfile,
  appArmorProfile,
  seLinuxChangePolicy: named('v1.PodSELinuxChangePolicy'),
});

// ## Container
const containerPort: Fields = struct('ContainerPort', {
  name: str, hostPort: int32, containerPort: int32, protocol: named('v1.Protocol'), hostIP: str,
});
const volumeMount: Fields = struct('VolumeMount', {
  name: str, readOnly: bool, recursiveReadOnly: named('v1.RecursiveReadOnlyMode'), mountPath: str, subPath: str,
  mountPropagation: named('v1.MountPropagationMode'), subPathExpr: str,
});

// The 24 fields shared by Container and EphemeralContainer (EphemeralContainerCommon).
const containerFields: Fields = {
  name: str, image: str, command: strings, args: strings, workingDir: str,
  ports: listOf(containerPort),
  envFrom: listOf(envFromSource),
  env: listOf(envVar),
  resources: resourceRequirements,
  resizePolicy: listOf(struct('ContainerResizePolicy', { resourceName: named('v1.ResourceName'), restartPolicy: named('v1.ResourceResizeRestartPolicy') })),
  restartPolicy: named('v1.ContainerRestartPolicy'),
  volumeMounts: listOf(volumeMount),
  volumeDevices: listOf(struct('VolumeDevice', { name: str, devicePath: str })),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle,
  terminationMessagePath: str,
  terminationMessagePolicy: named('v1.TerminationMessagePolicy'),
  imagePullPolicy: named('v1.PullPolicy'),
  securityContext,
  stdin: bool, stdinOnce: bool, tty: bool,
};

// @doc: schema-container
/** core/v1 Container: all 24 JSON fields, in types.go order. */
export const container: Fields = struct('Container', { ...containerFields });

/**
 * core/v1 EphemeralContainer: the same fields (EphemeralContainerCommon, inlined) plus the
 * container whose namespaces it joins. `kubectl debug` adds these to a running pod.
 */
export const ephemeralContainer: Fields = struct('EphemeralContainer', { ...containerFields, targetContainerName: str });
