// Compatibility: the kubectl commands whose bodies are protobuf
// =============================================================
// CONCEPT   Most kubectl commands send JSON (create -f, apply, run, expose, label, scale, cordon,
//           taint, drain's eviction, delete's options). A few build the object themselves with
//           a typed client, and typed clients speak protobuf (Content-Type
//           application/vnd.kubernetes.protobuf) without falling back to JSON on a 415:
//             kubectl create namespace NAME
//             kubectl create service clusterip|nodeport|loadbalancer|externalname NAME ...
//             kubectl debug node/NAME            (creates the debugger pod)
//             kubectl debug POD --copy-to=NEW    (creates the copy)
//           Each test runs the real binary, as a student would, and checks both what it prints
//           and what the apiserver stored.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/create/create_namespace.go, create_service.go,
//           pkg/cmd/debug/debug.go; the client config in kubectl's cmd/util/factory_client_access.go
//           asks for protobuf for the typed clientset.
// SHIPS     Some captains radio in shorthand; the harbour now reads it.
// EXAMPLE   kubectl create service nodeport besu --tcp=8545:8545  =>  "service/besu created"
// SKIPPED   Commands whose resources this apiserver does not serve (create configmap|secret|
//           job|token, autoscale): they get 404 before any body is read. `kubectl create
//           deployment` is covered in ./kubectl-apps.test.ts.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeBody, skipKubectl, useKubectl } from '../helpers/kubectl.ts';

