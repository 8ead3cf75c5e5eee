// Pods on a kubelet against a real apiserver and etcd (the test binds pods itself, as the scheduler
// would): a pod runs with an IP from the node's CIDR and answers on its port, with the events a real
// kubelet writes; the second pod of an image finds it on the node; a pod too big is rejected
// OutOfcpu; `exit 1` leads to restarts at the CrashLoopBackOff delays; Never and OnFailure end the
// pod; delete terminates gracefully and the object disappears; a kubelet stopped and started again
// restarts its pods and counts the restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { isNotFound } from '../../client/errors.ts';
import { KubeClient } from '../../client/rest.ts';
import { startKubelet, type Kubelet } from '../../kubelet/kubelet.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { waitForTruthy } from '../helpers/wait.ts';

const R = 1 + Math.floor(Math.random() * 250);
const NODE = { name: 'ship-1', ip: `127.0.247.${R}`, podCIDR: `127.247.${R}.0/24` };
const SCALE = 0.1;
const clock = realClock(SCALE);
let cp: ControlPlane;
let client: KubeClient;
let kubelet: Kubelet;

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000) => waitForTruthy<T>(what, fn, ms);

/** Creates a pod and binds it to our node with POST pods/NAME/binding, as the scheduler does. */
async function run(name: string, container: Partial<Container>, extra: Partial<Pod['spec']> = {}): Promise<Pod> {
  const pod = await client.create('pods', {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', ...container }], terminationGracePeriodSeconds: 5, ...extra },
  });
  await client.bind('default', name, NODE.name);
  return pod;
}

