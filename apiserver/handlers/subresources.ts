// Subresources: binding, eviction, scale, status and log
// ======================================================
// CONCEPT   Some actions are not "replace the object" but a narrow verb on it, each with its own
//           permission in real clusters: the scheduler may *bind* a pod but not edit it; `kubectl
//           drain` *evicts* (a delete that disruption budgets may refuse); `kubectl scale` writes
//           only the replica count through an autoscaling/v1 Scale; `kubectl logs` is proxied to the
//           kubelet of the pod's node, the one place the apiserver calls a component.
// REAL K8S  pkg/registry/core/pod/storage/storage.go (BindingREST, assignPod), eviction.go,
//           pkg/registry/core/replicationcontroller/storage/storage.go (ScaleREST),
//           pkg/registry/core/pod/rest/log.go and pkg/kubelet/client (LogLocation)
// SHIPS     The crane's order slip (binding), a notice to unload (eviction), the office's count
//           (scale), and a radio patch-through to a captain's log (log).
// EXAMPLE   POST pods/besu-0/binding {target: {kind: Node, name: node-2}} => 201, spec.nodeName node-2
//           POST again                                              => 409 already assigned
// SKIPPED   PodDisruptionBudgets (every eviction is allowed), previous-container logs.

import type { Binding, Eviction, KubeObject, LabelSelector, Node, Pod, ReplicationController, Scale } from '../../api/types.ts';
import { deleteObject } from '../registry/delete.ts';
import type { RegistryStore } from '../registry/store.ts';
import { selectorText } from '../registry/workloads.ts';
import { badRequest, cause, conflict, failure, invalid, notFound, required, success } from '../status.ts';
import { get, patcher, update, type Call, type Reply } from './rest.ts';
import { asObjectOf, decodeBody, parseResourceVersion } from './request.ts';

// ## pods/binding: the scheduler's only write to a pod
export async function bind(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace, name } = call.info;
  const binding = asObjectOf(def, decodeBody(call.rawBody, call.contentType), 'Binding', 'v1') as Binding;
  if (binding.metadata.name && binding.metadata.name !== name) {
    throw badRequest(`the name of the binding (${binding.metadata.name}) does not match the pod on the URL (${name})`);
  }
  const target = binding.target?.name;
  if (!target) throw invalid('Binding', name!, [required('target.name')]);
  if (binding.target.kind && binding.target.kind !== 'Node') throw invalid('Binding', name!, [cause('target.kind', `Invalid value: "${binding.target.kind}": must be empty or Node`)]);
  await store.guaranteedUpdate(def, namespace, name!, (current) => {
    const pod = current as Pod;
    if (pod.metadata.deletionTimestamp) throw conflict(def, name!, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (pod.spec.nodeName) throw conflict(def, name!, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    pod.spec.nodeName = target;
    const conditions = (pod.status ??= {}).conditions ?? [];
    pod.status.conditions = [...conditions.filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: store.context().now }];
    return pod;
  });
  return { code: 201, body: { ...success(), code: 201 } };
}

// ## pods/eviction: a polite delete
export async function evict(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace, name } = call.info;
  const body = decodeBody(call.rawBody, call.contentType) as KubeObject;
  const version = typeof body?.apiVersion === 'string' && body.apiVersion.startsWith('policy/') ? body.apiVersion : 'policy/v1';
  const eviction = asObjectOf(def, body, 'Eviction', version) as Eviction;
  if (eviction.metadata.name && eviction.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object (${eviction.metadata.name} vs ${name})`);
  }
  await deleteObject(store, def, namespace, name!, eviction.deleteOptions ?? {});
  return { code: 201, body: { ...success(), code: 201 } };
}

// ## replicationcontrollers/scale (and deployments, replicasets): the replica count as an autoscaling/v1 Scale
// An RC's selector is a plain map; the apps/v1 kinds carry a LabelSelector, printed as its string form.
function scaleSelector(selector: unknown): string {
  const sel = (selector ?? {}) as Record<string, unknown>;
  if ('matchLabels' in sel || 'matchExpressions' in sel) return selectorText(sel as LabelSelector).replace(/^<none>$/, '');
  return Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
}

function toScale(rc: ReplicationController): Scale {
  const selector = scaleSelector(rc.spec.selector);
  const { name, namespace, uid, resourceVersion, creationTimestamp } = rc.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: rc.spec.replicas ?? 0 },
    status: { replicas: rc.status?.replicas ?? 0, selector },
  };
}

function setReplicas(store: RegistryStore, call: Call, current: KubeObject, replicas: unknown): KubeObject {
  const rc = structuredClone(current) as ReplicationController;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', rc.metadata.name!, [cause('spec.replicas', `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`)], 'autoscaling');
  }
  rc.spec.replicas = replicas;
  return store.applyUpdate(call.info.def, current, rc);
}

export async function scale(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace, name } = call.info;
  if (call.method === 'GET') {
    return { code: 200, body: toScale((await store.get(def, namespace, name!)) as ReplicationController) };
  }
  let next: (current: KubeObject) => KubeObject;
  let precondition: string | undefined;
  if (call.method === 'PUT') {
    const body = asObjectOf(def, decodeBody(call.rawBody, call.contentType || 'application/json'), 'Scale', 'autoscaling/v1') as Scale;
    precondition = parseResourceVersion(body.metadata.resourceVersion);
    next = (current) => setReplicas(store, call, current, body.spec?.replicas);
  } else {
    const apply = patcher(call, 'Scale');
    next = (current) => setReplicas(store, call, current, (apply(toScale(current as ReplicationController)) as Scale).spec?.replicas);
  }
  const updated = await store.guaranteedUpdate(def, namespace, name!, next, precondition);
  return { code: 200, body: toScale(updated as ReplicationController) };
}

// ## status: the same object, but only status may change
export async function status(store: RegistryStore, call: Call): Promise<Reply> {
  if (call.method === 'GET') return get(store, call);
  return update(store, call);
}

// ## pods/log: proxied to the kubelet that runs the pod
export async function podLog(store: RegistryStore, call: Call): Promise<Reply & { stream?: ReadableStream<Uint8Array> }> {
  const { def, namespace, name } = call.info;
  const pod = (await store.get(def, namespace, name!)) as Pod;
  const names = pod.spec.containers.map((c) => c.name);
  const container = (call.query.container as string | undefined) ?? (names.length === 1 ? names[0] : undefined);
  if (!container) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  if (!pod.spec.nodeName) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: the pod has not been scheduled to a node yet`);
  const node = store.context().lookup('nodes', undefined, pod.spec.nodeName) as Node | undefined;
  if (!node) throw notFound({ group: '', resource: 'nodes' }, pod.spec.nodeName);
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!ip || !port) {
    throw failure(503, 'ServiceUnavailable', `node ${node.metadata.name} has not published a kubelet endpoint (status.daemonEndpoints), so its logs cannot be fetched`);
  }
  const params = new URLSearchParams();
  for (const key of ['follow', 'tailLines', 'timestamps', 'previous', 'sinceSeconds', 'limitBytes']) {
    const v = call.query[key];
    if (typeof v === 'string') params.set(key, v);
  }
  const url = `http://${ip}:${port}/containerLogs/${namespace}/${name}/${container}?${params}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw failure(503, 'ServiceUnavailable', `the kubelet on node ${node.metadata.name} (${ip}:${port}) cannot be reached: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const text = await res.text();
    throw failure(res.status === 404 ? 404 : 400, res.status === 404 ? 'NotFound' : 'BadRequest', text || `the kubelet answered ${res.status}`);
  }
  return { code: 200, body: undefined, stream: res.body };
}
