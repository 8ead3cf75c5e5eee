// `npm run cluster` as a newcomer runs it (cluster/main.ts), end to end: the launcher in a pipe (no
// TTY), the examples applied with the real kubectl, every pod that fits Running, the one too big
// for any ship waiting on the dock with its reason, Besu reached through a NodePort and the
// LoadBalancer IP, then SIGTERM: no process left, and a second launch resumes from etcd's data.
// Private state folder, free ports and unused loopback ranges, so it never meets another harbour.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types.ts';
import { pidAlive } from '../../cluster/process.ts';
import { isolatedConfigYaml, spawnLauncher, type LauncherChild } from '../../cluster/spawn-launcher.ts';
import { blockNumber, e2eHarbour, isReady, missingTools, until } from '../helpers/e2e-harbour.ts';

const missing = missingTools();
let launcher: LauncherChild | undefined;
const { config, state, kubectl } = e2eHarbour('harbour-e2e-', () => launcher);
const EXAMPLES = ['besu-rpc', 'qbft-validators', 'bin-packing', 'too-big', 'besu-loadbalancer'].map((f) => resolve(import.meta.dirname, `../../examples/${f}.yaml`));
const scheduledMessage = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? '';

describe.skipIf(missing.length > 0)('npm run cluster, end to end', () => {
  it('opens the harbour, runs the examples, carries Besu traffic, and stops leaving nothing behind', async () => {
    writeFileSync(config, isolatedConfigYaml({ seed: 11 })); // distinct ranges from the other e2e files, which may run at the same time
    launcher = spawnLauncher({ args: ['--config', config, '--dir', state, '--fresh'] });
    const { file } = await launcher.opened;
    const pids = [file.pid, ...Object.values(file.components)];
    expect(Object.keys(file.components)).toHaveLength(10); // etcd, apiserver, scheduler, cm, 3 kubelets, 3 proxies
    expect(launcher.lines.join('\n')).toMatch(/✔ kube-apiserver \(radio room\) +\d+\.\d s/);

    expect(await kubectl('get', 'nodes', '-o', 'name')).toBe('node/node-1\nnode/node-2\nnode/node-3\n');
    // The replicated examples first: their pods come from the controller-manager a moment after
    // kubectl returns, and the bare cargo pods, scheduled at once, would otherwise race them for
    // node-1's room (bin-packing fills the smallest ship first), leaving a second validator without
    // a ship on a busy machine. A student applying everything at once may see that too.
    const [replicated, bare] = [EXAMPLES.slice(0, 2), EXAMPLES.slice(2)];
    await kubectl('apply', ...replicated.flatMap((f) => ['-f', f]));
    await until('the replicated pods to be placed', async () => {
      const list = JSON.parse(await kubectl('get', 'pods', '-o', 'json')).items as Pod[];
      return list.length === 10 && list.filter((p) => p.spec.nodeName).length === 9 ? list : undefined;
    }, 60_000);
    await kubectl('apply', ...bare.flatMap((f) => ['-f', f]));

    // Every pod that fits runs; the too-big one and the fourth validator (anti-affinity, 3 ships) wait.
    let seen = '';
    const pods = await until('every pod that fits to be Running and Ready', async () => {
      const list = JSON.parse(await kubectl('get', 'pods', '-o', 'json')).items as Pod[];
      const waiting = list.filter((p) => !isReady(p));
      const explained = waiting.every((p) => !p.spec.nodeName && scheduledMessage(p));
      // Kept for the failure message: which pods were not ready, and why.
      seen = waiting.map((p) => `${p.metadata.name} ${p.status?.phase} ${p.spec.nodeName ?? '-'} ${JSON.stringify(p.status?.containerStatuses?.[0]?.state ?? {})}`).join('; ');
      return list.length === 15 && waiting.length === 2 && explained ? list : undefined;
    }, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}; not ready: ${seen}`);
    });
    const tooBig = pods.find((p) => p.metadata.name === 'cargo-too-big')!;
    expect(tooBig.status?.phase).toBe('Pending');
    expect(scheduledMessage(tooBig)).toMatch(/^0\/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory\./);
    const lonelyValidator = pods.find((p) => p.metadata.name?.startsWith('qbft-validator') && !p.spec.nodeName)!;
    expect(scheduledMessage(lonelyValidator)).toMatch(/3 node\(s\) didn't match pod anti-affinity rules/);
    const validatorShips = pods.filter((p) => p.metadata.name?.startsWith('qbft-validator') && p.spec.nodeName).map((p) => p.spec.nodeName);
    expect(new Set(validatorShips).size).toBe(3);

    // JSON-RPC through the NodePort on a node IP, and through the LoadBalancer's external IP.
    const nodeIP = (await kubectl('get', 'node', 'node-2', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}')).trim();
    expect(await until('Besu through the NodePort', () => blockNumber(`http://${nodeIP}:30545`), 20_000)).toMatch(/^0x[0-9a-f]+$/);
    const lbIP = await until('a LoadBalancer IP', async () => (await kubectl('get', 'svc', 'besu-public', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}')).trim() || undefined, 20_000);
    expect(await until('Besu through the LoadBalancer', () => blockNumber(`http://${lbIP}:8545`), 20_000)).toMatch(/^0x[0-9a-f]+$/);

    // Without a TTY the launcher prints one line per change, in ships words.
    const output = launcher.lines.join('\n');
    expect(output).toMatch(/crane: cargo-xl lifted onto node-\d \[Scheduled\]/);
    expect(output).toMatch(/dock: cargo-too-big waits, 0\/3 nodes are available/);

    // SIGTERM to npm, as CI or `timeout` would send it: everything stops, etcd's data stays.
    const stopped = await launcher.stop('SIGTERM');
    expect(stopped.ms).toBeLessThan(10_000);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(existsSync(join(state, 'launcher.json'))).toBe(false);
    expect(existsSync(join(state, 'etcd', 'member'))).toBe(true);
    expect(launcher.lines.join('\n')).toMatch(/Stopped in \d+\.\d s; no process left/);

    // A second launch resumes from etcd: the ReplicationController is still there.
    launcher = spawnLauncher({ args: ['--config', config, '--dir', state] });
    const again = await launcher.opened;
    expect(await kubectl('get', 'rc', 'besu-rpc', '-o', 'jsonpath={.spec.replicas}')).toBe('6');
    await launcher.stop('SIGTERM');
    expect([again.file.pid, ...Object.values(again.file.components)].filter(pidAlive)).toEqual([]);
  }, 240_000);
});
