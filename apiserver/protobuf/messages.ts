// Field tables for the kinds this apiserver serves
// ================================================
// CONCEPT   The top-level kinds a protobuf body may carry, each with its spec and status
//           messages, and `KINDS`: which table decodes which apiVersion/kind. The big Pod tables
//           live in ./pod.ts and ./container.ts, the metadata ones in ./meta.ts, apps/v1 in ./apps.ts.
// REAL K8S  staging/src/k8s.io/api/core/v1/generated.proto, policy/v1/generated.proto,
//           coordination/v1/generated.proto, autoscaling/v1/generated.proto (v1.32); every kind is
//           registered for protobuf in its group's register.go (scheme.AddKnownTypes).
// SHIPS     The shelf of shorthand keys, one per kind of form.
// EXAMPLE   KINDS.get('v1/Namespace')  =>  the Namespace table: 1 metadata, 2 spec, 3 status
// SKIPPED   Kinds this apiserver does not serve (StatefulSet, CronJob ...): their URLs
//           answer 404 before any body is read.

import { Deployment, ReplicaSet } from './apps.ts';
import { Job } from './batch.ts';
import { ConfigMap, Secret } from './config.ts';
import { Condition, DeleteOptions, ObjectMeta } from './meta.ts';
import { Pod, PodTemplateSpec } from './pod.ts';
import { bool, int32, int64, intOrString, list, message, microTime, obj, ptr, quantityMap, str, stringMap, strings, time, type Message } from './schema.ts';

/** core/v1 ObjectReference: points at any object (Binding target, Event subject, endpoint target). */
const ObjectReference = message('ObjectReference', {
  1: str('kind'),
  2: str('namespace'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: str('resourceVersion'),
  7: str('fieldPath'),
});

// ## Namespace
const NamespaceCondition = message('NamespaceCondition', {
  1: str('type'),
  2: str('status'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});
const Namespace = message('Namespace', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', message('NamespaceSpec', { 1: strings('finalizers') })),
  3: obj('status', message('NamespaceStatus', { 1: str('phase'), 2: list('conditions', NamespaceCondition) })),
});

// ## Service
const ServicePort = message('ServicePort', {
  1: str('name'),
  2: str('protocol'),
  6: ptr(str('appProtocol')),
  3: int32('port'),
  4: intOrString('targetPort'),
  5: int32('nodePort'),
});
const ServiceSpec = message('ServiceSpec', {
  1: list('ports', ServicePort),
  2: stringMap('selector'),
  3: str('clusterIP'),
  18: strings('clusterIPs'),
  4: str('type'),
  5: strings('externalIPs'),
  7: str('sessionAffinity'),
  8: str('loadBalancerIP'),
  9: strings('loadBalancerSourceRanges'),
  10: str('externalName'),
  11: str('externalTrafficPolicy'),
  12: int32('healthCheckNodePort'),
  13: bool('publishNotReadyAddresses'),
  14: obj('sessionAffinityConfig', message('SessionAffinityConfig', { 1: obj('clientIP', message('ClientIPConfig', { 1: ptr(int32('timeoutSeconds')) })) })),
  19: strings('ipFamilies'),
  17: ptr(str('ipFamilyPolicy')),
  20: ptr(bool('allocateLoadBalancerNodePorts')),
  21: ptr(str('loadBalancerClass')),
  22: ptr(str('internalTrafficPolicy')),
  23: ptr(str('trafficDistribution')),
});
const PortStatus = message('PortStatus', { 1: int32('port'), 2: str('protocol'), 3: ptr(str('error')) });
const LoadBalancerIngress = message('LoadBalancerIngress', { 1: str('ip'), 2: str('hostname'), 3: ptr(str('ipMode')), 4: list('ports', PortStatus) });
const Service = message('Service', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', ServiceSpec),
  3: obj('status', message('ServiceStatus', {
    1: obj('loadBalancer', message('LoadBalancerStatus', { 1: list('ingress', LoadBalancerIngress) })),
    2: list('conditions', Condition),
  })),
});

// ## ReplicationController
const ReplicationControllerCondition = message('ReplicationControllerCondition', {
  1: str('type'),
  2: str('status'),
  3: time('lastTransitionTime'),
  4: str('reason'),
  5: str('message'),
});
const ReplicationController = message('ReplicationController', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', message('ReplicationControllerSpec', {
    1: ptr(int32('replicas')),
    4: int32('minReadySeconds'),
    2: stringMap('selector'),
    3: obj('template', PodTemplateSpec),
  })),
  3: obj('status', message('ReplicationControllerStatus', {
    1: int32('replicas'),
    2: int32('fullyLabeledReplicas'),
    4: int32('readyReplicas'),
    5: int32('availableReplicas'),
    3: int64('observedGeneration'),
    6: list('conditions', ReplicationControllerCondition),
  })),
});

