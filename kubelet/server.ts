// Kubelet server: what the apiserver (and you) can ask a node directly
// ====================================================================
// CONCEPT   Each kubelet serves HTTP on nodeIP:10250. The apiserver calls it for the few things
//           only the node knows: `kubectl logs` becomes GET pods/NAME/log on the apiserver, which
//           proxies to /containerLogs/{namespace}/{pod}/{container} on the pod's node (found through
//           the Node's InternalIP and status.daemonEndpoints.kubeletEndpoint.Port). With follow=true
//           the answer never ends: new lines are streamed until the container exits or the client
//           hangs up. /pods lists what the node runs; /healthz says the kubelet is alive.
//           A hollow-node process serves all its nodes from one server: one listener per node IP,
//           and the local address a request arrived on says which node was asked.
// REAL K8S  pkg/kubelet/server/server.go (InstallDefaultHandlers: /healthz, /pods;
//           InstallDebuggingHandlers: /containerLogs/{podNamespace}/{podID}/{containerName},
//           getContainerLogs: tailLines, follow, previous, timestamps, limitBytes, sinceSeconds;
//           getRun for /run),
//           pkg/kubelet/kubelet_pods.go (validateContainerLogStatus: "is waiting to start")
// SHIPS     The ship's own radio, for when the harbour master wants to read a container's logbook.
// EXAMPLE   GET http://127.0.10.1:10250/containerLogs/default/besu-0/besu?tailLines=2
//           => "2026-... | main | INFO  | Besu | Starting Besu\n..."
//           POST /run/{namespace}/{pod}/{container}?cmd=kill%20-9%201 kills a container's main
//           process (the one command a simulated container can run; the chaos tool uses it).
// SKIPPED   TLS and authentication/authorization (webhook), /exec, /attach, /portForward, /stats,
//           /metrics, /runningpods, /spec.

import Fastify, { type FastifyInstance } from 'fastify';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import type { Pod } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import { formatLine, type ContainerLog } from './runtime/logs.ts';

/** What the server needs from a node's kubelet. */
export interface ServedNode {
  readonly nodeName: string;
  /** The pods the node runs. */
  pods(): Pod[];
  /** A container's log: current instance, or the previous one. */
  logOf(pod: Pod, container: string, previous: boolean): ContainerLog | undefined;
  /** Signals a container's main process (POST /run ... cmd "kill -9 1"); false when it is not running. */
  signal?(pod: Pod, container: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<boolean>;
}

/** One server for any number of nodes. */
export interface KubeletServer {
  /** Listens on ip:port for `node` (port 0 picks a free one); resolves with the bound port. */
  listen(ip: string, port: number, node: ServedNode): Promise<number>;
  /** Stops listening for one node. */
  unlisten(ip: string): Promise<void>;
  close(): Promise<void>;
}

type LogQuery = Partial<Record<'follow' | 'tailLines' | 'timestamps' | 'previous' | 'sinceSeconds' | 'limitBytes', string>>;

/** Creates the (shared) kubelet HTTP server. */
export async function startKubeletServer(clock: Clock): Promise<KubeletServer> {
  const nodes = new Map<string, { node: ServedNode; server: net.Server; sockets: Set<net.Socket> }>();
  const app: FastifyInstance = Fastify({ logger: false });
  const nodeOf = (address: string | undefined) => nodes.get((address ?? '').replace(/^::ffff:/, ''))?.node;

  app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/pods', async (req) => {
    const node = nodeOf(req.socket.localAddress);
    return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: node?.pods() ?? [] };
  });
  app.get('/containerLogs/:namespace/:pod/:container', async (req, reply) => {
    const { namespace, pod: podName, container } = req.params as Record<string, string>;
    const query = req.query as LogQuery;
    const node = nodeOf(req.socket.localAddress);
    const pod = node?.pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === podName);
    if (!node || !pod) return reply.code(404).type('text/plain').send(`pod "${podName}" in namespace "${namespace}" not found on this node`);
    if (!pod.spec.containers.some((c) => c.name === container)) {
      return reply.code(404).type('text/plain').send(`container "${container}" not found in pod "${podName}"`);
    }
    const previous = query.previous === 'true';
    const log = node.logOf(pod, container, previous);
    if (!log) {
      const waiting = pod.status?.containerStatuses?.find((c) => c.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
      const text = previous ? `previous terminated container "${container}" in pod "${podName}" not found`
        : `container "${container}" in pod "${podName}" is waiting to start: ${waiting}`;
      return reply.code(400).type('text/plain').send(text);
    }
    return reply.type('text/plain').send(logStream(log, query, clock, reply.raw));
  });

  // @doc: kubelet-run
  // POST /run/{namespace}/{pod}/{container}?cmd=...: run a command in a container (the kubelet's
  // debugging handler). Our containers are simulated, so the one command we can run is the one
  // chaos needs: `kill 1` (SIGTERM) or `kill -9 1` (SIGKILL) ends the container's main process.
  app.post('/run/:namespace/:pod/:container', async (req, reply) => {
    const { namespace, pod: podName, container } = req.params as Record<string, string>;
    const cmd = ((req.query as { cmd?: string }).cmd ?? '').trim();
    const node = nodeOf(req.socket.localAddress);
    const pod = node?.pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === podName);
    if (!node || !pod) return reply.code(404).type('text/plain').send(`pod "${podName}" in namespace "${namespace}" not found on this node`);
    const signal = killSignal(cmd);
    if (!signal || !node.signal) {
      return reply.code(501).type('text/plain').send(`simulated containers only run "kill 1" or "kill -9 1", not "${cmd}"`);
    }
    if (!(await node.signal(pod, container, signal))) {
      return reply.code(400).type('text/plain').send(`container "${container}" in pod "${podName}" is not running`);
    }
    return reply.type('text/plain').send('');
  });

  await app.ready();
  const unlisten = async (ip: string) => {
    const entry = nodes.get(ip);
    if (!entry) return;
    nodes.delete(ip);
    for (const s of entry.sockets) s.destroy();
    await new Promise<void>((resolve) => entry.server.close(() => resolve()));
  };
  return {
    async listen(ip, port, node) {
      const sockets = new Set<net.Socket>();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        app.server.emit('connection', socket);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: ip, port }, () => resolve());
      });
      nodes.set(ip, { node, server, sockets });
      return (server.address() as net.AddressInfo).port;
    },
    unlisten,
    async close() {
      await Promise.all([...nodes.keys()].map(unlisten));
      await app.close();
    },
  };
}

