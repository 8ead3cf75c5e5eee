// Test harness: the real kubectl, run as a child process against one apiserver
// ============================================================================
// CONCEPT   The kubectl compatibility tests (test/compat/kubectl-*.test.ts) run the real binary,
//           as a student would, with its own KUBECONFIG, an empty discovery cache and a scratch
//           HOME, and read what it prints. `useKubectl` starts etcd and an apiserver for one test
//           file and hands back the ways a test drives kubectl (to completion, or in the
//           background for `get -w` and `drain`) plus direct API calls for what kubectl cannot do
//           (bindings, status) and to check results.
// REAL K8S  test/cmd/legacy-script.sh in kubernetes/kubernetes (kubectl against a real apiserver)
// SHIPS     A visiting captain's own radio, tuned to one practice harbour.
// EXAMPLE   const { ok } = useKubectl({ serviceClusterIPRange: '127.96.4.0/24' });
//           expect(await ok('get', 'pods')).toMatch(/^NAME\s+READY/);
// SKIPPED   Anything about the user's own ~/.kube: it is never read.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Answer, call, type Obj } from './apiserver-http.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { eventually, sleep } from './wait.ts';

export { eventually, sleep };
export type { Answer, Obj };

// ## Is kubectl here? Under CI a missing kubectl fails the run; on a laptop it skips, loudly.
export const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const kubectlVersion = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' });
const haveKubectl = !kubectlVersion.error && kubectlVersion.status === 0;
const inCI = process.env.CI === 'true';
/** True when the kubectl tests should be skipped: no kubectl, and not in CI. */
export const skipKubectl = !haveKubectl && !inCI;
if (skipKubectl) {
  console.warn(`SKIPPED test/compat/kubectl-*.test.ts: no '${KUBECTL}' on PATH. Install kubectl 1.32 (e.g. apt-get install kubectl) to run it.`);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// ## Manifests and objects the tests share

export function podYaml(name: string, extra = ''): string {
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

export function rcYaml(name: string, replicas: number, image: string): string {
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

/** A ClusterIP Service in front of the besu pods' RPC port (8545), named `rpc`. */
export function serviceYaml(name: string, port: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: besu
  ports:
  - name: rpc
    port: ${port}
    targetPort: 8545
`;
}

export const nodeBody = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: {},
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
});

// ## One control plane and one scratch folder per test file

export interface KubectlOptions {
  serviceClusterIPRange: string;
  /** Runs after the control plane started, before the first test: the objects the tests expect. */
  setup?: (k: KubectlSession) => Promise<void>;
}

/** A long-running kubectl, its output so far, and its exit. */
export interface Background {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** The calls a kubectl test makes, bound to the control plane and scratch folder of its file. */
export interface KubectlSession {
  /** The running control plane (only inside tests and hooks). */
  readonly cp: ControlPlane;
  /** The file's scratch folder (kubectl's HOME), for files a test writes itself. */
  readonly scratch: string;
  /** Runs kubectl to completion; `input` is piped to its stdin (for `-f -`). */
  kubectl(args: string[], input?: string): Promise<Run>;
  /** Runs kubectl and insists it succeeds; returns stdout. */
  ok(...args: string[]): Promise<string>;
  /** Writes a manifest into the scratch folder and returns its path, for `-f`. */
  manifest(name: string, text: string): string;
  /** A direct API call, for what kubectl cannot do (bindings, status, events) and to check results. */
  api(method: string, path: string, body?: unknown): Promise<Obj>;
  /** Reads a path straight from the API, whatever the answer: what was stored, or a 404 when nothing was. */
  stored(path: string): Promise<Answer>;
  getPod(name: string, ns?: string): Promise<Obj>;
  bind(name: string, node: string, ns?: string): Promise<Obj>;
  /** A long-running kubectl (get -w, drain) whose output we read while it runs. */
  background(args: string[]): Background;
}

/** Registers beforeAll/afterAll (call it inside the describe) and returns the calls, bound to them. */
export function useKubectl(options: KubectlOptions): KubectlSession {
  let plane: ControlPlane | undefined;
  let scratch = '';
  // KUBECONFIG and a fresh cache keep kubectl away from the user's ~/.kube; HOME as well, for
  // anything else kubectl might read from there.
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: plane!.kubeconfig, KUBECACHEDIR: join(scratch, 'cache'), HOME: scratch });

  const session: KubectlSession = {
    get cp() {
      return plane!;
    },
    get scratch() {
      return scratch;
    },
    kubectl: (args, input) => runKubectl(env(), args, input),
    async ok(...args) {
      const run = await runKubectl(env(), args);
      if (run.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
      return run.stdout;
    },
    manifest(name, text) {
      const path = join(scratch, name);
      writeFileSync(path, text);
      return path;
    },
    async api(method, path, body) {
      const res = await call(plane!.url, method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    stored: (path) => call(plane!.url, 'GET', path),
    getPod: (name, ns = 'default') => session.api('GET', `/api/v1/namespaces/${ns}/pods/${name}`),
    bind: (name, node, ns = 'default') =>
      session.api('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } }),
    background: (args) => runInBackground(env(), args),
  };

  beforeAll(async () => {
    if (!haveKubectl) {
      throw new Error(`CI=true and no '${KUBECTL}' on PATH: the kubectl compatibility tests must run in CI. Install kubectl 1.32.`);
    }
    plane = await startControlPlane({ serviceClusterIPRange: options.serviceClusterIPRange });
    scratch = mkdtempSync(join(tmpdir(), 'harbour-kubectl-'));
    await options.setup?.(session);
  });

  afterAll(async () => {
    await plane?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  return session;
}

// ## Running kubectl

function runKubectl(env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

function runInBackground(env: NodeJS.ProcessEnv, args: string[]): Background {
  const child = spawn(KUBECTL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => out, exited };
}
