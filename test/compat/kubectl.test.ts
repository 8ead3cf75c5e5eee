// Compatibility: the real kubectl drives our apiserver
// ====================================================
// CONCEPT   Students use the real `kubectl` (1.32) against this cluster, so it must work unmodified:
//           discovery, client-side validation (OpenAPI), server-side printing (Tables), the three
//           patch types, the scale and eviction subresources, watches. Each test runs the real
//           binary as a child process with its own KUBECONFIG and an empty discovery cache, and
//           asserts on the text kubectl prints - what a student would see - not just on exit codes.
// REAL K8S  test/cmd/*.sh in kubernetes/kubernetes (kubectl's own end-to-end shell tests against a
//           real apiserver) and staging/src/k8s.io/kubectl/pkg/cmd/*
// SHIPS     A visiting captain brings their own radio and expects the harbour to answer in kind.
// EXAMPLE   kubectl get pods  =>  "NAME     READY   STATUS    RESTARTS   AGE\nbesu-0   0/1     Pending   0          0s"
// SKIPPED   exec/attach/port-forward (no kubelet streaming yet), logs (needs a kubelet). The
//           commands that send protobuf bodies are covered in ./kubectl-protobuf.test.ts.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

// ## Is kubectl here? Under CI a missing kubectl fails the run; on a laptop it skips, loudly.
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const kubectlVersion = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' });
const haveKubectl = !kubectlVersion.error && kubectlVersion.status === 0;
const inCI = process.env.CI === 'true';
if (!haveKubectl && !inCI) {
  console.warn(`SKIPPED test/compat/kubectl.test.ts: no '${KUBECTL}' on PATH. Install kubectl 1.32 (e.g. apt-get install kubectl) to run it.`);
}

let cp: ControlPlane;
let scratch: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(): NodeJS.ProcessEnv {
  // KUBECONFIG and a fresh cache keep kubectl away from the user's ~/.kube; HOME as well, for
  // anything else kubectl might read from there.
  return { ...process.env, KUBECONFIG: cp.kubeconfig, KUBECACHEDIR: join(scratch, 'cache'), HOME: scratch };
}

