// Reading a request: which resource, which object, which options
// ===============================================================
// CONCEPT   Every Kubernetes URL spells out what it is about:
//             /api/v1/namespaces/default/pods/besu-0/status
//              ^core  ^version  ^namespace    ^resource ^name ^subresource
//             /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1
//           We turn the path into a RequestInfo, the query string into list options (selectors,
//           resourceVersion, watch), and the body into an object, refusing anything malformed with
//           a 400 that says what was wrong, before any handler runs.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go (RequestInfoFactory),
//           apiserver/pkg/endpoints/handlers/rest.go (parseTimeout, ListOptions decoding)
// SHIPS     The radio operator repeating a message back: "ship, cargo, berth - understood".
// EXAMPLE   GET /api/v1/pods?labelSelector=app%3Dbesu&watch=1
//           => { def: pods, namespace: undefined, verb: "watch", labelSelector: [app=besu] }
// SKIPPED   resourceVersionMatch (lists read the newest state, or the cache's for resourceVersion=0).

import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../api/types.ts';
import { matchesLabels, parseLabelSelector, type Requirement } from '../../api/labels.ts';
import { matchesFields, parseFieldSelector, type FieldRequirement } from '../../api/fields.ts';
import type { RegistryStore } from '../registry/store.ts';
import type { ResourceDef } from '../registry/strategy.ts';
import { decodeProtobuf, ProtobufError, PROTOBUF_MEDIA_TYPE, UnsupportedKindError } from '../protobuf/decode.ts';
import { badRequest, cause, failure, invalid, unsupportedMediaType } from '../status.ts';
import { checkTypes } from '../schema/types.ts';
import { zeroNulls } from '../schema/nulls.ts';

