// The REST verbs: get, list, watch, create, update, patch, delete, deletecollection
// ================================================================================
// CONCEPT   The HTTP method and the shape of the path name the verb: GET on a collection is list
//           (or watch, with ?watch=true), POST on a collection is create, PUT on an object is
//           update, and so on. Each verb here is a few lines that decode, call the registry store,
//           and shape the answer; the rules themselves live in the store and the strategies.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/{get,create,update,patch,delete}.go,
//           apiserver/pkg/endpoints/installer.go (which verb a method and path mean)
// SHIPS     The radio room's switchboard: each kind of call goes to the desk that handles it.
// EXAMPLE   PATCH /api/v1/nodes/node-1  Content-Type: application/strategic-merge-patch+json
//           {"spec":{"unschedulable":true}}  =>  200, the cordoned Node
// SKIPPED   Server-side apply, dry-run for deletes.

import type { DeleteOptions, KubeObject } from '../../api/types.ts';
import { applyPatch, patchTypeFor } from '../patch/apply-patch.ts';
import { PatchError } from '../patch/errors.ts';
import { deleteObject, finishDeletionIfDone } from '../registry/delete.ts';
import { validateDeleteOptions } from '../registry/deletion-finalizers.ts';
import type { RegistryStore } from '../registry/store.ts';
import { withTypeMeta } from '../registry/store.ts';
import { etcdKey, etcdPrefix, type ResourceDef } from '../registry/strategy.ts';
import { badRequest, failure, methodNotAllowed, success, unsupportedMediaType } from '../status.ts';
import { checkStrictFields } from '../schema/strict.ts';
import { checkPatchedObject } from '../schema/patched.ts';
import { listPage, type Page } from './paging.ts';
import { render, renderList, type OutputFormat } from './output.ts';
import { asObjectOf, decodeBody, hasBody, mediaType, parseListOptions, parseResourceVersion, selects, type RequestInfo } from './request.ts';

/** What a verb handler answers: a status code and a body, or "streamed" when it wrote itself. */
export type Reply = { code: number; body: unknown } | 'streamed';

export interface Call {
  method: string;
  info: RequestInfo;
  query: Record<string, string | string[] | undefined>;
  contentType?: string;
  /** The body as text, or as bytes for a protobuf body (application/vnd.kubernetes.protobuf). */
  rawBody?: string | Buffer;
  format: OutputFormat;
}

const q = (call: Call, key: string) => {
  const v = call.query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
};

// ## Reads
export async function list(store: RegistryStore, call: Call): Promise<Page> {
  const { def, namespace } = call.info;
  const options = parseListOptions(def, call.query);
  const filter = selects(def, namespace, options);
  const cache = store.cache(def);
  const rv = options.resourceVersion;
  const prefix = namespace ? `${etcdPrefix(def)}${namespace}/` : etcdPrefix(def);
  // resourceVersion=0 means "any recent state": served whole from the watch cache. A paged list
  // or any other is a consistent read from etcd, as the real apiserver does.
  const paged = Boolean(options.continue || options.limit);
  if (rv !== undefined && Number(rv) <= cache.revision && !(paged && rv !== '0')) {
    const { items, revision } = cache.list(prefix);
    return { items: items.filter(filter).map((o) => withTypeMeta(def, o)), revision };
  }
  if (paged) {
    const selective = options.labelSelector.length > 0 || options.fieldSelector.length > 0;
    const page = await listPage(store.etcd, prefix, options.limit || Number.MAX_SAFE_INTEGER, { test: filter, selective }, options.continue);
    return { ...page, items: page.items.map((o) => withTypeMeta(def, o)) };
  }
  const { items, revision } = await store.etcd.list(prefix);
  return { items: items.filter(filter).map((o) => withTypeMeta(def, o)), revision };
}

export async function get(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace, name } = call.info;
  return { code: 200, body: render(def, await store.get(def, namespace, name!), call.format) };
}

// ## Writes
function decodeObject(call: Call, def: ResourceDef): KubeObject {
  const body = decodeBody(call.rawBody, call.contentType);
  const obj = asObjectOf(def, body);
  if (q(call, 'fieldValidation') === 'Strict') checkStrictFields(def.kind, body);
  return obj;
}

export async function create(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace } = call.info;
  const obj = decodeObject(call, def);
  const dryRun = q(call, 'dryRun') === 'All';
  return { code: 201, body: render(def, await store.create(def, namespace, obj, dryRun), call.format) };
}

