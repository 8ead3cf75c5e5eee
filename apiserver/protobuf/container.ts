// core/v1 field tables: Container and what sits inside it
// =======================================================
// CONCEPT   A container is the deepest part of a Pod: image, ports, environment, resources,
//           probes, hooks and its security context. Two JSON quirks show up here as `inline`:
//           Probe embeds ProbeHandler (`exec`/`httpGet` sit beside `periodSeconds`), and the key
//           selectors embed LocalObjectReference (`name` sits beside `key`).
// REAL K8S  staging/src/k8s.io/api/core/v1/generated.proto and types.go (v1.32): Container,
//           ContainerPort, EnvVar, EnvVarSource, EnvFromSource, ResourceRequirements, VolumeMount,
//           Probe, ProbeHandler, Lifecycle, SecurityContext, EphemeralContainer
// SHIPS     The container's own form, read off the wire box by numbered box.
// EXAMPLE   ContainerPort bytes 18 c1 42 22 03 54 43 50  =>  { containerPort: 8513, protocol: "TCP" }
// SKIPPED   Nothing in Container itself; fields added after v1.32 are unknown, as to a v1.32 server.

import { bool, inline, int32, int64, intOrString, list, message, obj, ptr, quantity, quantityMap, str, strings } from './schema.ts';

/** core/v1 LocalObjectReference: just a name in the same namespace. */
export const LocalObjectReference = message('LocalObjectReference', { 1: str('name') });

export const ContainerPort = message('ContainerPort', {
  1: str('name'),
  2: int32('hostPort'),
  3: int32('containerPort'),
  4: str('protocol'),
  5: str('hostIP'),
});

// ## Environment
export const ObjectFieldSelector = message('ObjectFieldSelector', { 1: str('apiVersion'), 2: str('fieldPath') });
export const ResourceFieldSelector = message('ResourceFieldSelector', {
  1: str('containerName'),
  2: str('resource'),
  3: quantity('divisor'),
});
const keySelector = (name: string) =>
  message(name, { 1: inline(LocalObjectReference), 2: str('key'), 3: ptr(bool('optional')) });
const envSource = (name: string) => message(name, { 1: inline(LocalObjectReference), 2: ptr(bool('optional')) });

const EnvVarSource = message('EnvVarSource', {
  1: obj('fieldRef', ObjectFieldSelector),
  2: obj('resourceFieldRef', ResourceFieldSelector),
  3: obj('configMapKeyRef', keySelector('ConfigMapKeySelector')),
  4: obj('secretKeyRef', keySelector('SecretKeySelector')),
});
const EnvVar = message('EnvVar', { 1: str('name'), 2: str('value'), 3: obj('valueFrom', EnvVarSource) });
const EnvFromSource = message('EnvFromSource', {
  1: str('prefix'),
  2: obj('configMapRef', envSource('ConfigMapEnvSource')),
  3: obj('secretRef', envSource('SecretEnvSource')),
});

// ## Resources: requests and limits are map<string, Quantity>
export const ResourceRequirements = message('ResourceRequirements', {
  1: quantityMap('limits'),
  2: quantityMap('requests'),
  3: list('claims', message('ResourceClaim', { 1: str('name'), 2: str('request') })),
});
const ContainerResizePolicy = message('ContainerResizePolicy', { 1: str('resourceName'), 2: str('restartPolicy') });

// ## Volumes as the container sees them
const VolumeMount = message('VolumeMount', {
  1: str('name'),
  2: bool('readOnly'),
  7: ptr(str('recursiveReadOnly')),
  3: str('mountPath'),
  4: str('subPath'),
  5: ptr(str('mountPropagation')),
  6: str('subPathExpr'),
});
const VolumeDevice = message('VolumeDevice', { 1: str('name'), 2: str('devicePath') });

