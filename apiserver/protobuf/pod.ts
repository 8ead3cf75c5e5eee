// core/v1 field tables: Pod, PodSpec and PodTemplateSpec
// ======================================================
// CONCEPT   The pod is the unit of scheduling: containers (./container.ts) plus everything about
//           where and how they run: volumes, node selection (nodeSelector, affinity, tolerations),
//           security, DNS. ReplicationController embeds the same spec in its `template`.
//           `kubectl debug node/NAME` and `kubectl debug POD --copy-to` send Pods as protobuf.
// REAL K8S  staging/src/k8s.io/api/core/v1/generated.proto and types.go (v1.32): Pod, PodSpec,
//           PodStatus, PodTemplateSpec, Volume, VolumeSource, PodSecurityContext, Toleration,
//           Affinity, TopologySpreadConstraint, PodDNSConfig
// SHIPS     The cargo manifest, read off the wire box by numbered box.
// EXAMPLE   Toleration bytes 12 06 45 78 69 73 74 73  =>  { operator: "Exists" }
// SKIPPED   Cloud and legacy volume sources (gcePersistentDisk, nfs, iscsi, rbd, csi, ephemeral
//           ... 20 of them: skipped like unknown fields, so such a volume arrives without its
//           source and fails validation), PodStatus.containerStatuses (kubelets write status).

import { Container, EphemeralContainer, LocalObjectReference, ObjectFieldSelector, ResourceFieldSelector, ResourceRequirements, AppArmorProfile, SeccompProfile, SELinuxOptions, WindowsSecurityContextOptions } from './container.ts';
import { LabelSelector, ObjectMeta } from './meta.ts';
import { bool, inline, int32, int64, list, message, obj, ptr, quantity, quantityMap, str, stringMap, strings, time } from './schema.ts';

// ## Volumes (the common sources)
const KeyToPath = message('KeyToPath', { 1: str('key'), 2: str('path'), 3: ptr(int32('mode')) });
const DownwardAPIVolumeFile = message('DownwardAPIVolumeFile', {
  1: str('path'),
  2: obj('fieldRef', ObjectFieldSelector),
  3: obj('resourceFieldRef', ResourceFieldSelector),
  4: ptr(int32('mode')),
});
const VolumeProjection = message('VolumeProjection', {
  1: obj('secret', message('SecretProjection', { 1: inline(LocalObjectReference), 2: list('items', KeyToPath), 4: ptr(bool('optional')) })),
  2: obj('downwardAPI', message('DownwardAPIProjection', { 1: list('items', DownwardAPIVolumeFile) })),
  3: obj('configMap', message('ConfigMapProjection', { 1: inline(LocalObjectReference), 2: list('items', KeyToPath), 4: ptr(bool('optional')) })),
  4: obj('serviceAccountToken', message('ServiceAccountTokenProjection', { 1: str('audience'), 2: ptr(int64('expirationSeconds')), 3: str('path') })),
});
const VolumeSource = message('VolumeSource', {
  1: obj('hostPath', message('HostPathVolumeSource', { 1: str('path'), 2: ptr(str('type')) })),
  2: obj('emptyDir', message('EmptyDirVolumeSource', { 1: str('medium'), 2: quantity('sizeLimit') })),
  6: obj('secret', message('SecretVolumeSource', { 1: str('secretName'), 2: list('items', KeyToPath), 3: ptr(int32('defaultMode')), 4: ptr(bool('optional')) })),
  10: obj('persistentVolumeClaim', message('PersistentVolumeClaimVolumeSource', { 1: str('claimName'), 2: bool('readOnly') })),
  16: obj('downwardAPI', message('DownwardAPIVolumeSource', { 1: list('items', DownwardAPIVolumeFile), 2: ptr(int32('defaultMode')) })),
  19: obj('configMap', message('ConfigMapVolumeSource', { 1: inline(LocalObjectReference), 2: list('items', KeyToPath), 3: ptr(int32('defaultMode')), 4: ptr(bool('optional')) })),
  26: obj('projected', message('ProjectedVolumeSource', { 1: list('sources', VolumeProjection), 2: ptr(int32('defaultMode')) })),
  30: obj('image', message('ImageVolumeSource', { 1: str('reference'), 2: str('pullPolicy') })),
});
/** core/v1 Volume: a name with its source inlined (`{ name, hostPath: {...} }`). */
const Volume = message('Volume', { 1: str('name'), 2: inline(VolumeSource) });

// ## Where the pod may run
/** core/v1 Toleration: lets a pod land on a node with a matching taint. */
export const Toleration = message('Toleration', {
  1: str('key'),
  2: str('operator'),
  3: str('value'),
  4: str('effect'),
  5: ptr(int64('tolerationSeconds')),
});
const NodeSelectorRequirement = message('NodeSelectorRequirement', { 1: str('key'), 2: str('operator'), 3: strings('values') });
const NodeSelectorTerm = message('NodeSelectorTerm', {
  1: list('matchExpressions', NodeSelectorRequirement),
  2: list('matchFields', NodeSelectorRequirement),
});
const PodAffinityTerm = message('PodAffinityTerm', {
  1: obj('labelSelector', LabelSelector),
  2: strings('namespaces'),
  3: str('topologyKey'),
  4: obj('namespaceSelector', LabelSelector),
  5: strings('matchLabelKeys'),
  6: strings('mismatchLabelKeys'),
});
const WeightedPodAffinityTerm = message('WeightedPodAffinityTerm', { 1: int32('weight'), 2: obj('podAffinityTerm', PodAffinityTerm) });
const podAffinity = (name: string) =>
  message(name, {
    1: list('requiredDuringSchedulingIgnoredDuringExecution', PodAffinityTerm),
    2: list('preferredDuringSchedulingIgnoredDuringExecution', WeightedPodAffinityTerm),
  });
