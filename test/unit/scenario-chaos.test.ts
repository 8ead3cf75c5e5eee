// Chaos actions (cluster/chaos/chaos.ts) against a fake launcher, the predictions they print
// (what-next.ts), and the kubelet's side of "crash a container": POST /run's `kill -9 1` parsing
// and ContainerRuntime.signalContainer, which makes the container exit as if on its own.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { Chaos, type ChaosReport } from '../../cluster/chaos/chaos.ts';
import type { LauncherControl } from '../../cluster/chaos/control.ts';
import type { HarbourInfo } from '../../cluster/chaos/routes.ts';
import { afterComponent, afterCrash, afterSlow } from '../../cluster/chaos/what-next.ts';
import type { KubeClient } from '../../client/rest.ts';
import { ContainerRuntime } from '../../kubelet/runtime/runtime.ts';
import { PortHost } from '../../kubelet/runtime/port-host.ts';
import { killSignal } from '../../kubelet/server.ts';

const NAMES = ['etcd', 'kube-apiserver', 'kube-scheduler', 'kube-controller-manager', 'kubelet/node-1', 'kube-proxy/node-1'];

function fakeChaos() {
  const calls: string[] = [];
  const reports: ChaosReport[] = [];
  const control = {
    components: async () => NAMES.map((name) => ({ name, state: 'running', role: 'node', restarts: 0, since: 0 })),
    component: async (name: string, action: string, signal?: string) => {
      calls.push(`${action} ${name}${signal ? ` ${signal}` : ''}`);
      return { name, state: action === 'stop' ? 'stopped' : 'running', pid: 42 };
    },
    link: async (node: string, action: string, delay?: string) => (calls.push(`${action} ${node}${delay ? ` ${delay}` : ''}`), {}),
  } as unknown as LauncherControl;
  const harbour = { timeScale: 0.1, ships: [], ports: {}, network: {} } as unknown as HarbourInfo;
  return { chaos: new Chaos(control, {} as KubeClient, harbour, (r) => reports.push(r)), calls, reports };
}

describe('Chaos', () => {
  it('resolves the short names people type', async () => {
    const { chaos } = fakeChaos();
    expect(await chaos.resolve('apiserver')).toBe('kube-apiserver');
    expect(await chaos.resolve('proxy/node-1')).toBe('kube-proxy/node-1');
    await expect(chaos.resolve('kubelet/node-9')).rejects.toThrow(`no component "kubelet/node-9"; known: ${NAMES.join(', ')}`);
  });

  it('pause and resume are SIGSTOP and SIGCONT; kill is SIGKILL', async () => {
    const { chaos, calls } = fakeChaos();
    await chaos.pause('scheduler');
    await chaos.resume('scheduler');
    await chaos.kill('etcd');
    expect(calls).toEqual(['kill kube-scheduler SIGSTOP', 'kill kube-scheduler SIGCONT', 'kill etcd SIGKILL']);
  });

  it('sinking a ship kills its kubelet and kube-proxy and says what happens next, with timings', async () => {
    const { chaos, calls, reports } = fakeChaos();
    const report = await chaos.sink('node-1');
    expect(calls).toEqual(['kill kubelet/node-1 SIGKILL', 'kill kube-proxy/node-1 SIGKILL']);
    expect(report.did).toBe('sank node-1: killed kubelet/node-1 and kube-proxy/node-1');
    expect(report.next.join('\n')).toContain('After node-monitor-grace-period, 40 s (4.0 s at time scale 0.1)');
    expect(reports).toEqual([report]);
  });

  it('slows a node by a Kubernetes duration, passed on in milliseconds', async () => {
    const { chaos, calls } = fakeChaos();
    const report = await chaos.slow('node-1', '1m');
    expect(calls).toEqual(['slow node-1 60000ms']);
    expect(report.did).toBe('slowed node-1: every API call arrives 60 s (Kubernetes time) late');
  });
});

describe('what the cluster should do next', () => {
  it('a killed control-plane component comes back after the launcher\'s 1 s wall-clock back-off', () => {
    const next = afterComponent('kube-scheduler', 'kill', 0.1).join('\n');
    expect(next).toContain('New pods wait Pending on the dock');
    expect(next).toContain('restarts kube-scheduler after 1 s (wall clock)');
  });

  it('a node component is not restarted by the launcher', () => {
    expect(afterComponent('kubelet/node-2', 'kill', 1).join('\n')).not.toContain('The launcher restarts');
  });

  it('a delay beyond the client timeout is as good as a partition', () => {
    expect(afterSlow('node-2', 5_000, 1).join('\n')).toContain('slow is not dead');
    expect(afterSlow('node-2', 45_000, 1).join('\n')).toContain('every call fails');
  });

  it('the first crash restarts at once, the next ones back off', () => {
    expect(afterCrash('p', 'c', 0, 1)[0]).toContain('at once');
    expect(afterCrash('p', 'c', 2, 0.1)[0]).toContain('after a CrashLoopBackOff of 20 s (2.0 s at time scale 0.1)');
  });
});

describe('the kubelet side of a container crash', () => {
  it.each([
    ['kill 1', 'SIGTERM'], ['kill -9 1', 'SIGKILL'], ['kill -KILL 1', 'SIGKILL'], ['kill -s KILL 1', 'SIGKILL'],
    ['kill -TERM 1', 'SIGTERM'], ['kill -15 1', 'SIGTERM'], ['kill -9 2', undefined], ['rm -rf /', undefined],
  ])('POST /run cmd %j => %s', (cmd, signal) => {
    expect(killSignal(cmd)).toBe(signal);
  });

  it('signalContainer ends the running instance as an exit of its own: 137 after SIGKILL, 143 after SIGTERM', async () => {
    const runtime = new ContainerRuntime(new FakeClock(), new PortHost());
    const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as Pod;
    const exits: unknown[] = [];
    await runtime.startContainer(pod, pod.spec.containers[0]!, '127.244.9.9', (exit) => exits.push(exit));
    expect(runtime.size).toBe(1);
    expect(await runtime.signalContainer(pod, 'c', 'SIGKILL')).toBe(true);
    expect(exits).toEqual([{ exitCode: 137, reason: 'Error' }]);
    expect(runtime.size).toBe(0);
    expect(await runtime.signalContainer(pod, 'c', 'SIGKILL')).toBe(false);
    await runtime.startContainer(pod, pod.spec.containers[0]!, '127.244.9.9', (exit) => exits.push(exit));
    expect(await runtime.signalContainer(pod, 'c', 'SIGTERM')).toBe(true);
    expect(exits.at(-1)).toEqual({ exitCode: 143, reason: 'Error' });
  });
});
