// Probes: is the container alive, is it ready for traffic?
// =======================================================
// CONCEPT   The kubelet checks each running container on a timer. A *readiness* probe that fails
//           takes the pod out of its Services' endpoints (Ready turns False) but leaves it running.
//           A *liveness* probe that fails `failureThreshold` times in a row gets the container killed
//           and restarted (by its restartPolicy). A probe is an HTTP GET (2xx/3xx passes), a TCP
//           connect, or a command run in the container; ours runs the HTTP and TCP checks for real
//           against podIP, and answers `exec` from the simulated process (its ready()/live()).
//           A container without a readiness probe is ready as soon as it runs, as in Kubernetes.
//           A *startup* probe guards slow starters: until it succeeds, liveness and readiness do not
//           run at all (the container is not yet `started`); failureThreshold failures in a row kill
//           and restart the container, like a failed liveness probe.
// REAL K8S  pkg/kubelet/prober/worker.go (doProbe: initialDelaySeconds, periodSeconds,
//           failureThreshold, successThreshold, "resultRun"), pkg/kubelet/prober/prober.go (runProbe,
//           the "Unhealthy" events), pkg/probe/http/http.go, pkg/probe/tcp/tcp.go
// SHIPS     The mate knocking on a container every ten seconds: anybody in there? open for business?
// EXAMPLE   readinessProbe { httpGet: { path: /readiness, port: 8545 }, periodSeconds: 5 }
//           => GET http://127.244.1.2:8545/readiness every 5 s; 503 => Ready False,
//              event Unhealthy "Readiness probe failed: HTTP probe failed with statuscode: 503"
// SKIPPED   gRPC probes, httpHeaders, probe-level terminationGracePeriodSeconds.

import net from 'node:net';
import type { Container, Probe } from '../api/types.ts';
import type { Clock, Timer } from '../client/clock.ts';
import type { Workload } from './runtime/workload.ts';

export type ProbeKind = 'Readiness' | 'Liveness' | 'Startup';

/** What a probe runs against. */
export interface ProbeTarget {
  podIP: string;
  container: Container;
  workload: Workload;
}

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, worded as the kubelet's events word it. */
  message: string;
}

/** Resolves a probe port: a number, or the name of one of the container's ports. */
export function probePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/**
 * Runs one probe once (prober.runProbe). The probe's period and delays follow the cluster's
 * (scaled) clock, but its timeout is wall time: what answers is a real HTTP server on loopback,
 * which is no faster at time scale 0.1. A scaled 1 s timeout (100 ms) failed healthy pods whenever
 * the machine was busy.
 */
export async function runProbe(kind: ProbeKind, probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  const host = target.podIP;
  if (probe.httpGet) {
    const port = probePort(probe.httpGet.port, target.container);
    const path = probe.httpGet.path ?? '/';
    const url = `http://${probe.httpGet.host ?? host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
    const abort = new AbortController();
    const timer = wallTimer(() => abort.abort(), timeoutMs);
    try {
      const res = await fetch(url, { signal: abort.signal, headers: { 'user-agent': 'kube-probe/1.32' } });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${res.status}` };
    } catch (e) {
      if (abort.signal.aborted) return { ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
      return { ok: false, message: `Get "${url}": dial tcp ${host}:${port}: connect: ${dialError(e)}` };
    } finally {
      timer.cancel();
    }
  }
  if (probe.tcpSocket) {
    const port = probePort(probe.tcpSocket.port, target.container) ?? 0;
    return tcpProbe(host, port, timeoutMs);
  }
  // exec: the simulated process answers for the command.
  const ok = kind === 'Readiness' ? target.workload.ready?.() ?? true : target.workload.live?.() ?? true;
  return { ok, message: ok ? '' : `command ${JSON.stringify((probe.exec?.command ?? []).join(' '))} exited with 1` };
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = wallTimer(() => done({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }), timeoutMs);
    const done = (r: ProbeResult) => {
      timer.cancel();
      socket.destroy();
      resolve(r);
    };
    socket.once('connect', () => done({ ok: true, message: '' }));
    socket.once('error', (e) => done({ ok: false, message: `dial tcp ${host}:${port}: connect: ${dialError(e)}` }));
  });
}

