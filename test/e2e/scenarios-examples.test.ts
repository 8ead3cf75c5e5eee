// Every instructor scenario in examples/scenarios/, run with --no-pause against ONE harbour started
// the way a newcomer starts it (the launcher as a child process, private state folder, free ports,
// unused loopback ranges). Each scenario leaves the harbour as it found it, so they run in turn.
// Then the CLI: `npm run scenario` on a scenario whose assertion is false exits 1 naming the step,
// and `npm run chaos -- status` reads the same harbour.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenarioFile } from '../../cluster/scenario/runner.ts';
import { isolatedConfigYaml, spawnLauncher, type LauncherChild } from '../../cluster/spawn-launcher.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCENARIOS = readdirSync(join(ROOT, 'examples/scenarios')).filter((f) => f.endsWith('.ts')).sort();
const hasEtcd = !spawnSync('etcd', ['--version']).error;
if (!hasEtcd && process.env.CI === 'true') throw new Error('CI=true but etcd is missing: run npm run setup');

const dir = mkdtempSync(join(tmpdir(), 'harbour-scenarios-'));
const state = join(dir, 'state');
let launcher: LauncherChild | undefined;

beforeAll(async () => {
  writeFileSync(join(dir, 'cluster.yaml'), isolatedConfigYaml({ timeScale: 0.1, seed: 35 }));
  launcher = spawnLauncher({ args: ['--config', join(dir, 'cluster.yaml'), '--dir', state, '--fresh'], viaNpm: false, openTimeoutMs: 120_000 });
  await launcher.opened;
}, 150_000);

afterAll(async () => {
  await launcher?.stop('SIGTERM').catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** Runs a command from the repository root; resolves with its exit code and output. */
function run(command: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe.skipIf(!hasEtcd)('instructor scenarios, end to end', () => {
  it('has at least eight scenarios', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of SCENARIOS) {
    it(`${file} passes with --no-pause`, async () => {
      const lines: string[] = [];
      const result = await runScenarioFile(join(ROOT, 'examples/scenarios', file), { attach: state, pause: false, print: (l) => lines.push(l) });
      if (!result.ok) console.log(lines.join('\n'));
      expect(result, `${result.step}: ${result.error}`).toMatchObject({ ok: true });
      expect(lines.join('\n')).toMatch(/^\[\+ *\d+\.\d s \| k8s +[\dmsh ]+\] {2}▶ Step 1\. /m);
    }, 150_000);
  }

  it('`npm run scenario` exits 1 and names the failed step when an assertion is false', async () => {
    const { code, out } = await run('npm', ['run', '--silent', 'scenario', '--', 'test/e2e/scenario-fixtures/wrong-belief.ts', '--attach', '--dir', state, '--no-pause']);
    expect(code).toBe(1);
    expect(out).toContain('✔ the crate is bound');
    expect(out).toMatch(/✗ FAILED: wrong-belief, step "2\. It went to the emptiest ship"\n {2}assertion failed: the crate went to the emptiest ship, node-3 \(it went to node-1\)/);
    expect(out).toContain('⚑ Cleaning up');
  }, 120_000);

  it('`npm run chaos -- status` reads the same harbour; a bad target is refused by name', async () => {
    const status = await run('npm', ['run', '--silent', 'chaos', '--', 'status', '--dir', state]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/kubelet\/node-1 +running/);
    expect(status.out).toMatch(/link node-2 +open/);
    const bad = await run('npm', ['run', '--silent', 'chaos', '--', 'sink', 'node-9', '--dir', state]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('chaos: no ship "node-9"; ships: node-1, node-2, node-3');
  }, 60_000);
});
