// The scenario runner: one lesson, start to verdict
// =================================================
// CONCEPT   The whole pipeline in one function, so it reads top to bottom:
//             load the scenario module -> find or start a harbour -> connect (control API and
//             apiserver) -> check it has the ships the lesson needs -> baseline and namespace ->
//             run the body, printing the timeline -> restore the harbour -> verdict.
//           The verdict names the failed step and the reason; the CLI turns it into the exit code.
//           Restoring happens on failure too, so one failed lesson does not spoil the next.
// REAL K8S  ginkgo's runner with test/e2e/framework's BeforeEach/AfterEach does this for the
//           Kubernetes e2e suite.
// SHIPS     The lesson from first bell to last.
// EXAMPLE   const result = await runScenarioFile('examples/scenarios/ship-sinks.ts', { attach: '.cluster', pause: false });
//           result  =>  { ok: false, step: "3. The node is noticed", error: "timed out after ..." }
// SKIPPED   running several scenarios in one call (the test suite loops over files).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Chaos } from '../chaos/chaos.ts';
import { LauncherControl } from '../chaos/control.ts';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import type { Scenario } from './api.ts';
import { Context } from './context.ts';
import { StepFailure } from './step-failure.ts';
import { attachHarbour, freshHarbour, prepareNamespace, removeNamespace, restoreBaseline, takeBaseline, type HarbourHandle } from './harbour.ts';
import { Timeline, wrap } from './timeline.ts';

export interface RunOptions {
  /** Attach to the harbour of this state folder instead of starting a fresh one. @default undefined (fresh) */
  attach?: string;
  /** Pause at predictions when stdin is a terminal. @default true */
  pause?: boolean;
  /** Where every line goes. @default console.log */
  print?: (line: string) => void;
  /** Wall-clock ms added to every deadline. @default 15000 */
  slackMs?: number;
  /** Abort it to stop the body at once (Ctrl-C); the harbour is still restored. @default never */
  signal?: AbortSignal;
}

/** How a run ended. */
export interface RunResult {
  ok: boolean;
  name: string;
  /** The failed step, "2. Sink the ship" (undefined when ok). */
  step?: string;
  error?: string;
  /** Wall-clock ms of the body (not of starting a harbour). */
  ms: number;
  /** Every line printed. */
  lines: string[];
}

/** Imports a scenario file (its default export). */
export async function loadScenario(file: string): Promise<Scenario> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: Scenario };
  if (!mod.default?.meta || typeof mod.default.body !== 'function') {
    throw new Error(`${file} must \`export default scenario({ name, title, lesson }, async (s) => { ... })\``);
  }
  return mod.default;
}

/** Loads a scenario file and runs it in a fresh or attached harbour. */
export async function runScenarioFile(file: string, options: RunOptions = {}): Promise<RunResult> {
  const scenario = await loadScenario(file);
  const print = options.print ?? ((l: string) => console.log(l));
  const harbour: HarbourHandle = options.attach ? attachHarbour(options.attach) : await freshHarbour({ timeScale: scenario.meta.timeScale, print });
  try {
    return await runScenario(scenario, { ...options, print, dir: harbour.dir });
  } finally {
    await harbour.release();
  }
}

/** Runs a loaded scenario against the harbour of `dir`. */
export async function runScenario(scenario: Scenario, options: RunOptions & { dir: string }): Promise<RunResult> {
  const { meta } = scenario;
  const control = LauncherControl.fromDir(options.dir);
  const info = await control.harbour();
  const timeline = new Timeline({ timeScale: info.timeScale, print: options.print });
  const client = KubeClient.fromKubeconfig(control.file!.kubeconfig, { clock: realClock(info.timeScale) });
  const chaos = new Chaos(control, client, info, (r) => {
    timeline.line('\u26a1', r.did, 2);
    for (const line of r.next) timeline.detail(line);
  });
  const s = new Context({ ns: meta.name, chaos, timeline, kubeconfig: control.file!.kubeconfig, pause: options.pause, slackMs: options.slackMs, signal: options.signal });
  header(timeline, scenario, info.timeScale);

  const result = (ok: boolean, ms: number, step?: string, error?: string): RunResult => ({ ok, name: meta.name, step, error, ms, lines: timeline.lines });
  if (info.ships.length < (meta.minShips ?? 1)) {
    const error = `this lesson needs at least ${meta.minShips} ships; the harbour has ${info.ships.length} (npm run cluster -- --nodes ${meta.minShips})`;
    timeline.plain(`\u2717 ${error}`);
    return result(false, 0, '(before the first step)', error);
  }
  const base = await takeBaseline(chaos);
  await prepareNamespace(client, meta.name);
  const started = Date.now();
  let failure: { step: string; error: string } | undefined;
  try {
    // An interrupt wins the race at once; the body's next verb then fails on its own.
    const interrupted = new Promise<never>((_, reject) => options.signal?.addEventListener('abort', () => reject(new StepFailure(s.current, 'interrupted (Ctrl-C)'))));
    interrupted.catch(() => {}); // an interrupt during the cleanup must not crash us
    await Promise.race([scenario.body(s), interrupted]);
  } catch (err) {
    failure = err instanceof StepFailure ? { step: err.step, error: err.message } : { step: s.current, error: (err as Error).message };
  }
  const ms = Date.now() - started;
  timeline.line('\u2691', 'Cleaning up: the harbour goes back to how we found it');
  try {
    await restoreBaseline(chaos, base, (line) => timeline.detail(line));
    await removeNamespace(client, meta.name);
  } catch (err) {
    failure ??= { step: '(cleanup)', error: (err as Error).message };
  }
  timeline.plain();
  if (failure) {
    timeline.plain(`\u2717 FAILED: ${meta.name}, step "${failure.step}"`);
    for (const line of wrap(failure.error, 100)) timeline.plain(`  ${line}`);
    return result(false, ms, failure.step, failure.error);
  }
  timeline.plain(`\u2714 PASSED: ${meta.name} in ${(ms / 1000).toFixed(1)} s`);
  return result(true, ms);
}

function header(t: Timeline, scenario: Scenario, timeScale: number): void {
  const { meta } = scenario;
  t.plain(`\u2550\u2550 ${meta.title} \u2550\u2550  (${meta.name})`);
  for (const line of wrap(meta.lesson.trim().replace(/\s+/g, ' '), 100)) t.plain(`   ${line}`);
  t.plain(`   Time scale ${timeScale}: stamps read [wall seconds since the start | the same span in Kubernetes time].`);
  t.plain();
}
