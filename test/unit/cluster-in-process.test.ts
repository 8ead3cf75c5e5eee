// --in-process (cluster/in-process.ts): a hosted component as the supervisor sees it, and the flag
// parsers (each component's flags.ts) turning the launcher's own process arguments into the
// options the in-process mode starts each component with.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiServerOptionsFromFlags } from '../../apiserver/flags.ts';
import { componentSpecs } from '../../cluster/components.ts';
import { validateClusterConfig } from '../../cluster/config.ts';
import { hostComponent, type HostedComponent, type Starter } from '../../cluster/in-process.ts';
import { Supervisor } from '../../cluster/supervisor.ts';
import { controllerManagerOptionsFromFlags } from '../../controllers/flags.ts';
import { kubeletOptionsFromFlags } from '../../kubelet/flags.ts';
import { proxyOptionsFromFlags } from '../../proxy/flags.ts';
import { schedulerOptionsFromFlags } from '../../scheduler/flags.ts';

/** A component that records what was done to it. */
function fake(calls: string[], onStart?: (log: (l: string) => void, crashed: () => void) => void): Starter {
  return async (args, log, crashed) => {
    calls.push(`start ${args.join(' ')}`);
    onStart?.(log, crashed);
    const component: HostedComponent = { stop: async () => void calls.push('stop'), crash: async () => void calls.push('crash') };
    return component;
  };
}

describe('hostComponent', () => {
  it('stops gracefully on stop() and exits with code 0', async () => {
    const calls: string[] = [];
    const p = hostComponent('scheduler/main.ts', ['--port', '1'], () => {}, fake(calls));
    expect(p.pid).toBe(0);
    expect(await p.stop()).toEqual({ code: 0, signal: null });
    expect(calls).toEqual(['start --port 1', 'stop']);
  });

  it('treats SIGKILL as a crash: the abrupt stop, and "killed by SIGKILL"', async () => {
    const calls: string[] = [];
    const p = hostComponent('proxy/main.ts', [], () => {}, fake(calls));
    p.signal('SIGKILL');
    expect(await p.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(calls).toEqual(['start ', 'crash']);
  });

  it('refuses to pause, naming the process mode', () => {
    const p = hostComponent('scheduler/main.ts', [], () => {}, fake([]));
    expect(() => p.signal('SIGSTOP')).toThrow(/kube-scheduler .*no in-process equivalent.*without --in-process/);
    expect(p.exitStatus()).toBeUndefined();
    void p.stop();
  });

  it('exits with code 1 and says why when the component cannot start', async () => {
    const lines: string[] = [];
    const p = hostComponent('nothing/main.ts', [], (l) => lines.push(l));
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(lines).toEqual(['nothing/main.ts cannot run in-process']);
  });

  it("sends the component's console lines to its own log, even from a timer it set", async () => {
    const lines: string[] = [];
    const p = hostComponent('kubelet/main.ts', [], (l) => lines.push(l), fake([], () => {
      console.warn('from start', 1);
      setTimeout(() => console.log('from a timer'), 5);
    }));
    await new Promise((r) => setTimeout(r, 30));
    expect(lines).toEqual(['from start 1', 'from a timer']);
    await p.stop();
  });

  it('crashes only the component whose code threw where nobody catches; the launcher lives on', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/in-process-crash.ts')], { encoding: 'utf8' });
    expect(out.stdout.split('\n').filter(Boolean)).toEqual([
      '[kubelet] crashed: Error: boom in a timer', '[kubelet] crash() called', 'kubelet exited {"code":1,"signal":null}',
      'launcher alive; kube-proxy still running: true',
    ]);
    expect(out.status).toBe(0);
  });

  it('crashes (code 1) when the component decides to exit, as a controller-manager that lost its Lease', async () => {
    const calls: string[] = [];
    let crashed = () => {};
    const p = hostComponent('controllers/main.ts', [], () => {}, fake(calls, (_log, c) => (crashed = c)));
    await new Promise((r) => setTimeout(r, 5));
    crashed();
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(calls.at(-1)).toBe('crash');
  });
});

