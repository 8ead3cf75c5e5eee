// Known fields of a Node and a Namespace
// ======================================
// CONCEPT   The two cluster-scoped kinds the simulator serves. A Node is written mostly by its
//           kubelet (status: capacity, conditions, addresses, the kubelet's port) and by
//           `kubectl cordon` (spec.unschedulable); a Namespace by `kubectl create namespace`.
// REAL K8S  staging/src/k8s.io/api/core/v1/types.go (v1.32): NodeSpec, Taint, NodeConfigSource,
//           NodeStatus, NodeCondition, NodeAddress, NodeDaemonEndpoints, NodeSystemInfo,
//           ContainerImage, AttachedVolume, NodeConfigStatus, NodeRuntimeHandler, NodeFeatures,
//           NamespaceSpec, NamespaceStatus, NamespaceCondition.
// SHIPS     The ship's registration papers, and the harbour district's charter.
// EXAMPLE   node.status.daemonEndpoints.kubeletEndpoint.Port === int32
// SKIPPED   Nothing in these structs.

import { objectHeader, uid } from './meta-fields.ts';
import { bool, int32, int64, listOf, named, resourceList, str, strings, struct, time, type Fields } from './shape.ts';

// ## Node
// Two spellings to notice: DaemonEndpoint's field really is `Port` with a capital P
// (`json:"Port"`), and `externalID` and `configSource` are deprecated but still decode.
const nodeConfigSource: Fields = struct('NodeConfigSource', {
  configMap: struct('ConfigMapNodeConfigSource', { namespace: str, name: str, uid, resourceVersion: str, kubeletConfigKey: str }),
});
const nodeSpec: Fields = struct('NodeSpec', {
  podCIDR: str, podCIDRs: strings, providerID: str, unschedulable: bool,
  taints: listOf(struct('Taint', { key: str, value: str, effect: named('v1.TaintEffect'), timeAdded: time })),
  configSource: nodeConfigSource,
  externalID: str,
});
const nodeSystemInfo: Fields = struct('NodeSystemInfo', Object.fromEntries([
  'machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion',
  'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture',
].map((name) => [name, str])));
const nodeStatus: Fields = struct('NodeStatus', {
  capacity: resourceList,
  allocatable: resourceList,
  phase: named('v1.NodePhase'),
  conditions: listOf(struct('NodeCondition', {
    type: named('v1.NodeConditionType'), status: named('v1.ConditionStatus'), lastHeartbeatTime: time, lastTransitionTime: time,
    reason: str, message: str,
  })),
  addresses: listOf(struct('NodeAddress', { type: named('v1.NodeAddressType'), address: str })),
  daemonEndpoints: struct('NodeDaemonEndpoints', { kubeletEndpoint: struct('DaemonEndpoint', { Port: int32 }) }),
  nodeInfo: nodeSystemInfo,
  images: listOf(struct('ContainerImage', { names: strings, sizeBytes: int64 })),
  volumesInUse: listOf(named('v1.UniqueVolumeName')),
  volumesAttached: listOf(struct('AttachedVolume', { name: named('v1.UniqueVolumeName'), devicePath: str })),
  config: struct('NodeConfigStatus', { assigned: nodeConfigSource, active: nodeConfigSource, lastKnownGood: nodeConfigSource, error: str }),
  runtimeHandlers: listOf(struct('NodeRuntimeHandler', {
    name: str,
    features: struct('NodeRuntimeHandlerFeatures', { recursiveReadOnlyMounts: bool, userNamespaces: bool }),
  })),
  features: struct('NodeFeatures', { supplementalGroupsPolicy: bool }),
});

/** core/v1 Node. */
export const node: Fields = { ...objectHeader, spec: nodeSpec, status: nodeStatus };

// ## Namespace
/** core/v1 Namespace: spec.finalizers is a []FinalizerName ("kubernetes"). */
export const namespace: Fields = {
  ...objectHeader,
  spec: struct('NamespaceSpec', { finalizers: listOf(named('v1.FinalizerName')) }),
  status: struct('NamespaceStatus', {
    phase: named('v1.NamespacePhase'),
    conditions: listOf(struct('NamespaceCondition', {
      type: named('v1.NamespaceConditionType'), status: named('v1.ConditionStatus'), lastTransitionTime: time, reason: str, message: str,
    })),
  }),
};
