// The harbour a scenario runs in: a fresh one, or the one already running
// ======================================================================
// CONCEPT   A scenario either starts its own harbour (the launcher as a child process, in a
//           temporary state folder, on free ports and unused loopback ranges, like the launcher's
//           own end-to-end test) or attaches to the harbour of a state folder (--attach). Either
//           way it must leave the harbour as it found it, because the next lesson runs there too:
//             - before: a fresh namespace named after the scenario, and a *baseline* (which
//               components run, which links are open, which ships exist, which are cordoned);
//             - after, pass or fail: the namespace deleted with its pods force-deleted, every
//               component and link back to the baseline, ships added removed and ships removed
//               added back, cordons lifted, every ship Ready.
// REAL K8S  test/e2e/framework's per-test namespace (framework.NewDefaultFramework creates
//           "<name>-<random>" and deletes it in AfterEach); kind create / delete cluster.
// SHIPS     Borrowing the harbour for a lesson, and sweeping the quay afterwards.
// EXAMPLE   const h = await attachHarbour('.cluster');  const base = await takeBaseline(chaos);
//           ...  await restoreBaseline(chaos, base, say);  await removeNamespace(client, 'ship-sinks');
// SKIPPED   restoring objects a scenario created outside its namespace (nodes aside, it should not).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNotFound } from '../../client/errors.ts';
import type { KubeClient } from '../../client/rest.ts';
import type { ShipConfig } from '../config.ts';
import { isolatedConfigYaml, spawnLauncher } from '../spawn-launcher.ts';
import type { Chaos } from '../chaos/chaos.ts';
import { nodeReady } from './helpers.ts';

/** A harbour to run in: its state folder, and how to let go of it. */
export interface HarbourHandle {
  dir: string;
  /** Stops a fresh harbour (no-op when attached). */
  release(): Promise<void>;
}

/** Starts a private harbour and resolves once it is open. */
export async function freshHarbour(options: { timeScale?: number; print: (line: string) => void }): Promise<HarbourHandle> {
  const root = mkdtempSync(join(tmpdir(), 'harbour-scenario-'));
  const config = join(root, 'cluster.yaml');
  const dir = join(root, 'state');
  writeFileSync(config, isolatedConfigYaml({ timeScale: options.timeScale ?? 0.1 }));
  options.print(`Starting a fresh harbour in ${dir} (time scale ${options.timeScale ?? 0.1}) ...`);
  const launcher = spawnLauncher({ args: ['--config', config, '--dir', dir, '--fresh'], viaNpm: false, openTimeoutMs: 120_000 });
  try {
    const { ms } = await launcher.opened;
    options.print(`The harbour is open (${(ms / 1000).toFixed(1)} s).`);
  } catch (err) {
    await launcher.stop('SIGKILL').catch(() => {});
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    async release() {
      await launcher.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The harbour of a state folder, left running afterwards. */
export function attachHarbour(dir: string): HarbourHandle {
  return { dir, release: async () => {} };
}

// ## Baseline: what "as we found it" means

export interface Baseline {
  /** Components that were running (or paused) at the start. */
  running: string[];
  ships: ShipConfig[];
  cordoned: string[];
}

export async function takeBaseline(chaos: Chaos): Promise<Baseline> {
  const components = await chaos.control.components();
  const nodes = (await chaos.client.list('nodes')).items;
  return {
    running: components.filter((c) => c.state === 'running' || c.state === 'paused').map((c) => c.name),
    ships: [...(await chaos.control.harbour()).ships],
    cordoned: nodes.filter((n) => n.spec?.unschedulable).map((n) => n.metadata.name!),
  };
}

// @doc: scenario-restore
// Order matters: the control plane first (nothing else can be checked without the apiserver),
// then the network, then the fleet, then kubectl-level state, then we wait for every ship.
export async function restoreBaseline(chaos: Chaos, base: Baseline, say: (line: string) => void): Promise<void> {
  const act = async (what: string, fn: () => Promise<unknown>) => {
    await fn();
    say(what);
  };
  for (const c of await chaos.control.components()) {
    if (c.state === 'paused') await act(`resumed ${c.name}`, () => chaos.control.component(c.name, 'kill', 'SIGCONT'));
  }
  for (const c of await chaos.control.components()) {
    if (base.running.includes(c.name) && c.state !== 'running') await act(`started ${c.name}`, () => chaos.control.component(c.name, 'start'));
  }
  for (const link of await chaos.control.links()) {
    if (link.mode !== 'open') await act(`healed ${link.node}'s link`, () => chaos.control.link(link.node, 'heal'));
  }
  const ships = (await chaos.control.harbour()).ships;
  for (const ship of ships) {
    if (!base.ships.some((b) => b.name === ship.name)) await act(`removed ${ship.name}`, () => chaos.removeNode(ship.name));
  }
  for (const ship of base.ships) {
    if (!ships.some((s) => s.name === ship.name)) {
      const { name, cpu, memory, pods } = ship;
      await act(`added ${name} back`, () => chaos.control.addNode({ name, cpu, memory, pods }));
    }
  }
  for (const node of (await chaos.client.list('nodes')).items) {
    const name = node.metadata.name!;
    if (node.spec?.unschedulable && !base.cordoned.includes(name)) await act(`uncordoned ${name}`, () => chaos.client.patch('nodes', name, { spec: { unschedulable: null } }));
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nodes = (await chaos.client.list('nodes')).items;
    const notReady = base.ships.filter((s) => !nodeReady(nodes.find((n) => n.metadata.name === s.name)));
    if (notReady.length === 0) return;
    if (Date.now() > deadline) throw new Error(`after restoring, still not Ready: ${notReady.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ## The scenario's namespace

/** Deletes a leftover namespace of the same name (waiting until it is gone), then creates it. */
export async function prepareNamespace(client: KubeClient, ns: string): Promise<void> {
  await removeNamespace(client, ns);
  await client.create('namespaces', { metadata: { name: ns, labels: { 'harbour.dev/scenario': ns } } });
}

/** Deletes the namespace, force-deletes its pods (a sunk ship cannot finish them), waits until it is gone. */
export async function removeNamespace(client: KubeClient, ns: string, timeoutMs = 60_000): Promise<void> {
  try {
    await client.delete('namespaces', ns);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = (await client.list('pods', { namespace: ns })).items;
    await Promise.all(pods.map((p) => client.delete('pods', p.metadata.name!, { namespace: ns, gracePeriodSeconds: 0 }).catch(() => {})));
    try {
      await client.get('namespaces', ns);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (Date.now() > deadline) throw new Error(`namespace ${ns} is still there after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
