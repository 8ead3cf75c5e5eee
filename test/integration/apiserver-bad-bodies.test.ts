// kube-apiserver integration: bodies it cannot decode, or that do not belong at the URL
// =====================================================================================
// CONCEPT   A client's mistake must come back as a Status with the Kubernetes reason and code (so
//           kubectl prints `Error from server (BadRequest): ...`) and a message a student can act
//           on: malformed JSON, a field of the wrong type, a kind, apiVersion, name or namespace
//           that does not match the URL, a body over 3 MiB, an unknown field under
//           fieldValidation=Strict. Whatever odd body a client sends, the answer is a Status below
//           500, never a crash, and etcd's revision proves nothing was stored.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/ (create.go, update.go),
//           test/integration/apiserver/apiserver_test.go (TestFieldValidation*), max_request_body_bytes_test.go
// SHIPS     The radio room refusing a garbled message, and saying exactly which word was garbled.
// EXAMPLE   POST pods '{"kind": "Pod", "metadata": {"name": '  =>  400 BadRequest "... not valid JSON"
// SKIPPED   Authentication and authorization failures (401/403 for identity): no auth here yet.

import { describe, expect, it } from 'vitest';
import { pod, PODS, RCS, useRefusalServer } from '../helpers/apiserver-refusals.ts';

const { api, ok, refused, names } = useRefusalServer({ serviceClusterIPRange: '127.96.2.0/24' });

// ## Bodies that cannot be decoded or do not belong at this URL
describe('malformed and misplaced bodies', () => {
  it('refuses malformed JSON with 400 BadRequest', async () => {
    await refused('POST', PODS, '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": ', { code: 400, reason: 'BadRequest', message: 'not valid JSON' });
    await refused('PUT', `${PODS}/existing`, '{not json', { code: 400, reason: 'BadRequest', message: 'not valid JSON' });
  });

  it('refuses an empty body and a body that is not an object', async () => {
    await refused('POST', PODS, '', { code: 400, reason: 'BadRequest', message: 'empty' });
    await refused('POST', PODS, '[1, 2]', { code: 400, reason: 'BadRequest', message: 'must be a JSON object' });
    await refused('POST', PODS, '"a pod"', { code: 400, reason: 'BadRequest' });
    await refused('POST', PODS, 'null', { code: 400, reason: 'BadRequest' });
  });

  it('refuses a field of the wrong JSON type with 400, as a failed decode (422 on "patch" for a PATCH)', async () => {
    const body = { ...pod('typed'), spec: { containers: 'besu' } };
    const typeError = 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container';
    await refused('POST', PODS, body, { code: 400, reason: 'BadRequest', message: `Pod in version "v1" cannot be handled as a Pod: ${typeError}` });
    // patch.go decodes the patched object and answers a failure as 422 Invalid on the field "patch".
    const merge = { 'content-type': 'application/merge-patch+json' };
    await refused('PATCH', `${PODS}/existing`, { spec: { containers: 'besu' } }, { code: 422, reason: 'Invalid', field: 'patch', message: typeError }, merge);
  });

  it('refuses a body whose kind does not match the path', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } };
    await refused('POST', PODS, service, { code: 400, reason: 'BadRequest', message: '"Service"' });
    expect(await names('/api/v1/namespaces/default/services')).not.toContain('svc');
  });

  it('refuses a body whose apiVersion does not match the path', async () => {
    await refused('POST', PODS, { ...pod('wrong-version'), apiVersion: 'apps/v1' }, { code: 400, reason: 'BadRequest', message: 'apps/v1' });
    const lease = { apiVersion: 'v1', kind: 'Lease', metadata: { name: 'l' }, spec: {} };
    await refused('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', lease, { code: 400, reason: 'BadRequest', message: 'coordination.k8s.io/v1' });
    expect(await names(PODS)).not.toContain('wrong-version');
  });

  it('refuses a PUT whose body names a different object than the URL', async () => {
    const existing = await ok('GET', `${PODS}/existing`);
    const renamed = { ...existing, metadata: { ...existing.metadata, name: 'someone-else' } };
    await refused('PUT', `${PODS}/existing`, renamed, { code: 400, reason: 'BadRequest', message: 'does not match the name on the URL' });
  });

  it('refuses a namespace in the body that differs from the URL', async () => {
    const elsewhere = { ...pod('ns-mismatch'), metadata: { name: 'ns-mismatch', namespace: 'kube-system' } };
    await refused('POST', PODS, elsewhere, { code: 400, reason: 'BadRequest', message: 'does not match the namespace' });
  });

  it('refuses bodies over 3 MiB with 413 RequestEntityTooLarge', async () => {
    const huge = pod('huge');
    huge.metadata.annotations = { ballast: 'x'.repeat(3 * 1024 * 1024 + 10) };
    await refused('POST', PODS, huge, { code: 413, reason: 'RequestEntityTooLarge', message: 'limit is 3145728 bytes' });
    expect(await names(PODS)).not.toContain('huge');
    // The server is still answering normally afterwards.
    expect((await api('GET', `${PODS}/existing`)).status).toBe(200);
  });

  it('refuses unknown fields under fieldValidation=Strict, and keeps quiet without it', async () => {
    const body = pod('strict');
    body.spec.foo = 'bar';
    await refused('POST', `${PODS}?fieldValidation=Strict`, body, { code: 400, reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.foo"' });
    expect(await names(PODS)).not.toContain('strict');
    const nested = pod('strict-nested');
    nested.spec.containers[0].imagePullPolicyy = 'Always';
    await refused('POST', `${PODS}?fieldValidation=Strict`, nested, { code: 400, reason: 'BadRequest', message: 'unknown field "spec.containers[0].imagePullPolicyy"' });
    // Without Strict the unknown field is dropped or kept, but the create succeeds.
    await ok('POST', PODS, body);
    await ok('DELETE', `${PODS}/strict`);
  });
});

