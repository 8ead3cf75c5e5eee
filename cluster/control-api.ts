// The launcher's control API: start, stop, restart or kill any component
// ======================================================================
// CONCEPT   Instructors break things on purpose. The launcher is the only program that holds every
//           component's process, so it takes the orders, over plain HTTP on 127.0.0.1 (the URL is in
//           .cluster/launcher.json). A stop is *on purpose*: the supervisor leaves the component
//           down. A kill is a crash: control-plane components come back after a back-off.
// REAL K8S  None in Kubernetes itself; on a real machine this is `systemctl stop kubelet`,
//           `crictl stop`, or moving a static pod manifest out of /etc/kubernetes/manifests.
// SHIPS     The harbour master's bell rope: ring once to send a crew ashore.
// EXAMPLE   GET  /components                          => [{ name: "etcd", state: "running", pid: 4250 }, ...]
//           POST /components/kube-scheduler/stop      => { name: "kube-scheduler", state: "stopped" }
//           POST /components/kubelet/node-2/kill?signal=SIGSTOP   (pause; SIGCONT resumes)
// SKIPPED   authentication (loopback only). Node links and ships joining or leaving are served on
//           the same port by chaos/routes.ts, passed in as `extra`.

import http from 'node:http';
import type { Supervisor } from './supervisor.ts';

const ACTIONS = ['start', 'stop', 'restart', 'kill'] as const;
const SIGNALS = new Set(['SIGKILL', 'SIGTERM', 'SIGSTOP', 'SIGCONT', 'SIGINT']);

export interface ControlApi {
  url: string;
  close(): Promise<void>;
}

/** More routes served on the same port (the chaos routes); answers true when it handled the request. */
export type ExtraRoutes = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** Serves the control API for `supervisor` on 127.0.0.1:port; resolves once it listens. */
export function startControlApi(supervisor: Supervisor, port: number, extra?: ExtraRoutes): Promise<ControlApi> {
  const server = http.createServer((req, res) => {
    if (extra?.(req, res)) return;
    const send = (code: number, body: unknown) =>
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2) + '\n');
    const url = new URL(req.url ?? '/', 'http://launcher');
    if (req.method === 'GET' && url.pathname === '/healthz') return send(200, { ok: true });
    if (req.method === 'GET' && url.pathname === '/components') return send(200, supervisor.list());
    // /components/<name>/<action>, where a name may hold a slash (kubelet/node-1).
    const match = /^\/components\/(.+)\/([a-z]+)$/.exec(url.pathname);
    if (!match) return send(404, { error: 'try GET /components or POST /components/<name>/{start,stop,restart,kill}' });
    const [, name, action] = match as unknown as [string, string, (typeof ACTIONS)[number]];
    if (req.method !== 'POST') return send(405, { error: `use POST for ${action}` });
    if (!ACTIONS.includes(action)) return send(400, { error: `unknown action "${action}"; allowed: ${ACTIONS.join(', ')}` });
    const component = decodeURIComponent(name);
    if (!supervisor.has(component)) {
      return send(404, { error: `no component "${component}"`, components: supervisor.list().map((c) => c.name) });
    }
    const signal = (url.searchParams.get('signal') ?? 'SIGKILL').toUpperCase();
    if (action === 'kill' && !SIGNALS.has(signal)) return send(400, { error: `signal must be one of ${[...SIGNALS].join(', ')}` });
    const status = () => supervisor.list().find((c) => c.name === component);
    run(supervisor, component, action, signal as NodeJS.Signals)
      .then(() => send(200, status()))
      .catch((err: Error) => send(409, { error: err.message, status: status() }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

async function run(s: Supervisor, name: string, action: (typeof ACTIONS)[number], signal: NodeJS.Signals): Promise<void> {
  if (action === 'kill') return s.kill(name, signal);
  await s[action](name);
}
