// Leading: only the holder of the kube-scheduler Lease schedules
// ==============================================================
// CONCEPT   With --leader-elect, scheduler replicas compete for the kube-system/kube-scheduler
//           Lease (client/leader-election.ts). Only the leader runs the scheduling loop; the others
//           keep their caches warm, because their informers never stop, so a successor schedules
//           at once. When leadership ends, the loop's signal aborts and we compete again.
//           Without --leader-elect the loop simply runs until stop().
// REAL K8S  cmd/kube-scheduler/app/server.go (Run: leaderelection.RunOrDie with OnStartedLeading,
//           OnStoppedLeading) (v1.32)
// SHIPS     Only the crane holding the key moves containers; the others wait with engines warm.
// EXAMPLE   const leading = startLeading({ client, clock, identity, log, leaderElect: true }, loop.run);
//           leading.isLeader();  await leading.stop();  await leading.done;
// SKIPPED   Leader-election metrics, the coordinated (LeaseCandidate) election of 1.31+.
//
// REAL WORLD kube-scheduler exits when it loses leadership and lets its supervisor restart it. We
// keep running and compete again, which is equivalent here: our caches come from informers that
// never stopped.

import type { Clock } from '../client/clock.ts';
import { LeaderElector, type LeaseClient } from '../client/leader-election.ts';

/** kube-scheduler's defaults for --leader-elect-* (seconds). */
const LEASE = { duration: 15, renewDeadline: 10, retryPeriod: 2 };

export interface LeadingOptions {
  client: LeaseClient;
  clock: Clock;
  /** This replica's name in the Lease. */
  identity: string;
  log: (line: string) => void;
  /** --leader-elect: only the holder of the kube-system/kube-scheduler Lease schedules. @default false */
  leaderElect?: boolean;
  /** Lease timings in Kubernetes seconds. @default 15 / 10 / 2 (kube-scheduler's defaults) */
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
}

export interface Leading {
  isLeader(): boolean;
  /** Stops competing (releasing the Lease if we hold it, unless `release` is false: a crash), or aborts the loop when not electing. */
  stop(options?: { release?: boolean }): Promise<void>;
  /** Resolves when competing is over (with election) or the loop returned (without). */
  readonly done: Promise<void>;
}

/** Runs `run` now (no election) or each time this replica becomes the leader. */
export function startLeading(o: LeadingOptions, run: (signal: AbortSignal) => Promise<void>): Leading {
  let stopped = false;
  let leading = !o.leaderElect;
  let elector: LeaderElector | undefined;
  const direct = new AbortController();
  const newElector = () =>
    new LeaderElector({
      client: o.client,
      clock: o.clock,
      name: 'kube-scheduler',
      namespace: 'kube-system',
      identity: o.identity,
      leaseDurationSeconds: o.leaseDurationSeconds ?? LEASE.duration,
      renewDeadlineSeconds: o.renewDeadlineSeconds ?? LEASE.renewDeadline,
      retryPeriodSeconds: o.retryPeriodSeconds ?? LEASE.retryPeriod,
      log: o.log,
      onStartedLeading: (signal) => {
        leading = true;
        o.log(`scheduler: ${o.identity} is now the leader`);
        void run(signal);
      },
      onStoppedLeading: () => {
        leading = false;
        o.log(`scheduler: ${o.identity} stopped leading`);
      },
    });
  // An elector's run() returns when leadership is lost: then we compete again, until stop().
  const done = o.leaderElect
    ? (async () => {
        while (!stopped) {
          elector = newElector();
          await elector.run();
        }
      })()
    : run(direct.signal);
  return {
    done,
    isLeader: () => leading,
    async stop(options = {}) {
      stopped = true;
      direct.abort();
      await elector?.stop({ release: options.release ?? true });
    },
  };
}
