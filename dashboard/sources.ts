// Harbour sources: what the dashboard reads the cluster through
// =============================================================
// CONCEPT   The model (model.ts) never calls the apiserver itself. It reads through one *source*
//           per resource: a cache it can list and get from, and event handlers it can hook. An
//           informer is exactly that, so the server hands it informers; a test hands it fakes
//           that count up like etcd revisions (test/unit/dashboard-fakes.ts), and the model
//           cannot tell the difference.
// REAL K8S  client-go/tools/cache: SharedIndexInformer (GetStore, AddEventHandler) and the
//           listers generated for each resource.
// SHIPS     The clerk's windows onto the harbour: one per kind of thing he watches.
// EXAMPLE   const sources: HarbourSources = { pods: factory.informer('pods'), nodes: ..., leases: ... };
//           hookSource says what each informer event means to the dashboard: something to
//           redraw and, unless it is the initial replay of the cache or a resync that changed
//           nothing, one etcd write for the records office (records.ts).
// SKIPPED   Indexers (the model keeps its own pods-by-node index).

import type { Deployment, ReplicaSet } from '../api/apps-types.ts';
import type { Endpoints, Event, KubeObject, Lease, Node, Pod, ReplicationController, Service } from '../api/types.ts';
import type { EventHandlers } from '../client/informer.ts';

/** What the model needs of an informer: its cache and its handlers (an Informer fits). */
export interface Source<T extends KubeObject> {
  list(): T[];
  get(key: string): T | undefined;
  addEventHandler(handlers: EventHandlers<T>): () => void;
}

/** One source per resource; `leases` covers all namespaces (kube-system and kube-node-lease). */
export interface HarbourSources {
  pods: Source<Pod>;
  nodes: Source<Node>;
  services: Source<Service>;
  endpoints: Source<Endpoints>;
  replicationcontrollers: Source<ReplicationController>;
  deployments: Source<Deployment>;
  replicasets: Source<ReplicaSet>;
  events: Source<Event>;
  leases: Source<Lease>;
}

/** The etcd write an informer event stands for. */
export type WriteOp = 'create' | 'update' | 'delete';

/**
 * Hooks `source`: every event calls `changed(obj)`; an event that stands for an etcd write calls
 * `wrote(obj, op)` first. The initial replay of the cache (onAdd with initialList) and a resync
 * (onUpdate with the same object twice) are no writes. Returns the unhook function.
 */
export function hookSource<T extends KubeObject>(source: Source<T>, changed: (obj: T) => void, wrote: (obj: T, op: WriteOp) => void): () => void {
  return source.addEventHandler({
    onAdd: (obj, initial) => {
      if (!initial) wrote(obj, 'create');
      changed(obj);
    },
    onUpdate: (old, obj) => {
      if (old !== obj) wrote(obj, 'update');
      changed(obj);
    },
    onDelete: (obj) => {
      wrote(obj, 'delete');
      changed(obj);
    },
  });
}
