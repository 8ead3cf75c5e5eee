// kube-apiserver integration: apps/v1 Deployments and ReplicaSets against a real etcd
// ===================================================================================
// CONCEPT   Deployments and ReplicaSets are served under /apis/apps/v1, listed in discovery with
//           their short names, the "all" category and the status and scale subresources, defaulted
//           as SetDefaults_Deployment does, validated as ValidateDeploymentSpec does (every refusal
//           proven to store nothing: etcd's revision stays put), printed as the real cluster's
//           Tables, strategic-merge-patched by container name, and decoded from protobuf bodies.
// REAL K8S  pkg/registry/apps/deployment/strategy.go, pkg/registry/apps/replicaset/strategy.go,
//           pkg/apis/apps/v1/defaults.go, pkg/apis/apps/validation/validation.go
// SHIPS     The replication office's newer forms, checked by the records clerk.
// EXAMPLE   POST deployments { selector app=web, template labels app=db }  =>  422 spec.template.metadata.labels
// SKIPPED   the controllers (controllers-deployment.test.ts runs them).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Obj, useApiServer } from '../helpers/apiserver-http.ts';
import { envelope, intOrString, map, msg, num, str } from '../helpers/protobuf-writer.ts';

const { api, ok, refused } = useApiServer({});
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const RSS = '/apis/apps/v1/namespaces/default/replicasets';
const AS_TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
const MERGE = { 'content-type': 'application/merge-patch+json' };
const STRATEGIC = { 'content-type': 'application/strategic-merge-patch+json' };
const PROTOBUF = { 'content-type': 'application/vnd.kubernetes.protobuf' };

function deployment(name: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }, { name: 'metrics', image: 'prom/statsd:1' }] } },
      ...spec,
    },
  };
}

describe('apps/v1 in discovery', () => {
  it('lists the group, both resources with short names, the "all" category and their subresources', async () => {
    const groups = await ok('GET', '/apis');
    expect(groups.groups.map((g: Obj) => g.name)).toContain('apps');
    expect(await ok('GET', '/apis/apps')).toMatchObject({ kind: 'APIGroup', name: 'apps', preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
    const list = await ok('GET', '/apis/apps/v1');
    const by = (n: string) => list.resources.find((r: Obj) => r.name === n);
    expect(by('deployments')).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], singularName: 'deployment' });
    expect(by('replicasets')).toMatchObject({ kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'] });
    expect(by('deployments/scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling', version: 'v1' });
    expect(by('replicasets/status')).toMatchObject({ kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] });
  });
});

