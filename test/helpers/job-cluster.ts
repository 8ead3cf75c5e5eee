// Test harness: a control plane whose pods really run and really end
// ===================================================================
// CONCEPT   A Job is about pods *finishing*: the simulated kubelets of controllers-sim.ts only
//           mark pods Running, so the Job tests start the real pieces instead - the
//           kube-controller-manager (job controller and garbage collector), the real scheduler
//           and one real kubelet whose generic container runs `echo hello; exit 1` as a shell
//           would. Everything shares one scaled clock, so back-offs of 10 s pass in half a second.
// REAL K8S  test/integration/job/job_test.go starts the apiserver and the job controller, and
//           fakes the kubelet by writing pod phases; we can afford the real kubelet.
// SHIPS     A practice harbour with one real ship, its captain, a crane and the offices.
// EXAMPLE   const c = await startJobCluster({ clock: realClock(0.05) });  ...  await c.stop();
// SKIPPED   more than one node (a Job lesson does not need it).

import type { Clock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startControllerManager, type ControllerManager } from '../../controllers/controller-manager.ts';
import { startKubelet, type Kubelet } from '../../kubelet/kubelet.ts';
import { startScheduler, type Scheduler } from '../../scheduler/scheduler.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';

export interface JobClusterOptions {
  clock: Clock;
  /** Use this running control plane (kubectl's); stop() then leaves it running. */
  controlPlane?: ControlPlane;
}

export interface JobCluster {
  cp: ControlPlane;
  client: KubeClient;
  cm: ControllerManager;
  kubelet: Kubelet;
  /** What the controllers logged; KCM_LOGS=1 prints it at stop(). */
  logs: string[];
  stop(): Promise<void>;
}

/** Starts the controller-manager, scheduler and one kubelet (node "ship-1") on a fresh loopback range. */
export async function startJobCluster(options: JobClusterOptions): Promise<JobCluster> {
  const { clock } = options;
  const r = 1 + Math.floor(Math.random() * 250);
  const node = { name: 'ship-1', ip: `127.0.246.${r}`, podCIDR: `127.246.${r}.0/24` };
  const cp = options.controlPlane ?? (await startControlPlane());
  const client = new KubeClient({ server: cp.url, clock });
  const logs: string[] = [];
  const quiet = () => {};
  let cm: ControllerManager | undefined;
  let scheduler: Scheduler | undefined;
  let kubelet: Kubelet | undefined;
  const stopAll = async () => {
    await kubelet?.stop();
    await scheduler?.stop();
    await cm?.stop();
    if (!options.controlPlane) await cp.stop();
  };
  try {
    cm = await startControllerManager({
      kubeconfig: cp.kubeconfig, clock, log: (m) => void logs.push(m),
      controllers: ['job', 'garbagecollector', 'podgc'], allocateNodeCIDRs: false,
    });
    await cm.ready;
    scheduler = await startScheduler({ client, clock, log: quiet });
    kubelet = await startKubelet({ client, nodes: [node], port: 0, log: quiet });
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    cp, client, cm, kubelet, logs,
    async stop() {
      if (process.env.KCM_LOGS) console.log(logs.join('\n'));
      await stopAll();
    },
  };
}
