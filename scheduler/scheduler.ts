// kube-scheduler: the cranes
// ==========================
// CONCEPT   startScheduler wires the parts of kube-scheduler together and nothing more:
//           - profiles become frameworks; the cache and the queue are fed by pod and node
//             informers (event-handlers.ts);
//           - the scheduling loop (scheduling-loop.ts) takes the most important pending pod, runs
//             one scheduling cycle for it (schedule-one.ts), and either assumes and binds it in
//             the background or records why it fits nowhere (both in binding-cycle.ts);
//           - with --leader-elect only the holder of the kube-system/kube-scheduler Lease runs that
//             loop (leading.ts); the others keep their caches warm.
//           Every attempt leaves an explanation on the pod (annotation) and on our HTTP endpoint.
// REAL K8S  pkg/scheduler/scheduler.go (New, Run), cmd/kube-scheduler/app/server.go (Run) (v1.32)
// SHIPS     The cranes: pick the next container, choose a ship, radio the harbour master.
// EXAMPLE   const s = await startScheduler({ kubeconfig: "kubeconfig", port: 0 });
//           // ... pods get bound ...
//           await fetch(`${s.url}/explanations/default/besu-0`); await s.stop();
// SKIPPED   extenders, Reserve/Permit/PreBind plugins, nominated-pod accounting in filters,
//           metrics, client QPS limits (we cap bindings in flight instead).

import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Pod } from '../api/types.ts';
import { realClock, type Clock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import { InformerFactory } from '../client/informer-factory.ts';
import { KubeClient } from '../client/rest.ts';
import { SchedulerCache } from './cache.ts';
import { addAllEventHandlers } from './event-handlers.ts';
import { Framework } from './framework/framework.ts';
import { builtinProfiles, type Profile } from './framework/profiles.ts';
import { inTreeRegistry, type Registry } from './framework/registry.ts';
import { newBindingCycle } from './binding-cycle.ts';
import type { Explanation } from './explanation.ts';
import { startLeading } from './leading.ts';
import { SchedulingQueue } from './queue.ts';
import { frameworkForPod } from './schedule-one.ts';
import { newSchedulingLoop } from './scheduling-loop.ts';
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
  /** Stops scheduling, waits for bindings in flight, releases the Lease (`release: false` keeps it, as a crash would), closes the endpoint. */
  stop(options?: { release?: boolean }): Promise<void>;
}

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
  const cycles = newBindingCycle({ cache, queue, pods, recorder, writes, annotate, log });

  // ## The scheduling loop (scheduling-loop.ts), run while we lead (leading.ts)
  const loop = newSchedulingLoop({ frameworks, cache, queue, clock, cycles, remember, warn, log, random: options.random, maxInFlightBinds: options.maxInFlightBinds });
  const leading = startLeading({ ...options, client, clock, identity, log }, loop.run);

  // ## The endpoint
  const endpoint = options.port === undefined ? undefined : await startSchedulerServer({
    explanation: (key) => explanations.get(key),
    explanations: () => [...explanations.values()],
    pending: () => queue.pendingPods(),
    isLeader: leading.isLeader,
  }, options.port, options.address);

  log(`scheduler: ${identity} started with profiles ${[...frameworks.keys()].join(', ')}${options.leaderElect ? ', leader election on' : ''}`);
  return {
    identity,
    url: endpoint?.url,
    cache,
    queue,
    isLeader: leading.isLeader,
    explanation: (key) => explanations.get(key),
    async stop(stopOptions = {}) {
      await leading.stop(stopOptions);
      queue.close();
      await leading.done.catch(() => undefined);
      await Promise.allSettled([...loop.inFlight]);
      unhook();
      factory.stop();
      await recorder.flush();
      await endpoint?.close();
    },
  };
}
