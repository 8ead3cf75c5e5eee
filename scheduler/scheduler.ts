// kube-scheduler: the cranes
// ==========================
// CONCEPT   A loop: take the most important pending pod from the queue, run one scheduling cycle
//           for it against the cache's snapshot (schedule-one.ts), and then either
//           - assume it on the chosen node and bind it *in the background* (POST pods/binding),
//             so the next pod is already being scheduled while the apiserver answers; or
//           - record why it fits nowhere: a FailedScheduling event, the PodScheduled=False
//             condition on pods/status, and back into the queue to wait for a helpful change.
//           (Both outcomes are in binding-cycle.ts; this file wires the parts and runs the loop.)
//           Every attempt leaves an explanation on the pod (annotation) and on our HTTP endpoint.
//           With --leader-elect, replicas compete for the kube-system/kube-scheduler Lease and
//           only the leader runs the loop; the others keep their caches warm.
// REAL K8S  pkg/scheduler/scheduler.go (New, Run), pkg/scheduler/schedule_one.go (ScheduleOne,
//           schedulingCycle, bindingCycle, handleSchedulingFailure, updatePod),
//           cmd/kube-scheduler/app/server.go (leader election) (v1.32)
// SHIPS     The cranes: pick the next container, choose a ship, radio the harbour master.
// EXAMPLE   const s = await startScheduler({ kubeconfig: "kubeconfig", port: 0 });
//           // ... pods get bound ...
//           await fetch(`${s.url}/explanations/default/besu-0`); await s.stop();
// SKIPPED   extenders, Reserve/Permit/PreBind plugins, nominated-pod accounting in filters,
//           metrics, client QPS limits (we cap bindings in flight instead).
//
// REAL WORLD kube-scheduler exits when it loses leadership and lets its supervisor restart it. We
// keep running and compete again, which is equivalent here: our caches come from informers that
// never stopped.

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Pod } from '../api/types.ts';
import { realClock, type Clock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import { InformerFactory } from '../client/informer-factory.ts';
import { LeaderElector } from '../client/leader-election.ts';
import { KubeClient } from '../client/rest.ts';
import { SchedulerCache } from './cache.ts';
import { addAllEventHandlers } from './event-handlers.ts';
import { shipsLogLine } from './explanation.ts';
import { Framework } from './framework/framework.ts';
import type { PodInfo } from './framework/interfaces.ts';
import { builtinProfiles, type Profile } from './framework/profiles.ts';
import { inTreeRegistry, type Registry } from './framework/registry.ts';
import { newBindingCycle } from './binding-cycle.ts';
import { SchedulingQueue, type QueuedPodInfo } from './queue.ts';
import { frameworkForPod, scheduleOne, type Explanation } from './schedule-one.ts';
import { startSchedulerServer } from './server.ts';
import { podWrites } from './pod-writes.ts';

/** Options of startScheduler; main.ts fills them from flags. */
export interface SchedulerOptions {
  /** An API client. Either this or `kubeconfig`. */
  client?: KubeClient;
  /** --kubeconfig: the file to build a client from. */
  kubeconfig?: string;
  /** --config, already loaded. @default builtinProfiles() (default-scheduler, spread-scheduler) */
  profiles?: Profile[];
  /** @default realClock(timeScale) */
  clock?: Clock;
  /** --time-scale, used when no clock is given. @default 1 */
  timeScale?: number;
  /** --leader-elect: only the holder of the kube-system/kube-scheduler Lease schedules. @default false */
  leaderElect?: boolean;
  /** Lease timings in Kubernetes seconds. @default 15 / 10 / 2 (kube-scheduler's defaults) */
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  /** This replica's name in the Lease and in Events. @default `${hostname()}_${uuid}` */
  identity?: string;
  /** --port for the explanation endpoint; 0 picks a free port; undefined serves nothing. */
  port?: number;
  /** Address the endpoint listens on. @default "127.0.0.1" */
  address?: string;
  /** Where log lines go. @default console.log */
  log?: (line: string) => void;
  /** Tie-breaking randomness, [0, 1). @default Math.random */
  random?: () => number;
  /** Plugins by name. @default inTreeRegistry() */
  registry?: Registry;
  /** Bindings allowed in flight before the loop waits for one. @default 64 */
  maxInFlightBinds?: number;
  /** Write the compact explanation annotation on every pod attempted. @default true */
  annotate?: boolean;
  /** How many pods' last explanations the endpoint remembers. @default 1000 */
  explanationsKept?: number;
}

/** A running scheduler. */
export interface Scheduler {
  readonly identity: string;
  /** The endpoint's URL when a port was given. */
  readonly url?: string;
  isLeader(): boolean;
  /** The last explanation for "namespace/name". */
  explanation(key: string): Explanation | undefined;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  /** Stops scheduling, waits for bindings in flight, releases the Lease, closes the endpoint. */
  stop(): Promise<void>;
}

/** kube-scheduler's defaults for --leader-elect-* (seconds). */
const LEASE = { duration: 15, renewDeadline: 10, retryPeriod: 2 };
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts informers, waits for their first sync, then schedules (when leading). */
export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const clock = options.clock ?? options.client?.clock ?? realClock(options.timeScale ?? 1);
  const client = options.client ?? (options.kubeconfig ? KubeClient.fromKubeconfig(options.kubeconfig, { clock }) : undefined);
  if (!client) throw new Error('startScheduler needs a client or a kubeconfig');
  const log = options.log ?? ((line: string) => console.log(line));
  const identity = options.identity ?? `${hostname()}_${randomUUID()}`;
  const annotate = options.annotate ?? true;

  // ## Profiles, cache, queue
  const registry = options.registry ?? inTreeRegistry();
  const bindPod = async (pod: Pod, node: string) => void (await client.bind(pod.metadata.namespace ?? 'default', pod.metadata.name!, node, pod.metadata.uid));
  const frameworks = new Map((options.profiles ?? builtinProfiles()).map((p) => [p.schedulerName, new Framework(p, registry, { bindPod })] as const));
  const cache = new SchedulerCache({ clock });
  const queue = new SchedulingQueue({
    clock,
    eventsFor: (plugins) => new Set([...frameworks.values()].flatMap((fw) => [...fw.eventsFor(plugins)])),
  });
  const recorder = new EventRecorder({ client, clock, component: 'default-scheduler', host: identity, log });

  // ## Informers
  const factory = new InformerFactory(client, { clock, log });
  const pods = factory.informer('pods');
  const nodes = factory.informer('nodes');
  const unhook = addAllEventHandlers({ cache, queue, responsibleForPod: (p) => frameworkForPod(frameworks, p) !== undefined }, pods, nodes);
  factory.start();
  await factory.waitForSync();
  queue.run();

  // ## Explanations, newest last, bounded
  const explanations = new Map<string, Explanation>();
  const remember = (e: Explanation) => {
    explanations.delete(e.pod);
    explanations.set(e.pod, e);
    if (explanations.size > (options.explanationsKept ?? 1000)) explanations.delete(explanations.keys().next().value!);
  };

  // ## After each decision: bind in the background, or record the failure (binding-cycle.ts)
  // Every write is best-effort: a failure is logged, the loop goes on.
  const warn = (what: string) => (e: unknown) => log(`scheduler: ${what}: ${e instanceof Error ? e.message : String(e)}`);
  const writes = podWrites({ client, clock, recorder, warn });
  const { bindingCycle, handleSchedulingFailure } = newBindingCycle({ cache, queue, pods, recorder, writes, annotate, log });

  // ## The scheduling loop
  const inFlight = new Set<Promise<void>>();
  const scheduleNext = (q: QueuedPodInfo, cycle: number) => {
    const pod = q.podInfo.pod;
    const fw = frameworkForPod(frameworks, pod);
    // skipPodSchedule: being deleted, or already assumed (an update re-queued it meanwhile).
    if (!fw || pod.metadata.deletionTimestamp || cache.isAssumedPod(q.podInfo.uid)) return queue.done(q.podInfo.uid);
    const result = scheduleOne(fw, cache.snapshot(), q.podInfo, { random: options.random, now: clock.nowISO() });
    remember(result.explanation);
    log(shipsLogLine(result.explanation));
    if (result.node === null) {
      return handleSchedulingFailure(q, cycle, result.status!, result.explanation, result.unschedulablePlugins, result.nominated);
    }
    // Assume before binding: from now on the pod counts against the node for every next cycle.
    let assumed: PodInfo;
    try {
      assumed = cache.assumePod(q.podInfo, result.node);
    } catch (err) {
      warn(`assuming ${q.podInfo.key}`)(err);
      return queue.done(q.podInfo.uid);
    }
    const binding = bindingCycle(fw, q, cycle, assumed, result.node, result.explanation)
      .catch(warn(`binding ${q.podInfo.key}`))
      .finally(() => inFlight.delete(binding));
    inFlight.add(binding);
  };

  // @doc: scheduler-loop
  const run = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      const q = await queue.next();
      if (!q) return;
      const cycle = queue.schedulingCycle;
      if (signal.aborted) {
        // Leadership ended between pop and work: hand the pod back untouched.
        queue.done(q.podInfo.uid);
        queue.add(q.podInfo.pod);
        return;
      }
      try {
        scheduleNext(q, cycle);
      } catch (err) {
        warn(`scheduling ${q.podInfo.key}`)(err);
        queue.done(q.podInfo.uid);
      }
      if (inFlight.size >= (options.maxInFlightBinds ?? 64)) await Promise.race(inFlight);
      // scheduleOne is synchronous; let watch events and HTTP requests in between pods.
      await yieldToEventLoop();
    }
  };

  // ## Leading
  let stopped = false;
  let leading = !options.leaderElect;
  let elector: LeaderElector | undefined;
  const direct = new AbortController();
  const loopDone = options.leaderElect
    ? (async () => {
        while (!stopped) {
          elector = new LeaderElector({
            client,
            clock,
            name: 'kube-scheduler',
            namespace: 'kube-system',
            identity,
            leaseDurationSeconds: options.leaseDurationSeconds ?? LEASE.duration,
            renewDeadlineSeconds: options.renewDeadlineSeconds ?? LEASE.renewDeadline,
            retryPeriodSeconds: options.retryPeriodSeconds ?? LEASE.retryPeriod,
            log,
            onStartedLeading: (signal) => {
              leading = true;
              log(`scheduler: ${identity} is now the leader`);
              void run(signal);
            },
            onStoppedLeading: () => {
              leading = false;
              log(`scheduler: ${identity} stopped leading`);
            },
          });
          await elector.run();
        }
      })()
    : run(direct.signal);

  // ## The endpoint
  const endpoint = options.port === undefined ? undefined : await startSchedulerServer({
    explanation: (key) => explanations.get(key),
    explanations: () => [...explanations.values()],
    pending: () => queue.pendingPods(),
    isLeader: () => leading,
  }, options.port, options.address);

  log(`scheduler: ${identity} started with profiles ${[...frameworks.keys()].join(', ')}${options.leaderElect ? ', leader election on' : ''}`);
  return {
    identity,
    url: endpoint?.url,
    cache,
    queue,
    isLeader: () => leading,
    explanation: (key) => explanations.get(key),
    async stop() {
      stopped = true;
      direct.abort();
      await elector?.stop({ release: true });
      queue.close();
      await loopDone.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
      unhook();
      factory.stop();
      await recorder.flush();
      await endpoint?.close();
    },
  };
}