// ## Probes and lifecycle hooks
const ExecAction = message('ExecAction', { 1: strings('command') });
const HTTPGetAction = message('HTTPGetAction', {
  1: str('path'),
  2: intOrString('port'),
  3: str('host'),
  4: str('scheme'),
  5: list('httpHeaders', message('HTTPHeader', { 1: str('name'), 2: str('value') })),
});
const TCPSocketAction = message('TCPSocketAction', { 1: intOrString('port'), 2: str('host') });
const GRPCAction = message('GRPCAction', { 1: int32('port'), 2: ptr(str('service')) });
const ProbeHandler = message('ProbeHandler', {
  1: obj('exec', ExecAction),
  2: obj('httpGet', HTTPGetAction),
  3: obj('tcpSocket', TCPSocketAction),
  4: obj('grpc', GRPCAction),
});
export const Probe = message('Probe', {
  1: inline(ProbeHandler),
  2: int32('initialDelaySeconds'),
  3: int32('timeoutSeconds'),
  4: int32('periodSeconds'),
  5: int32('successThreshold'),
  6: int32('failureThreshold'),
  7: ptr(int64('terminationGracePeriodSeconds')),
});
const LifecycleHandler = message('LifecycleHandler', {
  1: obj('exec', ExecAction),
  2: obj('httpGet', HTTPGetAction),
  3: obj('tcpSocket', TCPSocketAction),
  4: obj('sleep', message('SleepAction', { 1: int64('seconds') })),
});
const Lifecycle = message('Lifecycle', { 1: obj('postStart', LifecycleHandler), 2: obj('preStop', LifecycleHandler) });

// ## Security context (the container's; the pod-wide one is in ./pod.ts)
export const SELinuxOptions = message('SELinuxOptions', { 1: str('user'), 2: str('role'), 3: str('type'), 4: str('level') });
export const WindowsSecurityContextOptions = message('WindowsSecurityContextOptions', {
  1: ptr(str('gmsaCredentialSpecName')),
  2: ptr(str('gmsaCredentialSpec')),
  3: ptr(str('runAsUserName')),
  4: ptr(bool('hostProcess')),
});
export const SeccompProfile = message('SeccompProfile', { 1: str('type'), 2: ptr(str('localhostProfile')) });
export const AppArmorProfile = message('AppArmorProfile', { 1: str('type'), 2: ptr(str('localhostProfile')) });
const SecurityContext = message('SecurityContext', {
  1: obj('capabilities', message('Capabilities', { 1: strings('add'), 2: strings('drop') })),
  2: ptr(bool('privileged')),
  3: obj('seLinuxOptions', SELinuxOptions),
  10: obj('windowsOptions', WindowsSecurityContextOptions),
  4: ptr(int64('runAsUser')),
  8: ptr(int64('runAsGroup')),
  5: ptr(bool('runAsNonRoot')),
  6: ptr(bool('readOnlyRootFilesystem')),
  7: ptr(bool('allowPrivilegeEscalation')),
  9: ptr(str('procMount')),
  11: obj('seccompProfile', SeccompProfile),
  12: obj('appArmorProfile', AppArmorProfile),
});

// ## The container itself
// Container and EphemeralContainerCommon share every field number; we build both from one list.
const containerFields = {
  1: str('name'),
  2: str('image'),
  3: strings('command'),
  4: strings('args'),
  5: str('workingDir'),
  6: list('ports', ContainerPort),
  19: list('envFrom', EnvFromSource),
  7: list('env', EnvVar),
  8: obj('resources', ResourceRequirements),
  23: list('resizePolicy', ContainerResizePolicy),
  24: ptr(str('restartPolicy')),
  9: list('volumeMounts', VolumeMount),
  21: list('volumeDevices', VolumeDevice),
  10: obj('livenessProbe', Probe),
  11: obj('readinessProbe', Probe),
  22: obj('startupProbe', Probe),
  12: obj('lifecycle', Lifecycle),
  13: str('terminationMessagePath'),
  20: str('terminationMessagePolicy'),
  14: str('imagePullPolicy'),
  15: obj('securityContext', SecurityContext),
  16: bool('stdin'),
  17: bool('stdinOnce'),
  18: bool('tty'),
};

/** core/v1 Container. */
export const Container = message('Container', containerFields);

/** core/v1 EphemeralContainer: the common container fields inlined, plus a target. */
export const EphemeralContainer = message('EphemeralContainer', {
  1: inline(message('EphemeralContainerCommon', containerFields)),
  2: str('targetContainerName'),
});
