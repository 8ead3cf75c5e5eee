// Known fields of a pod: PodSpec and PodStatus
// ============================================
// CONCEPT   PodSpec is the biggest struct a user writes: 40 fields in v1.32, from `containers`
//           to `topologySpreadConstraints`. It appears in a Pod and, as a template, inside every
//           workload (an RC's spec.template.spec), so its table is written once and reused.
// REAL K8S  staging/src/k8s.io/api/core/v1/types.go (v1.32): PodSpec, Volume, VolumeSource,
//           Affinity and its terms, Toleration, TopologySpreadConstraint, PodDNSConfig,
//           PodTemplateSpec, PodStatus, ContainerStatus.
// SHIPS     The whole loading plan for one ship's berth: what goes aboard and where it may sail.
// EXAMPLE   podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
//             .nodeSelectorTerms[0].matchExpressions[0] => { key: str, operator, values: strings }
// SKIPPED   The inside of each of the 31 volume sources (we check the source's name, e.g.
//           `emptyDir`, and that it is an object, not its fields); fields added after v1.32.

import { container, ephemeralContainer, podSecurityContext, resourceRequirements } from './container-fields.ts';
import { labelSelector, objectMeta } from './meta-fields.ts';
import {
  bool, int32, int64, listOf, named, opaque, resourceList, str, stringMap, strings, struct, time, type Fields,
} from './shape.ts';

// ## Volumes
// A Volume is a name plus one VolumeSource, embedded inline: `{ name, configMap: {...} }`.
// We list every source so `emptydir` or `configmap` is caught, and check only that each is an
// object (Go's *EmptyDirVolumeSource and so on): thirty-one small structs are not worth their lines.
const volumeSources: Record<string, string> = {
  hostPath: 'HostPath', emptyDir: 'EmptyDir', gcePersistentDisk: 'GCEPersistentDisk', awsElasticBlockStore: 'AWSElasticBlockStore',
  gitRepo: 'GitRepo', secret: 'Secret', nfs: 'NFS', iscsi: 'ISCSI', glusterfs: 'Glusterfs', persistentVolumeClaim: 'PersistentVolumeClaim',
  rbd: 'RBD', flexVolume: 'Flex', cinder: 'Cinder', cephfs: 'CephFS', flocker: 'Flocker', downwardAPI: 'DownwardAPI', fc: 'FC',
  azureFile: 'AzureFile', configMap: 'ConfigMap', vsphereVolume: 'VsphereVirtualDisk', quobyte: 'Quobyte', azureDisk: 'AzureDisk',
  photonPersistentDisk: 'PhotonPersistentDisk', projected: 'Projected', portworxVolume: 'Portworx', scaleIO: 'ScaleIO',
  storageos: 'StorageOS', csi: 'CSI', ephemeral: 'Ephemeral', image: 'Image',
};

/** core/v1 Volume with all VolumeSource members (`emptyDir` is a *v1.EmptyDirVolumeSource). */
export const volume: Fields = struct('Volume', {
  name: str,
  ...Object.fromEntries(Object.entries(volumeSources).map(([json, go]) => [json, opaque(`v1.${go}VolumeSource`)])),
});

// ## Affinity
const nodeSelectorRequirement = struct('NodeSelectorRequirement', { key: str, operator: named('v1.NodeSelectorOperator'), values: strings });
const nodeSelectorTerm: Fields = struct('NodeSelectorTerm', {
  matchExpressions: listOf(nodeSelectorRequirement),
  matchFields: listOf(nodeSelectorRequirement),
});
const podAffinityTerm: Fields = struct('PodAffinityTerm', {
  labelSelector,
  namespaces: strings,
  topologyKey: str,
  namespaceSelector: labelSelector,
  matchLabelKeys: strings,
  mismatchLabelKeys: strings,
});
// PodAffinity and PodAntiAffinity have the same fields but are two Go types.
const podAffinityFields: Fields = {
  requiredDuringSchedulingIgnoredDuringExecution: listOf(podAffinityTerm),
  preferredDuringSchedulingIgnoredDuringExecution: listOf(struct('WeightedPodAffinityTerm', { weight: int32, podAffinityTerm })),
};

/** core/v1 Affinity: node affinity, pod affinity and pod anti-affinity. */
export const affinity: Fields = struct('Affinity', {
  nodeAffinity: struct('NodeAffinity', {
    requiredDuringSchedulingIgnoredDuringExecution: struct('NodeSelector', { nodeSelectorTerms: listOf(nodeSelectorTerm) }),
    preferredDuringSchedulingIgnoredDuringExecution: listOf(struct('PreferredSchedulingTerm', { weight: int32, preference: nodeSelectorTerm })),
  }),
  podAffinity: struct('PodAffinity', { ...podAffinityFields }),
  podAntiAffinity: struct('PodAntiAffinity', { ...podAffinityFields }),
});

// ## Spreading and DNS
const topologySpreadConstraint: Fields = struct('TopologySpreadConstraint', {
  maxSkew: int32, topologyKey: str, whenUnsatisfiable: named('v1.UnsatisfiableConstraintAction'),
  labelSelector,
  minDomains: int32, nodeAffinityPolicy: named('v1.NodeInclusionPolicy'), nodeTaintsPolicy: named('v1.NodeInclusionPolicy'),
  matchLabelKeys: strings,
});
const dnsConfig: Fields = struct('PodDNSConfig', {
  nameservers: strings,
  searches: strings,
  options: listOf(struct('PodDNSConfigOption', { name: str, value: str })),
});

