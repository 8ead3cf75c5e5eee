// What stops a pod from starting, on a real kubelet against a real apiserver and etcd: an image
// the registry does not have (ErrImagePull, then ImagePullBackOff, fixed by a new image), init
// containers that run in order (and fail the pod under restartPolicy Never), and a startup probe
// that holds back liveness and, failing, restarts the container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startKubelet, type Kubelet } from '../../kubelet/kubelet.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { waitForTruthy } from '../helpers/wait.ts';

const R = 1 + Math.floor(Math.random() * 250);
const NODE = { name: 'ship-1', ip: `127.0.246.${R}`, podCIDR: `127.246.${R}.0/24` };
const clock = realClock(0.1);
let cp: ControlPlane;
let client: KubeClient;
let kubelet: Kubelet;

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000) => waitForTruthy<T>(what, fn, ms);

async function run(name: string, container: Partial<Container>, extra: Partial<Pod['spec']> = {}): Promise<void> {
  await client.create('pods', {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', ...container }], terminationGracePeriodSeconds: 5, ...extra },
  });
  await client.bind('default', name, NODE.name);
}
const getPod = (name: string) => client.get('pods', name, 'default');
async function eventsOf(name: string): Promise<string[]> {
  await Promise.all(kubelet.nodes.map((n) => n.flushEvents()));
  const list = await client.list('events', { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);
}
const waitingReason = (p: Pod) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason;

beforeAll(async () => {
  cp = await startControlPlane();
  client = new KubeClient({ server: cp.url, clock });
  kubelet = await startKubelet({ client, nodes: [NODE], port: 0, log: () => {} });
});
afterAll(async () => {
  await kubelet?.stop();
  await cp?.stop();
});

describe('image pull failures', () => {
  it('shows ErrImagePull then ImagePullBackOff for a missing tag, and starts once the image is fixed', async () => {
    await run('bad-tag', { image: 'hyperledger/besu:does-not-exist' });
    const first = await until('ErrImagePull', async () => { const p = await getPod('bad-tag'); return waitingReason(p) === 'ErrImagePull' && p; });
    expect(first.status!.containerStatuses![0].state!.waiting!.message).toMatch(/docker\.io\/hyperledger\/besu:does-not-exist: not found$/);
    expect(first.status!.phase).toBe('Pending');
    const backoff = await until('ImagePullBackOff', async () => { const p = await getPod('bad-tag'); return waitingReason(p) === 'ImagePullBackOff' && p; });
    expect(backoff.status!.containerStatuses![0].state!.waiting!.message).toMatch(/^Back-off pulling image "hyperledger\/besu:does-not-exist": ErrImagePull: /);
    const events = await eventsOf('bad-tag');
    expect(events.slice(0, 5)).toEqual([
      'Pulling: Pulling image "hyperledger/besu:does-not-exist"',
      expect.stringMatching(/^Failed: Failed to pull image "hyperledger\/besu:does-not-exist": rpc error: code = NotFound/),
      'Failed: Error: ErrImagePull',
      'BackOff: Back-off pulling image "hyperledger/besu:does-not-exist"',
      'Failed: Error: ImagePullBackOff',
    ]);
    await client.patch('pods', 'bad-tag', { spec: { containers: [{ name: 'app', image: 'hyperledger/besu:24.1' }] } }, { namespace: 'default', type: 'strategic' });
    await until('Running after the fix', async () => (await getPod('bad-tag')).status?.containerStatuses?.[0]?.state?.running);
  });

  it('says "pull access denied" for a repository that does not exist', async () => {
    await run('typo', { image: 'hyperledger/bseu:24.1' });
    const p = await until('ErrImagePull', async () => { const p = await getPod('typo'); return /ErrImagePull|ImagePullBackOff/.test(waitingReason(p) ?? '') && p; });
    expect(p.status!.containerStatuses![0].state!.waiting!.message).toContain('pull access denied, repository does not exist or may require authorization');
  });

  it('gives ErrImageNeverPull and InvalidImageName', async () => {
    await run('never', { image: 'busybox:1.28', imagePullPolicy: 'Never' });
    await run('invalid', { image: 'Nginx:1.25' });
    await until('ErrImageNeverPull', async () => waitingReason(await getPod('never')) === 'ErrImageNeverPull');
    const p = await until('InvalidImageName', async () => { const p = await getPod('invalid'); return waitingReason(p) === 'InvalidImageName' && p; });
    expect(p.status!.containerStatuses![0].state!.waiting!.message).toContain('must be lowercase');
    expect(await eventsOf('never')).toContain('ErrImageNeverPull: Container image "busybox:1.28" is not present with pull policy of Never');
  });
});

describe('init containers', () => {
  it('runs them in order, to completion, before the app container', async () => {
    const init = (name: string, script: string): Container => ({ name, image: 'busybox:1.36', command: ['sh', '-c', script] });
    await run('with-init', {}, { initContainers: [init('first', 'sleep 2; exit 0'), init('second', 'exit 0')] });
    const during = await until('first init running', async () => { const p = await getPod('with-init'); return p.status?.initContainerStatuses?.[0]?.state?.running && p; });
    expect(during.status!.initContainerStatuses![1].state!.waiting!.reason).toBe('PodInitializing');
    expect(during.status!.containerStatuses![0].state!.waiting!.reason).toBe('PodInitializing');
    expect(during.status!.conditions!.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', message: 'containers with incomplete status: [first second]' });
    const done = await until('Running', async () => { const p = await getPod('with-init'); return p.status?.phase === 'Running' && p; });
    expect(done.status!.initContainerStatuses!.map((s) => s.state!.terminated!.reason)).toEqual(['Completed', 'Completed']);
    expect(Date.parse(done.status!.initContainerStatuses![1].state!.terminated!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(done.status!.initContainerStatuses![0].state!.terminated!.finishedAt!));
    const events = (await eventsOf('with-init')).filter((e) => e.startsWith('Started'));
    expect(events).toEqual(['Started: Started container first', 'Started: Started container second', 'Started: Started container app']);
  });

  it('fails the pod when an init container fails under restartPolicy Never; restarts it under OnFailure', async () => {
    await run('init-never', {}, { restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'busybox:1.36', command: ['sh', '-c', 'exit 3'] }] });
    await run('init-onfailure', {}, { restartPolicy: 'OnFailure', initContainers: [{ name: 'setup', image: 'busybox:1.36', command: ['sh', '-c', 'exit 3'] }] });
    const failed = await until('Failed', async () => { const p = await getPod('init-never'); return p.status?.phase === 'Failed' && p; });
    expect(failed.status!.initContainerStatuses![0].state!.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(failed.status!.containerStatuses![0].state!.running).toBeUndefined();
    const looping = await until('init restarted', async () => { const p = await getPod('init-onfailure'); return (p.status?.initContainerStatuses?.[0]?.restartCount ?? 0) >= 1 && p; });
    expect(looping.status!.phase).toBe('Pending');
  });
});

describe('startup probes', () => {
  it('restarts a container whose startup probe keeps failing, without running its liveness probe', async () => {
    const probe = { httpGet: { path: '/', port: 9999 }, periodSeconds: 1, failureThreshold: 2 };
    await run('slow-start', { ports: [{ containerPort: 8080 }], startupProbe: probe, livenessProbe: { ...probe, failureThreshold: 1 } });
    const p = await until('restarted', async () => { const p = await getPod('slow-start'); return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && p; });
    expect(p.status!.containerStatuses![0].started).toBe(false);
    const events = await eventsOf('slow-start');
    expect(events).toContain('Killing: Container app failed startup probe, will be restarted');
    expect(events.some((e) => e.startsWith('Unhealthy: Startup probe failed: Get "http://'))).toBe(true);
    expect(events.some((e) => e.includes('Liveness probe failed'))).toBe(false);
  });

  it('marks the container started once the startup probe passes', async () => {
    await run('starts', { ports: [{ containerPort: 8080 }], startupProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } });
    const p = await until('started', async () => { const p = await getPod('starts'); return p.status?.containerStatuses?.[0]?.started && p; });
    expect(p.status!.containerStatuses![0].ready).toBe(true);
  });
});
