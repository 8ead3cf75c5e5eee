// kube-apiserver integration: invalid objects, and patches that cannot apply
// ==========================================================================
// CONCEPT   An object that decodes but breaks Kubernetes' rules is refused with 422 Invalid, and
//           the Status causes name the field (metadata.name, spec.replicas, spec.containers[1].name)
//           the way kubectl prints them. A patch is refused when its content type is one the server
//           does not speak (415), when it cannot apply (422 or 400, as Kubernetes decides), and when
//           the object it produces is invalid or renamed. Either way etcd stores nothing.
// REAL K8S  pkg/apis/core/validation/validation.go,
//           staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go
// SHIPS     A manifest with a ship that has no crew, sent back with the empty line circled.
// EXAMPLE   POST pods {"spec":{"containers":[]}}  =>  422 Invalid, causes [{field: "spec.containers"}]
// SKIPPED   Validation of fields our kinds do not carry.

import { describe, expect, it } from 'vitest';
import { type Obj, pod, PODS, rc, RCS, useRefusalServer } from '../helpers/apiserver-refusals.ts';

const { ok, refused, refusedEither, names } = useRefusalServer({ serviceClusterIPRange: '127.96.66.0/24' });

// ## Objects that decode but are not valid Kubernetes objects: 422 Invalid with field causes
describe('invalid objects', () => {
  it('refuses invalid names, naming metadata.name', async () => {
    for (const name of ['Besu_0', 'besu-', 'a'.repeat(254), '-lead']) {
      const status = await refused('POST', PODS, pod(name), { code: 422, reason: 'Invalid', field: 'metadata.name' });
      expect(status.details.kind).toBe('Pod');
      expect(status.message).toContain('is invalid');
    }
    // Service names must be DNS labels: no dots.
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my.service' }, spec: { ports: [{ port: 80 }] } };
    await refused('POST', '/api/v1/namespaces/default/services', svc, { code: 422, reason: 'Invalid', field: 'metadata.name' });
    await refused('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: pod('x').spec }, { code: 422, reason: 'Invalid', field: 'metadata.name', message: 'name or generateName is required' });
  });

  it('refuses negative RC replicas, naming spec.replicas', async () => {
    await refused('POST', RCS, rc('negative', { replicas: -1 }), {
      code: 422,
      reason: 'Invalid',
      field: 'spec.replicas',
      message: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    });
    expect(await names(RCS)).not.toContain('negative');
  });

  it('refuses an RC whose selector does not match its template', async () => {
    const body = rc('mismatch');
    body.spec.selector = { app: 'other' };
    const status = await refused('POST', RCS, body, { code: 422, reason: 'Invalid', field: 'spec.template.metadata.labels', message: 'selector' });
    expect(status.details.kind).toBe('ReplicationController');
  });

  it('refuses unparseable quantities such as "2 cores"', async () => {
    const body = pod('cores', [{ name: 'besu', image: 'besu', resources: { requests: { cpu: '2 cores' } } }]);
    await refused('POST', PODS, body, { code: 422, reason: 'Invalid', field: 'spec.containers[0].resources.requests.cpu', message: '"2 cores"' });
    const limits = pod('cores', [{ name: 'besu', image: 'besu', resources: { limits: { memory: '1.5 GB' } } }]);
    await refused('POST', PODS, limits, { code: 422, reason: 'Invalid', field: 'spec.containers[0].resources.limits.memory' });
  });

  it('refuses a pod without containers', async () => {
    await refused('POST', PODS, pod('empty', []), { code: 422, reason: 'Invalid', field: 'spec.containers', message: 'Required value' });
    await refused('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'no-spec' } }, { code: 422, reason: 'Invalid' });
  });

  it('refuses duplicate container names', async () => {
    const twins = [{ name: 'besu', image: 'besu:1' }, { name: 'besu', image: 'besu:2' }];
    const status = await refused('POST', PODS, pod('twins', twins), { code: 422, reason: 'Invalid', field: 'spec.containers[1].name', message: 'Duplicate value: "besu"' });
    expect(status.details.causes.find((c: Obj) => c.field === 'spec.containers[1].name').reason).toBe('FieldValueDuplicate');
  });

  it('refuses an update that makes an existing object invalid', async () => {
    const current = await ok('GET', `${RCS}/existing-rc`);
    current.spec.replicas = -3;
    await refused('PUT', `${RCS}/existing-rc`, current, { code: 422, reason: 'Invalid', field: 'spec.replicas' });
    expect((await ok('GET', `${RCS}/existing-rc`)).spec.replicas).toBe(1);
  });
});

// ## Patches
describe('bad patches', () => {
  it('refuses a PATCH in a content type it does not speak with 415', async () => {
    await refused('PATCH', `${PODS}/existing`, '{"metadata":{"labels":{"a":"b"}}}', { code: 415, reason: 'UnsupportedMediaType', message: 'application/merge-patch+json' }, { 'content-type': 'application/xml' });
    await refused('PATCH', `${PODS}/existing`, '{"metadata":{"labels":{"a":"b"}}}', { code: 415, reason: 'UnsupportedMediaType' }, { 'content-type': 'text/plain' });
  });

  it('refuses a JSON patch that cannot apply with 422 or 400', async () => {
    const json = { 'content-type': 'application/json-patch+json' };
    const missing = await refusedEither('PATCH', `${PODS}/existing`, [{ op: 'replace', path: '/spec/nothere/x', value: 1 }], json);
    expect(missing.message).toMatch(/nothere|path|missing|exist/i);
    await refusedEither('PATCH', `${PODS}/existing`, [{ op: 'test', path: '/metadata/name', value: 'someone-else' }], json);
    await refusedEither('PATCH', `${PODS}/existing`, [{ op: 'jump', path: '/spec' }], json);
    await refusedEither('PATCH', `${PODS}/existing`, { op: 'add', path: '/metadata/labels/x', value: 'y' }, json);
    await refused('PATCH', `${PODS}/existing`, '[{"op": "add",', { code: 400, reason: 'BadRequest' }, json);
  });

  it('refuses a merge patch that makes the object invalid, and one that renames it', async () => {
    const merge = { 'content-type': 'application/merge-patch+json' };
    await refused('PATCH', `${RCS}/existing-rc`, { spec: { replicas: -2 } }, { code: 422, reason: 'Invalid', field: 'spec.replicas' }, merge);
    await refused('PATCH', `${PODS}/existing`, { metadata: { name: 'renamed' } }, { code: 400, reason: 'BadRequest', message: 'does not match the name' }, merge);
    await refused('PATCH', `${PODS}/nobody`, { metadata: { labels: { a: 'b' } } }, { code: 404, reason: 'NotFound' }, merge);
  });
});