export async function update(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace, name, subresource } = call.info;
  const obj = decodeObject(call, def);
  if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest(`the namespace of the provided object ("${obj.metadata.namespace}") does not match the namespace sent on the request ("${namespace}")`);
  }
  const precondition = parseResourceVersion(obj.metadata.resourceVersion);
  const updated = await store.guaranteedUpdate(def, namespace, name!, (current) =>
    subresource === 'status' ? store.applyStatusUpdate(current, obj) : store.applyUpdate(def, current, obj), precondition);
  await finishDeletionIfDone(store, def, updated);
  return { code: 200, body: render(def, updated, call.format) };
}

/** Decodes a PATCH body and returns a function applying it to any version of the object. */
export function patcher(call: Call, kind: string): (current: unknown) => unknown {
  const type = patchTypeFor(call.contentType);
  if (!type) {
    if (mediaType(call.contentType) === 'application/apply-patch+yaml') {
      throw failure(415, 'UnsupportedMediaType', 'server-side apply is not supported by this simulator: use `kubectl apply` without --server-side (client-side apply works)');
    }
    throw unsupportedMediaType(mediaType(call.contentType) || '(none)');
  }
  const patch = decodeBody(call.rawBody, 'application/json');
  const strict = q(call, 'fieldValidation') === 'Strict';
  return (current) => {
    let patched: unknown;
    try {
      patched = applyPatch(type, current, patch, kind);
    } catch (err) {
      if (!(err instanceof PatchError)) throw err;
      throw err.code === 400 ? badRequest(err.message) : failure(422, 'Invalid', err.message);
    }
    // The patched object is decoded into the Go type: a wrong type, or an unknown field under
    // Strict, is a 422 on "patch" (patch.go), not the 400 a create or update body gets.
    checkPatchedObject(kind, patched, { type, patch, strict });
    return patched;
  };
}

export async function patch(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace, name, subresource } = call.info;
  const apply = patcher(call, def.kind);
  const updated = await store.guaranteedUpdate(def, namespace, name!, (current) => {
    const patched = asObjectOf(def, apply(current));
    if (patched.metadata.name !== name) throw badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`);
    return subresource === 'status' ? store.applyStatusUpdate(current, patched) : store.applyUpdate(def, current, patched);
  }, patchPrecondition(call));
  await finishDeletionIfDone(store, def, updated);
  return { code: 200, body: render(def, updated, call.format) };
}

/** A patch that names a resourceVersion is conditional on it, as in Kubernetes. */
function patchPrecondition(call: Call): string | undefined {
  try {
    const body = JSON.parse(String(call.rawBody ?? '')) as { metadata?: { resourceVersion?: string } };
    return parseResourceVersion(Array.isArray(body) ? undefined : body?.metadata?.resourceVersion);
  } catch {
    return undefined;
  }
}

// ## Deletes
export function deleteOptions(call: Call): DeleteOptions {
  let options: DeleteOptions = {};
  if (hasBody(call.rawBody)) {
    const body = decodeBody(call.rawBody, call.contentType);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of a DELETE must be a DeleteOptions object');
    options = body as DeleteOptions;
  }
  const grace = q(call, 'gracePeriodSeconds');
  if (grace !== undefined) {
    if (!/^-?\d+$/.test(grace)) throw badRequest(`invalid gracePeriodSeconds "${grace}": must be a whole number of seconds`);
    options.gracePeriodSeconds = Number(grace);
  }
  const policy = q(call, 'propagationPolicy');
  if (policy !== undefined) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (options.gracePeriodSeconds !== undefined && typeof options.gracePeriodSeconds !== 'number') {
    throw badRequest('gracePeriodSeconds must be a number');
  }
  validateDeleteOptions(options);
  return options;
}

export async function remove(store: RegistryStore, call: Call): Promise<Reply> {
  const { def, namespace, name } = call.info;
  const deleted = await deleteObject(store, def, namespace, name!, deleteOptions(call));
  return { code: 200, body: render(def, deleted, call.format) };
}

export async function deleteCollection(store: RegistryStore, call: Call): Promise<Reply> {
  const { def } = call.info;
  if (!def.verbs.includes('deletecollection')) throw methodNotAllowed('deletecollection', def.plural);
  const options = deleteOptions(call);
  const { items } = await list(store, call);
  const deleted: KubeObject[] = [];
  for (const obj of items) {
    try {
      deleted.push(await deleteObject(store, def, obj.metadata.namespace, obj.metadata.name!, options));
    } catch {
      // gone already: deletecollection is best effort per item, as in Kubernetes
    }
  }
  return { code: 200, body: renderList(def, deleted, store.cache(def).revision, call.format) };
}

export { success, etcdKey };
