// Compatibility: the real kubectl creates, gets, watches and describes
// ====================================================================
// CONCEPT   Students use the real `kubectl` (1.32) against this cluster, so it must work unmodified:
//           discovery, client-side validation (OpenAPI), server-side printing (Tables), watches,
//           and the server's refusals printed the way a real cluster's are. Each test runs the real
//           binary as a child process (test/helpers/kubectl.ts) and asserts on the text kubectl
//           prints - what a student would see - not just on exit codes.
// REAL K8S  test/cmd/*.sh in kubernetes/kubernetes (kubectl's own end-to-end shell tests against a
//           real apiserver) and staging/src/k8s.io/kubectl/pkg/cmd/{create,get,describe}
// SHIPS     A visiting captain brings their own radio and expects the harbour to answer in kind.
// EXAMPLE   kubectl get pods  =>  "NAME     READY   STATUS    RESTARTS   AGE\nbesu-0   0/1     Pending   0          0s"
// SKIPPED   exec/attach/port-forward (no kubelet streaming yet), logs (needs a kubelet). The
//           commands that send protobuf bodies are covered in ./kubectl-protobuf.test.ts.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { eventually, type Obj, podYaml, rcYaml, skipKubectl, useKubectl } from '../helpers/kubectl.ts';

describe.skipIf(skipKubectl)('the real kubectl', () => {
  const session = useKubectl({ serviceClusterIPRange: '127.96.70.0/24' });
  const { kubectl, ok, manifest, api, getPod, bind, background } = session;

  it('talks to the server: version and api-resources come from discovery', async () => {
    const version = await ok('version');
    expect(version).toContain('Server Version: v1.32.0-harbour');
    const resources = await ok('api-resources');
    expect(resources).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(resources).toMatch(/^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController$/m);
    expect(resources).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
    expect(resources).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
  });

  it('create -f makes a pod, and get prints the columns a real cluster prints', async () => {
    const file = manifest('besu-0.yaml', podYaml('besu-0'));
    expect(await ok('create', '-f', file)).toBe('pod/besu-0 created\n');
    expect((await getPod('besu-0')).spec.restartPolicy).toBe('Always');

    const table = await ok('get', 'pods');
    const [header, ...rows] = table.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^besu-0\s+0\/1\s+Pending\s+0\s+\d+s$/);

    // Short names come from discovery too.
    expect(await ok('get', 'po', 'besu-0', '--no-headers')).toMatch(/^besu-0\s+0\/1\s+Pending\s+0\s+\d+s\n$/);

    const again = await kubectl(['create', '-f', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(again.stderr).toContain('pods "besu-0" already exists');
  });

  it('get -o yaml, -o json and -o wide', async () => {
    const yaml = parseYaml(await ok('get', 'pod', 'besu-0', '-o', 'yaml')) as Obj;
    expect(yaml).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'besu-0', namespace: 'default', labels: { app: 'besu' } } });
    expect(yaml.metadata.uid).toEqual(expect.any(String));
    expect(yaml.spec.containers[0]).toMatchObject({ name: 'besu', image: 'hyperledger/besu:24.1', imagePullPolicy: 'IfNotPresent' });
    expect(yaml.status.phase).toBe('Pending');

    const json = JSON.parse(await ok('get', 'pods', '-o', 'json')) as Obj;
    expect(json.kind).toBe('List');
    expect(json.items.map((p: Obj) => p.metadata.name)).toEqual(['besu-0']);

    // A pod on a node with an address shows them under -o wide.
    await ok('create', '-f', manifest('placed.yaml', podYaml('placed')));
    await bind('placed', 'node-1');
    const placed = await getPod('placed');
    placed.status = { ...placed.status, phase: 'Running', podIP: '127.244.1.5', podIPs: [{ ip: '127.244.1.5' }] };
    await api('PUT', '/api/v1/namespaces/default/pods/placed/status', placed);
    const wide = await ok('get', 'pods', '-o', 'wide');
    expect(wide).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    expect(wide).toMatch(/^placed\s+0\/1\s+Running\s+0\s+\d+s\s+127\.244\.1\.5\s+node-1\s+<none>\s+<none>$/m);
    expect(wide).toMatch(/^besu-0\s+0\/1\s+Pending\s+0\s+\d+[smh]\w*\s+<none>\s+<none>\s+<none>\s+<none>$/m);
    expect(await ok('get', 'pod', 'placed', '-o', 'jsonpath={.spec.nodeName} {.status.podIP}')).toBe('node-1 127.244.1.5');
    await api('DELETE', '/api/v1/namespaces/default/pods/placed?gracePeriodSeconds=0');
  });

  it('get -w prints changes made while it watches', async () => {
    const watch = background(['get', 'pods', '-w']);
    try {
      await eventually(() => expect(watch.output()).toMatch(/^besu-0\s+0\/1\s+Pending/m));
      expect(watch.output()).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);

      // A new pod arrives, then starts running: each change is a new line.
      await api('POST', '/api/v1/namespaces/default/pods', parseYaml(podYaml('watched')));
      await eventually(() => expect(watch.output()).toMatch(/^watched\s+0\/1\s+Pending\s+0\s+\d+s$/m));
      await bind('watched', 'node-1');
      const pod = await getPod('watched');
      pod.status = {
        ...pod.status,
        phase: 'Running',
        podIP: '127.244.1.9',
        containerStatuses: [{ name: 'besu', ready: true, restartCount: 0, image: 'hyperledger/besu:24.1', imageID: '', started: true, state: { running: { startedAt: new Date().toISOString() } } }],
      };
      await api('PUT', '/api/v1/namespaces/default/pods/watched/status', pod);
      await eventually(() => expect(watch.output()).toMatch(/^watched\s+1\/1\s+Running\s+0\s+\d+s$/m));
    } finally {
      process.kill(watch.child.pid!, 'SIGTERM');
      await watch.exited;
    }
    await api('DELETE', '/api/v1/namespaces/default/pods/watched?gracePeriodSeconds=0');
  });

  it('get NAME -w starts with the current state of that one object', async () => {
    const watch = background(['get', 'pod', 'besu-0', '-w', '--output-watch-events']);
    try {
      await eventually(() => expect(watch.output()).toMatch(/besu-0\s+0\/1\s+Pending/));
      await fetch(`${session.cp.url}/api/v1/namespaces/default/pods/besu-0`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { watched: 'yes' } } }),
      });
      await eventually(() => expect(watch.output()).toMatch(/^MODIFIED\s+besu-0\s+0\/1\s+Pending/m));
    } finally {
      process.kill(watch.child.pid!, 'SIGTERM');
      await watch.exited;
    }
  });

  it('describe shows the pod and its events', async () => {
    const pod = await getPod('besu-0');
    await api('POST', '/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'besu-0.scheduled' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'besu-0', namespace: 'default', uid: pod.metadata.uid },
      reason: 'Scheduled',
      message: 'Successfully assigned default/besu-0 to node-1',
      type: 'Normal',
      source: { component: 'default-scheduler' },
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
      count: 1,
    });
    const text = await ok('describe', 'pod', 'besu-0');
    expect(text).toMatch(/^Name:\s+besu-0$/m);
    expect(text).toMatch(/^Namespace:\s+default$/m);
    expect(text).toMatch(/^Status:\s+Pending$/m);
    expect(text).toMatch(/^\s+Image:\s+hyperledger\/besu:24\.1$/m);
    expect(text).toMatch(/^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message$/m);
    expect(text).toMatch(/^\s+Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/besu-0 to node-1$/m);

    // The same event through `kubectl get events`.
    expect(await ok('get', 'events')).toMatch(/Normal\s+Scheduled\s+pod\/besu-0\s+Successfully assigned default\/besu-0 to node-1/);
  });

  it('prints the server\'s refusals the way it prints a real cluster\'s', async () => {
    const missing = await kubectl(['get', 'pod', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');

    const negative = await kubectl(['create', '-f', manifest('negative.yaml', rcYaml('negative', -1, 'besu'))]);
    expect(negative.code).toBe(1);
    expect(negative.stderr).toContain('The ReplicationController "negative" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');

    const typo = await kubectl(['create', '-f', '-'], podYaml('typo').replace('image:', 'imagee:'));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('strict decoding error: unknown field "spec.containers[0].imagee"');

    const elsewhere = await kubectl(['create', '-n', 'atlantis', '-f', manifest('lost.yaml', podYaml('lost'))]);
    expect(elsewhere.stderr).toContain('namespaces "atlantis" not found');
  });

  // `kubectl create namespace X` and `kubectl create service clusterip ...` use kubectl's typed
  // clients, which send protobuf (Content-Type application/vnd.kubernetes.protobuf); the apiserver
  // decodes it (apiserver/protobuf/). ./kubectl-protobuf.test.ts covers every such command.
  it('create namespace NAME (typed client sends protobuf)', async () => {
    expect(await ok('create', 'namespace', 'typed')).toBe('namespace/typed created\n');
    expect(await ok('get', 'ns', 'typed', '--no-headers')).toMatch(/^typed\s+Active\s+\d+s\n$/);
  });
});
