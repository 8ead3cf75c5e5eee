// Benchmarks: one script per figure an issue names
// ================================================
// CONCEPT   `npm run bench` runs every benchmark in bench/ (or those named) one after another,
//           each in its own process so one cannot warm or slow another.
// REAL K8S  perf-tests/clusterloader2 plays this role for real clusters.
// SHIPS     Sea trials: each ship and office timed on the same day, in the same weather.
// EXAMPLE   npm run bench                  # all of them
//           npm run bench -- apiserver --rounds 3 --count 2000
// SKIPPED   Result history and regression thresholds: figures are printed for the closing notes.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

// Names come first; the first flag (or a lone "--") starts the flags passed to each benchmark.
const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const firstFlag = argv.findIndex((a) => a.startsWith('-'));
const cut = split >= 0 ? split : firstFlag >= 0 ? firstFlag : argv.length;
const names = argv.slice(0, cut);
const passThrough = argv.slice(split >= 0 ? split + 1 : cut);
const all = readdirSync('bench').filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.replace(/\.ts$/, ''));
const chosen = names.length ? names : all;

for (const name of chosen) {
  if (!existsSync(`bench/${name}.ts`)) {
    console.error(`bench: no benchmark called "${name}"; choose from: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench/${name}.ts ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...passThrough], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