// ## Odd bodies: whatever a client sends, the answer is a Status below 500
describe('never a 500', () => {
  const odd: unknown[] = [
    {},
    { metadata: 'x' },
    { metadata: { name: 5 } },
    { metadata: { name: 'odd', labels: 'x' } },
    { metadata: { name: 'odd', labels: { a: 1 } } },
    { metadata: { name: 'odd' }, spec: 'x' },
    { metadata: { name: 'odd' }, spec: { containers: 'x' } },
    { metadata: { name: 'odd' }, spec: { containers: [null] } },
    { metadata: { name: 'odd' }, spec: { containers: [{ name: 'c', image: 'i', ports: 'x' }] } },
    { metadata: { name: 'odd' }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: 5 } } }] } },
    { metadata: { name: 'odd' }, spec: { containers: [{ name: 'c', image: 'i', resources: 'x' }] } },
    { metadata: { name: 'odd' }, spec: { replicas: 'three', selector: 'x', template: 'x' } },
    { metadata: { name: 'odd' }, spec: { ports: [{ port: 'http' }] } },
    { metadata: { name: 'odd' }, spec: { ports: 'x', type: 7 } },
    { metadata: { name: 'odd' }, subsets: 'x' },
    { metadata: { name: 'odd' }, involvedObject: 'x' },
    { metadata: { name: 'odd' }, spec: { leaseDurationSeconds: 'long', taints: 'x' } },
    { metadata: { name: 'odd' }, status: 'x' },
  ];
  const collections = [
    PODS, RCS, '/api/v1/namespaces/default/services', '/api/v1/namespaces/default/endpoints',
    '/api/v1/namespaces/default/events', '/apis/coordination.k8s.io/v1/namespaces/default/leases', '/api/v1/nodes', '/api/v1/namespaces',
  ];

  it('answers every odd create with a client error Status', async () => {
    const failures: string[] = [];
    for (const collection of collections) {
      for (const body of odd) {
        const res = await api('POST', collection, body);
        if (res.status >= 500 || (res.status >= 400 && res.body.kind !== 'Status')) {
          failures.push(`POST ${collection} ${JSON.stringify(body)} => ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
        if (res.status < 300) await api('DELETE', `${collection}/odd?gracePeriodSeconds=0`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers odd patches and deletes with a client error Status', async () => {
    const tries: [string, string, string | undefined, Record<string, string>][] = [
      ['PATCH', `${PODS}/existing`, '{"spec":{"containers":"x"}}', { 'content-type': 'application/strategic-merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '{"spec":{"containers":[{"$patch":"explode"}]}}', { 'content-type': 'application/strategic-merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '[1,2,3]', { 'content-type': 'application/merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '"x"', { 'content-type': 'application/strategic-merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '{"metadata":null}', { 'content-type': 'application/merge-patch+json' }],
      ['PATCH', `${RCS}/existing-rc/scale`, '{"spec":{"replicas":"many"}}', { 'content-type': 'application/merge-patch+json' }],
      ['PUT', `${RCS}/existing-rc/scale`, '{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"existing-rc"}}', {}],
      ['DELETE', `${PODS}/existing`, '{"gracePeriodSeconds":"soon"}', { 'content-type': 'application/json' }],
      ['DELETE', `${PODS}/existing?gracePeriodSeconds=later`, undefined, {}],
      ['DELETE', `${PODS}/existing?propagationPolicy=Sideways`, undefined, {}],
      ['POST', `${PODS}/existing/eviction`, '{"kind":"Binding","apiVersion":"v1"}', { 'content-type': 'application/json' }],
      ['POST', `${PODS}/existing/binding`, '{"kind":"Binding","apiVersion":"v1","target":{}}', { 'content-type': 'application/json' }],
      ['GET', `${PODS}?timeoutSeconds=soon&watch=1`, undefined, {}],
      ['GET', `${PODS}/existing/log`, undefined, {}],
    ];
    const failures: string[] = [];
    for (const [method, path, body, headers] of tries) {
      const res = await api(method, path, body, headers);
      if (res.status < 400 || res.status >= 500 || res.body.kind !== 'Status') failures.push(`${method} ${path} ${body} => ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect((await ok('GET', `${PODS}/existing`)).metadata.deletionTimestamp).toBeUndefined();
  });
});
