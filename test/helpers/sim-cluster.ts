// Test harness: a control plane with kube-controller-manager and simulated nodes
// ==============================================================================
// CONCEPT   The controller tests (test/integration/controllers-*.test.ts) and the kubectl rollout
//           tests need more than an apiserver: the real kube-controller-manager, plus the simulated
//           kubelets and scheduler of controllers-sim.ts that bind pods and mark them Running and
//           Ready. `startSimCluster` starts all of that on one clock (its own control plane, or one
//           the file already has) and `stop()` takes it down in reverse order.
// REAL K8S  test/integration/framework plus the controller-manager's own integration tests
//           (test/integration/deployment/util.go: dcSetup), which run controllers against a real
//           apiserver with fake kubelets
// SHIPS     A practice harbour with its harbour master on duty and a few ships at the quay.
// EXAMPLE   let client: KubeClient; let sim: SimCluster; let cluster: SimClusterHandle;
//           beforeAll(async () => void ({ client, sim } = cluster = await startSimCluster({ clock, nodes: ['node-1'] })));
//           afterAll(() => cluster?.stop());
// SKIPPED   The real kubelet and scheduler (their own tests start them).

import type { Clock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startControllerManager, type ControllerManager, type ControllerManagerOptions } from '../../controllers/controller-manager.ts';
import { SimCluster } from '../integration/controllers-sim.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';

export { SimCluster };

export interface SimClusterOptions {
  /** The one clock the controllers, the simulation and the test's client share, e.g. realClock(0.05). */
  clock: Clock;
  /** The simulated nodes (kubelets) to register, in order. */
  nodes: string[];
  /** ClusterIP range of the control plane this starts. @default the apiserver's own, "127.96.0.0/16" */
  serviceClusterIPRange?: string;
  /** Use this running control plane instead of starting one; stop() then leaves it running. */
  controlPlane?: ControlPlane;
  /** More controller-manager options, e.g. { leaderElect: true }. @default {} */
  manager?: Partial<ControllerManagerOptions>;
  /**
   * Hand the controller-manager the test's own client instead of letting it build one from the
   * kubeconfig, as the real binary does. @default false
   */
  sharedClient?: boolean;
  /** Prefix each log line with the seconds since start, for reading a timeline with KCM_LOGS=1. @default false */
  logTimes?: boolean;
}

export interface SimClusterHandle {
  cp: ControlPlane;
  /** A client on the shared clock, for the test's own reads and writes. */
  client: KubeClient;
  cm: ControllerManager;
  sim: SimCluster;
  /** What the controllers logged, line by line; KCM_LOGS=1 prints it at stop(). */
  logs: string[];
  stop(): Promise<void>;
}

export async function startSimCluster(options: SimClusterOptions): Promise<SimClusterHandle> {
  const started = Date.now();
  const logs: string[] = [];
  const cp = options.controlPlane ?? (await startControlPlane({ serviceClusterIPRange: options.serviceClusterIPRange }));
  const { clock } = options;
  const client = new KubeClient({ server: cp.url, clock });
  let cm: ControllerManager | undefined;
  const sim = new SimCluster(client, clock);
  try {
    cm = await startControllerManager({
      ...(options.sharedClient ? { client } : { kubeconfig: cp.kubeconfig }),
      clock,
      log: (m) => void logs.push(options.logTimes ? `${((Date.now() - started) / 1000).toFixed(1)}s ${m}` : m),
      ...options.manager,
    });
    await cm.ready;
    await sim.start(options.nodes);
  } catch (err) {
    // Half started: take down what did start, so the test file's failure leaves no processes behind.
    sim.stop();
    await cm?.stop();
    if (!options.controlPlane) await cp.stop();
    throw err;
  }
  return {
    cp, client, cm: cm!, sim, logs,
    async stop() {
      if (process.env.KCM_LOGS) console.log(logs.join('\n'));
      sim.stop();
      await cm!.stop();
      if (!options.controlPlane) await cp.stop();
    },
  };
}
