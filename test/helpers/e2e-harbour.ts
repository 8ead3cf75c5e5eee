// Test helper: a private harbour for an end-to-end test of `npm run cluster`
// =========================================================================
// CONCEPT   The e2e tests launch the whole harbour as a newcomer would and drive it with the real
//           kubectl. Each needs the same things: to know etcd and kubectl are there (a failure
//           under CI=true, never a silent skip), a private state folder and kubectl pointed at its
//           kubeconfig, a patient `until`, Besu's eth_blockNumber over HTTP, and, whatever happens,
//           the launcher killed and the folder removed afterwards.
// REAL K8S  test/e2e/framework in kubernetes/kubernetes plays this role for real clusters.
// SHIPS     The harbour built for one inspection and torn down after it.
// EXAMPLE   let launcher; const h = e2eHarbour('harbour-e2e-', () => launcher);
//           launcher = spawnLauncher({ args: ['--config', h.config, '--dir', h.state] }); await h.kubectl('get', 'nodes')
// SKIPPED   Anything about what a test then checks.

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import type { Pod } from '../../api/types.ts';
import type { LauncherChild } from '../../cluster/spawn-launcher.ts';

const run = promisify(execFile);

/** The tools an e2e test needs and this machine lacks; under CI=true a lack is a failure. */
export function missingTools(): string[] {
  const has = (bin: string, ...args: string[]) => !spawnSync(bin, args, { encoding: 'utf8' }).error;
  const missing = [!has('etcd', '--version') && 'etcd', !has('kubectl', 'version', '--client') && 'kubectl'].filter((m): m is string => Boolean(m));
  if (missing.length && process.env.CI === 'true') throw new Error(`CI=true but ${missing.join(' and ')} missing: run npm run setup`);
  return missing;
}

/** A private folder (config file, state folder, kubectl cache) and kubectl aimed at it; cleaned up after all tests. */
export function e2eHarbour(prefix: string, current: () => LauncherChild | undefined) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const state = join(dir, 'state');
  const env = { ...process.env, KUBECONFIG: join(state, 'kubeconfig'), KUBECACHEDIR: join(dir, 'kube-cache') };
  afterAll(async () => {
    await current()?.stop('SIGKILL').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    config: join(dir, 'cluster.yaml'),
    state,
    kubectl: async (...args: string[]) => (await run('kubectl', args, { env })).stdout,
  };
}

/** Polls `check` until it returns a value; the timeout names what was awaited and the last error. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 300): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Besu's eth_blockNumber at `url`, as a hex string. */
export async function blockNumber(url: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(3000),
    body: JSON.stringify({ jsonrpc: '2.0', method: 'eth_blockNumber', params: [], id: 1 }),
  });
  return ((await res.json()) as { result: string }).result;
}

export const isReady = (p: Pod) => p.status?.phase === 'Running' && (p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
