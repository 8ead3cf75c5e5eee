// Known fields of the other served kinds: RC, Service, Endpoints, Event, Lease, subresources
// ==========================================================================================
// CONCEPT   The JSON field names and Go types of the namespaced kinds beside Pod, and of the
//           bodies the subresources take (a Binding for pods/binding, an Eviction for
//           pods/eviction, a Scale for replicationcontrollers/scale).
// REAL K8S  staging/src/k8s.io/api/core/v1/types.go (ReplicationControllerSpec, ServiceSpec,
//           ServicePort, EndpointSubset, Event, Binding), api/coordination/v1/types.go (LeaseSpec),
//           api/policy/v1/types.go (Eviction), api/autoscaling/v1/types.go (ScaleSpec), v1.32.
// SHIPS     The replication office's order forms, the harbour directory and the logbook.
// EXAMPLE   service.spec.ports[0].targetPort === intOrString    lease.spec.renewTime === microTime
// SKIPPED   Nothing in these structs.

import { podTemplateSpec } from './pod-fields.ts';
import { deleteOptions, metaCondition, objectHeader, objectReference } from './meta-fields.ts';
import { bool, int32, int64, intOrString, listOf, microTime, named, str, stringMap, strings, struct, time, type Fields } from './shape.ts';

const conditionStatus = named('v1.ConditionStatus');

// ## ReplicationController
// The RC's selector is a plain map[string]string, not a LabelSelector: any label key goes.
/** core/v1 ReplicationController. */
export const replicationController: Fields = {
  ...objectHeader,
  spec: struct('ReplicationControllerSpec', { replicas: int32, minReadySeconds: int32, selector: stringMap, template: podTemplateSpec }),
  status: struct('ReplicationControllerStatus', {
    replicas: int32, fullyLabeledReplicas: int32, readyReplicas: int32, availableReplicas: int32, observedGeneration: int64,
    conditions: listOf(struct('ReplicationControllerCondition', {
      type: named('v1.ReplicationControllerConditionType'), status: conditionStatus, lastTransitionTime: time, reason: str, message: str,
    })),
  }),
};

// ## Service
const protocol = named('v1.Protocol');

/** core/v1 ServiceSpec: all 20 JSON fields of v1.32. */
const serviceSpec: Fields = struct('ServiceSpec', {
  ports: listOf(struct('ServicePort', { name: str, protocol, appProtocol: str, port: int32, targetPort: intOrString, nodePort: int32 })),
  selector: stringMap,
  clusterIP: str, clusterIPs: strings, type: named('v1.ServiceType'), externalIPs: strings,
  sessionAffinity: named('v1.ServiceAffinity'), loadBalancerIP: str, loadBalancerSourceRanges: strings, externalName: str,
  externalTrafficPolicy: named('v1.ServiceExternalTrafficPolicy'), healthCheckNodePort: int32,
  publishNotReadyAddresses: bool,
  sessionAffinityConfig: struct('SessionAffinityConfig', { clientIP: struct('ClientIPConfig', { timeoutSeconds: int32 }) }),
  ipFamilies: listOf(named('v1.IPFamily')), ipFamilyPolicy: named('v1.IPFamilyPolicy'),
  allocateLoadBalancerNodePorts: bool, loadBalancerClass: str,
  internalTrafficPolicy: named('v1.ServiceInternalTrafficPolicy'), trafficDistribution: str,
});

/** core/v1 Service. */
export const service: Fields = {
  ...objectHeader,
  spec: serviceSpec,
  status: struct('ServiceStatus', {
    loadBalancer: struct('LoadBalancerStatus', {
      ingress: listOf(struct('LoadBalancerIngress', {
        ip: str, hostname: str, ipMode: named('v1.LoadBalancerIPMode'),
        ports: listOf(struct('PortStatus', { port: int32, protocol, error: str })),
      })),
    }),
    conditions: listOf(metaCondition),
  }),
};

// ## Endpoints
// No spec or status: the subsets sit at the top level, beside metadata.
const endpointAddress: Fields = struct('EndpointAddress', { ip: str, hostname: str, nodeName: str, targetRef: objectReference });

/** core/v1 Endpoints. */
export const endpoints: Fields = {
  ...objectHeader,
  subsets: listOf(struct('EndpointSubset', {
    addresses: listOf(endpointAddress),
    notReadyAddresses: listOf(endpointAddress),
    ports: listOf(struct('EndpointPort', { name: str, port: int32, protocol, appProtocol: str })),
  })),
};

// ## Event (core/v1, the one `kubectl get events` and the kubelet's recorder use)
// firstTimestamp and lastTimestamp are Times; eventTime is a MicroTime (six fraction digits).
/** core/v1 Event. */
export const event: Fields = {
  ...objectHeader,
  involvedObject: objectReference,
  reason: str, message: str,
  source: struct('EventSource', { component: str, host: str }),
  firstTimestamp: time, lastTimestamp: time, count: int32, type: str,
  eventTime: microTime,
  series: struct('EventSeries', { count: int32, lastObservedTime: microTime }),
  action: str,
  related: objectReference,
  reportingComponent: str, reportingInstance: str,
};

// ## Lease (coordination.k8s.io/v1)
// `strategy` and `preferredHolder` are v1.31 alpha fields (CoordinatedLeaderElection); they exist.
/** coordination/v1 Lease: a heartbeat's renewTime is a MicroTime, "2026-01-01T00:00:10.000000Z". */
export const lease: Fields = {
  ...objectHeader,
  spec: struct('LeaseSpec', {
    holderIdentity: str, leaseDurationSeconds: int32, acquireTime: microTime, renewTime: microTime, leaseTransitions: int32,
    strategy: named('v1.CoordinatedLeaseStrategy'), preferredHolder: str,
  }),
};

// ## The subresource bodies: Binding, Eviction, Scale
/** core/v1 Binding, POSTed to pods/binding by the scheduler. */
export const binding: Fields = { ...objectHeader, target: objectReference };
/** policy/v1 Eviction, POSTed to pods/eviction by `kubectl drain`. */
export const eviction: Fields = { ...objectHeader, deleteOptions };
/** autoscaling/v1 Scale, the body of replicationcontrollers/scale. */
export const scale: Fields = {
  ...objectHeader,
  spec: struct('ScaleSpec', { replicas: int32 }),
  status: struct('ScaleStatus', { replicas: int32, selector: str }),
};
