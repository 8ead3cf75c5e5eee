// Compatibility: the real kubectl changes objects (apply, label, annotate, patch, scale)
// ======================================================================================
// CONCEPT   Every way kubectl changes an object that exists must work unmodified against our
//           apiserver: apply (a three-way merge kept in the last-applied annotation, which must not
//           undo what others changed, nor drop a Service's allocated ClusterIP), label and annotate,
//           the three patch types, and scale through the scale subresource. Each test runs the
//           real binary and checks both what it prints and what the apiserver stored.
// REAL K8S  test/cmd/*.sh in kubernetes/kubernetes, staging/src/k8s.io/kubectl/pkg/cmd/{apply,label,
//           annotate,patch,scale}
// SHIPS     The captain amends the manifest by radio, and the harbour keeps what others wrote on it.
// EXAMPLE   kubectl scale rc besu --replicas=5  =>  "replicationcontroller/besu scaled"
// SKIPPED   Server-side apply (kubectl apply --server-side), kubectl edit (needs an editor).

import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Obj, podYaml, rcYaml, serviceYaml, skipKubectl, useKubectl } from '../helpers/kubectl.ts';

describe.skipIf(skipKubectl)('the real kubectl', () => {
  const { kubectl, ok, manifest, api, getPod } = useKubectl({
    serviceClusterIPRange: '127.96.4.0/24',
    // The pod the label tests work on, made as a student would.
    setup: async (k) => void (await k.ok('create', '-f', k.manifest('besu-0.yaml', podYaml('besu-0')))),
  });

  it('apply -f creates, then applies a change and keeps what it does not manage', async () => {
    const file = manifest('rc.yaml', rcYaml('besu', 2, 'hyperledger/besu:24.1'));
    expect(await ok('apply', '-f', file)).toBe('replicationcontroller/besu created\n');
    // Someone else labels the RC; apply does not own that label, so it must survive.
    expect(await ok('label', 'rc', 'besu', 'team=chain')).toBe('replicationcontroller/besu labeled\n');

    writeFileSync(file, rcYaml('besu', 3, 'hyperledger/besu:24.2'));
    expect(await ok('apply', '-f', file)).toBe('replicationcontroller/besu configured\n');
    const rc = await api('GET', '/api/v1/namespaces/default/replicationcontrollers/besu');
    expect(rc.spec.replicas).toBe(3);
    expect(rc.spec.template.spec.containers[0].image).toBe('hyperledger/besu:24.2');
    expect(rc.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8545, protocol: 'TCP' }]);
    expect(rc.metadata.labels.team).toBe('chain');
    expect(rc.metadata.generation).toBe(2);
    const lastApplied = JSON.parse(rc.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']) as Obj;
    expect(lastApplied.spec.replicas).toBe(3);

    expect(await ok('apply', '-f', file)).toBe('replicationcontroller/besu unchanged\n');
    const table = await ok('get', 'rc');
    expect(table).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/m);
    expect(table).toMatch(/^besu\s+3\s+0\s+0\s+\d+s$/m);
  });

  it('apply -f on a Service keeps its allocated ClusterIP', async () => {
    const text = (port: number) => serviceYaml('web', port);
    const file = manifest('svc.yaml', text(8545));
    expect(await ok('apply', '-f', file)).toBe('service/web created\n');
    const before = await api('GET', '/api/v1/namespaces/default/services/web');
    expect(before.spec.clusterIP).toMatch(/^127\.96\.4\.\d+$/);
    writeFileSync(file, text(80));
    expect(await ok('apply', '-f', file)).toBe('service/web configured\n');
    const after = await api('GET', '/api/v1/namespaces/default/services/web');
    expect(after.spec.clusterIP).toBe(before.spec.clusterIP);
    expect(after.spec.ports).toEqual([{ name: 'rpc', port: 80, targetPort: 8545, protocol: 'TCP' }]);
    expect(await ok('get', 'svc', 'web')).toMatch(new RegExp(`^web\\s+ClusterIP\\s+${after.spec.clusterIP.replace(/\./g, '\\.')}\\s+<none>\\s+80/TCP\\s+\\d+s$`, 'm'));
  });

  it('label and annotate, and select by label', async () => {
    expect(await ok('label', 'pod', 'besu-0', 'tier=chain')).toBe('pod/besu-0 labeled\n');
    expect(await ok('annotate', 'pod', 'besu-0', 'harbour.example/note=first block at dawn')).toBe('pod/besu-0 annotated\n');
    const pod = await getPod('besu-0');
    expect(pod.metadata.labels).toMatchObject({ app: 'besu', tier: 'chain' });
    expect(pod.metadata.annotations['harbour.example/note']).toBe('first block at dawn');

    expect(await ok('get', 'pods', '-l', 'tier=chain', '-o', 'name')).toBe('pod/besu-0\n');
    expect((await kubectl(['get', 'pods', '-l', 'tier=none'])).stderr).toContain('No resources found in default namespace.');
    expect(await ok('get', 'pod', 'besu-0', '--show-labels')).toMatch(/app=besu,tier=chain/);

    const clash = await kubectl(['label', 'pod', 'besu-0', 'tier=edge']);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toContain("'tier' already has a value (chain), and --overwrite is false");
    expect(await ok('label', 'pod', 'besu-0', 'tier-')).toBe('pod/besu-0 unlabeled\n');
    expect((await getPod('besu-0')).metadata.labels.tier).toBeUndefined();
  });

  it('patch with --type merge, strategic (the default) and json', async () => {
    const two = `apiVersion: v1
kind: Pod
metadata:
  name: duo
spec:
  containers:
  - name: besu
    image: hyperledger/besu:24.1
    ports:
    - containerPort: 8545
  - name: metrics
    image: prom/statsd-exporter:v0.26.0
`;
    await ok('create', '-f', manifest('duo.yaml', two));

    expect(await ok('patch', 'pod', 'duo', '--type', 'merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}')).toBe('pod/duo patched\n');
    expect((await getPod('duo')).metadata.labels).toEqual({ patched: 'merge' });

    // Strategic merge: containers merge by name, so only "metrics" changes and "besu" keeps its ports.
    expect(await ok('patch', 'pod', 'duo', '-p', '{"spec":{"containers":[{"name":"metrics","image":"prom/statsd-exporter:v0.27.0"}]}}')).toBe('pod/duo patched\n');
    let pod = await getPod('duo');
    expect(pod.spec.containers.map((c: Obj) => `${c.name}=${c.image}`)).toEqual(['besu=hyperledger/besu:24.1', 'metrics=prom/statsd-exporter:v0.27.0']);
    expect(pod.spec.containers[0].ports).toEqual([{ containerPort: 8545, protocol: 'TCP' }]);

    expect(await ok('patch', 'pod', 'duo', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/containers/0/image","value":"hyperledger/besu:24.3"},{"op":"add","path":"/metadata/labels/step","value":"json"}]')).toBe('pod/duo patched\n');
    pod = await getPod('duo');
    expect(pod.spec.containers[0].image).toBe('hyperledger/besu:24.3');
    expect(pod.metadata.labels).toEqual({ patched: 'merge', step: 'json' });

    // A patch that changes nothing is reported as such.
    expect(await ok('patch', 'pod', 'duo', '--type', 'merge', '-p', '{"metadata":{"labels":{"step":"json"}}}')).toBe('pod/duo patched (no change)\n');

    // A patch the server refuses is printed as the server said it.
    const bad = await kubectl(['patch', 'pod', 'duo', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/nothere/x","value":1}]']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('The request is invalid: replace operation does not apply: doc is missing path: /spec/nothere/x');
    await api('DELETE', '/api/v1/namespaces/default/pods/duo');
  });

  it('scale rc, plain and with --current-replicas', async () => {
    expect(await ok('scale', 'rc', 'besu', '--replicas=5')).toBe('replicationcontroller/besu scaled\n');
    expect((await api('GET', '/api/v1/namespaces/default/replicationcontrollers/besu')).spec.replicas).toBe(5);

    expect(await ok('scale', 'rc', 'besu', '--current-replicas=5', '--replicas=2')).toBe('replicationcontroller/besu scaled\n');
    expect((await api('GET', '/api/v1/namespaces/default/replicationcontrollers/besu')).spec.replicas).toBe(2);

    const wrong = await kubectl(['scale', 'rc', 'besu', '--current-replicas=7', '--replicas=1']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Expected replicas to be 7, was 2');
    expect((await api('GET', '/api/v1/namespaces/default/replicationcontrollers/besu')).spec.replicas).toBe(2);
    expect(await ok('get', 'rc', 'besu', '--no-headers')).toMatch(/^besu\s+2\s+0\s+0\s+\d+[smh]\w*\n$/);
  });
});
