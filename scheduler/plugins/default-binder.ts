// DefaultBinder: write the decision to the apiserver
// ==================================================
// CONCEPT   The scheduler never sets spec.nodeName itself. It POSTs a Binding object to the pod's
//           `binding` subresource; the apiserver checks that the pod is still unbound and sets
//           spec.nodeName in one compare-and-swap. That is why two schedulers racing for the same
//           pod cannot both win: the second bind gets 409 Conflict.
// REAL K8S  pkg/scheduler/framework/plugins/defaultbinder/default_binder.go (v1.32)
// SHIPS     The crane operator radios the harbour master: "container besu-0 goes on node-2".
// EXAMPLE   bind(state, besu-0, "node-2")  =>  POST /api/v1/namespaces/default/pods/besu-0/binding
//           {"apiVersion":"v1","kind":"Binding","metadata":{"name":"besu-0"},"target":{"kind":"Node","name":"node-2"}}
// SKIPPED   Nothing.

import { Status, type BindPlugin, type PluginFactory } from '../framework/interfaces.ts';

export const NAME = 'DefaultBinder';

export const defaultBinder: PluginFactory = (_args, handle): BindPlugin => ({
  name: NAME,
  async bind(_state, pod, nodeName) {
    if (!handle.bindPod) return new Status('Error', 'no binder configured: the scheduler has no API client');
    try {
      await handle.bindPod(pod.pod, nodeName);
      return null;
    } catch (err) {
      return new Status('Error', err instanceof Error ? err.message : String(err));
    }
  },
});
