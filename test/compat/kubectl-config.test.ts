// Compatibility: ConfigMaps and Secrets with the real kubectl
// ===========================================================
// CONCEPT   A student's first ConfigMap and Secret are made with kubectl's typed commands
//           (`create configmap --from-literal`, `create secret generic|tls|docker-registry`), which
//           send protobuf, and with `apply -f` of a manifest, which sends JSON. Each test runs the
//           real binary and checks both what it prints and what the apiserver stored.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/create/create_configmap.go, create_secret.go,
//           create_secret_tls.go, create_secret_docker.go; pkg/describe/describe.go (ConfigMapDescriber)
// SHIPS     Pinning sailing orders and sealing envelopes, with the harbour's own tools.
// EXAMPLE   kubectl create configmap besu-config --from-literal=network=harbour  =>  "configmap/besu-config created"
// SKIPPED   `kubectl create secret generic --from-env-file` (the same request as --from-literal).

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipKubectl, useKubectl } from '../helpers/kubectl.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.skipIf(skipKubectl)('kubectl and ConfigMaps / Secrets', () => {
  const session = useKubectl({ serviceClusterIPRange: '127.96.17.0/24' });
  const { kubectl, ok, manifest: file, stored } = session;

  it('create configmap --from-literal and --from-file, then get cm prints NAME DATA AGE', async () => {
    expect(await ok('create', 'configmap', 'besu-config', '--from-literal=network=harbour', '--from-literal=BESU_CHAIN_ID=1337')).toBe('configmap/besu-config created\n');
    const genesis = file('genesis.json', '{"config":{"chainId":1337}}\n');
    expect(await ok('create', 'configmap', 'besu-genesis', `--from-file=${genesis}`)).toBe('configmap/besu-genesis created\n');

    expect((await stored('/api/v1/namespaces/default/configmaps/besu-config')).body.data).toEqual({ network: 'harbour', BESU_CHAIN_ID: '1337' });
    expect((await stored('/api/v1/namespaces/default/configmaps/besu-genesis')).body.data).toEqual({ 'genesis.json': '{"config":{"chainId":1337}}\n' });
    expect(await ok('get', 'cm')).toMatch(/^NAME\s+DATA\s+AGE\nbesu-config\s+2\s+\d+s\nbesu-genesis\s+1\s+\d+s\n$/);
  });

  it('describe configmap shows each key and its value', async () => {
    const out = await ok('describe', 'configmap', 'besu-config');
    expect(out).toMatch(/^Name:\s+besu-config\nNamespace:\s+default\n/);
    // kubectl ranges over a Go map here, so the keys come in no fixed order.
    expect(out).toMatch(/Data\n====\n/);
    expect(out).toMatch(/\nBESU_CHAIN_ID:\n----\n1337\n/);
    expect(out).toMatch(/\nnetwork:\n----\nharbour\n/);
  });

  it('create secret generic stores base64 data that get -o yaml shows', async () => {
    expect(await ok('create', 'secret', 'generic', 'node-key', '--from-literal=password=s3cret')).toBe('secret/node-key created\n');
    const yaml = await ok('get', 'secret', 'node-key', '-o', 'yaml');
    expect(yaml).toContain(`  password: ${b64('s3cret')}\n`);
    expect(yaml).toContain('type: Opaque\n');
    expect(await ok('get', 'secret', 'node-key')).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\nnode-key\s+Opaque\s+1\s+\d+s\n$/);
  });

  it('apply -f of a Secret with stringData stores it as base64 data, never as stringData', async () => {
    const manifest = file('rpc-auth.yaml', [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: rpc-auth', 'type: kubernetes.io/basic-auth',
      'stringData:', '  username: admin', '  password: hunter2', '',
    ].join('\n'));
    expect(await ok('apply', '-f', manifest)).toBe('secret/rpc-auth created\n');
    const { body } = await stored('/api/v1/namespaces/default/secrets/rpc-auth');
    expect(body.data).toEqual({ username: b64('admin'), password: b64('hunter2') });
    expect(body.stringData).toBeUndefined();
    expect(body.type).toBe('kubernetes.io/basic-auth');

    // A second apply sends a strategic merge patch carrying stringData: merged into data again.
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('hunter2', 'correct-horse'));
    expect(await ok('apply', '-f', manifest)).toBe('secret/rpc-auth configured\n');
    const after = (await stored('/api/v1/namespaces/default/secrets/rpc-auth')).body;
    expect(after.data).toEqual({ username: b64('admin'), password: b64('correct-horse') });
    expect(after.stringData).toBeUndefined();
  });

  it('create secret tls from a generated certificate and key', async () => {
    const cert = join(session.scratch, 'tls.crt');
    const key = join(session.scratch, 'tls.key');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=besu.harbour', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    expect(await ok('create', 'secret', 'tls', 'rpc-tls', `--cert=${cert}`, `--key=${key}`)).toBe('secret/rpc-tls created\n');
    const { body } = await stored('/api/v1/namespaces/default/secrets/rpc-tls');
    expect(body.type).toBe('kubernetes.io/tls');
    expect(Buffer.from(body.data['tls.crt'], 'base64').toString()).toBe(readFileSync(cert, 'utf8'));
    expect(Buffer.from(body.data['tls.key'], 'base64').toString()).toBe(readFileSync(key, 'utf8'));
  });

  it('create secret docker-registry stores a .dockerconfigjson', async () => {
    expect(await ok('create', 'secret', 'docker-registry', 'regcred', '--docker-server=registry.harbour', '--docker-username=u', '--docker-password=p')).toBe('secret/regcred created\n');
    const { body } = await stored('/api/v1/namespaces/default/secrets/regcred');
    expect(body.type).toBe('kubernetes.io/dockerconfigjson');
    expect(JSON.parse(Buffer.from(body.data['.dockerconfigjson'], 'base64').toString())).toMatchObject({ auths: { 'registry.harbour': { username: 'u', password: 'p' } } });
  });

  it('refuses edits to an immutable ConfigMap, then deletes it', async () => {
    const manifest = file('frozen.yaml', ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: frozen', 'immutable: true', 'data:', '  network: harbour', ''].join('\n'));
    expect(await ok('apply', '-f', manifest)).toBe('configmap/frozen created\n');
    const patched = await kubectl(['patch', 'configmap', 'frozen', '-p', '{"data":{"network":"other"}}']);
    expect(patched.code).toBe(1);
    expect(patched.stderr).toContain('ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    const thawed = await kubectl(['patch', 'configmap', 'frozen', '-p', '{"immutable":false}']);
    expect(thawed.stderr).toContain('immutable: Forbidden: field is immutable when `immutable` is set');
    expect((await stored('/api/v1/namespaces/default/configmaps/frozen')).body.data).toEqual({ network: 'harbour' });

    expect(await ok('delete', 'configmap', 'frozen')).toBe('configmap "frozen" deleted\n');
    expect((await stored('/api/v1/namespaces/default/configmaps/frozen')).status).toBe(404);
    expect(await ok('delete', 'secret', 'node-key')).toBe('secret "node-key" deleted\n');
  });

  it('a Secret whose data is not base64 is refused with a 400, as the real apiserver does', async () => {
    const manifest = file('bad.yaml', ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: bad', 'data:', '  password: not base64!', ''].join('\n'));
    const run = await kubectl(['apply', '-f', manifest]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error from server (BadRequest)');
    expect(run.stderr).toContain('Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
    expect((await stored('/api/v1/namespaces/default/secrets/bad')).status).toBe(404);
  });
});
