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
//           knownFieldsForKind("StatefulSet") => undefined (not served, so not checked)
// SKIPPED   kinds the simulator does not serve (apps-fields.ts has Deployment and ReplicaSet,
//           batch-fields.ts Job);
//           see container-fields.ts and pod-fields.ts for what is skipped inside pods.

import { deployment, replicaSet } from './apps-fields.ts';
import { job } from './batch-fields.ts';
import { podSpec, podStatus, podTemplateSpec } from './pod-fields.ts';
import { deleteOptions, metaCondition, objectHeader, objectReference } from './meta-fields.ts';
import { binding, endpoints, event, eviction, lease, replicationController, scale, service } from './core-fields.ts';
import { namespace, node } from './node-fields.ts';
import { freeMap, listOf, scalar, scalars, type Fields } from './shape.ts';

// ## Pod
const pod: Fields = { ...objectHeader, spec: podSpec, status: podStatus };

// ## Node, Namespace, ReplicationController, Service, Endpoints, Event, Lease and the
// subresource bodies (Binding, Eviction, Scale): typed tables in node-fields.ts and core-fields.ts.

// ## ConfigMap and Secret
// No spec or status: the data bags sit at the top level. Their keys are user-chosen (free maps);
// `stringData` is write-only but a real field, so a manifest carrying it passes the strict check.
const configMap: Fields = { ...objectHeader, data: freeMap, binaryData: freeMap, immutable: scalar };
const secret: Fields = { ...objectHeader, data: freeMap, stringData: freeMap, ...scalars('type', 'immutable') };

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
  ConfigMap: configMap,
  Secret: secret,
  Deployment: deployment,
  ReplicaSet: replicaSet,
  Job: job,
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
