// kube-controller-manager entry point: flags in, control loops running
// ===================================================================
// CONCEPT   Parses the flags kube-controller-manager is known by (same names, same defaults, Go
//           duration syntax: 40s, 1m0s, 500ms) and calls startControllerManager; nothing else.
// REAL K8S  cmd/kube-controller-manager/controller-manager.go, app/options/options.go and the
//           per-controller option files (nodelifecycle.go, replicationcontroller.go, nodeipam.go ...)
// SHIPS     Unlocking the harbour offices in the morning.
// EXAMPLE   tsx controllers/main.ts --kubeconfig .cluster/kubeconfig --time-scale 0.1
//             --node-monitor-grace-period 40s --concurrent-rc-syncs 5
// SKIPPED   TLS serving, authentication and authorization flags, --kube-api-qps/burst, the
//           zone-eviction rates (--node-eviction-rate and friends, see node-lifecycle.ts).

import { CONTROLLER_MANAGER_USAGE, controllerManagerOptionsFromFlags } from './flags.ts';
import { startControllerManager, type ControllerManagerOptions } from './controller-manager.ts';

function fail(message: string): never {
  console.error(`kube-controller-manager: ${message}\n${CONTROLLER_MANAGER_USAGE}`);
  process.exit(2);
}

let options: ControllerManagerOptions;
try {
  options = controllerManagerOptionsFromFlags(process.argv.slice(2));
} catch (err) {
  fail((err as Error).message);
}

const cm = await startControllerManager({
  ...options,
  // As kube-controller-manager does: a leader that lost its lease exits, and is restarted fresh.
  onLeadershipLost: () => process.exit(1),
}).catch((err: Error) => fail(err.message));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cm.stop().then(() => process.exit(0)));
}