// ## Node (spec and the status fields a kubelet reports)
const Taint = message('Taint', { 1: str('key'), 2: str('value'), 3: str('effect'), 4: time('timeAdded') });
const NodeCondition = message('NodeCondition', {
  1: str('type'),
  2: str('status'),
  3: time('lastHeartbeatTime'),
  4: time('lastTransitionTime'),
  5: str('reason'),
  6: str('message'),
});
const NodeSystemInfo = message('NodeSystemInfo', {
  1: str('machineID'), 2: str('systemUUID'), 3: str('bootID'), 4: str('kernelVersion'), 5: str('osImage'),
  6: str('containerRuntimeVersion'), 7: str('kubeletVersion'), 8: str('kubeProxyVersion'), 9: str('operatingSystem'), 10: str('architecture'),
});
const Node = message('Node', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', message('NodeSpec', {
    1: str('podCIDR'),
    7: strings('podCIDRs'),
    3: str('providerID'),
    4: bool('unschedulable'),
    5: list('taints', Taint),
    2: str('externalID'),
  })),
  3: obj('status', message('NodeStatus', {
    1: quantityMap('capacity'),
    2: quantityMap('allocatable'),
    3: str('phase'),
    4: list('conditions', NodeCondition),
    5: list('addresses', message('NodeAddress', { 1: str('type'), 2: str('address') })),
    6: obj('daemonEndpoints', message('NodeDaemonEndpoints', { 1: obj('kubeletEndpoint', message('DaemonEndpoint', { 1: int32('Port') })) })),
    7: obj('nodeInfo', NodeSystemInfo),
  })),
});

// ## Endpoints
const EndpointAddress = message('EndpointAddress', { 1: str('ip'), 3: str('hostname'), 4: ptr(str('nodeName')), 2: obj('targetRef', ObjectReference) });
const EndpointPort = message('EndpointPort', { 1: str('name'), 2: int32('port'), 3: str('protocol'), 4: ptr(str('appProtocol')) });
const Endpoints = message('Endpoints', {
  1: obj('metadata', ObjectMeta),
  2: list('subsets', message('EndpointSubset', {
    1: list('addresses', EndpointAddress),
    2: list('notReadyAddresses', EndpointAddress),
    3: list('ports', EndpointPort),
  })),
});

// ## Event (core/v1, the one `kubectl describe` shows)
const Event = message('Event', {
  1: obj('metadata', ObjectMeta),
  2: obj('involvedObject', ObjectReference),
  3: str('reason'),
  4: str('message'),
  5: obj('source', message('EventSource', { 1: str('component'), 2: str('host') })),
  6: time('firstTimestamp'),
  7: time('lastTimestamp'),
  8: int32('count'),
  9: str('type'),
  10: microTime('eventTime'),
  11: obj('series', message('EventSeries', { 1: int32('count'), 2: microTime('lastObservedTime') })),
  12: str('action'),
  13: obj('related', ObjectReference),
  14: str('reportingComponent'),
  15: str('reportingInstance'),
});

// ## Binding, Eviction, Scale: the bodies of subresources
const Binding = message('Binding', { 1: obj('metadata', ObjectMeta), 2: obj('target', ObjectReference) });
const Eviction = message('Eviction', { 1: obj('metadata', ObjectMeta), 2: obj('deleteOptions', DeleteOptions) });
const Scale = message('Scale', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', message('ScaleSpec', { 1: int32('replicas') })),
  3: obj('status', message('ScaleStatus', { 1: int32('replicas'), 2: str('selector') })),
});

// ## Lease (coordination.k8s.io/v1): renewTime is a MicroTime, heartbeats need the precision
const Lease = message('Lease', {
  1: obj('metadata', ObjectMeta),
  2: obj('spec', message('LeaseSpec', {
    1: ptr(str('holderIdentity')),
    2: ptr(int32('leaseDurationSeconds')),
    3: microTime('acquireTime'),
    4: microTime('renewTime'),
    5: ptr(int32('leaseTransitions')),
    6: ptr(str('strategy')),
    7: ptr(str('preferredHolder')),
  })),
});

/**
 * Which table decodes which `apiVersion/kind`, as the envelope names them. DeleteOptions is
 * registered in every group (metav1.AddToGroupVersion), so a DELETE body may say v1,
 * meta.k8s.io/v1 or its resource's group version.
 */
export const KINDS = new Map<string, Message>([
  ['v1/Namespace', Namespace],
  ['v1/Service', Service],
  ['v1/Pod', Pod],
  ['v1/ReplicationController', ReplicationController],
  ['v1/Binding', Binding],
  ['v1/Node', Node],
  ['v1/Endpoints', Endpoints],
  ['v1/ConfigMap', ConfigMap],
  ['v1/Secret', Secret],
  ['v1/Event', Event],
  ['policy/v1/Eviction', Eviction],
  ['policy/v1beta1/Eviction', Eviction],
  ['autoscaling/v1/Scale', Scale],
  ['coordination.k8s.io/v1/Lease', Lease],
  ['apps/v1/Deployment', Deployment],
  ['apps/v1/ReplicaSet', ReplicaSet],
  ['batch/v1/Job', Job],
  ...['v1', 'meta.k8s.io/v1', 'policy/v1', 'autoscaling/v1', 'coordination.k8s.io/v1', 'apps/v1', 'batch/v1'].map((v): [string, Message] => [`${v}/DeleteOptions`, DeleteOptions]),
]);
