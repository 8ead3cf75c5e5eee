// `npm run scenario`: run one lesson
// ==================================
// CONCEPT   Parses the flags and calls runScenarioFile (runner.ts); the exit code is the verdict:
//           0 passed, 1 failed (the failed step is named on the last lines), 2 a usage mistake.
// REAL K8S  `go test ./test/e2e -ginkgo.focus=...` runs one Kubernetes e2e spec the same way.
// SHIPS     Ringing the bell for the lesson to begin.
// EXAMPLE   npm run scenario -- examples/scenarios/ship-sinks.ts              (fresh harbour, pauses)
//           npm run scenario -- examples/scenarios/ship-sinks.ts --attach --no-pause
// SKIPPED   choosing a scenario by name (pass the file).

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runScenarioFile } from './runner.ts';

const USAGE = `usage: npm run scenario -- FILE [--no-pause] [--attach] [--dir DIR] [--slack SECONDS]
  FILE         a scenario, e.g. examples/scenarios/ship-sinks.ts (see examples/scenarios/README.md)
  --no-pause   do not stop at the predict-then-reveal questions
  --attach     run in the harbour already running in --dir (default: start a fresh one)
  --dir DIR    the running harbour's state folder (default .cluster)
  --slack S    wall-clock seconds added to every deadline (default 15; raise it on a busy machine)`;

function fail(message: string, code = 2): never {
  console.error(`scenario: ${message}`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      'no-pause': { type: 'boolean', default: false },
      attach: { type: 'boolean', default: false },
      dir: { type: 'string', default: '.cluster' },
      slack: { type: 'string', default: '15' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [file] = positionals;
if (!file || positionals.length > 1) fail(`give exactly one scenario file\n${USAGE}`);
if (!existsSync(file)) fail(`${file} does not exist (the scenarios are in examples/scenarios/)`);
const slack = Number(values.slack);
if (!(slack >= 0)) fail(`--slack must be a number of seconds, got "${values.slack}"`);

// The first Ctrl-C stops the lesson and restores the harbour; a second one leaves at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  console.error('\nInterrupted: putting the harbour back as we found it (Ctrl-C again to leave at once) ...');
  interrupt.abort();
});

try {
  const result = await runScenarioFile(file, {
    signal: interrupt.signal,
    attach: values.attach ? values.dir : undefined,
    pause: !values['no-pause'],
    slackMs: slack * 1000,
  });
  process.exit(result.ok ? 0 : 1);
} catch (err) {
  fail((err as Error).message, 1);
}
