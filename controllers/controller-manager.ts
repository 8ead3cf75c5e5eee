// kube-controller-manager: one process, many control loops
// ========================================================
// CONCEPT   Each controller is a small loop over one kind of object, but they share a process so
//           they can share one informer per resource (one watch on pods, not eight). We build the
//           shared informer factory, the enabled controllers (--controllers), start the informers,
//           and run each controller's workers once the caches have synced. Run two copies for high
//           availability and --leader-elect makes them compete for the kube-system/kube-controller-manager
//           Lease: only the leader runs the loops, the other waits to take over. A leader that loses
//           its lease stops at once (kube-controller-manager exits), so two never act together.
// REAL K8S  cmd/kube-controller-manager/app/controllermanager.go (Run, NewControllerDescriptors,
//           StartControllers, leaderElectAndRun), cmd/kube-controller-manager/names/controller_names.go
// SHIPS     The harbour offices' building: one register copy, one key to the front door.
// EXAMPLE   const cm = await startControllerManager({ kubeconfig: '.cluster/kubeconfig', timeScale: 0.1 });
//           await cm.ready; ... await cm.stop();
// SKIPPED   the ~30 other controllers (cronjob, statefulset, namespace ...), the secure serving port
//           (/healthz, /metrics), client QPS limits, service-account credentials.

import { hostname } from 'node:os';
import { realClock, type Clock } from '../client/clock.ts';
import type { Controller } from '../client/controller.ts';
import { EventRecorder } from '../client/events.ts';
import { InformerFactory } from '../client/informer-factory.ts';
import { LeaderElector } from '../client/leader-election.ts';
import { KubeClient } from '../client/rest.ts';
import type { ControllerOptions } from './context.ts';
import { DeploymentController } from './deployment-controller.ts';
import { EndpointsController } from './endpoints.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { JobController } from './job-controller.ts';
import { NodeIpamController } from './node-ipam.ts';
import { NodeLifecycleController } from './node-lifecycle.ts';
import { PodGCController } from './podgc.ts';
import { ReplicaSetManager, ReplicationManager } from './replication-manager.ts';
import { ServiceLBController } from './service-lb.ts';
import { TaintEvictionController } from './taint-eviction.ts';

/** Options of startControllerManager; main.ts maps kube-controller-manager's flags onto these. */
export interface ControllerManagerOptions {
  /** A ready client; else one is made from `kubeconfig` (--kubeconfig) or `master` (--master). */
  client?: KubeClient;
  kubeconfig?: string;
  master?: string;
  /** --time-scale: every Kubernetes duration is multiplied by it. @default 1 */
  timeScale?: number;
  /** Overrides realClock(timeScale) (tests). */
  clock?: Clock;
  /** --leader-elect. @default false here; main.ts defaults it to true, as kube-controller-manager does */
  leaderElect?: boolean;
  /** --leader-elect-* timings and lock. @default 15 s / 10 s / 2 s, kube-system/kube-controller-manager */
  leaderElection?: { leaseDurationSeconds?: number; renewDeadlineSeconds?: number; retryPeriodSeconds?: number; resourceName?: string; resourceNamespace?: string; identity?: string };
  /** --controllers: "*" for all, a name to enable, "-name" to disable. @default ["*"] */
  controllers?: string[];
  /** --node-monitor-grace-period in ms. @default 40_000 */
  nodeMonitorGracePeriodMs?: number;
  /** --node-monitor-period in ms. @default 5_000 */
  nodeMonitorPeriodMs?: number;
  /** --node-startup-grace-period in ms. @default 60_000 */
  nodeStartupGracePeriodMs?: number;
  /** --concurrent-rc-syncs. @default 5 */
  concurrentRCSyncs?: number;
  /** --concurrent-replicaset-syncs. @default 5 */
  concurrentReplicaSetSyncs?: number;
  /** --concurrent-deployment-syncs. @default 5 */
  concurrentDeploymentSyncs?: number;
  /** --concurrent-job-syncs. @default 5 */
  concurrentJobSyncs?: number;
  /** --concurrent-endpoint-syncs. @default 5 */
  concurrentEndpointSyncs?: number;
  /** --concurrent-service-syncs. @default 1 */
  concurrentServiceSyncs?: number;
  /** --concurrent-gc-syncs. @default 20 */
  concurrentGCSyncs?: number;
  /** --allocate-node-cidrs. @default true (kubeadm sets it; Kubernetes' own default is false) */
  allocateNodeCIDRs?: boolean;
  /** --cluster-cidr. @default "127.244.0.0/16" */
  clusterCIDR?: string;
  /** --node-cidr-mask-size. @default 24 */
  nodeCIDRMaskSize?: number;
  /** --load-balancer-cidr (ours: the "cloud" address pool). @default "127.200.0.0/16" */
  loadBalancerCIDR?: string;
  /** Log lines. @default console.log */
  log?: (message: string) => void;
  /** Leadership was lost: kube-controller-manager exits here (main.ts does). */
  onLeadershipLost?: () => void;
}

