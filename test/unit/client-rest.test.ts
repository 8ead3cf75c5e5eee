// Paths, kubeconfig resolution and error reasons (client/resources.ts, kubeconfig.ts, errors.ts).
import { describe, expect, it } from 'vitest';
import { ApiError, isAlreadyExists, isConflict, isGone, isNotFound, networkErrorCode, toStatus } from '../../client/errors.ts';
import { resolveKubeconfig } from '../../client/kubeconfig.ts';
import { objectKey, resourcePath, splitKey } from '../../client/resources.ts';

describe('resource paths', () => {
  it('builds exactly the paths Kubernetes serves', () => {
    expect(resourcePath('pods', { namespace: 'default', name: 'besu-0' })).toBe('/api/v1/namespaces/default/pods/besu-0');
    expect(resourcePath('pods')).toBe('/api/v1/pods');
    expect(resourcePath('Pod', { namespace: 'ns' })).toBe('/api/v1/namespaces/ns/pods');
    expect(resourcePath('nodes', { namespace: 'ignored', name: 'node-1' })).toBe('/api/v1/nodes/node-1');
    expect(resourcePath('nodes', { name: 'node-1', subresource: 'status' })).toBe('/api/v1/nodes/node-1/status');
    expect(resourcePath('namespaces', { name: 'kube-system' })).toBe('/api/v1/namespaces/kube-system');
    expect(resourcePath('leases', { namespace: 'kube-system', name: 'kube-scheduler' }))
      .toBe('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler');
    expect(resourcePath('pods', { namespace: 'default', name: 'besu-0', subresource: 'binding' }))
      .toBe('/api/v1/namespaces/default/pods/besu-0/binding');
    expect(resourcePath('replicationcontrollers', { namespace: 'default', name: 'rc', subresource: 'scale' }))
      .toBe('/api/v1/namespaces/default/replicationcontrollers/rc/scale');
    expect(() => resourcePath('widgets')).toThrow(/unknown resource/);
  });

  it('keys objects as namespace/name, cluster objects by name', () => {
    expect(objectKey({ metadata: { name: 'a', namespace: 'ns' } })).toBe('ns/a');
    expect(objectKey({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(splitKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(splitKey('node-1')).toEqual({ name: 'node-1' });
  });
});

describe('kubeconfig', () => {
  const text = `
apiVersion: v1
kind: Config
current-context: harbour
clusters:
- name: local
  cluster: { server: "http://127.0.0.1:6443/", insecure-skip-tls-verify: true }
- name: other
  cluster: { server: "http://127.0.0.2:6443" }
users:
- name: admin
  user: { token: secret-token }
contexts:
- name: harbour
  context: { cluster: local, user: admin, namespace: ships }
- name: anon
  context: { cluster: other }
`;

  it('resolves the current context to server, token and namespace', () => {
    expect(resolveKubeconfig(text)).toEqual({
      server: 'http://127.0.0.1:6443', token: 'secret-token', namespace: 'ships', context: 'harbour', insecureSkipTLSVerify: true,
    });
  });

  it('takes another context by name, with no user and the default namespace', () => {
    expect(resolveKubeconfig(text, 'anon')).toMatchObject({ server: 'http://127.0.0.2:6443', token: undefined, namespace: 'default' });
    expect(() => resolveKubeconfig(text, 'nope')).toThrow(/context "nope" not found/);
  });
});

describe('API errors', () => {
  it('carries code and reason from a Status, and from bare answers', () => {
    const e = new ApiError(toStatus(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: 'pods "x" not found' }));
    expect([e.code, e.reason, e.message]).toEqual([404, 'NotFound', 'pods "x" not found']);
    expect(isNotFound(e)).toBe(true);
    expect(isConflict(new ApiError(toStatus(409, { kind: 'Status', code: 409, reason: 'Conflict' })))).toBe(true);
    expect(isAlreadyExists(new ApiError(toStatus(409, { kind: 'Status', code: 409, reason: 'AlreadyExists' })))).toBe(true);
    expect(isGone(new ApiError(toStatus(410, 'gone')))).toBe(true);
    expect(new ApiError(toStatus(502, '<html>bad gateway</html>')).reason).toBe('InternalError');
  });

  it('finds network error codes in fetch failures', () => {
    const err = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(networkErrorCode(err)).toBe('ECONNREFUSED');
    expect(networkErrorCode(new Error('other'))).toBeUndefined();
  });
});