describe('Supervisor with hosted components', () => {
  it('restarts a killed control-plane component after the back-off and shows no pid', async () => {
    const calls: string[] = [];
    const supervisor = new Supervisor([{ name: 'kube-scheduler', role: 'control-plane', command: 'in-process', args: [],
      host: (onLine) => hostComponent('scheduler/main.ts', [], onLine, fake(calls)) }]);
    await supervisor.start('kube-scheduler');
    expect(supervisor.list()[0]).toMatchObject({ state: 'running', pid: undefined });
    supervisor.kill('kube-scheduler');
    await new Promise((r) => setTimeout(r, 50));
    expect(supervisor.list()[0]).toMatchObject({ state: 'backoff', message: 'killed by SIGKILL; restarting in 1.0 s' });
    await new Promise((r) => setTimeout(r, 1200));
    expect(supervisor.list()[0]).toMatchObject({ state: 'running', restarts: 1 });
    expect(() => supervisor.kill('kube-scheduler', 'SIGSTOP')).toThrow(/no in-process equivalent/);
    expect(await supervisor.stopAll()).toEqual([]);
    expect(calls).toEqual(['start ', 'crash', 'start ', 'stop']);
  });
});

describe('the launcher flags, parsed as each main.ts parses them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harbour-flags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kubeconfig');
  const nodeKubeconfig = join(dir, 'node-1.kubeconfig');
  writeFileSync(kubeconfig, '');
  writeFileSync(nodeKubeconfig, '');
  const config = validateClusterConfig({ timeScale: 0.1, ships: [{ name: 'node-1', cpu: 2, memory: '4Gi' }] });
  const ports = { etcd: 2379, etcdPeer: 2380, apiserver: 6443, scheduler: 10259, kubelet: 10250, proxyHealthz: 10256, launcher: 10200, dashboard: 8080 };
  config.ports = { ...config.ports, ...ports };
  const specs = componentSpecs(config, { root: process.cwd(), dir, etcdData: join(dir, 'etcd'), kubeconfig },
    { nodeReady: () => true, inProcess: true, nodeKubeconfig: () => nodeKubeconfig });
  const args = (name: string) => {
    const spec = specs.find((s) => s.name === name)!;
    expect(spec.command).toBe('in-process');
    expect(spec.host).toBeTypeOf('function');
    return spec.args.slice(1); // args[0] names the main.ts, for the view
  };

  it('gives the apiserver its etcd, port and ranges', () => {
    expect(apiServerOptionsFromFlags(args('kube-apiserver'))).toMatchObject({
      etcdServers: ['http://127.0.0.1:2379'], bindAddress: '127.0.0.1', port: 6443, eventTTLSeconds: 360,
      serviceClusterIPRange: config.network.serviceClusterIPRange, serviceNodePortRange: config.network.serviceNodePortRange,
    });
  });

  it('gives the scheduler and the controller-manager the cluster kubeconfig and leader election', () => {
    expect(schedulerOptionsFromFlags(args('kube-scheduler'))).toEqual({ kubeconfig, leaderElect: true, timeScale: 0.1, port: 10259, profiles: undefined });
    expect(controllerManagerOptionsFromFlags(args('kube-controller-manager'))).toMatchObject({
      kubeconfig, leaderElect: true, timeScale: 0.1, nodeMonitorGracePeriodMs: 40_000, clusterCIDR: config.network.clusterCIDR,
    });
  });

  it("gives a ship's kubelet and kube-proxy the kubeconfig of its node link", () => {
    expect(kubeletOptionsFromFlags(args('kubelet/node-1'))).toMatchObject({
      kubeconfig: nodeKubeconfig, nodes: [{ name: 'node-1', ip: config.ships[0]!.ip }], cpu: '2', memory: '4Gi', port: 10250, timeScale: 0.1,
    });
    expect(proxyOptionsFromFlags(args('kube-proxy/node-1'))).toMatchObject({
      kubeconfig: nodeKubeconfig, nodeName: 'node-1', nodeIP: config.ships[0]!.ip, healthzPort: 10256, timeScale: 0.1,
    });
  });

  it('rejects bad flags with a reason instead of exiting', () => {
    expect(() => schedulerOptionsFromFlags([])).toThrow('--kubeconfig is required');
    expect(() => controllerManagerOptionsFromFlags(['--kubeconfig', 'k', '--node-monitor-grace-period', '40 s'])).toThrow(/invalid duration "40 s"/);
    expect(() => kubeletOptionsFromFlags(['--kubeconfig', kubeconfig, '--node-name', 'n', '--node-ip', 'nope'])).toThrow(/IPv4 address/);
  });
});
