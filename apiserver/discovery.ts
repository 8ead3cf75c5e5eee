// Discovery: how kubectl learns what this server can do
// =====================================================
// CONCEPT   kubectl knows nothing about pods in advance. It asks `/api` and `/apis` which groups
//           and versions exist, then `/api/v1` for the resources in each: their plural names,
//           short names ("po"), kinds, verbs, and subresources. `kubectl get po` works because
//           discovery said `po` is a short name of `pods`; `kubectl drain` works because it finds
//           `pods/eviction` with group policy, version v1.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/discovery/{legacy,root,group,version}.go,
//           and the openapi handlers kubectl reads before create/apply
// SHIPS     The harbour's directory board at the radio room door.
// EXAMPLE   GET /api/v1 => { kind: "APIResourceList", resources: [{ name: "pods", shortNames: ["po"], ... },
//           { name: "pods/eviction", group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] }] }
// SKIPPED   Aggregated discovery (kubectl falls back to this legacy form), a real OpenAPI document.

import { groupsOf } from './registry/resources.ts';
import type { ResourceDef } from './registry/strategy.ts';

/** What `kubectl version` shows for the server. */
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-harbour',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsx',
  platform: `${process.platform}/${process.arch}`,
};

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    apiVersion: 'v1',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(defs: ResourceDef[]) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupsOf(defs).map(({ group, version }) => ({
      name: group,
      versions: [{ groupVersion: `${group}/${version}`, version }],
      preferredVersion: { groupVersion: `${group}/${version}`, version },
    })),
  };
}

export function apiGroup(defs: ResourceDef[], group: string) {
  const found = groupsOf(defs).find((g) => g.group === group);
  if (!found) return undefined;
  const gv = { groupVersion: `${group}/${found.version}`, version: found.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv };
}

/** The APIResourceList of one group-version, subresources included, as kubectl expects them. */
export function apiResourceList(defs: ResourceDef[], group: string, version: string) {
  const own = defs.filter((d) => d.group === group && d.version === version);
  if (!own.length) return undefined;
  const resources = own.flatMap((d) => [
    {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
      ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    },
    ...d.subresources.map((s) => ({
      name: `${d.plural}/${s.name}`,
      singularName: '',
      namespaced: d.namespaced,
      ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
      kind: s.kind,
      verbs: s.verbs,
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
