// The records office: every change is a write to etcd
// ====================================================
// CONCEPT   Only the apiserver talks to etcd (DESIGN.md rule 1), so the dashboard cannot watch etcd
//           itself - and does not need to. Every object the apiserver hands us carries its etcd
//           coordinates: the key is derived from the resource and the object's name
//           (`/registry/<resource>/<namespace>/<name>`), and `metadata.resourceVersion` *is* the
//           etcd revision of the write that produced this version. So each watch event is one etcd
//           write, seen from outside: ADDED a create, MODIFIED an update, DELETED a delete (whose
//           resourceVersion is the revision of the delete).
// REAL K8S  The key layout: staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
//           (NamespaceKeyFunc: prefix + "/" + namespace + "/" + name), with the historical prefixes
//           of pkg/registry/core/*/storage/storage.go ("minions" for nodes, "controllers" for RCs,
//           "services/specs" and "services/endpoints"); resourceVersion = etcd mod_revision in
//           apiserver/pkg/storage/etcd3/store.go.
// SHIPS     The records office's ledger: every entry numbered, none ever rewritten.
// EXAMPLE   registryKey('nodes', node-1)                 => "/registry/minions/node-1"
//           registryKey('services', default/besu-rpc)    => "/registry/services/specs/default/besu-rpc"
//           log.record('pods', pod, 'update', now)       => { key: "/registry/pods/default/besu-0", revision: 412 }
// SKIPPED   Writes no watch shows: the apiserver's own allocator keys (/registry/ranges/...), and
//           writes to kinds the dashboard does not watch.

import type { KubeObject } from '../api/types.ts';
import type { WriteView } from './protocol.ts';

/** Resource plural => its etcd key segment, where history made them differ. */
const ETCD_NAMES: Record<string, string> = {
  nodes: 'minions',
  replicationcontrollers: 'controllers',
  services: 'services/specs',
  endpoints: 'services/endpoints',
};

/** The etcd key the apiserver stores an object under. */
export function registryKey(resource: string, obj: KubeObject): string {
  const { namespace, name = '' } = obj.metadata;
  return `/registry/${ETCD_NAMES[resource] ?? resource}/${namespace ? `${namespace}/` : ''}${name}`;
}

/** The recent writes, in revision order, newest last. */
export class WriteLog {
  private readonly writes: WriteView[] = [];

  /** @param capacity writes kept for a page that connects. @default 40 */
  constructor(private readonly capacity = 40) {}

  /**
   * Records a watch event as the etcd write it was. Returns the write, or undefined when the object
   * carries no resourceVersion (it never came from etcd).
   */
  record(resource: string, obj: KubeObject, op: WriteView['op'], seen: number): WriteView | undefined {
    const revision = Number(obj.metadata.resourceVersion);
    if (!Number.isFinite(revision) || revision <= 0) return undefined;
    const write: WriteView = { key: registryKey(resource, obj), revision, op, seen };
    // Watches of different resources deliver in their own order; we keep the ledger in revision order.
    let i = this.writes.length;
    while (i > 0 && this.writes[i - 1]!.revision > revision) i--;
    this.writes.splice(i, 0, write);
    if (this.writes.length > this.capacity) this.writes.shift();
    return write;
  }

  /** Newest last. */
  list(): WriteView[] {
    return [...this.writes];
  }
}