function dialError(e: unknown): string {
  const code = (e as { cause?: { code?: string }; code?: string })?.cause?.code ?? (e as { code?: string })?.code;
  return code === 'ECONNREFUSED' ? 'connection refused' : code ?? (e instanceof Error ? e.message : String(e));
}

/** What a prober tells its pod worker. */
export interface ProberCallbacks {
  /** Readiness changed (after successThreshold / failureThreshold). */
  onReadiness(ready: boolean): void;
  /** Liveness (or startup) failed failureThreshold times in a row: restart the container. */
  onLivenessFailed(message: string, kind?: ProbeKind): void;
  /** The startup probe succeeded (or there is none): the container counts as `started`. */
  onStarted?(): void;
  /** Each failed probe, for the "Unhealthy" event. */
  onProbeFailed(kind: ProbeKind, message: string): void;
}

/** The readiness and liveness workers of one container instance. */
export class ContainerProber {
  private readonly pending = new Map<ProbeKind, Timer>();
  private stopped = false;

  constructor(private readonly clock: Clock, private readonly target: ProbeTarget, private readonly callbacks: ProberCallbacks) {}

  /** Starts a worker per probe the container declares; with a startup probe, that one alone first. */
  start(): void {
    const { startupProbe } = this.target.container;
    // @doc: kubelet-startup-probe
    if (startupProbe) this.worker('Startup', startupProbe);
    else this.afterStartup();
  }

  // The startup probe passed: the container is `started`; readiness and liveness begin now.
  private afterStartup(): void {
    this.callbacks.onStarted?.();
    const { readinessProbe, livenessProbe } = this.target.container;
    if (readinessProbe) this.worker('Readiness', readinessProbe);
    if (livenessProbe) this.worker('Liveness', livenessProbe);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending.values()) t.cancel();
    this.pending.clear();
  }

  // @doc: kubelet-probe-worker
  // One loop per probe: wait initialDelaySeconds, then probe every periodSeconds, flipping the
  // result only after successThreshold passes or failureThreshold failures in a row.
  private worker(kind: ProbeKind, probe: Probe): void {
    const period = (probe.periodSeconds ?? 10) * 1000;
    const failureThreshold = probe.failureThreshold ?? 3;
    const successThreshold = probe.successThreshold ?? 1;
    let result = kind === 'Liveness'; // readiness and startup start "failing", liveness "alive"
    let runs = 0;
    let last: boolean | undefined;
    const tick = async () => {
      if (this.stopped) return;
      const r = await runProbe(kind, probe, this.target);
      if (this.stopped) return;
      runs = r.ok === last ? runs + 1 : 1;
      last = r.ok;
      if (!r.ok) this.callbacks.onProbeFailed(kind, r.message);
      if (r.ok && !result && runs >= successThreshold) {
        result = true;
        if (kind === 'Readiness') this.callbacks.onReadiness(true);
        // A startup probe stops probing once it has succeeded.
        if (kind === 'Startup') return this.afterStartup();
      } else if (!r.ok && result && runs >= failureThreshold) {
        result = false;
        if (kind === 'Readiness') this.callbacks.onReadiness(false);
        else return this.callbacks.onLivenessFailed(r.message, kind);
      } else if (kind === 'Startup' && !r.ok && runs >= failureThreshold) {
        return this.callbacks.onLivenessFailed(r.message, kind);
      }
      this.pending.set(kind, this.clock.setTimeout(() => void tick(), period));
    };
    this.pending.set(kind, this.clock.setTimeout(() => void tick(), (probe.initialDelaySeconds ?? 0) * 1000));
  }
}

/** A timer at wall speed, whatever the cluster's time scale: for the probe's timeout only. */
function wallTimer(fn: () => void, ms: number): Timer {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
}