describe('Deployments', () => {
  it('creates with Kubernetes\' defaults, generation 1 and an empty status', async () => {
    const d = await ok('POST', DEPLOYS, deployment('defaults'));
    expect(d.metadata.generation).toBe(1);
    expect(d.spec).toMatchObject({
      replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(d.spec.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' });
    expect(d.spec.template.spec.tolerations).toBeUndefined(); // pod admission, not a template default
    expect(d.status).toEqual({});
    const stored = await ok('GET', `${DEPLOYS}/defaults`);
    expect(stored.metadata.uid).toBe(d.metadata.uid);
  });

  it('refuses what could never roll out, storing nothing', async () => {
    const noSelector = deployment('bad');
    delete noSelector.spec.selector;
    await refused('POST', DEPLOYS, noSelector, { code: 422, reason: 'Invalid', message: 'spec.selector: Required value', field: 'spec.selector' });
    await refused('POST', DEPLOYS, deployment('bad', { selector: { matchLabels: { app: 'other' } } }), { code: 422, reason: 'Invalid', message: '`selector` does not match template `labels`', field: 'spec.template.metadata.labels' });
    await refused('POST', DEPLOYS, deployment('bad', { selector: {} }), { code: 422, reason: 'Invalid', message: 'empty selector is invalid for deployment', field: 'spec.selector' });
    await refused('POST', DEPLOYS, deployment('bad', { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }), { code: 422, reason: 'Invalid', message: 'may not be 0 when `maxSurge` is 0', field: 'spec.strategy.rollingUpdate.maxUnavailable' });
    await refused('POST', DEPLOYS, deployment('bad', { strategy: { rollingUpdate: { maxUnavailable: '150%' } } }), { code: 422, reason: 'Invalid', message: 'must not be greater than 100%' });
    await refused('POST', DEPLOYS, deployment('bad', { strategy: { type: 'Recreate', rollingUpdate: {} } }), { code: 422, reason: 'Invalid', message: "may not be specified when strategy `type` is 'Recreate'", field: 'spec.strategy.rollingUpdate' });
    await refused('POST', DEPLOYS, deployment('bad', { replicas: -1 }), { code: 422, reason: 'Invalid', message: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0' });
    const never = deployment('bad');
    never.spec.template.spec.restartPolicy = 'Never';
    await refused('POST', DEPLOYS, never, { code: 422, reason: 'Invalid', message: 'Unsupported value: "Never": supported values: "Always"' });
    const noImage = deployment('bad');
    delete noImage.spec.template.spec.containers[0].image;
    await refused('POST', DEPLOYS, noImage, { code: 422, reason: 'Invalid', message: 'spec.template.spec.containers[0].image: Required value' });
    await refused('POST', `${DEPLOYS}?fieldValidation=Strict`, deployment('bad', { replica: 3 }), { code: 400, reason: 'BadRequest', message: 'unknown field "spec.replica"' });
    expect((await api('GET', `${DEPLOYS}/bad`)).status).toBe(404);
  });

  it('bumps generation on a spec change only, and keeps the selector frozen', async () => {
    const d = await ok('POST', DEPLOYS, deployment('gen'));
    const patched = await ok('PATCH', `${DEPLOYS}/gen`, { spec: { template: { spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.7' }] } } } }, 200, STRATEGIC);
    expect(patched.metadata.generation).toBe(2);
    // Merged by container name: the metrics sidecar is untouched.
    expect(patched.spec.template.spec.containers.map((c: Obj) => `${c.name}=${c.image}`)).toEqual(['besu=hyperledger/besu:24.7', 'metrics=prom/statsd:1']);
    const status = await ok('PATCH', `${DEPLOYS}/gen/status`, { status: { observedGeneration: 2, replicas: 1 } }, 200, MERGE);
    expect(status.metadata.generation).toBe(2);
    expect(status.status).toMatchObject({ observedGeneration: 2, replicas: 1 });
    const labels = await ok('PATCH', `${DEPLOYS}/gen`, { metadata: { labels: { tier: 'rpc' } } }, 200, MERGE);
    expect(labels.metadata.generation).toBe(2);
    const moved = { ...d, spec: { ...d.spec, selector: { matchLabels: { app: 'gen', tier: 'rpc' } } }, metadata: { ...d.metadata, resourceVersion: undefined } };
    moved.spec.template = { ...d.spec.template, metadata: { labels: { app: 'gen', tier: 'rpc' } } };
    await refused('PUT', `${DEPLOYS}/gen`, moved, { code: 422, reason: 'Invalid', message: 'spec.selector: Invalid value', field: 'spec.selector' });
  });

  it('serves the scale subresource as an autoscaling/v1 Scale with a selector string', async () => {
    await ok('POST', DEPLOYS, deployment('scaled', { replicas: 2, selector: { matchLabels: { app: 'scaled' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } }));
    const scale = await ok('GET', `${DEPLOYS}/scaled/scale`);
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=scaled,tier notin (db)' } });
    const after = await ok('PATCH', `${DEPLOYS}/scaled/scale`, { spec: { replicas: 5 } }, 200, MERGE);
    expect(after.spec.replicas).toBe(5);
    expect((await ok('GET', `${DEPLOYS}/scaled`)).spec.replicas).toBe(5);
    await refused('PATCH', `${DEPLOYS}/scaled/scale`, { spec: { replicas: -2 } }, { code: 422, reason: 'Invalid', message: 'must be greater than or equal to 0' }, MERGE);
  });

  it('prints NAME READY UP-TO-DATE AVAILABLE AGE, and CONTAINERS IMAGES SELECTOR for -o wide', async () => {
    await ok('PATCH', `${DEPLOYS}/scaled/status`, { status: { readyReplicas: 4, updatedReplicas: 5, availableReplicas: 3 } }, 200, MERGE);
    const table = await ok('GET', `${DEPLOYS}/scaled`, undefined, 200, AS_TABLE);
    expect(table.columnDefinitions.map((c: Obj) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Ready:0', 'Up-to-date:0', 'Available:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1']);
    expect(table.rows[0].cells).toEqual(['scaled', '4/5', 5, 3, expect.stringMatching(/^\d+s$/), 'besu,metrics', 'hyperledger/besu:24.1,prom/statsd:1', 'app=scaled,tier notin (db)']);
  });

  it('accepts examples/besu-deployment.yaml under strict field validation', async () => {
    const manifest = parse(readFileSync(new URL('../../examples/besu-deployment.yaml', import.meta.url), 'utf8')) as Obj;
    const d = await ok('POST', `${DEPLOYS}?fieldValidation=Strict`, manifest);
    expect(d.spec).toMatchObject({ replicas: 4, minReadySeconds: 5, revisionHistoryLimit: 5, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  });

  it('decodes a protobuf Deployment, as `kubectl create deployment` sends it', async () => {
    const labels = map(11, 'app', 'pb');
    const body = envelope('apps/v1', 'Deployment', new Uint8Array([
      ...msg(1, str(1, 'pb'), labels),
      ...msg(2,
        num(1, 0), // replicas 0, explicitly: a pointer, so kept
        msg(2, map(1, 'app', 'pb')),
        msg(3, msg(1, labels), msg(2, msg(2, str(1, 'besu'), str(2, 'hyperledger/besu:24.1')))),
        msg(4, str(1, 'RollingUpdate'), msg(2, intOrString(1, 1), intOrString(2, '50%'))),
      ),
    ]));
    const d = await ok('POST', DEPLOYS, body, 201, PROTOBUF);
    expect(d.spec).toMatchObject({ replicas: 0, selector: { matchLabels: { app: 'pb' } }, strategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: '50%' } } });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'besu', image: 'hyperledger/besu:24.1' });
  });
});

describe('ReplicaSets', () => {
  const rs = (name: string, spec: Obj = {}): Obj => ({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name },
    spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [name] }] }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } }, ...spec },
  });

  it('defaults replicas to 1, status to zero replicas, and prints DESIRED CURRENT READY', async () => {
    const created = await ok('POST', RSS, rs('plain'));
    expect(created.spec.replicas).toBe(1);
    expect(created.status).toEqual({ replicas: 0 });
    const table = await ok('GET', RSS, undefined, 200, AS_TABLE);
    expect(table.columnDefinitions.map((c: Obj) => c.name)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    expect(table.rows[0].cells).toEqual(['plain', 1, 0, 0, expect.stringMatching(/^\d+s$/), 'besu', 'hyperledger/besu:24.1', 'app in (plain)']);
  });

  it('refuses bad selectors and keeps the selector frozen', async () => {
    await refused('POST', RSS, rs('bad', { selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }), { code: 422, reason: 'Invalid', message: "must be specified when `operator` is 'In' or 'NotIn'", field: 'spec.selector.matchExpressions[0].values' });
    await refused('POST', RSS, rs('bad', { selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } }), { code: 422, reason: 'Invalid', message: "may not be specified when `operator` is 'Exists'" });
    await refused('POST', RSS, rs('bad', { selector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] } }), { code: 422, reason: 'Invalid', message: 'not a valid selector operator' });
    await refused('PATCH', `${RSS}/plain`, { spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } } }, { code: 422, reason: 'Invalid', message: 'field is immutable' }, MERGE);
  });

  it('scales through /scale and reports status through /status', async () => {
    await ok('PUT', `${RSS}/plain/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'plain', namespace: 'default' }, spec: { replicas: 3 } });
    const status = await ok('PUT', `${RSS}/plain/status`, { ...(await ok('GET', `${RSS}/plain`)), status: { replicas: 3, readyReplicas: 2 } });
    expect(status.spec.replicas).toBe(3);
    expect(status.status).toMatchObject({ replicas: 3, readyReplicas: 2 });
    expect(status.metadata.generation).toBe(2);
  });
});
