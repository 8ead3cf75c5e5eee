// Namespace termination: empty the berth, then remove it
// ======================================================
// CONCEPT   Deleting a namespace deletes everything in it. The namespace first turns Terminating
//           (new objects are refused by admission), then every namespaced object inside is deleted
//           (pods gracefully, so their kubelets stop them), and only when nothing is left does the
//           namespace itself disappear.
// REAL K8S  pkg/controller/namespace/deletion/namespaced_resources_deleter.go (run by
//           kube-controller-manager's namespace controller)
// SHIPS     Closing a berth: every container on it is unloaded before the berth is struck off.
// EXAMPLE   kubectl delete ns lesson  =>  ns lesson Terminating ... pods deleted ... ns gone
// SKIPPED   We run this loop inside the apiserver rather than the controller-manager, so a
//           namespace empties even in a cluster started with only etcd and the apiserver.

import type { KubeObject } from '../api/types.ts';
import { realClock } from '../client/clock.ts';
import { deleteObject } from './registry/delete.ts';
import type { RegistryStore } from './registry/store.ts';
import { etcdKey, etcdPrefix } from './registry/strategy.ts';

/** How often terminating namespaces are swept (Kubernetes milliseconds). */
const SWEEP_MS = 500;

export function startNamespaceLifecycle(store: RegistryStore, log: (line: string) => void): { stop(): void } {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const nsDef = store.def('namespaces');
      for (const ns of store.cache(nsDef).list().items) {
        if (ns.metadata.deletionTimestamp) await empty(store, ns, log);
      }
    } catch {
      // etcd unavailable: try again on the next sweep
    } finally {
      running = false;
    }
  };
  const timer = realClock().setInterval(() => void sweep(), SWEEP_MS);
  return { stop: () => timer.cancel() };
}

async function empty(store: RegistryStore, ns: KubeObject, log: (line: string) => void): Promise<void> {
  const name = ns.metadata.name!;
  let remaining = 0;
  for (const def of store.defs.filter((d) => d.namespaced)) {
    const { items } = store.cache(def).list(`${etcdPrefix(def)}${name}/`);
    remaining += items.length;
    for (const obj of items) {
      if (obj.metadata.deletionTimestamp) continue;
      await deleteObject(store, def, name, obj.metadata.name!).catch(() => undefined);
    }
  }
  if (remaining === 0) {
    const def = store.def('namespaces');
    await store.etcd.delete(etcdKey(def, undefined, name), Number(ns.metadata.resourceVersion));
    log(`apiserver: namespace ${name} is empty and has been removed`);
  }
}