const Affinity = message('Affinity', {
  1: obj('nodeAffinity', message('NodeAffinity', {
    1: obj('requiredDuringSchedulingIgnoredDuringExecution', message('NodeSelector', { 1: list('nodeSelectorTerms', NodeSelectorTerm) })),
    2: list('preferredDuringSchedulingIgnoredDuringExecution', message('PreferredSchedulingTerm', { 1: int32('weight'), 2: obj('preference', NodeSelectorTerm) })),
  })),
  2: obj('podAffinity', podAffinity('PodAffinity')),
  3: obj('podAntiAffinity', podAffinity('PodAntiAffinity')),
});
const TopologySpreadConstraint = message('TopologySpreadConstraint', {
  1: int32('maxSkew'),
  2: str('topologyKey'),
  3: str('whenUnsatisfiable'),
  4: obj('labelSelector', LabelSelector),
  5: ptr(int32('minDomains')),
  6: ptr(str('nodeAffinityPolicy')),
  7: ptr(str('nodeTaintsPolicy')),
  8: strings('matchLabelKeys'),
});

// ## Pod-wide settings
const PodSecurityContext = message('PodSecurityContext', {
  1: obj('seLinuxOptions', SELinuxOptions),
  8: obj('windowsOptions', WindowsSecurityContextOptions),
  2: ptr(int64('runAsUser')),
  6: ptr(int64('runAsGroup')),
  3: ptr(bool('runAsNonRoot')),
  4: { json: 'supplementalGroups', type: 'int64', repeated: true },
  12: ptr(str('supplementalGroupsPolicy')),
  5: ptr(int64('fsGroup')),
  7: list('sysctls', message('Sysctl', { 1: str('name'), 2: str('value') })),
  9: ptr(str('fsGroupChangePolicy')),
  10: obj('seccompProfile', SeccompProfile),
  11: obj('appArmorProfile', AppArmorProfile),
  13: ptr(str('seLinuxChangePolicy')),
});
const PodDNSConfig = message('PodDNSConfig', {
  1: strings('nameservers'),
  2: strings('searches'),
  3: list('options', message('PodDNSConfigOption', { 1: str('name'), 2: ptr(str('value')) })),
});

/** core/v1 PodSpec, field by field as generated.proto declares it (fields 34-40 are the newest). */
export const PodSpec = message('PodSpec', {
  1: list('volumes', Volume),
  20: list('initContainers', Container),
  2: list('containers', Container),
  34: list('ephemeralContainers', EphemeralContainer),
  3: str('restartPolicy'),
  4: ptr(int64('terminationGracePeriodSeconds')),
  5: ptr(int64('activeDeadlineSeconds')),
  6: str('dnsPolicy'),
  7: stringMap('nodeSelector'),
  8: str('serviceAccountName'),
  9: str('serviceAccount'),
  21: ptr(bool('automountServiceAccountToken')),
  10: str('nodeName'),
  11: bool('hostNetwork'),
  12: bool('hostPID'),
  13: bool('hostIPC'),
  27: ptr(bool('shareProcessNamespace')),
  14: obj('securityContext', PodSecurityContext),
  15: list('imagePullSecrets', LocalObjectReference),
  16: str('hostname'),
  17: str('subdomain'),
  18: obj('affinity', Affinity),
  19: str('schedulerName'),
  22: list('tolerations', Toleration),
  23: list('hostAliases', message('HostAlias', { 1: str('ip'), 2: strings('hostnames') })),
  24: str('priorityClassName'),
  25: ptr(int32('priority')),
  26: obj('dnsConfig', PodDNSConfig),
  28: list('readinessGates', message('PodReadinessGate', { 1: str('conditionType') })),
  29: ptr(str('runtimeClassName')),
  30: ptr(bool('enableServiceLinks')),
  31: ptr(str('preemptionPolicy')),
  32: quantityMap('overhead'),
  33: list('topologySpreadConstraints', TopologySpreadConstraint),
  35: ptr(bool('setHostnameAsFQDN')),
  36: obj('os', message('PodOS', { 1: str('name') })),
  37: ptr(bool('hostUsers')),
  38: list('schedulingGates', message('PodSchedulingGate', { 1: str('name') })),
  39: list('resourceClaims', message('PodResourceClaim', { 1: str('name'), 3: ptr(str('resourceClaimName')), 4: ptr(str('resourceClaimTemplateName')) })),
  40: obj('resources', ResourceRequirements),
});

const PodCondition = message('PodCondition', {
  1: str('type'),
  2: str('status'),
  3: time('lastProbeTime'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});
const ip = (name: string) => message(name, { 1: str('ip') });

/** core/v1 PodStatus without the container statuses (see SKIPPED). */
const PodStatus = message('PodStatus', {
  1: str('phase'),
  2: list('conditions', PodCondition),
  3: str('message'),
  4: str('reason'),
  11: str('nominatedNodeName'),
  5: str('hostIP'),
  16: list('hostIPs', ip('HostIP')),
  6: str('podIP'),
  12: list('podIPs', ip('PodIP')),
  7: time('startTime'),
  9: str('qosClass'),
  14: str('resize'),
});

export const Pod = message('Pod', { 1: obj('metadata', ObjectMeta), 2: obj('spec', PodSpec), 3: obj('status', PodStatus) });

/** core/v1 PodTemplateSpec: the pod a controller stamps out (ReplicationController.spec.template). */
export const PodTemplateSpec = message('PodTemplateSpec', { 1: obj('metadata', ObjectMeta), 2: obj('spec', PodSpec) });
