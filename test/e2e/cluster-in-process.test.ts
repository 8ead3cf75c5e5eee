// `npm run cluster -- --in-process` end to end (cluster/in-process.ts): the same harbour with every
// component but etcd inside the launcher's process. The real kubectl applies besu-rpc.yaml, Besu
// answers through the NodePort, a killed kube-scheduler comes back after its back-off and
// schedules again, pausing is refused, a stopped kubelet's node goes NotReady, SIGTERM leaves no
// process behind, and a second launch resumes from etcd. Private state folder and free ports.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types.ts';
import type { ComponentStatus } from '../../cluster/supervisor.ts';
import { pidAlive } from '../../cluster/process.ts';
import { isolatedConfigYaml, spawnLauncher, type LauncherChild } from '../../cluster/spawn-launcher.ts';
import { blockNumber, e2eHarbour, isReady, missingTools, until } from '../helpers/e2e-harbour.ts';

const missing = missingTools();
let launcher: LauncherChild | undefined;
const { config, state, kubectl } = e2eHarbour('harbour-e2e-inproc-', () => launcher);
const BESU_RPC = resolve(import.meta.dirname, '../../examples/besu-rpc.yaml');
const readyPods = async () => (JSON.parse(await kubectl('get', 'pods', '-l', 'app=besu-rpc', '-o', 'json')).items as Pod[]).filter(isReady);

describe.skipIf(missing.length > 0)('npm run cluster -- --in-process, end to end', () => {
  it('runs the harbour in one process plus etcd, survives kills and stops leaving nothing behind', async () => {
    writeFileSync(config, isolatedConfigYaml({ seed: 23 })); // distinct ranges from the other e2e files, which may run at the same time
    launcher = spawnLauncher({ args: ['--config', config, '--dir', state, '--fresh', '--in-process'] });
    const { file } = await launcher.opened;
    // Only etcd has a process of its own; launcher.json says which mode this is.
    expect(file.mode).toBe('in-process');
    expect(Object.keys(file.components)).toEqual(['etcd']);
    expect(launcher.lines.join('\n')).toMatch(/in-process: one process plus etcd/);
    const control = async (path: string, method = 'POST') => {
      const res = await fetch(`${file.control}${path}`, { method });
      return { code: res.status, body: (await res.json()) as ComponentStatus & { error?: string } };
    };
    const component = async (name: string) => ((await control('/components', 'GET')).body as unknown as ComponentStatus[]).find((c) => c.name === name)!;

    expect(await kubectl('get', 'nodes', '-o', 'name')).toBe('node/node-1\nnode/node-2\nnode/node-3\n');
    await kubectl('apply', '-f', BESU_RPC);
    await until('six Besu pods Running and Ready', async () => ((await readyPods()).length === 6 ? true : undefined), 60_000);
    const nodeIP = (await kubectl('get', 'node', 'node-2', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}')).trim();
    expect(await until('Besu through the NodePort', () => blockNumber(`http://${nodeIP}:30545`), 20_000)).toMatch(/^0x[0-9a-f]+$/);

    // A kill is a crash: the supervisor brings the scheduler back after its back-off, and it schedules.
    expect((await control('/components/kube-scheduler/kill')).code).toBe(200);
    await until('the scheduler to crash and come back', async () => {
      const s = await component('kube-scheduler');
      return s.state === 'running' && s.restarts === 1 ? s : undefined;
    }, 20_000);
    expect(launcher.lines.join('\n')).toMatch(/kube-scheduler went DOWN: killed by SIGKILL; restarting in 1\.0 s/);
    await kubectl('scale', 'rc', 'besu-rpc', '--replicas', '7');
    await until('a seventh pod scheduled by the new scheduler', async () => ((await readyPods()).length === 7 ? true : undefined), 30_000);

    // Pausing has no in-process equivalent: refused, naming the process mode.
    const pause = await control('/components/kube-scheduler/kill?signal=SIGSTOP');
    expect(pause.code).toBe(409);
    expect(pause.body.error).toMatch(/no in-process equivalent.*without --in-process/);
    expect((await component('kube-scheduler')).state).toBe('running');

    // A stopped kubelet stops renewing its Lease: the node-lifecycle controller marks node-3 NotReady.
    expect((await control('/components/kubelet%2Fnode-3/stop')).body.state).toBe('stopped');
    await until('node-3 NotReady', async () => {
      const ready = await kubectl('get', 'node', 'node-3', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}');
      return ready.trim() !== 'True' ? ready : undefined;
    }, 30_000);
    // Ready is Unknown now (the kubelet stopped posting status), which kubectl prints as NotReady.
    expect((await kubectl('get', 'nodes')).split('\n').find((l) => l.startsWith('node-3'))).toMatch(/^node-3 +NotReady /);

    // SIGTERM: the launcher and etcd are gone, etcd's data stays.
    const pids = [file.pid, ...Object.values(file.components)];
    const stopped = await launcher.stop('SIGTERM');
    expect(stopped.ms).toBeLessThan(10_000);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(existsSync(join(state, 'launcher.json'))).toBe(false);
    expect(launcher.lines.join('\n')).toMatch(/Stopped in \d+\.\d s; no process left/);

    // A second launch resumes from etcd: the ReplicationController keeps its new size.
    launcher = spawnLauncher({ args: ['--config', config, '--dir', state, '--in-process'] });
    const again = await launcher.opened;
    expect(await kubectl('get', 'rc', 'besu-rpc', '-o', 'jsonpath={.spec.replicas}')).toBe('7');
    await launcher.stop('SIGTERM');
    expect([again.file.pid, ...Object.values(again.file.components)].filter(pidAlive)).toEqual([]);
  }, 180_000);
});
