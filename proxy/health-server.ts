// kube-proxy's own HTTP server: health, and the rules for students to read
// =========================================================================
// CONCEPT   A real kube-proxy answers `GET nodeIP:10256/healthz` so load balancers and the kubelet
//           can tell whether this node's Service rules are current: 200 with the time of the last
//           successful sync, 503 before the first one (or when the node is being deleted). On a
//           real node you then run `iptables-save` to see the rules; our proxy has no kernel rules,
//           so the same port also serves them:
//             GET /healthz, /livez  JSON { lastUpdated, currentTime, nodeEligible, vipOwner }
//             GET /rules            the rule table in iptables-save format (text/plain)
//             GET /rules?format=restore   as kube-proxy hands it to iptables-restore
//             GET /frontends        JSON: every address we serve, its endpoints and connection counts
//             GET /proxyMode        "iptables" (real kube-proxy serves this on its metrics port)
// REAL K8S  pkg/proxy/healthcheck/proxy_health.go (ProxyHealthServer: /healthz and /livez,
//           nodeEligible), cmd/kube-proxy/app/server.go (--healthz-bind-address, default :10256)
// SHIPS     The radio room's window: a light that says "charts current", and the chart itself.
// EXAMPLE   curl http://127.0.0.1:10256/rules | grep KUBE-SVC
// SKIPPED   the metrics server (:10249/metrics), per-service health-check node ports.

import http from 'node:http';

/** What the server reads from the proxy on every request. */
export interface HealthSource {
  /** Wall-clock ms of the last successful sync; undefined before the first. */
  lastSynced(): number | undefined;
  /** False while this proxy's Node is being deleted (KEP-3836: take it out of load balancers). */
  nodeEligible(): boolean;
  vipOwner(): boolean;
  rules(format: 'save' | 'restore'): string;
  frontends(): unknown;
  now(): number;
}

export interface HealthServer {
  /** "http://ip:port" */
  url: string;
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. Port 0 picks a free port (tests). */
export function startHealthServer(address: string, port: number, source: HealthSource): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const send = (code: number, type: string, body: string) => res.writeHead(code, { 'content-type': type }).end(body);
    if (req.method !== 'GET') return send(405, 'text/plain', 'only GET\n');
    switch (url.pathname) {
      case '/healthz':
      case '/livez': {
        const last = source.lastSynced();
        const healthy = last !== undefined && source.nodeEligible();
        const iso = (ms: number) => new Date(ms).toISOString();
        const body = { lastUpdated: last === undefined ? '' : iso(last), currentTime: iso(source.now()), nodeEligible: source.nodeEligible(), vipOwner: source.vipOwner() };
        return send(healthy ? 200 : 503, 'application/json', JSON.stringify(body) + '\n');
      }
      case '/rules':
        return send(200, 'text/plain; charset=utf-8', source.rules(url.searchParams.get('format') === 'restore' ? 'restore' : 'save'));
      case '/frontends':
        return send(200, 'application/json', JSON.stringify(source.frontends(), null, 2) + '\n');
      case '/proxyMode':
        return send(200, 'text/plain', 'iptables');
      default:
        return send(404, 'text/plain', 'try /healthz, /rules, /frontends\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      const bound = server.address() as { port: number };
      resolve({
        url: `http://${address}:${bound.port}`,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
