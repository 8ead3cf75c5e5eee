// The control ship's crew: which component processes are alive, and who leads
// ============================================================================
// CONCEPT   Whether a process is alive is not in the Kubernetes API: only the launcher, which holds
//           every process, knows it. So the dashboard takes process states from the launcher:
//           pushed by its Supervisor when we run inside it (every 'change' event), or read from its
//           control API (GET /components) when the dashboard runs on its own. Who *leads* is in the
//           API: the holder of a valid Lease in kube-system. Without any launcher we still tell what
//           the API shows: the apiserver is up while our watches work, and the scheduler and the
//           controller-manager are up while somebody renews their Lease.
// REAL K8S  Leader election Leases: client-go/tools/leaderelection (kube-system/kube-scheduler and
//           kube-system/kube-controller-manager); process states have no API in Kubernetes (kubeadm
//           clusters run them as static pods, and `kubectl get pods -n kube-system` shows those).
// SHIPS     The control ship's muster board: who is aboard, who is at the helm.
// EXAMPLE   componentViews(undefined, { 'kube-scheduler': 'host_1f2e' }, 'connected')
//             => [{ name: "etcd", state: "unknown" }, { name: "kube-apiserver", state: "running" },
//                 { name: "kube-scheduler", state: "running", leader: "host_1f2e" }, ...]
// SKIPPED   Several replicas of a component (the launcher runs one of each).

import type { ApiState, ComponentView } from './protocol.ts';

/** A component's state as the launcher reports it (cluster/supervisor.ts, ComponentStatus): the view without the leader. */
export type LauncherComponentStatus = Omit<ComponentView, 'leader'>;

/** Where process states come from. */
export interface ComponentSource {
  /** The current states, or undefined when the launcher cannot be asked right now. */
  list(): LauncherComponentStatus[] | undefined;
  /** Calls `onChange` whenever a state may have changed; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/** Anything that lists components and emits 'change': the launcher's Supervisor is one. */
export interface ComponentEmitter {
  list(): LauncherComponentStatus[];
  on(event: 'change', listener: (...args: unknown[]) => void): unknown;
  off(event: 'change', listener: (...args: unknown[]) => void): unknown;
}

/** Process states pushed by an in-process launcher: no polling at all. */
export function emitterSource(emitter: ComponentEmitter): ComponentSource {
  return {
    list: () => emitter.list(),
    subscribe(onChange) {
      const listener = () => onChange();
      emitter.on('change', listener);
      return () => void emitter.off('change', listener);
    },
  };
}

/**
 * Process states read from a launcher's control API (GET /components), for a dashboard that runs
 * apart from the launcher. The control API has no watch, so this is the one place we poll: after
 * every action we take and every `intervalMs` (wall time). Mounted in the launcher, use emitterSource.
 * @param intervalMs @default 2000
 */
export function controlApiSource(url: string, intervalMs = 2000): ComponentSource & { refresh(): Promise<void> } {
  let last: LauncherComponentStatus[] | undefined;
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    try {
      const res = await fetch(`${url}/components`, { signal: AbortSignal.timeout(1500) });
      last = res.ok ? ((await res.json()) as LauncherComponentStatus[]) : undefined;
    } catch {
      last = undefined;
    }
    for (const l of listeners) l();
  };
  return {
    list: () => last,
    refresh,
    subscribe(onChange) {
      listeners.add(onChange);
      if (!timer) {
        void refresh();
        timer = setInterval(() => void refresh(), intervalMs);
        timer.unref();
      }
      return () => {
        listeners.delete(onChange);
        if (listeners.size > 0 || !timer) return;
        clearInterval(timer);
        timer = undefined;
      };
    },
  };
}

const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-scheduler', 'kube-controller-manager'];

/**
 * The crew list the page draws: the launcher's states when we have them, else what the API shows,
 * with the Lease holder as `leader` for leader-elected components.
 */
export function componentViews(
  launcher: LauncherComponentStatus[] | undefined,
  leaders: Record<string, string | undefined>,
  api: ApiState,
): ComponentView[] {
  const withLeader = (v: ComponentView): ComponentView => (leaders[v.name] ? { ...v, leader: leaders[v.name] } : v);
  if (launcher) {
    return launcher.map((c) => withLeader({
      name: c.name, role: c.role, ...(c.node ? { node: c.node } : {}), state: c.state, restarts: c.restarts ?? 0,
      ...(c.message ? { message: c.message } : {}),
    }));
  }
  return CONTROL_PLANE.map((name) => withLeader({ name, role: 'control-plane', restarts: 0, ...inferred(name, leaders, api) }));
}

/** What the API alone says about a control-plane component. */
function inferred(name: string, leaders: Record<string, string | undefined>, api: ApiState): { state: string; message: string } {
  if (name === 'kube-apiserver') {
    return api === 'connected' ? { state: 'running', message: 'our watches are connected' } : { state: 'unreachable', message: 'our watches are retrying' };
  }
  if (name === 'etcd') return { state: 'unknown', message: 'only the apiserver talks to etcd; no launcher to ask' };
  if (api !== 'connected') return { state: 'unknown', message: 'the apiserver cannot be reached' };
  return leaders[name]
    ? { state: 'running', message: 'renews its leader Lease' }
    : { state: 'unknown', message: 'nobody holds a valid Lease: down, or not leader-elected' };
}
