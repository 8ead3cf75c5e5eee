// Known fields per kind: the table the strict check reads
// =======================================================
// CONCEPT   For each kind the simulator serves, the tree of JSON field names its Go type has.
//           A key that is not in the tree is an "unknown field"; under `?fieldValidation=Strict`
//           (what kubectl sends with create, apply and replace) the apiserver refuses it.
// REAL K8S  The Go structs themselves, in staging/src/k8s.io/api/core/v1/types.go,
//           api/coordination/v1/types.go, api/policy/v1/types.go, api/autoscaling/v1/types.go and
//           apimachinery/pkg/apis/meta/v1/types.go, all at v1.32 (k8s.io/api v0.32.0).
// SHIPS     The harbour's set of blank forms, one per kind of paper a captain may hand in.
// EXAMPLE   knownFieldsForKind("Service").spec.ports[0] => { name, protocol, appProtocol, port, ... }
//           knownFieldsForKind("Deployment") => undefined (not served, so not checked)
// SKIPPED   apps/v1 kinds, ConfigMap, Secret and the rest of core/v1 until the simulator serves
//           them; see container-fields.ts and pod-fields.ts for what is skipped inside pods.

import { podSpec, podStatus, podTemplateSpec } from './pod-fields.ts';
import { deleteOptions, metaCondition, objectHeader, objectReference } from './meta-fields.ts';
import { freeMap, listOf, scalar, scalars, type Fields } from './shape.ts';

// ## Pod
const pod: Fields = { ...objectHeader, spec: podSpec, status: podStatus };

// ## Node
// Two spellings to notice: DaemonEndpoint's field really is `Port` with a capital P
// (`json:"Port"`), and `externalID` and `configSource` are deprecated but still decode.
const nodeConfigSource: Fields = { configMap: scalars('namespace', 'name', 'uid', 'resourceVersion', 'kubeletConfigKey') };
const nodeSpec: Fields = {
  ...scalars('podCIDR', 'podCIDRs', 'providerID', 'unschedulable'),
  taints: listOf(scalars('key', 'value', 'effect', 'timeAdded')),
  configSource: nodeConfigSource,
  externalID: scalar,
};
const nodeStatus: Fields = {
  capacity: freeMap,
  allocatable: freeMap,
  phase: scalar,
  conditions: listOf(scalars('type', 'status', 'lastHeartbeatTime', 'lastTransitionTime', 'reason', 'message')),
  addresses: listOf(scalars('type', 'address')),
  daemonEndpoints: { kubeletEndpoint: scalars('Port') },
  nodeInfo: scalars(
    'machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion',
    'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture',
  ),
  images: listOf(scalars('names', 'sizeBytes')),
  volumesInUse: scalar,
  volumesAttached: listOf(scalars('name', 'devicePath')),
  config: { assigned: nodeConfigSource, active: nodeConfigSource, lastKnownGood: nodeConfigSource, error: scalar },
  runtimeHandlers: listOf({ name: scalar, features: scalars('recursiveReadOnlyMounts', 'userNamespaces') }),
  features: scalars('supplementalGroupsPolicy'),
};
const node: Fields = { ...objectHeader, spec: nodeSpec, status: nodeStatus };

// ## Namespace
const namespace: Fields = {
  ...objectHeader,
  spec: scalars('finalizers'),
  status: {
    phase: scalar,
    conditions: listOf(scalars('type', 'status', 'lastTransitionTime', 'reason', 'message')),
  },
};

// ## ReplicationController
// The RC's selector is a plain map[string]string, not a LabelSelector: any label key goes.
const replicationController: Fields = {
  ...objectHeader,
  spec: { ...scalars('replicas', 'minReadySeconds'), selector: freeMap, template: podTemplateSpec },
  status: {
    ...scalars('replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'),
    conditions: listOf(scalars('type', 'status', 'lastTransitionTime', 'reason', 'message')),
  },
};

// ## Service
/** core/v1 ServiceSpec: all 20 JSON fields of v1.32. */
const serviceSpec: Fields = {
  ports: listOf(scalars('name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort')),
  selector: freeMap,
  ...scalars('clusterIP', 'clusterIPs', 'type', 'externalIPs', 'sessionAffinity', 'loadBalancerIP'),
  ...scalars('loadBalancerSourceRanges', 'externalName', 'externalTrafficPolicy', 'healthCheckNodePort'),
  publishNotReadyAddresses: scalar,
  sessionAffinityConfig: { clientIP: scalars('timeoutSeconds') },
  ...scalars('ipFamilies', 'ipFamilyPolicy', 'allocateLoadBalancerNodePorts', 'loadBalancerClass'),
  ...scalars('internalTrafficPolicy', 'trafficDistribution'),
};
const service: Fields = {
  ...objectHeader,
  spec: serviceSpec,
  status: {
    loadBalancer: {
      ingress: listOf({ ...scalars('ip', 'hostname', 'ipMode'), ports: listOf(scalars('port', 'protocol', 'error')) }),
    },
    conditions: listOf(metaCondition),
  },
};

// ## Endpoints
// No spec or status: the subsets sit at the top level, beside metadata.
const endpointAddress: Fields = { ...scalars('ip', 'hostname', 'nodeName'), targetRef: objectReference };
const endpoints: Fields = {
  ...objectHeader,
  subsets: listOf({
    addresses: listOf(endpointAddress),
    notReadyAddresses: listOf(endpointAddress),
    ports: listOf(scalars('name', 'port', 'protocol', 'appProtocol')),
  }),
};

// ## Event (core/v1, the one `kubectl get events` and the kubelet's recorder use)
const event: Fields = {
  ...objectHeader,
  involvedObject: objectReference,
  ...scalars('reason', 'message'),
  source: scalars('component', 'host'),
  ...scalars('firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime'),
  series: scalars('count', 'lastObservedTime'),
  action: scalar,
  related: objectReference,
  ...scalars('reportingComponent', 'reportingInstance'),
};

// ## Lease (coordination.k8s.io/v1)
// `strategy` and `preferredHolder` are v1.31 alpha fields (CoordinatedLeaderElection); they exist.
const lease: Fields = {
  ...objectHeader,
  spec: scalars(
    'holderIdentity', 'leaseDurationSeconds', 'acquireTime', 'renewTime', 'leaseTransitions',
    'strategy', 'preferredHolder',
  ),
};

// ## The subresource bodies: Binding, Eviction, Scale, and DeleteOptions
const binding: Fields = { ...objectHeader, target: objectReference };
const eviction: Fields = { ...objectHeader, deleteOptions };
const scale: Fields = { ...objectHeader, spec: scalars('replicas'), status: scalars('replicas', 'selector') };

// @doc: schema-known-kinds
const knownFields: { readonly [kind: string]: Fields } = {
  Pod: pod,
  Node: node,
  Namespace: namespace,
  ReplicationController: replicationController,
  Service: service,
  Endpoints: endpoints,
  Event: event,
  Lease: lease,
  Binding: binding,
  Eviction: eviction,
  Scale: scale,
  DeleteOptions: deleteOptions,
};

/**
 * The known-field tree of a kind, or undefined for a kind we have no table for (the strict
 * check then lets everything through, as it must for kinds it cannot judge).
 * @example knownFieldsForKind('Pod')!.spec  // the PodSpec table
 */
export function knownFieldsForKind(kind: string): Fields | undefined {
  return Object.hasOwn(knownFields, kind) ? knownFields[kind] : undefined;
}

/** The kinds that have a table, e.g. for a test that walks all of them. */
export const kindsWithKnownFields: readonly string[] = Object.keys(knownFields);
