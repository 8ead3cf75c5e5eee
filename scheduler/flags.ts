// kube-scheduler's flags, as options
// ==================================
// CONCEPT   One function from the command line to SchedulerOptions, shared by main.ts (a process
//           of its own) and the launcher's --in-process mode, so both run the same scheduler.
// REAL K8S  cmd/kube-scheduler/app/options/options.go (v1.32)
// SHIPS     The crane operator's orders, read the same way aboard or ashore.
// EXAMPLE   schedulerOptionsFromFlags(['--kubeconfig', 'kc', '--leader-elect', '--port', '10259'])
//             => { kubeconfig: 'kc', leaderElect: true, timeScale: 1, port: 10259, profiles: undefined }
// SKIPPED   every other kube-scheduler flag.

import { parseArgs } from 'node:util';
import { loadSchedulerConfig } from './framework/profiles.ts';
import type { SchedulerOptions } from './scheduler.ts';

export const SCHEDULER_USAGE = 'usage: scheduler/main.ts --kubeconfig FILE [--config FILE] [--leader-elect] [--time-scale X] [--port N]';

/** Parses kube-scheduler flags. @throws Error with a one-line reason (main.ts adds the usage) */
export function schedulerOptionsFromFlags(args: string[]): SchedulerOptions {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' },
      config: { type: 'string' },
      'leader-elect': { type: 'boolean', default: false },
      'time-scale': { type: 'string', default: '1' },
      port: { type: 'string', default: '10259' },
    },
  });
  if (!values.kubeconfig) throw new Error('--kubeconfig is required');
  return {
    kubeconfig: values.kubeconfig,
    profiles: values.config ? loadSchedulerConfig(values.config) : undefined,
    leaderElect: values['leader-elect'],
    timeScale: Number(values['time-scale']),
    port: Number(values.port),
  };
}
