// kube-apiserver integration: ConfigMaps and Secrets against a real etcd
// ======================================================================
// CONCEPT   ConfigMaps and Secrets are stored under /registry/configmaps and /registry/secrets,
//           defaulted and validated as Kubernetes does, listed in discovery, printed as Tables,
//           and every bad request is refused with the right Status while etcd's revision stays
//           put: "stored nothing" is proven, not assumed.
// REAL K8S  pkg/registry/core/configmap/strategy.go, pkg/registry/core/secret/strategy.go,
//           pkg/apis/core/validation/validation.go (ValidateConfigMap, ValidateSecret, ...Update)
// SHIPS     The harbour office's notice board and safe, checked by the records clerk.
// EXAMPLE   POST secrets { type: kubernetes.io/tls, data: { tls.crt } }  =>  422, field data[tls.key]
// SKIPPED   Nothing of what the apiserver does with these kinds.

import { describe, expect, it } from 'vitest';
import { type Obj, useApiServer } from '../helpers/apiserver-http.ts';

const server = useApiServer({ serviceClusterIPRange: '127.96.18.0/24' });
const { api, ok, refused } = server;
const CMS = '/api/v1/namespaces/default/configmaps';
const SECRETS = '/api/v1/namespaces/default/secrets';
const MERGE = { 'content-type': 'application/merge-patch+json' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

const cm = (name: string, rest: Obj = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...rest });
const secret = (name: string, rest: Obj = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, ...rest });

