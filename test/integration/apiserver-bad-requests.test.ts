// kube-apiserver integration: bad query parameters, missing things and conflicts
// ==============================================================================
// CONCEPT   Selectors and resourceVersions that do not parse are 400 BadRequest. What does not
//           exist is 404 NotFound (an unknown resource, a missing namespace or object). What may not
//           be done now is 403 Forbidden (creating in a namespace being terminated) or 409: a stale
//           update is a Conflict, a duplicate create AlreadyExists, a second binding a Conflict.
//           The Status names the object, and etcd's revision proves nothing was stored.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go,
//           staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go
// SHIPS     No such ship on the register; no berth in a harbour being closed; the form is out of date.
// EXAMPLE   POST namespaces/x/pods {...}  =>  404 NotFound 'namespaces "x" not found'
// SKIPPED   Authentication and authorization failures (401/403 for identity): no auth here yet.

import { describe, expect, it } from 'vitest';
import { pod, PODS, useRefusalServer } from '../helpers/apiserver-refusals.ts';

const { ok, refused, names } = useRefusalServer({ serviceClusterIPRange: '127.96.67.0/24', terminatingNamespace: true });

// ## Query parameters
describe('bad query parameters', () => {
  it('refuses a label selector that does not parse', async () => {
    await refused('GET', `${PODS}?labelSelector=${encodeURIComponent('app in (')}`, undefined, { code: 400, reason: 'BadRequest', message: 'unable to parse labelSelector' });
    await refused('GET', `${PODS}?labelSelector=${encodeURIComponent('=besu')}`, undefined, { code: 400, reason: 'BadRequest' });
    await refused('GET', `${PODS}?watch=true&labelSelector=${encodeURIComponent('a b')}`, undefined, { code: 400, reason: 'BadRequest' });
  });

  it('refuses a field selector that does not parse, or names a field that cannot be selected', async () => {
    await refused('GET', `${PODS}?fieldSelector=spec.nodeName`, undefined, { code: 400, reason: 'BadRequest', message: 'unable to parse fieldSelector' });
    await refused('GET', `${PODS}?fieldSelector=${encodeURIComponent('spec.foo=bar')}`, undefined, { code: 400, reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    await refused('GET', `/api/v1/nodes?watch=1&fieldSelector=${encodeURIComponent('status.phase=Running')}`, undefined, { code: 400, reason: 'BadRequest', message: 'field label not supported' });
  });

  it('refuses a non-numeric resourceVersion on list, watch and update', async () => {
    await refused('GET', `${PODS}?resourceVersion=latest`, undefined, { code: 400, reason: 'BadRequest', message: 'invalid resourceVersion "latest"' });
    await refused('GET', `${PODS}?watch=true&resourceVersion=abc`, undefined, { code: 400, reason: 'BadRequest', message: 'invalid resourceVersion' });
    const current = await ok('GET', `${PODS}/existing`);
    current.metadata.resourceVersion = 'yesterday';
    current.metadata.labels = { changed: 'yes' };
    await refused('PUT', `${PODS}/existing`, current, { code: 400, reason: 'BadRequest', message: 'invalid resourceVersion "yesterday"' });
  });
});

// ## Things that do not exist, or may not be done now
describe('missing things and conflicts', () => {
  it('answers 404 NotFound for unknown resources', async () => {
    await refused('GET', '/api/v1/widgets', undefined, { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
    await refused('POST', '/api/v1/namespaces/default/widgets', { kind: 'Widget', metadata: { name: 'w' } }, { code: 404, reason: 'NotFound' });
    // batch/v1 is served (jobs), but not every kind in it: CronJobs are not.
    await refused('GET', '/apis/batch/v1/namespaces/default/cronjobs', undefined, { code: 404, reason: 'NotFound' });
    await refused('GET', `${PODS}/existing/exec`, undefined, { code: 404, reason: 'NotFound' });
    await refused('GET', `${PODS}/nobody`, undefined, { code: 404, reason: 'NotFound', message: 'pods "nobody" not found' });
  });

  it('answers 404 for a missing namespace', async () => {
    const status = await refused('POST', '/api/v1/namespaces/x/pods', pod('lost'), { code: 404, reason: 'NotFound', message: 'namespaces "x" not found' });
    expect(status.details).toMatchObject({ name: 'x', kind: 'namespaces' });
  });

  it('refuses new objects in a terminating namespace with 403 Forbidden', async () => {
    expect((await ok('GET', '/api/v1/namespaces/closing')).status.phase).toBe('Terminating');
    await refused('POST', '/api/v1/namespaces/closing/pods', pod('late'), { code: 403, reason: 'Forbidden', message: 'because it is being terminated' });
    expect(await names('/api/v1/namespaces/closing/pods')).toEqual(['held']);
  });

  it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
    const first = await ok('GET', `${PODS}/existing`);
    const newer = await ok('PUT', `${PODS}/existing`, { ...first, metadata: { ...first.metadata, labels: { round: '1' } } });
    expect(newer.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
    const stale = { ...first, metadata: { ...first.metadata, labels: { round: '2' } } };
    await refused('PUT', `${PODS}/existing`, stale, { code: 409, reason: 'Conflict', message: 'the object has been modified' });
    expect((await ok('GET', `${PODS}/existing`)).metadata.labels).toEqual({ round: '1' });
  });

  it('refuses a duplicate create with 409 AlreadyExists', async () => {
    const status = await refused('POST', PODS, pod('existing'), { code: 409, reason: 'AlreadyExists', message: 'pods "existing" already exists' });
    expect(status.details).toMatchObject({ name: 'existing', kind: 'pods' });
  });

  it('refuses to bind a pod that is already bound with 409', async () => {
    await ok('POST', PODS, pod('bound'));
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: node } });
    await ok('POST', `${PODS}/bound/binding`, binding('node-1'));
    await refused('POST', `${PODS}/bound/binding`, binding('node-2'), { code: 409, reason: 'Conflict', message: 'already assigned to node "node-1"' });
    expect((await ok('GET', `${PODS}/bound`)).spec.nodeName).toBe('node-1');
  });
});
