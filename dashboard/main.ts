// The dashboard on its own: `npx tsx dashboard/main.ts`
// =====================================================
// CONCEPT   The launcher mounts the dashboard itself (startDashboard in server.ts). This command
//           starts it apart, against a harbour that is already running: it finds the kubeconfig and
//           the control API in .cluster/launcher.json, and the time scale and ports from the control
//           API's GET /harbour, so a second screen (or a dashboard you are changing and restarting)
//           needs no flags at all.
// REAL K8S  `kubectl proxy` + the Kubernetes Dashboard, run from a workstation against a cluster.
// SHIPS     A second big board, in another window of the harbour master's tower.
// EXAMPLE   npx tsx dashboard/main.ts --port 8081
//           npx tsx dashboard/main.ts --kubeconfig other/kubeconfig --launcher http://127.0.0.1:10200
// SKIPPED   Everything startDashboard does not already take.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { realClock } from '../client/clock.ts';
import { readLauncherFile } from '../cluster/launcher-file.ts';
import { startDashboard } from './server.ts';

const USAGE = `usage: tsx dashboard/main.ts [--dir .cluster] [--port 8080] [--kubeconfig FILE] [--launcher URL]
                               [--scheduler-url URL] [--time-scale X]`;
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '.cluster' },
    port: { type: 'string', default: '8080' },
    kubeconfig: { type: 'string' },
    launcher: { type: 'string' },
    'scheduler-url': { type: 'string' },
    'time-scale': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const found = readLauncherFile(resolve(values.dir!));
const kubeconfig = values.kubeconfig ?? found?.kubeconfig;
if (!kubeconfig) {
  console.error(`dashboard: no --kubeconfig, and no running harbour in ${values.dir}/launcher.json (start one with npm run cluster)\n${USAGE}`);
  process.exit(2);
}
const launcherUrl = values.launcher ?? found?.control;
// The launcher knows the time scale and every port; without it we assume the defaults.
type Harbour = { timeScale: number; ports: { scheduler: number; proxyHealthz: number } };
const harbour = launcherUrl
  ? await fetch(`${launcherUrl}/harbour`, { signal: AbortSignal.timeout(2000) }).then((r) => (r.ok ? (r.json() as Promise<Harbour>) : undefined)).catch(() => undefined)
  : undefined;
const proxyPort = harbour?.ports.proxyHealthz ?? 10256;
const dashboard = await startDashboard({
  port: Number(values.port),
  kubeconfig,
  launcherControl: launcherUrl ? { url: launcherUrl } : undefined,
  schedulerUrl: values['scheduler-url'] ?? `http://127.0.0.1:${harbour?.ports.scheduler ?? 10259}`,
  proxyRulesUrl: (_node, ip) => `http://${ip}:${proxyPort}/rules`,
  clock: realClock(Number(values['time-scale'] ?? harbour?.timeScale ?? 0.1)),
  log: (line) => console.warn(`dashboard: ${line}`),
});
console.log(`The harbour dashboard is at ${dashboard.url}${launcherUrl ? '' : ' (no launcher found: process controls are off)'}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void dashboard.close().then(() => process.exit(0)));
}
