// The clocks a failure sets running: Kubernetes' default timings, scaled
// ======================================================================
// CONCEPT   Every chaos action starts timers somewhere in the control plane: a silent node is
//           presumed lost after node-monitor-grace-period, its pods leave when their
//           tolerationSeconds run out, a crashed container waits out a growing back-off. An
//           instructor wants to say "in 40 s" *and* "that is 4 s today", so each timing is kept in
//           Kubernetes seconds (the flag's real default) and shown with its wall-clock value at the
//           cluster's time scale. Only the launcher's own restart back-off is wall-clock time: the
//           supervisor is not a Kubernetes component and does not read the scaled clock.
// REAL K8S  pkg/controller/nodelifecycle (node-monitor-grace-period 40 s, node-monitor-period 5 s),
//           pkg/kubelet/nodelease (leaseDurationSeconds 40, renew every 10 s),
//           plugin/pkg/admission/defaulttolerationseconds (300 s), pkg/controller/podgc (quarantine
//           40 s), pkg/kubelet (backOffPeriod 10 s, MaxContainerBackOff 300 s), client-go
//           leaderelection (lease 15 s, renew deadline 10 s, retry 2 s).
// SHIPS     The harbour's tide tables: how long each office waits before it acts.
// EXAMPLE   say(TIMINGS.nodeMonitorGracePeriod, 0.1)  =>  "40 s (4.0 s at time scale 0.1)"
// SKIPPED   flags an instructor passed by hand: we show the defaults the launcher starts with.

import { parseDuration as goDuration } from '../../api/duration.ts';

/** One timing: its real default in Kubernetes milliseconds and where it comes from. */
export interface Timing {
  /** Kubernetes milliseconds. */
  ms: number;
  /** The flag or constant by its Kubernetes name. */
  name: string;
}

/** The defaults our components run with (the launcher passes no timing flags). */
export const TIMINGS = {
  nodeMonitorGracePeriod: { ms: 40_000, name: '--node-monitor-grace-period' },
  nodeMonitorPeriod: { ms: 5_000, name: '--node-monitor-period' },
  leaseRenewInterval: { ms: 10_000, name: 'node lease renew interval' },
  defaultTolerationSeconds: { ms: 300_000, name: 'DefaultTolerationSeconds (tolerationSeconds: 300)' },
  podGCQuarantine: { ms: 40_000, name: 'pod GC quarantine' },
  crashBackOffInitial: { ms: 10_000, name: 'CrashLoopBackOff first pause' },
  crashBackOffMax: { ms: 300_000, name: 'MaxContainerBackOff' },
  leaderLeaseDuration: { ms: 15_000, name: '--leader-elect-lease-duration' },
  clientRequestTimeout: { ms: 30_000, name: 'client request timeout' },
} satisfies Record<string, Timing>;

/** The launcher restarts a crashed control-plane component after 1 s, 2 s, 4 s ... 30 s of *wall* time. */
export const SUPERVISOR_FIRST_RESTART_MS = 1000;

/** Wall-clock milliseconds a Kubernetes duration takes at `timeScale`. */
export function wallMs(kubernetesMs: number, timeScale: number): number {
  return kubernetesMs * timeScale;
}

/** "40 s", "5 min", "1.5 s", "250 ms": a Kubernetes duration as a person says it. */
export function human(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * A timing as the chaos tool prints it: Kubernetes time, then wall time when they differ.
 * @example say(40_000, 0.1) => "40 s (4.0 s at time scale 0.1)"
 * @example say(40_000, 1)   => "40 s"
 */
export function say(timing: Timing | number, timeScale: number): string {
  const ms = typeof timing === 'number' ? timing : timing.ms;
  if (timeScale === 1) return human(ms);
  return `${human(ms)} (${(wallMs(ms, timeScale) / 1000).toFixed(1)} s at time scale ${timeScale})`;
}

/**
 * Go-style durations, as Kubernetes flags and our scenario timeouts take them: "40s", "1m30s",
 * "500ms", "5m". A bare number is milliseconds.
 * @throws on anything else, naming the text
 */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  const ms = goDuration(text);
  if (ms === undefined) throw new Error(`"${text}" is not a duration (examples: 40s, 1m30s, 500ms)`);
  return ms;
}