/** A running controller-manager. */
export interface ControllerManager {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly factory: InformerFactory;
  /** The enabled controllers by name (ready to run; running once we lead). */
  readonly controllers: ReadonlyMap<string, Controller>;
  isLeader(): boolean;
  /** Resolves when this instance leads and every controller's caches have synced. */
  readonly ready: Promise<void>;
  /** Stops the controllers and informers (releasing the lease if we held it). */
  stop(): Promise<void>;
}

type Build = (o: ControllerOptions, m: ControllerManagerOptions) => Controller;

/** Every controller we can run, by its kube-controller-manager name, with the old short alias. */
// @doc: controller-manager-descriptors
export const CONTROLLERS: Record<string, { alias: string; component: string; build: Build }> = {
  'replicationcontroller-controller': { alias: 'replicationcontroller', component: 'replication-controller', build: (o, m) => new ReplicationManager({ ...o, workers: m.concurrentRCSyncs ?? 5 }) },
  'replicaset-controller': { alias: 'replicaset', component: 'replicaset-controller', build: (o, m) => new ReplicaSetManager({ ...o, workers: m.concurrentReplicaSetSyncs ?? 5 }) },
  'deployment-controller': { alias: 'deployment', component: 'deployment-controller', build: (o, m) => new DeploymentController({ ...o, workers: m.concurrentDeploymentSyncs ?? 5 }) },
  'job-controller': { alias: 'job', component: 'job-controller', build: (o, m) => new JobController({ ...o, workers: m.concurrentJobSyncs ?? 5 }) },
  'node-lifecycle-controller': { alias: 'nodelifecycle', component: 'node-controller', build: (o, m) => new NodeLifecycleController({ ...o, nodeMonitorGracePeriodMs: m.nodeMonitorGracePeriodMs, nodeMonitorPeriodMs: m.nodeMonitorPeriodMs, nodeStartupGracePeriodMs: m.nodeStartupGracePeriodMs }) },
  'taint-eviction-controller': { alias: 'taint-eviction', component: 'taint-eviction-controller', build: (o) => new TaintEvictionController(o) },
  'endpoints-controller': { alias: 'endpoint', component: 'endpoint-controller', build: (o, m) => new EndpointsController({ ...o, workers: m.concurrentEndpointSyncs ?? 5 }) },
  'garbage-collector-controller': { alias: 'garbagecollector', component: 'garbage-collector-controller', build: (o, m) => new GarbageCollector({ ...o, workers: m.concurrentGCSyncs ?? 20 }) },
  'pod-garbage-collector-controller': { alias: 'podgc', component: 'pod-garbage-collector', build: (o) => new PodGCController(o) },
  'node-ipam-controller': { alias: 'nodeipam', component: 'cidrAllocator', build: (o, m) => new NodeIpamController({ ...o, clusterCIDR: m.clusterCIDR, nodeCIDRMaskSize: m.nodeCIDRMaskSize }) },
  'service-lb-controller': { alias: 'service', component: 'service-controller', build: (o, m) => new ServiceLBController({ ...o, workers: m.concurrentServiceSyncs ?? 1, loadBalancerCIDR: m.loadBalancerCIDR }) },
};