describe.skipIf(skipKubectl)('kubectl commands that send protobuf', () => {
  const session = useKubectl({ serviceClusterIPRange: '127.96.14.0/24' });
  const { kubectl, ok, api } = session;

  it('create namespace, then get it', async () => {
    expect(await ok('create', 'namespace', 'lesson')).toBe('namespace/lesson created\n');
    expect(await ok('get', 'ns', 'lesson')).toMatch(/^NAME\s+STATUS\s+AGE\nlesson\s+Active\s+\d+s\n$/);
    expect((await api('GET', '/api/v1/namespaces/lesson')).status.phase).toBe('Active');

    const again = await kubectl(['create', 'namespace', 'lesson']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('Error from server (AlreadyExists): namespaces "lesson" already exists');
  });

  it('create namespace --dry-run=server validates and stores nothing', async () => {
    expect(await ok('create', 'namespace', 'rehearsal', '--dry-run=server')).toBe('namespace/rehearsal created (server dry run)\n');
    expect((await kubectl(['get', 'ns', 'rehearsal'])).stderr).toContain('Error from server (NotFound): namespaces "rehearsal" not found');
  });

  it('create service nodeport gets a NodePort from the range', async () => {
    expect(await ok('create', 'service', 'nodeport', 'besu', '--tcp=8545:8545')).toBe('service/besu created\n');
    const svc = await api('GET', '/api/v1/namespaces/default/services/besu');
    expect(svc.metadata.labels).toEqual({ app: 'besu' });
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.selector).toEqual({ app: 'besu' });
    const [port] = svc.spec.ports;
    expect(port).toMatchObject({ name: '8545-8545', protocol: 'TCP', port: 8545, targetPort: 8545 });
    expect(port.nodePort).toBeGreaterThanOrEqual(30000);
    expect(port.nodePort).toBeLessThanOrEqual(32767);
    expect(await ok('get', 'svc', 'besu', '--no-headers')).toMatch(new RegExp(`^besu\\s+NodePort\\s+127\\.96\\.14\\.\\d+\\s+<none>\\s+8545:${port.nodePort}/TCP\\s+\\d+s\\n$`));
  });

  it('create service clusterip maps port 80 to targetPort 8080', async () => {
    expect(await ok('create', 'service', 'clusterip', 'x', '--tcp=80:8080')).toBe('service/x created\n');
    const svc = await api('GET', '/api/v1/namespaces/default/services/x');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.clusterIP).toMatch(/^127\.96\.14\.\d+$/);
    expect(svc.spec.ports).toEqual([{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }]);
  });

  it('create service loadbalancer and externalname', async () => {
    expect(await ok('create', 'service', 'loadbalancer', 'lb', '--tcp=80:80')).toBe('service/lb created\n');
    expect(await ok('get', 'svc', 'lb', '--no-headers')).toMatch(/^lb\s+LoadBalancer\s+127\.96\.14\.\d+\s+\S+\s+80:3\d{4}\/TCP/);
    expect(await ok('create', 'service', 'externalname', 'ext', '--external-name=example.com')).toBe('service/ext created\n');
    expect((await api('GET', '/api/v1/namespaces/default/services/ext')).spec).toMatchObject({ type: 'ExternalName', externalName: 'example.com' });
  });

  it('create service in another namespace, with the namespace only on the URL', async () => {
    expect(await ok('create', 'service', 'clusterip', 'rpc', '--tcp=8545', '-n', 'lesson')).toBe('service/rpc created\n');
    expect((await api('GET', '/api/v1/namespaces/lesson/services/rpc')).metadata.namespace).toBe('lesson');
  });

  it('prints the server\'s refusal of a protobuf body like any other', async () => {
    const bad = await kubectl(['create', 'service', 'nodeport', 'bad', '--tcp=8545:8545', '--node-port=99']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'error: failed to create NodePort service: Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 99: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('debug node/NAME creates a debugger pod on that node', async () => {
    await api('POST', '/api/v1/nodes', nodeBody('node-1'));
    const run = await kubectl(['debug', 'node/node-1', '--image=busybox', '--profile=legacy']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Creating debugging pod node-debugger-node-1-\w{5} with container debugger on node node-1\.\n$/);
    const name = /pod (\S+) with/.exec(run.stdout)![1];
    const pod = await api('GET', `/api/v1/namespaces/default/pods/${name}`);
    expect(pod.spec).toMatchObject({
      nodeName: 'node-1',
      hostPID: true,
      hostNetwork: true,
      restartPolicy: 'Never',
      volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
      containers: [{ name: 'debugger', image: 'busybox', volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }],
      tolerations: [{ operator: 'Exists' }],
    });
  });

  it('debug POD --copy-to copies the whole pod spec and adds the debug container', async () => {
    const manifest = join(session.scratch, 'rich.yaml');
    writeFileSync(manifest, `apiVersion: v1
kind: Pod
metadata: {name: rich, annotations: {note: hello}}
spec:
  terminationGracePeriodSeconds: 0
  nodeSelector: {disk: ssd}
  tolerations: [{key: dedicated, operator: Equal, value: besu, effect: NoSchedule, tolerationSeconds: 30}]
  securityContext: {runAsUser: 1000, supplementalGroups: [1, 2]}
  volumes: [{name: data, emptyDir: {sizeLimit: 1Gi}}]
  containers:
  - name: besu
    image: hyperledger/besu:24.1
    ports: [{containerPort: 8545, name: rpc}]
    env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
    resources: {requests: {cpu: 500m, memory: 1Gi}}
    readinessProbe: {httpGet: {path: /liveness, port: rpc}, periodSeconds: 5}
    volumeMounts: [{name: data, mountPath: /data}]
`);
    await ok('create', '-f', manifest);
    const run = await kubectl(['debug', 'rich', '--copy-to=rich-copy', '--image=busybox', '--container=dbg', '--profile=legacy']);
    expect(run.code, run.stderr).toBe(0);
    const original = await api('GET', '/api/v1/namespaces/default/pods/rich');
    const copy = await api('GET', '/api/v1/namespaces/default/pods/rich-copy');
    expect(copy.metadata.annotations).toEqual({ note: 'hello' });
    const { containers, ...spec } = copy.spec;
    const { containers: originalContainers, ...originalSpec } = original.spec;
    expect(spec).toEqual(originalSpec);
    expect(containers[0]).toEqual(originalContainers[0]);
    expect(containers[1]).toMatchObject({ name: 'dbg', image: 'busybox' });
  });
});
