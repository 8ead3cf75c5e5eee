// Compatibility: rollout pause / resume / restart and describe, with the real kubectl
// ===================================================================================
// CONCEPT   The second page of the Deployment tutorial. `rollout pause` sets spec.paused: the
//           deployment controller still follows `replicas` but makes no new ReplicaSet, so a
//           `set image` waits. `rollout resume` clears it and the rollout proceeds. `rollout restart`
//           writes the kubectl.kubernetes.io/restartedAt annotation into the pod template: a new
//           template, hence a new ReplicaSet and fresh pods. `describe` then shows what a real
//           cluster shows, including the controllers' ScalingReplicaSet and SuccessfulCreate events.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/rollout/ (rollout_pause.go, rollout_resume.go,
//           rollout_restart.go), polymorphichelpers/objectpauser.go, objectrestarter.go,
//           rollout_status.go, describe/describe.go (DeploymentDescriber, ReplicaSetDescriber),
//           pkg/controller/deployment/sync.go (paused: sync, checkPausedConditions)
// SHIPS     The refit office is told to hold, then to carry on, then to refit every container anew.
// EXAMPLE   kubectl rollout pause deployment/web; kubectl set image ...  =>  still one ReplicaSet
//           kubectl rollout restart deployment/web  =>  "deployment.apps/web restarted", a new ReplicaSet
// SKIPPED   `rollout status --watch=false`, HPA-driven scaling.

import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { eventually, skipKubectl, sleep, useKubectl, type Obj } from '../helpers/kubectl.ts';
import { startSimCluster, type SimClusterHandle } from '../helpers/sim-cluster.ts';

const clock = realClock(0.05);
const DONE = 'deployment "web" successfully rolled out';

