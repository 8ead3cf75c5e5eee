// Authentication and authorization with --token-auth-file, against a real etcd and apiserver and
// the real kubectl: 401 for a token nobody issued, 403 for anonymous callers outside the public
// paths, everything for a known user, and a user added to the file later known without a restart.
// The launcher does not turn token checking on: kubectl sends tokens only over TLS (last test).
import { execFile } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { kubeconfigText } from '../../cluster/kubeconfig.ts';
import { useApiServer } from '../helpers/apiserver-http.ts';

const run = promisify(execFile);
let tokens = '';
const server = useApiServer({
  apiserver: (dir) => {
    tokens = join(dir, 'tokens.csv');
    writeFileSync(tokens, '# token,user,uid,"groups"\nadmin-token,kubernetes-admin,admin,"system:masters"\nnode-token,system:node:node-1,node-1,"system:nodes"\n');
    return { tokenAuthFile: tokens };
  },
});

const get = (path: string, token?: string) => server.api('GET', path, undefined, token ? { authorization: `Bearer ${token}` } : {});

it('lets anyone read the public-info paths, and nothing else without a token (403)', async () => {
  for (const path of ['/healthz', '/livez', '/readyz', '/version']) expect((await get(path)).status, path).toBe(200);
  const pods = await get('/api/v1/namespaces/default/pods');
  expect(pods.status).toBe(403);
  expect(pods.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
  expect(pods.body.message).toBe('pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  const lease = await get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1?watch=true');
  expect(lease.body.message).toBe('leases.coordination.k8s.io "node-1" is forbidden: User "system:anonymous" cannot watch resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease"');
  expect((await get('/api/v1/nodes/node-1/status')).body.message).toContain('cannot get resource "nodes/status" in API group "" at the cluster scope');
  expect((await get('/api')).body.message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
});

it('refuses a token nobody issued with 401, before anything else', async () => {
  for (const path of ['/api/v1/pods', '/healthz']) {
    const res = await get(path, 'stolen');
    expect(res.status, path).toBe(401);
    expect(res.body).toEqual({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
});

it('serves known users, including one added to the file while the apiserver runs', async () => {
  expect((await get('/api/v1/namespaces', 'admin-token')).status).toBe(200);
  expect((await get('/api/v1/nodes', 'node-token')).status).toBe(200);
  expect((await get('/api/v1/nodes', 'late-token')).status).toBe(401);
  appendFileSync(tokens, 'late-token,system:node:node-9,node-9,"system:nodes"\n');
  expect((await get('/api/v1/nodes', 'late-token')).status).toBe(200);
});

it('shows kubectl users the 403, and kubectl keeps its token off plain HTTP', async () => {
  // client-go sends a kubeconfig's credentials only to https:// servers, so against our plain
  // HTTP apiserver kubectl is anonymous even with a token: a reason the harbour runs without one.
  const admin = join(server.cp.dir, 'admin.kubeconfig');
  writeFileSync(admin, kubeconfigText(server.cp.url, { name: 'kubernetes-admin', token: 'admin-token' }));
  const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', admin, ...args]).then(
    (r) => ({ code: 0, err: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, err: e.stderr }),
  );
  const raw = await kubectl('get', '--raw', '/api/v1/namespaces/default/pods');
  expect(raw.code).not.toBe(0);
  expect(raw.err).toContain('Error from server (Forbidden): pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  const version = await kubectl('get', '--raw', '/version');
  expect(version.code, version.err).toBe(0);
});
