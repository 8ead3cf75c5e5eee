// Compatibility: the tutorial's first page with the real kubectl - Deployments and ReplicaSets
// ===========================================================================================
// CONCEPT   Every Kubernetes tutorial begins the same way: create a Deployment, look at it, scale
//           it, change its image and watch the rollout, look at the history, undo, delete. This
//           file runs exactly those commands with the real kubectl 1.32 against our apiserver and
//           kube-controller-manager (the simulated kubelets of controllers-sim.ts mark pods
//           Running and Ready), and asserts on what a student would read.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/create/create_deployment.go (a typed client:
//           protobuf body), cmd/rollout/ (status, history, undo), cmd/set/set_image.go (strategic
//           merge patch), polymorphichelpers/rollout_status.go, history.go, rollback.go
// SHIPS     A visiting captain's first day at the harbour, radio in hand.
// EXAMPLE   kubectl create deployment web --image=hyperledger/besu:24.1 --replicas=3
//           => "deployment.apps/web created";  kubectl rollout status deployment/web  =>  "... successfully rolled out"
// SKIPPED   rollout pause/resume/restart, autoscale (no HorizontalPodAutoscaler).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startControllerManager, type ControllerManager } from '../../controllers/controller-manager.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { SimCluster } from '../integration/controllers-sim.ts';

const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const kubectlVersion = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' });
const haveKubectl = !kubectlVersion.error && kubectlVersion.status === 0;
const inCI = process.env.CI === 'true';
if (!haveKubectl && !inCI) {
  console.warn(`SKIPPED test/compat/kubectl-apps.test.ts: no '${KUBECTL}' on PATH. Install kubectl 1.32 (e.g. apt-get install kubectl) to run it.`);
}

const clock = realClock(0.05);
let cp: ControlPlane;
let cm: ControllerManager;
let sim: SimCluster;
let scratch: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[]): Promise<Run> {
  const env = { ...process.env, KUBECONFIG: cp.kubeconfig, KUBECACHEDIR: join(scratch, 'cache'), HOME: scratch };
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(...args: string[]): Promise<string> {
  const run = await kubectl(args);
  if (run.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run.stdout;
}

async function eventually(check: () => Promise<void> | void, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The table kubectl printed, as rows of cells split on runs of spaces. */
const rows = (text: string) => text.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
const webPods = () => sim.pods.list().filter((p) => p.metadata.labels?.app === 'web' && !p.metadata.deletionTimestamp);

beforeAll(async () => {
  if (!haveKubectl && !inCI) return;
  scratch = mkdtempSync(join(tmpdir(), 'harbour-kubectl-apps-'));
  cp = await startControlPlane({ serviceClusterIPRange: '127.98.0.0/16' });
  const client = new KubeClient({ server: cp.url, clock });
  cm = await startControllerManager({ kubeconfig: cp.kubeconfig, clock, log: () => {} });
  await cm.ready;
  sim = new SimCluster(client, clock);
  await sim.start(['node-1', 'node-2']);
});

afterAll(async () => {
  sim?.stop();
  await cm?.stop();
  await cp?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!haveKubectl && !inCI)('kubectl and apps/v1', () => {
  it('create deployment (protobuf), then rollout status finishes', async () => {
    expect(await ok('create', 'deployment', 'web', '--image=hyperledger/besu:24.1', '--replicas=3')).toBe('deployment.apps/web created\n');
    const status = await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
    expect(status.trim().split('\n').pop()).toBe('deployment "web" successfully rolled out');
  });

  it('get deploy and get rs print the columns a real cluster prints', async () => {
    const deploy = rows(await ok('get', 'deploy'));
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(deploy[1].slice(0, 4)).toEqual(['web', '3/3', '3', '3']);
    const wide = rows(await ok('get', 'deployment', 'web', '-o', 'wide'));
    expect(wide[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(wide[1].slice(5)).toEqual(['besu', 'hyperledger/besu:24.1', 'app=web']);
    const rs = rows(await ok('get', 'rs'));
    expect(rs[0]).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(rs[1][0]).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs[1].slice(1, 4)).toEqual(['3', '3', '3']);
    const rsWide = rows(await ok('get', 'rs', '-o', 'wide'));
    expect(rsWide[1][7]).toMatch(/^app=web,pod-template-hash=\w+$/);
  });

  it('scale deployment', async () => {
    expect(await ok('scale', 'deployment', 'web', '--replicas=5')).toBe('deployment.apps/web scaled\n');
    await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
    await eventually(() => expect(webPods()).toHaveLength(5));
    expect(rows(await ok('get', 'deploy', 'web'))[1].slice(0, 4)).toEqual(['web', '5/5', '5', '5']);
  });

  it('set image, and rollout status waits until every pod runs it', async () => {
    expect(await ok('set', 'image', 'deployment/web', 'besu=hyperledger/besu:24.7')).toBe('deployment.apps/web image updated\n');
    const status = await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
    expect(status).toContain('Waiting for deployment "web" rollout to finish');
    expect(status.trim().split('\n').pop()).toBe('deployment "web" successfully rolled out');
    expect(webPods().map((p) => p.spec.containers[0].image)).toEqual(Array(5).fill('hyperledger/besu:24.7'));
    expect(rows(await ok('get', 'rs')).slice(1).map((r) => r.slice(1, 4).join('/')).sort()).toEqual(['0/0/0', '5/5/5']);
  });

  it('rollout history lists both revisions', async () => {
    const history = rows(await ok('rollout', 'history', 'deployment/web'));
    expect(history[0]).toEqual(['deployment.apps/web']);
    expect(history[1]).toEqual(['REVISION', 'CHANGE-CAUSE']);
    expect(history.slice(2).map((r) => r[0])).toEqual(['1', '2']);
    const two = await ok('rollout', 'history', 'deployment/web', '--revision=2');
    expect(two).toContain('hyperledger/besu:24.7');
  });

  it('rollout undo goes back to the first image', async () => {
    expect(await ok('rollout', 'undo', 'deployment/web')).toBe('deployment.apps/web rolled back\n');
    await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
    await eventually(() => expect(webPods().map((p) => p.spec.containers[0].image)).toEqual(Array(5).fill('hyperledger/besu:24.1')));
    expect(rows(await ok('rollout', 'history', 'deployment/web')).slice(2).map((r) => r[0])).toEqual(['2', '3']);
  });

  it('get all lists the pods, the deployment and its replica sets', async () => {
    const all = await ok('get', 'all');
    expect(all).toMatch(/^pod\/web-\w+-[a-z0-9]{5} +1\/1 +Running/m);
    expect(all).toMatch(/^deployment\.apps\/web +5\/5 +5 +5/m);
    expect(all).toMatch(/^replicaset\.apps\/web-\w+ +5 +5 +5/m);
  });

  it('delete deployment removes its replica sets and pods', async () => {
    expect(await ok('delete', 'deployment', 'web')).toBe('deployment.apps "web" deleted\n');
    await eventually(async () => expect((await kubectl(['get', 'rs'])).stderr).toContain('No resources found in default namespace.'));
    await eventually(() => expect(sim.pods.list().filter((p) => p.metadata.labels?.app === 'web')).toHaveLength(0));
    expect((await kubectl(['get', 'deploy', 'web'])).stderr).toContain('Error from server (NotFound): deployments.apps "web" not found');
  });
});