/** Runs kubectl to completion; `input` is piped to its stdin (for `-f -`). */
function kubectl(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs kubectl and insists it succeeds; returns stdout. */
async function ok(...args: string[]): Promise<string> {
  const run = await kubectl(args);
  if (run.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run.stdout;
}

/** Writes a manifest into the scratch folder and returns its path, for `-f`. */
function manifest(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

/** A direct API call, for what kubectl cannot do (bindings, status, events) and to check results. */
async function api(method: string, path: string, body?: unknown): Promise<Obj> {
  const res = await fetch(`${cp.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await res.json()) as Obj;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

const getPod = (name: string, ns = 'default') => api('GET', `/api/v1/namespaces/${ns}/pods/${name}`);
const bind = (name: string, node: string, ns = 'default') =>
  api('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` passes. */
async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** A long-running kubectl (get -w, drain) whose output we read while it runs. */
function background(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(KUBECTL, args, { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

function podYaml(name: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: besu
spec:
  containers:
  - name: besu
    image: hyperledger/besu:24.1
    ports:
    - containerPort: 8545
${extra}`;
}

function rcYaml(name: string, replicas: number, image: string): string {
  return `apiVersion: v1
kind: ReplicationController
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: besu
        image: ${image}
        ports:
        - containerPort: 8545
`;
}

const nodeBody = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: {},
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
});

describe.skipIf(!haveKubectl && !inCI)('the real kubectl', () => {
  beforeAll(async () => {
    if (!haveKubectl) {
      throw new Error(`CI=true and no '${KUBECTL}' on PATH: the kubectl compatibility tests must run in CI. Install kubectl 1.32.`);
    }
    cp = await startControlPlane({ serviceClusterIPRange: '127.96.4.0/24' });
    scratch = mkdtempSync(join(tmpdir(), 'harbour-kubectl-'));
  });

  afterAll(async () => {
    await cp?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

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
    const text = (port: number) => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: besu
  ports:
  - name: rpc
    port: ${port}
    targetPort: 8545
`;
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
      await fetch(`${cp.url}/api/v1/namespaces/default/pods/besu-0`, {
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

  it('cordon and uncordon a node', async () => {
    await api('POST', '/api/v1/nodes', nodeBody('node-1'));
    expect(await ok('get', 'nodes')).toMatch(/^node-1\s+Ready\s+<none>\s+\d+s\s*/m);

    expect(await ok('cordon', 'node-1')).toBe('node/node-1 cordoned\n');
    expect(await ok('get', 'nodes')).toMatch(/^node-1\s+Ready,SchedulingDisabled\s+<none>\s+\d+s/m);
    expect((await api('GET', '/api/v1/nodes/node-1')).spec.unschedulable).toBe(true);
    expect(await ok('cordon', 'node-1')).toBe('node/node-1 already cordoned\n');

    expect(await ok('uncordon', 'node-1')).toBe('node/node-1 uncordoned\n');
    expect(await ok('get', 'nodes', 'node-1')).toMatch(/^node-1\s+Ready\s+<none>\s+\d+s/m);
    expect((await api('GET', '/api/v1/nodes/node-1')).spec.unschedulable).toBeFalsy();
  });

  it('drain evicts the pods bound to a node', async () => {
    await api('POST', '/api/v1/nodes', nodeBody('node-2'));
    await ok('create', '-f', manifest('cargo.yaml', podYaml('cargo')));
    await bind('cargo', 'node-2');
    await ok('create', '-f', manifest('elsewhere.yaml', podYaml('elsewhere')));
    await bind('elsewhere', 'node-1');

    const drain = background(['drain', 'node-2', '--force', '--timeout=40s']);
    // Play the kubelet: once the eviction marks the pod, stop it and delete it for good.
    await eventually(async () => expect((await getPod('cargo')).metadata.deletionTimestamp).toEqual(expect.any(String)), 20_000);
    await api('DELETE', '/api/v1/namespaces/default/pods/cargo?gracePeriodSeconds=0');
    const code = await drain.exited;
    const out = drain.output();
    expect(code, out).toBe(0);
    expect(out).toContain('node/node-2 cordoned');
    expect(out).toContain('evicting pod default/cargo');
    expect(out).toContain('pod/cargo evicted');
    expect(out).toContain('node/node-2 drained');
    expect(out).not.toContain('elsewhere');
    expect(await ok('get', 'node', 'node-2')).toMatch(/^node-2\s+Ready,SchedulingDisabled/m);
    expect((await getPod('elsewhere')).metadata.deletionTimestamp).toBeUndefined();
    await api('DELETE', '/api/v1/namespaces/default/pods/elsewhere?gracePeriodSeconds=0');
  });

  it('delete a pod, an rc and a service', async () => {
    expect(await ok('delete', 'pod', 'besu-0')).toBe('pod "besu-0" deleted\n');
    expect(await ok('delete', 'rc', 'besu')).toBe('replicationcontroller "besu" deleted\n');
    expect(await ok('delete', 'svc', 'web')).toBe('service "web" deleted\n');
    for (const [kind, name, plural] of [['pod', 'besu-0', 'pods'], ['rc', 'besu', 'replicationcontrollers'], ['svc', 'web', 'services']]) {
      const gone = await kubectl(['get', kind, name]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`Error from server (NotFound): ${plural} "${name}" not found`);
    }
    const missing = await kubectl(['delete', 'pod', 'besu-0']);
    expect(missing.stderr).toContain('Error from server (NotFound): pods "besu-0" not found');
  });

  it('delete ns removes the namespace and everything in it', async () => {
    await ok('create', '-f', manifest('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: lesson\n'));
    await ok('create', '-n', 'lesson', '-f', manifest('lesson-pod.yaml', podYaml('deckhand')));
    await ok('create', '-n', 'lesson', '-f', manifest('lesson-rc.yaml', rcYaml('crew', 1, 'hyperledger/besu:24.1')));
    await ok('expose', 'rc', 'crew', '-n', 'lesson', '--port=8545', '--name=crew-rpc');
    const all = await ok('get', 'all', '-n', 'lesson');
    expect(all).toMatch(/^pod\/deckhand\s+0\/1\s+Pending/m);
    expect(all).toMatch(/^replicationcontroller\/crew\s+1\s+0\s+0/m);
    expect(all).toMatch(/^service\/crew-rpc\s+ClusterIP\s+127\.96\.4\.\d+\s+<none>\s+8545\/TCP/m);

    expect(await ok('delete', 'ns', 'lesson')).toBe('namespace "lesson" deleted\n');
    const gone = await kubectl(['get', 'ns', 'lesson']);
    expect(gone.stderr).toContain('Error from server (NotFound): namespaces "lesson" not found');
    expect((await kubectl(['get', 'all', '-n', 'lesson'])).stderr).toContain('No resources found in lesson namespace.');
    expect((await api('GET', '/api/v1/namespaces/lesson/pods')).items).toEqual([]);
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