/** core/v1 Toleration (taints are in known-fields; a Taint has no operator). */
export const toleration: Fields = struct('Toleration', {
  key: str, operator: named('v1.TolerationOperator'), value: str, effect: named('v1.TaintEffect'), tolerationSeconds: int64,
});

// ## PodSpec
// @doc: schema-podspec
/** core/v1 PodSpec: all 40 JSON fields of v1.32, in types.go order. */
export const podSpec: Fields = struct('PodSpec', {
  volumes: listOf(volume),
  initContainers: listOf(container),
  containers: listOf(container),
  ephemeralContainers: listOf(ephemeralContainer),
  restartPolicy: named('v1.RestartPolicy'), terminationGracePeriodSeconds: int64, activeDeadlineSeconds: int64,
  dnsPolicy: named('v1.DNSPolicy'),
  nodeSelector: stringMap,
  serviceAccountName: str, serviceAccount: str, automountServiceAccountToken: bool, nodeName: str,
  hostNetwork: bool, hostPID: bool, hostIPC: bool, shareProcessNamespace: bool,
  securityContext: podSecurityContext,
  imagePullSecrets: listOf(struct('LocalObjectReference', { name: str })),
  hostname: str, subdomain: str,
  affinity,
  schedulerName: str,
  tolerations: listOf(toleration),
  hostAliases: listOf(struct('HostAlias', { ip: str, hostnames: strings })),
  priorityClassName: str, priority: int32,
  dnsConfig,
  readinessGates: listOf(struct('PodReadinessGate', { conditionType: named('v1.PodConditionType') })),
  runtimeClassName: str, enableServiceLinks: bool, preemptionPolicy: named('v1.PreemptionPolicy'),
  overhead: resourceList,
  topologySpreadConstraints: listOf(topologySpreadConstraint),
  setHostnameAsFQDN: bool,
  os: struct('PodOS', { name: named('v1.OSName') }),
  hostUsers: bool,
  schedulingGates: listOf(struct('PodSchedulingGate', { name: str })),
  resourceClaims: listOf(struct('PodResourceClaim', { name: str, resourceClaimName: str, resourceClaimTemplateName: str })),
  // Pod-level resources: alpha in v1.32 (PodLevelResources), but the field is in the struct.
  resources: resourceRequirements,
});

/** core/v1 PodTemplateSpec: metadata and spec only; no apiVersion or kind inside a template. */
export const podTemplateSpec: Fields = struct('PodTemplateSpec', { metadata: objectMeta, spec: podSpec });

// ## PodStatus
// Users rarely write status, but `kubectl replace` of a fetched pod sends it back whole, and
// the kubelet writes it, so it is checked too.
const containerState: Fields = struct('ContainerState', {
  waiting: struct('ContainerStateWaiting', { reason: str, message: str }),
  running: struct('ContainerStateRunning', { startedAt: time }),
  terminated: struct('ContainerStateTerminated', {
    exitCode: int32, signal: int32, reason: str, message: str, startedAt: time, finishedAt: time, containerID: str,
  }),
});

/** core/v1 ContainerStatus. */
export const containerStatus: Fields = struct('ContainerStatus', {
  name: str,
  state: containerState,
  lastState: containerState,
  ready: bool, restartCount: int32, image: str, imageID: str, containerID: str, started: bool,
  allocatedResources: resourceList,
  resources: resourceRequirements,
  volumeMounts: listOf(struct('VolumeMountStatus', { name: str, mountPath: str, readOnly: bool, recursiveReadOnly: named('v1.RecursiveReadOnlyMode') })),
  user: struct('ContainerUser', { linux: struct('LinuxContainerUser', { uid: int64, gid: int64, supplementalGroups: listOf(int64) }) }),
  allocatedResourcesStatus: listOf(struct('ResourceStatus', {
    name: named('v1.ResourceName'),
    resources: listOf(struct('ResourceHealth', { resourceID: named('v1.ResourceID'), health: named('v1.ResourceHealthStatus') })),
  })),
});

const podCondition: Fields = struct('PodCondition', {
  type: named('v1.PodConditionType'), status: named('v1.ConditionStatus'), lastProbeTime: time, lastTransitionTime: time,
  reason: str, message: str,
});

/** core/v1 PodStatus. */
export const podStatus: Fields = struct('PodStatus', {
  phase: named('v1.PodPhase'),
  conditions: listOf(podCondition),
  message: str, reason: str, nominatedNodeName: str, hostIP: str,
  hostIPs: listOf(struct('HostIP', { ip: str })),
  podIP: str,
  podIPs: listOf(struct('PodIP', { ip: str })),
  startTime: time,
  initContainerStatuses: listOf(containerStatus),
  containerStatuses: listOf(containerStatus),
  qosClass: named('v1.PodQOSClass'),
  ephemeralContainerStatuses: listOf(containerStatus),
  resize: named('v1.PodResizeStatus'),
  resourceClaimStatuses: listOf(struct('PodResourceClaimStatus', { name: str, resourceClaimName: str })),
});
