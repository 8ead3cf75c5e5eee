// The supervisor and its control API (cluster/supervisor.ts, cluster/control-api.ts), with tiny
// real processes standing in for components: `node -e` scripts that print "ready" and idle.
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { startControlApi } from '../../cluster/control-api.ts';
import { pidAlive } from '../../cluster/process.ts';
import { Supervisor, type ComponentSpec, type Role } from '../../cluster/supervisor.ts';

const IDLE = "console.log('ready'); setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0));";

function spec(name: string, role: Role = 'control-plane', script = IDLE): ComponentSpec {
  return { name, role, command: process.execPath, args: ['-e', script], readyLine: /^ready$/ };
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

let supervisor: Supervisor | undefined;
afterEach(async () => {
  expect(await supervisor?.stopAll()).toEqual([]);
  supervisor = undefined;
});

describe('Supervisor', () => {
  it('starts a component, waits until it is ready, and stops it by pid', async () => {
    supervisor = new Supervisor([spec('kube-scheduler')]);
    await supervisor.start('kube-scheduler');
    const [status] = supervisor.list();
    expect(status).toMatchObject({ name: 'kube-scheduler', state: 'running', restarts: 0 });
    await supervisor.stop('kube-scheduler');
    expect(supervisor.list()[0]).toMatchObject({ state: 'stopped', message: 'stopped on purpose', pid: undefined });
    expect(pidAlive(status!.pid!)).toBe(false);
  });

  it('reports a crash at once and restarts a control-plane component after a back-off', async () => {
    // At clock scale 0.01 the 1 s back-off is 10 ms.
    supervisor = new Supervisor([spec('kube-apiserver')], { clock: realClock(0.01) });
    const crashes: string[] = [];
    supervisor.on('crash', (name: string) => crashes.push(name));
    await supervisor.start('kube-apiserver');
    const firstPid = supervisor.list()[0]!.pid!;
    supervisor.kill('kube-apiserver', 'SIGKILL');
    await until(() => crashes.length === 1);
    await until(() => supervisor!.list()[0]!.state === 'running' && supervisor!.list()[0]!.pid !== firstPid);
    expect(supervisor.list()[0]).toMatchObject({ restarts: 1 });
  });

  it('leaves a crashed node component down: a sunk ship stays sunk', async () => {
    supervisor = new Supervisor([spec('kubelet/node-1', 'node')], { clock: realClock(0.01) });
    await supervisor.start('kubelet/node-1');
    supervisor.kill('kubelet/node-1');
    await until(() => supervisor!.list()[0]!.state === 'crashed');
    await new Promise((r) => setTimeout(r, 100));
    expect(supervisor.list()[0]).toMatchObject({ state: 'crashed', restarts: 0, message: expect.stringMatching(/^killed by SIGKILL; not restarted/) });
  });

  it('fails a start that exits before it is ready, naming the component and the exit', async () => {
    supervisor = new Supervisor([spec('etcd', 'control-plane', 'process.exit(3)')]);
    await expect(supervisor.start('etcd')).rejects.toThrow('etcd exited while starting (exited with code 3)');
  });

  it('marks a component whose program does not exist yet as unavailable instead of failing', async () => {
    supervisor = new Supervisor([{ ...spec('kube-controller-manager'), unavailable: () => 'controllers/main.ts is not written yet' }]);
    await supervisor.start('kube-controller-manager');
    expect(supervisor.list()[0]).toMatchObject({ state: 'unavailable', message: 'controllers/main.ts is not written yet' });
  });
});

describe('control API', () => {
  it('lists components and stops, starts and kills them by name, slashes included', async () => {
    supervisor = new Supervisor([spec('kube-scheduler'), spec('kubelet/node-1', 'node')]);
    await supervisor.start('kube-scheduler');
    await supervisor.start('kubelet/node-1');
    const api = await startControlApi(supervisor, 0);
    try {
      const list = (await (await fetch(`${api.url}/components`)).json()) as { name: string; state: string }[];
      expect(list.map((c) => `${c.name}=${c.state}`)).toEqual(['kube-scheduler=running', 'kubelet/node-1=running']);

      const stopped = await fetch(`${api.url}/components/kubelet/node-1/stop`, { method: 'POST' });
      expect(await stopped.json()).toMatchObject({ name: 'kubelet/node-1', state: 'stopped' });
      const started = await fetch(`${api.url}/components/kubelet/node-1/start`, { method: 'POST' });
      expect(await started.json()).toMatchObject({ state: 'running' });

      const paused = await fetch(`${api.url}/components/kube-scheduler/kill?signal=SIGSTOP`, { method: 'POST' });
      expect(await paused.json()).toMatchObject({ state: 'paused' });

      const unknown = await fetch(`${api.url}/components/kube-nothing/stop`, { method: 'POST' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ components: ['kube-scheduler', 'kubelet/node-1'] });
      const badAction = await fetch(`${api.url}/components/kube-scheduler/explode`, { method: 'POST' });
      expect(badAction.status).toBe(400);
    } finally {
      await api.close();
    }
  });
});
