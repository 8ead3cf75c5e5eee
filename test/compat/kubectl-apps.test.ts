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
// SKIPPED   autoscale (no HorizontalPodAutoscaler); rollout pause/resume/restart and describe are in
//           kubectl-rollout.test.ts, delete --cascade in kubectl-cascade.test.ts.

import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { eventually, skipKubectl, useKubectl } from '../helpers/kubectl.ts';
import { type SimCluster, type SimClusterHandle, startSimCluster } from '../helpers/sim-cluster.ts';

const clock = realClock(0.05);
/** How long a change may take to reach the pods: it goes through the controllers and the simulated kubelets. */
const ROLLOUT_MS = 20_000;
let cluster: SimClusterHandle | undefined;
let sim: SimCluster;

/** The table kubectl printed, as rows of cells split on runs of spaces. */
const rows = (text: string) => text.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
const webPods = () => sim.pods.list().filter((p) => p.metadata.labels?.app === 'web' && !p.metadata.deletionTimestamp);

describe.skipIf(skipKubectl)('kubectl and apps/v1', () => {
  // The controllers and simulated nodes join kubectl's control plane, and stop before it does
  // (vitest runs afterAll hooks last-registered first).
  const { kubectl, ok } = useKubectl({
    serviceClusterIPRange: '127.98.0.0/16',
    setup: async (k) => void ({ sim } = cluster = await startSimCluster({ clock, nodes: ['node-1', 'node-2'], controlPlane: k.cp })),
  });
  afterAll(() => cluster?.stop());

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
    await eventually(() => expect(webPods()).toHaveLength(5), ROLLOUT_MS);
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
    await eventually(() => expect(webPods().map((p) => p.spec.containers[0].image)).toEqual(Array(5).fill('hyperledger/besu:24.1')), ROLLOUT_MS);
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
    await eventually(async () => expect((await kubectl(['get', 'rs'])).stderr).toContain('No resources found in default namespace.'), ROLLOUT_MS);
    await eventually(() => expect(sim.pods.list().filter((p) => p.metadata.labels?.app === 'web')).toHaveLength(0), ROLLOUT_MS);
    expect((await kubectl(['get', 'deploy', 'web'])).stderr).toContain('Error from server (NotFound): deployments.apps "web" not found');
  });
});
