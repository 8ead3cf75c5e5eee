// The resource table: every kind this apiserver serves, and where it lives
// ========================================================================
// CONCEPT   One row per resource: its group and version, plural and short names (what `kubectl get
//           po` resolves through discovery), whether it is namespaced, its etcd key segment, the
//           subresources it has, and its strategy. Discovery, routing and storage all read this table.
// REAL K8S  pkg/controlplane/instance.go and pkg/registry/core/rest/storage_core.go (which REST
//           storage serves which path), the per-resource storage.go files
// SHIPS     The index card box at the radio room: which forms exist and which drawer holds each.
// EXAMPLE   resolve("", "v1", "po") -> undefined (short names are for kubectl);  resolve("", "v1", "pods") -> pods
// SKIPPED   the other apps/v1 kinds (StatefulSet, DaemonSet), CronJobs, networking.

import { configMapStrategy } from './configmaps.ts';
import { deploymentStrategy } from './deployments.ts';
import { endpointsStrategy, eventStrategy, leaseStrategy } from './simple.ts';
import { jobStrategy } from './jobs.ts';
import { namespaceStrategy, nodeStrategy } from './nodes.ts';
import { podStrategy } from './pods.ts';
import { replicaSetStrategy } from './replicasets.ts';
import { replicationControllerStrategy } from './replicationcontrollers.ts';
import { secretStrategy } from './secrets.ts';
import { serviceStrategy, type ServiceRanges } from './services.ts';
import { ALL_VERBS, type ResourceDef } from './strategy.ts';

const STATUS_VERBS = ['get', 'patch', 'update'];

/** Builds the table for one apiserver (service ranges differ between test clusters). */
export function buildResources(ranges: ServiceRanges, eventTTLSeconds = 3600): ResourceDef[] {
  const core = { group: '', version: 'v1' };
  return [
    {
      ...core, kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], etcdName: 'pods',
      verbs: ALL_VERBS, categories: ['all'], strategy: podStrategy,
      subresources: [
        { name: 'status', kind: 'Pod', verbs: STATUS_VERBS },
        { name: 'binding', kind: 'Binding', verbs: ['create'] },
        { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
        { name: 'log', kind: 'Pod', verbs: ['get'] },
      ],
    },
    {
      ...core, kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], etcdName: 'minions',
      verbs: ALL_VERBS, strategy: nodeStrategy,
      subresources: [{ name: 'status', kind: 'Node', verbs: STATUS_VERBS }],
    },
    {
      ...core, kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], etcdName: 'namespaces',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], strategy: namespaceStrategy,
      subresources: [{ name: 'status', kind: 'Namespace', verbs: STATUS_VERBS }],
    },
    {
      ...core, kind: 'ReplicationController', plural: 'replicationcontrollers', singular: 'replicationcontroller', namespaced: true,
      shortNames: ['rc'], etcdName: 'controllers', verbs: ALL_VERBS, categories: ['all'], strategy: replicationControllerStrategy,
      subresources: [
        { name: 'status', kind: 'ReplicationController', verbs: STATUS_VERBS },
        { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS },
      ],
    },
    {
      ...core, kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], etcdName: 'services/specs',
      verbs: ALL_VERBS, categories: ['all'], strategy: serviceStrategy(ranges),
      subresources: [{ name: 'status', kind: 'Service', verbs: STATUS_VERBS }],
    },
    {
      ...core, kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'], etcdName: 'services/endpoints',
      verbs: ALL_VERBS, strategy: endpointsStrategy, subresources: [],
    },
    {
      ...core, kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], etcdName: 'configmaps',
      verbs: ALL_VERBS, strategy: configMapStrategy, subresources: [],
    },
    {
      ...core, kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, shortNames: [], etcdName: 'secrets',
      verbs: ALL_VERBS, strategy: secretStrategy, subresources: [],
    },
    {
      ...core, kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'], etcdName: 'events',
      verbs: ALL_VERBS, strategy: eventStrategy, subresources: [], ttlSeconds: eventTTLSeconds,
    },
    ...appsResources(),
    // batch/v1 Jobs: status but no scale subresource; etcd keeps them under /registry/jobs.
    {
      group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, shortNames: [], etcdName: 'jobs',
      verbs: ALL_VERBS, categories: ['all'], strategy: jobStrategy, subresources: [{ name: 'status', kind: 'Job', verbs: STATUS_VERBS }],
    },
    {
      group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true, shortNames: [],
      etcdName: 'leases', verbs: ALL_VERBS, strategy: leaseStrategy, subresources: [],
    },
  ];
}

/**
 * apps/v1: Deployments and ReplicaSets, each with status and an autoscaling/v1 Scale. Their etcd
 * segments are the plurals (/registry/deployments/<ns>/<name>), as in Kubernetes.
 */
function appsResources(): ResourceDef[] {
  const apps = { group: 'apps', version: 'v1', namespaced: true, verbs: ALL_VERBS, categories: ['all'] };
  const subresources = (kind: string) => [
    { name: 'status', kind, verbs: STATUS_VERBS },
    { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: STATUS_VERBS },
  ];
  return [
    { ...apps, kind: 'Deployment', plural: 'deployments', singular: 'deployment', shortNames: ['deploy'], etcdName: 'deployments', strategy: deploymentStrategy, subresources: subresources('Deployment') },
    { ...apps, kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', shortNames: ['rs'], etcdName: 'replicasets', strategy: replicaSetStrategy, subresources: subresources('ReplicaSet') },
  ];
}

/** The groups we serve, in discovery order; the core group "" is served under /api. */
export function groupsOf(resources: ResourceDef[]): { group: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const r of resources) if (r.group && !seen.has(r.group)) seen.set(r.group, r.version);
  return [...seen].map(([group, version]) => ({ group, version }));
}