describe('discovery and tables', () => {
  it('lists configmaps (short name cm) and secrets with every verb', async () => {
    const list = await ok('GET', '/api/v1');
    const byName = Object.fromEntries(list.resources.map((r: Obj) => [r.name, r]));
    const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
    expect(byName.configmaps).toEqual({ name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs, shortNames: ['cm'] });
    expect(byName.secrets).toEqual({ name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs });
  });

  it('prints NAME DATA AGE and NAME TYPE DATA AGE', async () => {
    await ok('POST', CMS, cm('table-cm', { data: { a: '1' }, binaryData: { b: b64('\u0000') } }));
    await ok('POST', SECRETS, secret('table-secret', { data: { a: b64('x'), b: b64('y') } }));
    const accept = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    const cmTable = (await (await fetch(`${server.cp.url}${CMS}/table-cm`, { headers: accept })).json()) as Obj;
    expect(cmTable.columnDefinitions.map((c: Obj) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(cmTable.rows[0].cells.slice(0, 2)).toEqual(['table-cm', 2]);
    const sTable = (await (await fetch(`${server.cp.url}${SECRETS}/table-secret`, { headers: accept })).json()) as Obj;
    expect(sTable.columnDefinitions.map((c: Obj) => c.name)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(sTable.rows[0].cells.slice(0, 3)).toEqual(['table-secret', 'Opaque', 2]);
  });
});

describe('defaults and stringData', () => {
  it('defaults type to Opaque and merges stringData into data on create, storing no stringData', async () => {
    const created = await ok('POST', SECRETS, secret('merged', { data: { a: b64('old'), keep: b64('k') }, stringData: { a: 'new', b: 'plain' } }));
    expect(created).toMatchObject({ type: 'Opaque', data: { a: b64('new'), keep: b64('k'), b: b64('plain') } });
    expect(created.stringData).toBeUndefined();
    expect((await ok('GET', `${SECRETS}/merged`)).stringData).toBeUndefined();
  });

  it('merges stringData on update and on a merge patch too', async () => {
    const current = await ok('GET', `${SECRETS}/merged`);
    const updated = await ok('PUT', `${SECRETS}/merged`, { ...current, stringData: { c: 'via put' } });
    expect(updated.data.c).toBe(b64('via put'));
    const patched = await ok('PATCH', `${SECRETS}/merged`, { stringData: { d: 'via patch' } }, 200, MERGE);
    expect(patched.data).toMatchObject({ c: b64('via put'), d: b64('via patch') });
    expect(patched.stringData).toBeUndefined();
  });

  it('selects secrets by type with a field selector', async () => {
    const list = await ok('GET', `${SECRETS}?fieldSelector=type%3DOpaque`);
    expect(list.items.map((s: Obj) => s.metadata.name)).toContain('merged');
    expect((await ok('GET', `${SECRETS}?fieldSelector=type%3Dkubernetes.io%2Ftls`)).items).toEqual([]);
  });
});

describe('bad input is refused and stores nothing', () => {
  it('refuses keys that are not valid config keys', async () => {
    await refused('POST', CMS, cm('bad-key', { data: { 'has space': 'x' } }), { code: 422, reason: 'Invalid', field: 'data[has space]', message: "a valid config key must consist of alphanumeric characters, '-', '_' or '.'" });
    await refused('POST', CMS, cm('dots', { data: { '..': 'x' } }), { code: 422, reason: 'Invalid', field: 'data[..]', message: "must not be '..'" });
    await refused('POST', SECRETS, secret('bad-key', { data: { 'a/b': b64('x') } }), { code: 422, reason: 'Invalid', field: 'data[a/b]', message: 'Invalid value: "a/b"' });
  });

  it('refuses a key in both data and binaryData', async () => {
    await refused('POST', CMS, cm('both', { data: { k: 'x' }, binaryData: { k: b64('y') } }), { code: 422, reason: 'Invalid', field: 'data[k]', message: 'duplicate of key present in binaryData' });
  });

  it('refuses more than 1 MiB of data', async () => {
    const big = 'x'.repeat(600 * 1024);
    await refused('POST', CMS, cm('big', { data: { a: big, b: big } }), { code: 422, reason: 'Invalid', message: 'Too long: may not be more than 1048576 bytes' });
    await refused('POST', SECRETS, secret('big', { stringData: { a: big, b: big } }), { code: 422, reason: 'Invalid', field: 'data', message: 'Too long' });
  });

  it('refuses Secret data and binaryData that are not base64 with a 400', async () => {
    await refused('POST', SECRETS, secret('not-b64', { data: { a: 'abc' } }), { code: 400, reason: 'BadRequest', message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0' });
    await refused('POST', CMS, cm('not-b64', { binaryData: { a: 'a*==' } }), { code: 400, reason: 'BadRequest', message: 'illegal base64 data at input byte 1' });
    await refused('POST', CMS, cm('wrong-type', { data: ['a'] }), { code: 400, reason: 'BadRequest', message: 'cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string' });
  });

  it('refuses typed secrets without their required keys', async () => {
    await refused('POST', SECRETS, secret('tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }), { code: 422, reason: 'Invalid', field: 'data[tls.key]', message: 'data[tls.key]: Required value' });
    await refused('POST', SECRETS, secret('reg', { type: 'kubernetes.io/dockerconfigjson', data: {} }), { code: 422, reason: 'Invalid', field: 'data[.dockerconfigjson]', message: 'Required value' });
    await refused('POST', SECRETS, secret('reg2', { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '[1]' } }), { code: 422, reason: 'Invalid', field: 'data[.dockerconfigjson]', message: '<secret contents redacted>' });
    await refused('POST', SECRETS, secret('basic', { type: 'kubernetes.io/basic-auth' }), { code: 422, reason: 'Invalid', field: 'data[password]', message: 'data[username]: Required value' });
    await refused('POST', SECRETS, secret('ssh', { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }), { code: 422, reason: 'Invalid', field: 'data[ssh-privatekey]', message: 'Required value' });
  });

  it('keeps type immutable', async () => {
    await ok('POST', SECRETS, secret('typed', { stringData: { a: 'b' } }));
    await refused('PATCH', `${SECRETS}/typed`, { type: 'kubernetes.io/basic-auth', stringData: { username: 'u' } }, { code: 422, reason: 'Invalid', field: 'type', message: 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable' }, MERGE);
  });

  it('freezes data and the flag of an immutable ConfigMap or Secret, but not its labels', async () => {
    await ok('POST', CMS, cm('frozen', { immutable: true, data: { a: '1' } }));
    await refused('PATCH', `${CMS}/frozen`, { data: { a: '2' } }, { code: 422, reason: 'Invalid', field: 'data', message: 'data: Forbidden: field is immutable when `immutable` is set' }, MERGE);
    await refused('PATCH', `${CMS}/frozen`, { binaryData: { b: b64('x') } }, { code: 422, reason: 'Invalid', field: 'binaryData', message: 'Forbidden' }, MERGE);
    await refused('PATCH', `${CMS}/frozen`, { immutable: null }, { code: 422, reason: 'Invalid', field: 'immutable', message: 'immutable: Forbidden' }, MERGE);
    const labelled = await ok('PATCH', `${CMS}/frozen`, { metadata: { labels: { lesson: 'config' } } }, 200, MERGE);
    expect(labelled.metadata.labels).toEqual({ lesson: 'config' });

    await ok('POST', SECRETS, secret('frozen', { immutable: true, stringData: { a: '1' } }));
    await refused('PATCH', `${SECRETS}/frozen`, { stringData: { a: '2' } }, { code: 422, reason: 'Invalid', field: 'data', message: 'data: Forbidden: field is immutable when `immutable` is set' }, MERGE);
  });

  it('refuses unknown fields under fieldValidation=Strict', async () => {
    await refused('POST', `${CMS}?fieldValidation=Strict`, cm('typo', { dataa: { a: '1' } }), { code: 400, reason: 'BadRequest', message: 'unknown field "dataa"' });
    await refused('POST', `${SECRETS}?fieldValidation=Strict`, secret('typo', { stringdata: { a: '1' } }), { code: 400, reason: 'BadRequest', message: 'unknown field "stringdata"' });
    expect((await ok('POST', `${SECRETS}?fieldValidation=Strict`, secret('strict-ok', { stringData: { a: '1' }, immutable: false }))).data).toEqual({ a: b64('1') });
  });
});

describe('storage', () => {
  it('keeps them under /registry/configmaps and /registry/secrets, and deletes them', async () => {
    await ok('POST', CMS, cm('stored', { data: { a: '1' } }));
    const res = await fetch(`${server.cp.etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64('/registry/configmaps/default/stored') }) });
    expect(((await res.json()) as Obj).count).toBe('1');
    await ok('DELETE', `${CMS}/stored`);
    expect((await api('GET', `${CMS}/stored`)).status).toBe(404);
    await ok('DELETE', `${SECRETS}/merged`);
    expect((await api('GET', `${SECRETS}/merged`)).body.message).toBe('secrets "merged" not found');
  });
});
