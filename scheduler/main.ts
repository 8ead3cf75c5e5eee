// kube-scheduler's command line
// =============================
// CONCEPT   Parse flags, load the profile config, start the scheduler, stop cleanly on SIGTERM.
//           Everything else lives in scheduler.ts, so tests and the in-process launcher can start
//           the same scheduler without a process.
// REAL K8S  cmd/kube-scheduler/scheduler.go, cmd/kube-scheduler/app/options/options.go (v1.32)
// SHIPS     The crane operator clocking in.
// EXAMPLE   tsx scheduler/main.ts --kubeconfig .cluster/kubeconfig --leader-elect --time-scale 0.1 --port 10259
// SKIPPED   every other kube-scheduler flag.

import { parseArgs } from 'node:util';
import { loadSchedulerConfig } from './framework/profiles.ts';
import { startScheduler } from './scheduler.ts';

const USAGE = 'usage: scheduler/main.ts --kubeconfig FILE [--config FILE] [--leader-elect] [--time-scale X] [--port N]';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    config: { type: 'string' },
    'leader-elect': { type: 'boolean', default: false },
    'time-scale': { type: 'string', default: '1' },
    port: { type: 'string', default: '10259' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.kubeconfig) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const scheduler = await startScheduler({
  kubeconfig: values.kubeconfig,
  profiles: values.config ? loadSchedulerConfig(values.config) : undefined,
  leaderElect: values['leader-elect'],
  timeScale: Number(values['time-scale']),
  port: Number(values.port),
});
if (scheduler.url) console.log(`scheduler: explanations at ${scheduler.url}/explanations`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void scheduler.stop().then(() => process.exit(0));
  });
}
