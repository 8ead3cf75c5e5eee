// kube-scheduler's command line
// =============================
// CONCEPT   Parse flags, load the profile config, start the scheduler, stop cleanly on SIGTERM.
//           Everything else lives in scheduler.ts, so tests and the in-process launcher can start
//           the same scheduler without a process.
// REAL K8S  cmd/kube-scheduler/scheduler.go, cmd/kube-scheduler/app/options/options.go (v1.32)
// SHIPS     The crane operator clocking in.
// EXAMPLE   tsx scheduler/main.ts --kubeconfig .cluster/kubeconfig --leader-elect --time-scale 0.1 --port 10259
// SKIPPED   every other kube-scheduler flag.

import { SCHEDULER_USAGE, schedulerOptionsFromFlags } from './flags.ts';
import { startScheduler, type SchedulerOptions } from './scheduler.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.error(SCHEDULER_USAGE);
  process.exit(0);
}
let options: SchedulerOptions;
try {
  options = schedulerOptionsFromFlags(argv);
} catch (err) {
  console.error(`kube-scheduler: ${(err as Error).message}\n${SCHEDULER_USAGE}`);
  process.exit(2);
}

const scheduler = await startScheduler(options);
if (scheduler.url) console.log(`scheduler: explanations at ${scheduler.url}/explanations`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void scheduler.stop().then(() => process.exit(0));
  });
}
