// The launcher's chaos routes: node links, and ships joining or leaving
// =====================================================================
// CONCEPT   The control API (../control-api.ts) starts, stops and signals processes. Some failures
//           are not about a process: a node's network (partition it, slow it) and the fleet itself
//           (a ship joins, a ship leaves). These routes serve them from the launcher, the only
//           program that holds the links and can start new kubelets under its supervisor:
//             GET    /harbour                       time scale, ships, ports: what a scenario needs
//             GET    /nodes                         every node's link state
//             POST   /nodes/<name>/partition        cut the node off from the apiserver
//             POST   /nodes/<name>/heal             reconnect it (and end any slowness)
//             POST   /nodes/<name>/slow?delay=5s    every request from the node arrives 5 s late
//             POST   /nodes  {"cpu":"4","memory":"8Gi"}   a new ship: link, kubelet, kube-proxy
//             DELETE /nodes/<name>                  stop its kubelet and kube-proxy, close its link
//           Deleting the Node *object* is the API's business (the chaos client does it, as kubectl would).
// REAL K8S  Adding a node is `kubeadm join` on a new machine; removing one is draining it, `kubectl
//           delete node` and switching the machine off. Partitions are network tools (see node-link.ts).
// SHIPS     The harbour master's second bell rope: for masts and for whole ships.
// EXAMPLE   curl -X POST 'http://127.0.0.1:10200/nodes/node-2/slow?delay=45s'
//           curl -X POST -d '{"cpu":"8","memory":"16Gi"}' http://127.0.0.1:10200/nodes   => { name: "node-4", ... }
// SKIPPED   authentication (loopback only, like the rest of the control API).

import type http from 'node:http';
import { isValidQuantity } from '../../api/quantity.ts';
import { isDNS1123Subdomain } from '../../api/names.ts';
import type { ClusterConfig, ShipConfig } from '../config.ts';
import type { ComponentSpec, Supervisor } from '../supervisor.ts';
import type { NodeLinks } from './node-links.ts';
import { parseDuration } from './timings.ts';

/** What the routes need from the launcher. */
export interface ChaosHost {
  supervisor: Supervisor;
  /** The running config; `ships` grows and shrinks as ships join and leave. */
  config: ClusterConfig;
  links: NodeLinks;
  /** The kubelet and kube-proxy specs of one ship (components.ts); `index` picks its fallback pod CIDR. */
  shipSpecs(ship: ShipConfig, index: number): ComponentSpec[];
}

/** What GET /harbour answers. */
export interface HarbourInfo {
  timeScale: number;
  ships: ShipConfig[];
  ports: ClusterConfig['ports'];
  network: ClusterConfig['network'];
}

type Send = (code: number, body: unknown) => void;

/**
 * Handles the chaos routes; answers false for any other path, so the control API can go on.
 * @example if (chaos(req, res)) return;   // first line of the control API's handler
 */
export function chaosRoutes(host: ChaosHost): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://launcher');
    const send: Send = (code, body) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2) + '\n');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/harbour') {
      const { timeScale, ships, ports, network } = host.config;
      send(200, { timeScale, ships, ports, network } satisfies HarbourInfo);
      return true;
    }
    if (req.method === 'GET' && path === '/nodes') return (send(200, host.links.list()), true);
    if (req.method === 'POST' && path === '/nodes') {
      readJSON(req).then((body) => addShip(host, body)).then((ship) => send(201, ship), (err: Error) => send(400, { error: err.message }));
      return true;
    }
    const match = /^\/nodes\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (!match) return false;
    const [, name, action] = match as unknown as [string, string, string | undefined];
    if (req.method === 'DELETE' && !action) {
      removeShip(host, name).then(() => send(200, { removed: name }), (err: Error) => send(404, { error: err.message }));
      return true;
    }
    const link = host.links.get(name);
    if (!link) return (send(404, { error: `no node "${name}"; nodes with links: ${host.links.list().map((l) => l.node).join(', ')}` }), true);
    if (req.method !== 'POST') return (send(405, { error: `use POST for ${action}` }), true);
    if (action === 'partition') link.partition();
    else if (action === 'heal') link.heal();
    else if (action === 'slow') {
      try {
        link.slow(parseDuration(url.searchParams.get('delay') ?? ''));
      } catch (err) {
        return (send(400, { error: `slow needs ?delay=DURATION (Kubernetes time, e.g. 5s): ${(err as Error).message}` }), true);
      }
    } else return (send(400, { error: `unknown action "${action}"; allowed: partition, heal, slow?delay=5s` }), true);
    send(200, link.state());
    return true;
  };
}

// ## Ships joining and leaving

// @doc: chaos-add-ship
// A new ship takes the next free node IP and a name after the highest "node-N"; its link opens
// first, then its kubelet (which registers the Node) and its kube-proxy start under supervision.
async function addShip(host: ChaosHost, body: Record<string, unknown>): Promise<ShipConfig> {
  const { config } = host;
  const octets = new Set(config.ships.map((s) => Number(s.ip.split('.')[3])));
  let octet = 1;
  while (octets.has(octet)) octet++;
  const numbers = config.ships.map((s) => Number(/^node-(\d+)$/.exec(s.name)?.[1] ?? 0));
  const ship: ShipConfig = {
    name: String(body.name ?? `node-${Math.max(0, ...numbers) + 1}`),
    cpu: String(body.cpu ?? '4'),
    memory: String(body.memory ?? '8Gi'),
    pods: Number(body.pods ?? 110),
    ip: `${config.network.nodeIPPrefix}.${octet}`,
  };
  const problems = [
    ...isDNS1123Subdomain(ship.name).map((p) => `name: ${p}`),
    ...(isValidQuantity(ship.cpu) ? [] : [`cpu: "${ship.cpu}" is not a quantity (try "4" or "2500m")`]),
    ...(isValidQuantity(ship.memory) ? [] : [`memory: "${ship.memory}" is not a quantity (try "8Gi")`]),
    ...(Number.isInteger(ship.pods) && ship.pods > 0 ? [] : [`pods: must be a whole number above 0`]),
    ...(config.ships.some((s) => s.name === ship.name) ? [`name: a ship named "${ship.name}" is already in the harbour`] : []),
  ];
  if (problems.length) throw new Error(problems.join('; '));
  await host.links.add(ship.name, ship.ip);
  const specs = host.shipSpecs(ship, octet - 1);
  for (const spec of specs) host.supervisor.add(spec);
  config.ships.push(ship);
  // The kubelet first: it is healthy once its Node is Ready. Then the proxy, as at launch.
  for (const spec of specs) await host.supervisor.start(spec.name);
  return ship;
}

async function removeShip(host: ChaosHost, name: string): Promise<void> {
  const { config, supervisor } = host;
  const index = config.ships.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`no ship "${name}"; ships: ${config.ships.map((s) => s.name).join(', ')}`);
  for (const component of [`kube-proxy/${name}`, `kubelet/${name}`]) {
    if (!supervisor.has(component)) continue;
    await supervisor.stop(component);
    supervisor.remove(component);
  }
  await host.links.remove(name);
  config.ships.splice(index, 1);
}

function readJSON(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      try {
        const body = text.trim() ? JSON.parse(text) : {};
        resolve(typeof body === 'object' && body && !Array.isArray(body) ? body : {});
      } catch {
        reject(new Error('the body must be JSON, e.g. {"cpu":"4","memory":"8Gi"}'));
      }
    });
    req.on('error', reject);
  });
}