export interface RequestInfo {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The server could not find the requested resource: an unknown path, as Kubernetes answers it. */
export const unknownPath = () => failure(404, 'NotFound', 'the server could not find the requested resource');

/**
 * Resolves the segments after `/api/v1` or `/apis/<group>/<version>` into a RequestInfo.
 * Returns undefined for the group-version root itself (served by discovery).
 */
export function resolvePath(store: RegistryStore, group: string, version: string, segments: string[]): RequestInfo | undefined {
  if (segments.length === 0) return undefined;
  const find = (plural: string) => store.defs.find((d) => d.group === group && d.version === version && d.plural === plural);
  const [first, second, third, fourth, fifth, ...rest] = segments;
  if (rest.length) throw unknownPath();
  // /namespaces/{ns}/{resource}/... is a namespaced path unless the third segment is the
  // namespace's own subresource (/namespaces/{name}/status).
  if (first === 'namespaces' && third !== undefined && find(third)?.namespaced) {
    const def = find(third)!;
    return checkSub(def, { def, namespace: second, name: fourth, subresource: fifth });
  }
  const def = find(first);
  if (!def || fourth !== undefined) throw unknownPath();
  return checkSub(def, { def, name: second, subresource: third });
}

function checkSub(def: ResourceDef, info: RequestInfo): RequestInfo {
  if (info.subresource && !def.subresources.some((s) => s.name === info.subresource)) throw unknownPath();
  if (info.name === '') throw unknownPath();
  return info;
}

// ## Query options
export interface ListOptions {
  labelSelector: Requirement[];
  fieldSelector: FieldRequirement[];
  resourceVersion?: string;
  watch: boolean;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
  /** Page size; 0 or absent: everything at once (see ./paging.ts). */
  limit?: number;
  /** The token a previous page ended with. */
  continue?: string;
}

type Query = Record<string, string | string[] | undefined>;

function one(query: Query, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

const truthy = (v: string | undefined) => v === 'true' || v === '1';

/** Parses a resourceVersion parameter: empty, or a non-negative integer in decimal. */
export function parseResourceVersion(rv: string | undefined): string | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resourceVersion "${rv}": a resourceVersion is the decimal number of an etcd revision, e.g. "12345"`);
  return rv;
}

export function parseListOptions(def: ResourceDef, query: Query): ListOptions {
  const fieldSelector = parseSelector(() => parseFieldSelector(one(query, 'fieldSelector') ?? ''), 'fieldSelector');
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(def.strategy.selectableFields ?? [])]);
  for (const r of fieldSelector) {
    if (!allowed.has(r.field)) throw badRequest(`field label not supported: ${r.field} (${def.plural} can be selected by ${[...allowed].join(', ')})`);
  }
  const timeout = one(query, 'timeoutSeconds');
  if (timeout !== undefined && !/^\d+$/.test(timeout)) throw badRequest(`invalid timeoutSeconds "${timeout}": must be a whole number of seconds`);
  const initial = one(query, 'sendInitialEvents');
  const limit = one(query, 'limit');
  if (limit !== undefined && limit !== '' && !/^\d+$/.test(limit)) throw badRequest(`invalid limit "${limit}": must be a whole number of items (0 means no limit)`);
  const token = one(query, 'continue') || undefined;
  const resourceVersion = parseResourceVersion(one(query, 'resourceVersion'));
  if (token && resourceVersion !== undefined && resourceVersion !== '0') {
    throw invalid('ListOptions', '', [cause('resourceVersion', 'Forbidden: specifying resource version is not allowed when using continue', 'FieldValueForbidden')], 'meta.k8s.io');
  }
  return {
    limit: limit ? Number(limit) : undefined,
    continue: token,
    labelSelector: parseSelector(() => parseLabelSelector(one(query, 'labelSelector') ?? ''), 'labelSelector'),
    fieldSelector,
    resourceVersion,
    watch: truthy(one(query, 'watch')),
    allowWatchBookmarks: truthy(one(query, 'allowWatchBookmarks')),
    timeoutSeconds: timeout === undefined ? undefined : Number(timeout),
    sendInitialEvents: initial === undefined ? undefined : truthy(initial),
  };
}

function parseSelector<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (err) {
    throw badRequest(`unable to parse ${what}: ${(err as Error).message}`);
  }
}

/** A predicate for the objects a list or watch selects, built once per request. */
export function selects(def: ResourceDef, namespace: string | undefined, options: ListOptions): (obj: KubeObject) => boolean {
  const { labelSelector, fieldSelector } = options;
  const fields = def.strategy.fields;
  return (obj) => {
    if (namespace && obj.metadata.namespace !== namespace) return false;
    if (labelSelector.length && !matchesLabels(labelSelector, obj.metadata.labels)) return false;
    if (!fieldSelector.length) return true;
    const set = { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '', ...(fields?.(obj) ?? {}) };
    return matchesFields(fieldSelector, set);
  };
}

// ## Bodies
export const BODY_LIMIT = 3 * 1024 * 1024;

/** The media type without parameters, lower-cased: "application/json; charset=utf-8" => "application/json". */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** True when a request carried a body worth decoding: not absent, not empty, not only whitespace. */
export function hasBody(raw: string | Buffer | undefined): raw is string | Buffer {
  return typeof raw === 'string' ? raw.trim() !== '' : raw !== undefined && raw.length > 0;
}

/**
 * Decodes a body into an object, or says precisely why it cannot: JSON (or YAML) text, or the
 * Kubernetes protobuf kubectl's typed clients send (`kubectl create namespace`), which the
 * server's content parser keeps as a Buffer. Protobuf becomes the same object JSON would have.
 */
export function decodeBody(raw: string | Buffer | undefined, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === PROTOBUF_MEDIA_TYPE) return decodeProtobufBody(raw);
  if (Buffer.isBuffer(raw)) raw = raw.toString('utf8');
  if (!raw || !raw.trim()) throw badRequest('the request body is empty; send the object as JSON');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    try {
      return parseYaml(raw);
    } catch (err) {
      throw badRequest(`the request body is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (type && !type.endsWith('json') && type !== 'text/plain' && type !== '*/*') throw unsupportedMediaType(type);
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

// A malformed protobuf body is the client's fault (400, as the real apiserver answers a decode
// error); a well-formed one of a kind we have no field table for is a media type we cannot
// read for that kind (415), whose message tells the student to send JSON instead.
function decodeProtobufBody(raw: string | Buffer | undefined): unknown {
  if (!hasBody(raw)) throw badRequest('the request body is empty; send the object as protobuf or JSON');
  try {
    return decodeProtobuf(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw);
  } catch (err) {
    if (err instanceof UnsupportedKindError) throw failure(415, 'UnsupportedMediaType', err.message);
    if (err instanceof ProtobufError) throw badRequest(`the request body is not valid protobuf: ${err.message}`);
    throw err;
  }
}

/** Checks a decoded body is an object of the kind this URL holds, and returns it typed. */
export function asObjectOf(def: ResourceDef, body: unknown, expectKind = def.kind, expectApiVersion?: string): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`the request body must be a JSON object (a ${expectKind}), not ${Array.isArray(body) ? 'an array' : typeof body}`);
  }
  const obj = body as KubeObject;
  const apiVersion = expectApiVersion ?? (def.group ? `${def.group}/${def.version}` : def.version);
  if (obj.kind !== undefined && obj.kind !== expectKind) {
    throw badRequest(`the kind in the request body ("${String(obj.kind)}") does not match this URL, which takes a ${expectKind}`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  // Go decodes into a typed struct: a value of the wrong JSON type fails here with 400.
  checkTypes(expectKind, body);
  zeroNulls(expectKind, body);
  // `null` decodes as Go's zero value: no metadata, or an empty name, is the same as none.
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) {
    throw badRequest('metadata must be a JSON object');
  }
  for (const f of ['name', 'namespace', 'generateName', 'resourceVersion', 'uid'] as const) {
    const v = obj.metadata[f];
    if (v === null) delete obj.metadata[f];
    else if (v !== undefined && typeof v !== 'string') throw badRequest(`metadata.${f} must be a string, got ${JSON.stringify(v)}`);
  }
  return obj;
}
