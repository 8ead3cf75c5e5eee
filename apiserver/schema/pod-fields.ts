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
//             .nodeSelectorTerms[0].matchExpressions[0] => { key, operator, values }
// SKIPPED   The inside of each of the 31 volume sources (we check the source's name, e.g.
//           `emptyDir`, not its fields); fields added after v1.32 (hostnameOverride, ...).

import { container, ephemeralContainer, podSecurityContext, resourceRequirements } from './container-fields.ts';
import { labelSelector, objectMeta } from './meta-fields.ts';
import { freeMap, listOf, namesOnly, scalar, scalars, type Fields } from './shape.ts';

// ## Volumes
// A Volume is a name plus one VolumeSource, embedded inline: `{ name, configMap: {...} }`.
// We list every source so `emptydir` or `configmap` is caught, and leave each source's own
// fields unchecked: thirty-one small structs are not worth their lines here.
/** core/v1 Volume with the names of all VolumeSource members. */
export const volume: Fields = {
  name: scalar,
  ...namesOnly('hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs'),
  ...namesOnly('iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker'),
  ...namesOnly('downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk'),
  ...namesOnly('photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral'),
  ...namesOnly('image'),
};

// ## Affinity
const nodeSelectorRequirement = scalars('key', 'operator', 'values');
const nodeSelectorTerm: Fields = {
  matchExpressions: listOf(nodeSelectorRequirement),
  matchFields: listOf(nodeSelectorRequirement),
};
const podAffinityTerm: Fields = {
  labelSelector,
  namespaces: scalar,
  topologyKey: scalar,
  namespaceSelector: labelSelector,
  ...scalars('matchLabelKeys', 'mismatchLabelKeys'),
};
const podAffinity: Fields = {
  requiredDuringSchedulingIgnoredDuringExecution: listOf(podAffinityTerm),
  preferredDuringSchedulingIgnoredDuringExecution: listOf({ weight: scalar, podAffinityTerm }),
};

/** core/v1 Affinity: node affinity, pod affinity and pod anti-affinity (the same shape). */
export const affinity: Fields = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: listOf(nodeSelectorTerm) },
    preferredDuringSchedulingIgnoredDuringExecution: listOf({ weight: scalar, preference: nodeSelectorTerm }),
  },
  podAffinity,
  podAntiAffinity: podAffinity,
};

// ## Spreading and DNS
const topologySpreadConstraint: Fields = {
  ...scalars('maxSkew', 'topologyKey', 'whenUnsatisfiable'),
  labelSelector,
  ...scalars('minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy', 'matchLabelKeys'),
};
const dnsConfig: Fields = {
  ...scalars('nameservers', 'searches'),
  options: listOf(scalars('name', 'value')),
};

/** core/v1 Toleration (taints are in node-fields; a Taint has no operator). */
export const toleration: Fields = scalars('key', 'operator', 'value', 'effect', 'tolerationSeconds');

// ## PodSpec
// @doc: schema-podspec
/** core/v1 PodSpec: all 40 JSON fields of v1.32, in types.go order. */
export const podSpec: Fields = {
  volumes: listOf(volume),
  initContainers: listOf(container),
  containers: listOf(container),
  ephemeralContainers: listOf(ephemeralContainer),
  ...scalars('restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'dnsPolicy'),
  nodeSelector: freeMap,
  ...scalars('serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName'),
  ...scalars('hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace'),
  securityContext: podSecurityContext,
  imagePullSecrets: listOf(scalars('name')),
  ...scalars('hostname', 'subdomain'),
  affinity,
  schedulerName: scalar,
  tolerations: listOf(toleration),
  hostAliases: listOf(scalars('ip', 'hostnames')),
  ...scalars('priorityClassName', 'priority'),
  dnsConfig,
  readinessGates: listOf(scalars('conditionType')),
  ...scalars('runtimeClassName', 'enableServiceLinks', 'preemptionPolicy'),
  overhead: freeMap,
  topologySpreadConstraints: listOf(topologySpreadConstraint),
  setHostnameAsFQDN: scalar,
  os: scalars('name'),
  hostUsers: scalar,
  schedulingGates: listOf(scalars('name')),
  resourceClaims: listOf(scalars('name', 'resourceClaimName', 'resourceClaimTemplateName')),
  // Pod-level resources: alpha in v1.32 (PodLevelResources), but the field is in the struct.
  resources: resourceRequirements,
};

/** core/v1 PodTemplateSpec: metadata and spec only; no apiVersion or kind inside a template. */
export const podTemplateSpec: Fields = { metadata: objectMeta, spec: podSpec };

// ## PodStatus
// Users rarely write status, but `kubectl replace` of a fetched pod sends it back whole, and
// the kubelet writes it, so it is checked too.
const containerState: Fields = {
  waiting: scalars('reason', 'message'),
  running: scalars('startedAt'),
  terminated: scalars('exitCode', 'signal', 'reason', 'message', 'startedAt', 'finishedAt', 'containerID'),
};

/** core/v1 ContainerStatus. */
export const containerStatus: Fields = {
  name: scalar,
  state: containerState,
  lastState: containerState,
  ...scalars('ready', 'restartCount', 'image', 'imageID', 'containerID', 'started'),
  allocatedResources: freeMap,
  resources: resourceRequirements,
  volumeMounts: listOf(scalars('name', 'mountPath', 'readOnly', 'recursiveReadOnly')),
  user: { linux: scalars('uid', 'gid', 'supplementalGroups') },
  allocatedResourcesStatus: listOf({ name: scalar, resources: listOf(scalars('resourceID', 'health')) }),
};

/** core/v1 PodStatus. */
export const podStatus: Fields = {
  phase: scalar,
  conditions: listOf(scalars('type', 'status', 'lastProbeTime', 'lastTransitionTime', 'reason', 'message')),
  ...scalars('message', 'reason', 'nominatedNodeName', 'hostIP'),
  hostIPs: listOf(scalars('ip')),
  podIP: scalar,
  podIPs: listOf(scalars('ip')),
  startTime: scalar,
  initContainerStatuses: listOf(containerStatus),
  containerStatuses: listOf(containerStatus),
  qosClass: scalar,
  ephemeralContainerStatuses: listOf(containerStatus),
  resize: scalar,
  resourceClaimStatuses: listOf(scalars('name', 'resourceClaimName')),
};