/** Which controllers --controllers enables ("*", "name", "-name"; names or aliases). */
export function enabledControllers(spec: string[] = ['*'], allocateNodeCIDRs = true): string[] {
  const canonical = (n: string) => Object.keys(CONTROLLERS).find((k) => k === n || CONTROLLERS[k].alias === n);
  for (const item of spec) {
    if (item !== '*' && !canonical(item.replace(/^-/, ''))) throw new Error(`--controllers: unknown controller "${item}"; known: ${Object.keys(CONTROLLERS).join(', ')}`);
  }
  return Object.keys(CONTROLLERS).filter((name) => {
    if (spec.some((s) => s.startsWith('-') && canonical(s.slice(1)) === name)) return false;
    if (name === 'node-ipam-controller' && !allocateNodeCIDRs) return false;
    return spec.includes('*') || spec.some((s) => canonical(s) === name);
  });
}

/** Starts kube-controller-manager in this process; see the header. */
export async function startControllerManager(options: ControllerManagerOptions = {}): Promise<ControllerManager> {
  const clock = options.clock ?? realClock(options.timeScale ?? 1);
  const log = options.log ?? ((m: string) => console.log(m));
  const client = options.client ?? clientFrom(options, clock);
  const factory = new InformerFactory(client, { clock, log });
  const recorders: EventRecorder[] = [];
  const controllers = new Map<string, Controller>();
  for (const name of enabledControllers(options.controllers, options.allocateNodeCIDRs ?? true)) {
    const { component, build } = CONTROLLERS[name];
    const recorder = new EventRecorder({ client, clock, component, log });
    recorders.push(recorder);
    controllers.set(name, build({ client, factory, clock, recorder, log }, options));
  }

  let leading = false;
  let stopped = false;
  let elector: LeaderElector | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  // @doc: controller-manager-run
  const run = async () => {
    leading = true;
    log(`kube-controller-manager: starting ${[...controllers.keys()].join(', ')}`);
    factory.start();
    const synced = await Promise.all([...controllers.values()].map((c) => c.run()));
    if (synced.every(Boolean) && !stopped) {
      log('kube-controller-manager: caches synced, controllers running');
      markReady();
    }
  };
  const halt = async () => {
    await Promise.all([...controllers.values()].map((c) => c.stop()));
    factory.stop();
    await Promise.all(recorders.map((r) => r.flush()));
  };

  if (options.leaderElect) {
    const le = options.leaderElection ?? {};
    elector = new LeaderElector({
      client, clock, log,
      name: le.resourceName ?? 'kube-controller-manager', namespace: le.resourceNamespace ?? 'kube-system',
      identity: le.identity ?? `${hostname()}_${Math.random().toString(36).slice(2, 10)}`,
      leaseDurationSeconds: le.leaseDurationSeconds ?? 15, renewDeadlineSeconds: le.renewDeadlineSeconds ?? 10, retryPeriodSeconds: le.retryPeriodSeconds ?? 2,
      onNewLeader: (id) => log(`kube-controller-manager: leader is now ${id}${id === elector?.identity ? ' (us)' : ''}`),
      onStartedLeading: () => void run(),
      onStoppedLeading: () => {
        if (!leading) return;
        leading = false;
        void halt();
        if (!stopped) {
          log('kube-controller-manager: leaderelection lost');
          options.onLeadershipLost?.();
        }
      },
    });
    void elector.run();
  } else {
    await run();
  }

  return {
    client, clock, factory, controllers, ready,
    isLeader: () => leading,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (elector) await elector.stop();
      if (leading || !elector) await halt();
      leading = false;
    },
  };
}

function clientFrom(options: ControllerManagerOptions, clock: Clock): KubeClient {
  if (options.kubeconfig) return KubeClient.fromKubeconfig(options.kubeconfig, { clock, ...(options.master ? { server: options.master } : {}) });
  if (options.master) return new KubeClient({ server: options.master, clock });
  throw new Error('kube-controller-manager needs --kubeconfig or --master to find the apiserver');
}
