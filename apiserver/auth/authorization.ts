// Authorization: may this caller do this? A stand-in for RBAC
// ===========================================================
// CONCEPT   Once the apiserver knows who is calling (./authentication.ts), it asks whether that
//           user may perform this *verb* on this *resource* in this *namespace* (or GET this
//           non-resource path, like /healthz). A "no" is 403 Forbidden, worded so the student sees
//           exactly which permission is missing. Real clusters answer with RBAC: Roles listing
//           verbs on resources, bound to users and groups. Ours keeps the two rules a fresh
//           kubeadm cluster effectively starts with: anyone may read the public-info paths
//           (ClusterRole system:public-info-viewer), and anonymous callers may do nothing else;
//           every authenticated user may do everything (as the cluster-admin a kubeconfig holds).
//           401 means "I don't know you"; 403 means "I know you, and no".
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/filters/authorization.go,
//           apiserver/pkg/endpoints/handlers/responsewriters/errors.go (forbiddenMessage),
//           plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (system:public-info-viewer)
// SHIPS     The harbour master's list of who may board which ship.
// EXAMPLE   anonymous GET /api/v1/namespaces/default/pods => 403 'pods is forbidden: User
//           "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"'
// SKIPPED   Roles, RoleBindings and the rbac.authorization.k8s.io API; the Node authorizer.

import { resolvePath } from '../handlers/request.ts';
import type { RegistryStore } from '../registry/store.ts';
import { failure } from '../status.ts';
import type { UserInfo } from './authentication.ts';

/** What a request asks to do, in the words an authorizer uses (authorizer.Attributes). */
export type Attributes =
  | { type: 'resource'; verb: string; apiGroup: string; resource: string; subresource?: string; namespace?: string; name?: string }
  | { type: 'path'; verb: string; path: string };

const PUBLIC_INFO = new Set(['/healthz', '/livez', '/readyz', '/version']);

/**
 * Throws 403 Forbidden unless `user` may do what the request asks. The attributes are read only
 * when the answer depends on them: an authenticated user's requests skip that work entirely.
 */
export function authorize(user: UserInfo, attributes: () => Attributes): void {
  if (user.groups.includes('system:authenticated')) return;
  const attrs = attributes();
  if (attrs.type === 'path' && attrs.verb === 'get' && PUBLIC_INFO.has(attrs.path)) return;
  throw forbidden(user, attrs);
}

function forbidden(user: UserInfo, a: Attributes) {
  if (a.type === 'path') return failure(403, 'Forbidden', `forbidden: User "${user.name}" cannot ${a.verb} path "${a.path}"`);
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const who = a.apiGroup ? `${resource}.${a.apiGroup}` : resource;
  const subject = a.name ? `${who} "${a.name}"` : who;
  return failure(403, 'Forbidden', `${subject} is forbidden: User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`,
    { name: a.name, group: a.apiGroup || undefined, kind: a.resource });
}

/** The verb a method and path mean (installer.go): GET on a collection is list, or watch with ?watch. */
export function verbOf(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/**
 * Reads the attributes of a request from its method and URL (the RequestInfoFactory's job): a
 * resource request when the path names a served resource, a non-resource path otherwise.
 */
export function attributesFor(store: RegistryStore, method: string, url: string): Attributes {
  const [path, query = ''] = url.split('?');
  const m = /^\/api\/(v1)\/(.+)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)\/(.+)$/.exec(path);
  if (m) {
    const [group, version] = m[1].includes('/') ? m[1].split('/') : ['', m[1]];
    try {
      const info = resolvePath(store, group, version, m[2].split('/').filter(Boolean).map(decodeURIComponent));
      if (info) {
        const watch = /(^|&)watch=(true|1)(&|$)/.test(query);
        return {
          type: 'resource', verb: verbOf(method, info.name !== undefined, watch), apiGroup: group, resource: info.def.plural,
          subresource: info.subresource, namespace: info.namespace, name: info.name,
        };
      }
    } catch {
      // not a resource we serve: judged as a plain path (the handler answers 404 to those allowed)
    }
  }
  return { type: 'path', verb: method === 'GET' || method === 'HEAD' ? 'get' : verbOf(method, true, false), path };
}