describe.skipIf(skipKubectl)('kubectl rollout pause, resume, restart and describe', () => {
  let cluster: SimClusterHandle | undefined;
  const { kubectl, ok, api } = useKubectl({
    serviceClusterIPRange: '127.96.83.0/24',
    setup: async (k) => void (cluster = await startSimCluster({ clock, nodes: ['node-1', 'node-2'], controlPlane: k.cp })),
  });
  // Registered after useKubectl's, so it runs first: the controllers stop before the apiserver.
  afterAll(() => cluster?.stop());

  const replicaSets = async (): Promise<Obj[]> =>
    (await api('GET', '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb')).items;
  const livePods = async (): Promise<Obj[]> =>
    (await api('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items.filter((p: Obj) => !p.metadata.deletionTimestamp);
  const images = async () => (await livePods()).map((p) => p.spec.containers[0].image);
  const lastLine = (text: string) => text.trim().split('\n').pop();
  const status = async () => lastLine(await ok('rollout', 'status', 'deployment/web', '--timeout=60s'));

  it('creates a deployment and rolls it out', async () => {
    await ok('create', 'deployment', 'web', '--image=hyperledger/besu:24.1', '--replicas=3');
    expect(await status()).toBe(DONE);
  });

  it('rollout pause: set image makes no new ReplicaSet, and rollout status waits', async () => {
    expect(await ok('rollout', 'pause', 'deployment/web')).toBe('deployment.apps/web paused\n');
    expect((await kubectl(['rollout', 'pause', 'deployment/web'])).stderr).toBe('error: deployments.apps "web" is already paused\n');
    expect(await ok('set', 'image', 'deployment/web', 'besu=hyperledger/besu:24.7')).toBe('deployment.apps/web image updated\n');
    await sleep(1_000); // 20 s of cluster time: plenty for a controller that would roll out
    expect(await replicaSets()).toHaveLength(1);
    expect(await images()).toEqual(Array(3).fill('hyperledger/besu:24.1'));

    const waiting = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=2s']);
    expect(waiting.code).toBe(1);
    expect(waiting.stdout).toContain('Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...');
    expect(waiting.stderr).toBe('error: timed out waiting for the condition\n');
    const d = await api('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    expect(d.status.conditions.find((c: Obj) => c.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    expect((await kubectl(['rollout', 'restart', 'deployment/web'])).stderr).toBe('error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n');
  });

  it('a paused deployment still scales, without rolling out', async () => {
    expect(await ok('scale', 'deployment', 'web', '--replicas=4')).toBe('deployment.apps/web scaled\n');
    await eventually(async () => expect(await images()).toEqual(Array(4).fill('hyperledger/besu:24.1')), 20_000);
    expect((await replicaSets()).map((rs) => rs.spec.replicas)).toEqual([4]);
  });

  it('rollout resume: the rollout proceeds to the new image', async () => {
    expect(await ok('rollout', 'resume', 'deployment/web')).toBe('deployment.apps/web resumed\n');
    expect((await kubectl(['rollout', 'resume', 'deployment/web'])).stderr).toBe('error: deployments.apps "web" is not paused\n');
    expect(await status()).toBe(DONE);
    expect(await images()).toEqual(Array(4).fill('hyperledger/besu:24.7'));
    expect((await replicaSets()).map((rs) => rs.spec.replicas).sort()).toEqual([0, 4]);
  });

  it('rollout restart: a new ReplicaSet whose template carries restartedAt, and fresh pods', async () => {
    const before = (await livePods()).map((p) => p.metadata.name);
    expect(await ok('rollout', 'restart', 'deployment/web')).toBe('deployment.apps/web restarted\n');
    expect(await status()).toBe(DONE);
    const d = await api('GET', '/apis/apps/v1/namespaces/default/deployments/web');
    const restartedAt = d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    expect(restartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const sets = await replicaSets();
    expect(sets).toHaveLength(3);
    const current = sets.find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '3')!;
    expect(current.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
    expect(current.status.readyReplicas).toBe(4);
    const after = await livePods();
    expect(after.map((p) => p.metadata.name).filter((n) => before.includes(n))).toEqual([]);
    expect(after.every((p) => p.metadata.name.startsWith(`${current.metadata.name}-`))).toBe(true);
    expect(await images()).toEqual(Array(4).fill('hyperledger/besu:24.7'));
  });

  it('describe deployment prints what a real cluster prints', async () => {
    const run = await kubectl(['describe', 'deployment', 'web']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    const [current] = (await replicaSets()).filter((rs) => rs.spec.replicas === 4);
    expect(out).toMatch(/^Name: +web$/m);
    expect(out).toMatch(/^Selector: +app=web$/m);
    expect(out).toMatch(/^Replicas: +4 desired \| 4 updated \| 4 total \| 4 available \| 0 unavailable$/m);
    expect(out).toMatch(/^StrategyType: +RollingUpdate$/m);
    expect(out).toMatch(/^RollingUpdateStrategy: +25% max unavailable, 25% max surge$/m);
    expect(out).toMatch(/^Pod Template:\n {2}Labels: +app=web\n {2}Annotations: +kubectl\.kubernetes\.io\/restartedAt: \S+\n {2}Containers:\n {3}besu:\n {4}Image: +hyperledger\/besu:24\.7$/m);
    expect(out).toMatch(/^ {2}Available +True +MinimumReplicasAvailable$/m);
    expect(out).toMatch(/^ {2}Progressing +True +NewReplicaSetAvailable$/m);
    expect(out).toMatch(/^OldReplicaSets: +web-\w+ \(0\/0 replicas created\), web-\w+ \(0\/0 replicas created\)$/m);
    expect(out).toMatch(new RegExp(`^NewReplicaSet: +${current.metadata.name} \\(4/4 replicas created\\)$`, 'm'));
    const events = out.slice(out.indexOf('\nEvents:'));
    expect(events).toMatch(/Normal +ScalingReplicaSet +\S+ +deployment-controller +Scaled up replica set web-\w+ from 0 to 3\n/);
    expect(events).toMatch(/Normal +ScalingReplicaSet +\S+ +deployment-controller +Scaled up replica set web-\w+ from 3 to 4\n/);
    expect(events).toContain(`Scaled up replica set ${current.metadata.name} from 0 to 1`);
    expect(events).toMatch(/Scaled down replica set web-\w+ from 1 to 0/);
  });

  it('describe rs prints its owner, replicas, pod counts and the replicaset-controller events', async () => {
    const sets = await replicaSets();
    const current = sets.find((rs) => rs.spec.replicas === 4)!;
    const run = await kubectl(['describe', 'rs', current.metadata.name]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Controlled By: +Deployment\/web$/m);
    expect(run.stdout).toMatch(/^Replicas: +4 current \/ 4 desired$/m);
    expect(run.stdout).toMatch(/^Pods Status: +4 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    expect(run.stdout).toMatch(/^Annotations: +deployment\.kubernetes\.io\/desired-replicas: 4$/m);
    expect(run.stdout.match(/Normal +SuccessfulCreate +\S+ +replicaset-controller +Created pod: /g)).toHaveLength(4);

    const old = sets.find((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'] === '2')!;
    const drained = await ok('describe', 'rs', old.metadata.name);
    expect(drained).toMatch(/^Replicas: +0 current \/ 0 desired$/m);
    expect(drained.match(/Normal +SuccessfulDelete +\S+ +replicaset-controller +Deleted pod: /g)).toHaveLength(4);
  });
});