/** "kill 1" / "kill -TERM 1" => SIGTERM; "kill -9 1" / "kill -KILL 1" / "kill -s KILL 1" => SIGKILL. */
export function killSignal(cmd: string): 'SIGKILL' | 'SIGTERM' | undefined {
  const m = /^kill(?:\s+(?:-s\s+)?-?(9|15|KILL|TERM|SIGKILL|SIGTERM))?\s+1$/i.exec(cmd.trim());
  if (!m) return undefined;
  return m[1] && /^(9|KILL|SIGKILL)$/i.test(m[1]) ? 'SIGKILL' : 'SIGTERM';
}

// @doc: kubelet-log-follow
// The tail first, then (with follow) every new line until the instance ends or the client goes.
function logStream(log: ContainerLog, query: LogQuery, clock: Clock, res: NodeJS.EventEmitter): PassThrough {
  const out = new PassThrough();
  const timestamps = query.timestamps === 'true';
  let budget = query.limitBytes !== undefined ? Number(query.limitBytes) : Infinity;
  const sinceTime = query.sinceSeconds !== undefined ? clock.now() - Number(query.sinceSeconds) * 1000 * clock.timeScale : undefined;
  const tailLines = query.tailLines !== undefined ? Number(query.tailLines) : undefined;
  const write = (text: string): boolean => {
    if (budget <= 0) return false;
    const chunk = Buffer.byteLength(text) > budget ? Buffer.from(text).subarray(0, budget) : Buffer.from(text);
    budget -= chunk.length;
    out.write(chunk);
    return budget > 0;
  };
  let open = true;
  for (const line of log.read({ tailLines, sinceTime })) if (!(open = write(formatLine(line, timestamps)))) break;
  if (query.follow !== 'true' || !open || log.isEnded) {
    out.end();
    return out;
  }
  const unfollow = log.follow((line) => {
    if (line === null || !write(formatLine(line, timestamps))) {
      unfollow();
      out.end();
    }
  });
  const stop = () => {
    unfollow();
    out.end();
  };
  res.once('close', stop);
  out.once('close', stop);
  return out;
}