const getPod = (name: string) => client.get('pods', name, 'default');
async function eventsOf(name: string): Promise<string[]> {
  await Promise.all(kubelet.nodes.map((n) => n.flushEvents()));
  const list = await client.list('events', { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);
}

beforeAll(async () => {
  cp = await startControlPlane();
  client = new KubeClient({ server: cp.url, clock });
  kubelet = await startKubelet({ client, nodes: [NODE], port: 0, log: () => {} });
});
afterAll(async () => {
  await kubelet?.stop();
  await cp?.stop();
});

describe('running pods', () => {
  it('runs a bound pod with an IP from the node CIDR, serving its declared port', async () => {
    await run('web-1', { ports: [{ containerPort: 8080 }] });
    const pod = await until('Running', async () => {
      const p = await getPod('web-1');
      return p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && p;
    });
    expect(pod.status).toMatchObject({ hostIP: NODE.ip, qosClass: 'BestEffort' });
    expect(pod.status!.podIP).toMatch(new RegExp(`^127\\.247\\.${R}\\.\\d+$`));
    expect(pod.status!.startTime).toBeTruthy();
    expect(pod.status!.conditions!.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    expect(pod.status!.containerStatuses![0]).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect(pod.status!.containerStatuses![0].containerID).toMatch(/^harbour-sim:\/\/[0-9a-f]{64}$/);
    const answer = await (await fetch(`http://${pod.status!.podIP}:8080/`)).text();
    expect(answer).toContain('web-1');
    expect(await eventsOf('web-1')).toEqual([
      'Pulling: Pulling image "nginx:1.25"',
      expect.stringMatching(/^Pulled: Successfully pulled image "nginx:1.25" in (\d+ms|[\d.]+s) \((\d+ms|[\d.]+s) including waiting\)\. Image size: 68000000 bytes\.$/),
      'Created: Created container: app',
      'Started: Started container app',
    ]);
  });

  it('finds the image already on the node for the second pod', async () => {
    await run('web-2', {});
    await until('Running', async () => (await getPod('web-2')).status?.phase === 'Running');
    expect(await eventsOf('web-2')).toContain('Pulled: Container image "nginx:1.25" already present on machine');
  });

  it('does not write the status again while nothing changes', async () => {
    const before = kubelet.statusManager.patches;
    await new Promise((r) => setTimeout(r, 1000));
    expect(kubelet.statusManager.patches).toBe(before);
  });

  it('rejects a pod that does not fit with OutOfcpu, as the real kubelet does', async () => {
    await run('too-big', { resources: { requests: { cpu: '8' } } });
    const pod = await until('Failed', async () => {
      const p = await getPod('too-big');
      return p.status?.phase === 'Failed' && p;
    });
    expect(pod.status).toMatchObject({
      reason: 'OutOfcpu',
      message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 8000, used: 0, capacity: 4000",
    });
    expect(await eventsOf('too-big')).toContain("OutOfcpu: Node didn't have enough resource: cpu, requested: 8000, used: 0, capacity: 4000");
  });
});

describe('restart policies', () => {
  it('restarts `exit 1` with CrashLoopBackOff pauses of 10 s, then 20 s (scaled)', async () => {
    await run('crash', { image: 'busybox:1.36', command: ['sh', '-c', 'echo dying; exit 1'] });
    const seen = new Map<number, number>();
    let sawBackOff = '';
    await until('restartCount 3', async () => {
      const cs = (await getPod('crash')).status?.containerStatuses?.[0];
      if (cs && !seen.has(cs.restartCount)) seen.set(cs.restartCount, Date.now());
      if (cs?.state?.waiting?.reason === 'CrashLoopBackOff') sawBackOff = cs.state.waiting.message ?? '';
      return (cs?.restartCount ?? 0) >= 3;
    }, 20_000);
    // Each run lasts 1 s; then 0 s, 10 s, 20 s of back-off: 1 -> 2 takes 11 s, 2 -> 3 takes 21 s.
    const gap12 = (seen.get(2)! - seen.get(1)!) / SCALE / 1000;
    const gap23 = (seen.get(3)! - seen.get(2)!) / SCALE / 1000;
    // Observed through the API on a shared machine: we allow a few (cluster) seconds of latency.
    expect(gap12).toBeGreaterThan(9.5);
    expect(gap12).toBeLessThan(15);
    expect(gap23).toBeGreaterThan(19.5);
    expect(gap23).toBeLessThan(26);
    expect(gap23 - gap12).toBeGreaterThan(6);
    expect(sawBackOff).toMatch(/^back-off (10|20)s restarting failed container=app pod=crash_default\(/);
    const pod = await getPod('crash');
    expect(pod.status!.phase).toBe('Running');
    expect(pod.status!.containerStatuses![0].lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(await eventsOf('crash')).toContain(`BackOff: Back-off restarting failed container app in pod crash_default(${pod.metadata.uid})`);
  });

  it('leaves `exit 3` terminated under Never: the pod Failed with exit code 3', async () => {
    await run('once', { image: 'busybox:1.36', args: ['exit', '3'] }, { restartPolicy: 'Never' });
    const pod = await until('Failed', async () => {
      const p = await getPod('once');
      return p.status?.phase === 'Failed' && p;
    });
    expect(pod.status!.containerStatuses![0]).toMatchObject({ restartCount: 0, ready: false, state: { terminated: { exitCode: 3, reason: 'Error' } } });
  });

  it('ends a job that succeeds under OnFailure: Succeeded', async () => {
    await run('job', { image: 'busybox:1.36', command: ['sh', '-c', 'echo working; sleep 2'] }, { restartPolicy: 'OnFailure' });
    const pod = await until('Succeeded', async () => {
      const p = await getPod('job');
      return p.status?.phase === 'Succeeded' && p;
    });
    expect(pod.status!.containerStatuses![0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(pod.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});

describe('deletion and kubelet restarts', () => {
  it('terminates a deleted pod gracefully, then removes the object', async () => {
    await client.delete('pods', 'web-2', { namespace: 'default' });
    const marked = await getPod('web-2').catch(() => undefined);
    if (marked) expect(marked.metadata.deletionTimestamp).toBeTruthy();
    await until('the pod object to go', async () => {
      try {
        await getPod('web-2');
        return false;
      } catch (e) {
        return isNotFound(e);
      }
    });
    expect(await eventsOf('web-2')).toContain('Killing: Stopping container app');
  });

  it('restarts its pods after a restart of the kubelet, counting the restart', async () => {
    const before = await getPod('web-1');
    await kubelet.stop();
    kubelet = await startKubelet({ client, nodes: [NODE], port: 0, log: () => {} });
    const after = await until('restartCount 1', async () => {
      const p = await getPod('web-1');
      const cs = p.status?.containerStatuses?.[0];
      return cs?.restartCount === 1 && cs.state?.running && p;
    });
    expect(after.status!.podIP).toBe(before.status!.podIP);
    expect(after.status!.containerStatuses![0].lastState?.terminated).toMatchObject({ exitCode: 255, reason: 'Unknown' });
    expect(after.status!.containerStatuses![0].containerID).not.toBe(before.status!.containerStatuses![0].containerID);
    // The finished pods stay finished; the rejected one stays rejected.
    expect((await getPod('once')).status!.phase).toBe('Failed');
    expect((await getPod('too-big')).status!.reason).toBe('OutOfcpu');
  });
});
