// startDashboard: the harbour as a web page, kept live over a WebSocket
// =====================================================================
// CONCEPT   One small web server, mounted by the launcher (or run alone by dashboard/main.ts):
//             GET  /                 the page (public/index.html, plain ES modules, SVG)
//             GET  /ws               WebSocket: a `hello` with every view, then `batch`es (protocol.ts)
//             GET  /api/why/pod/:ns/:name, /api/why/node/:name, /api/why/service/:ns/:name?node=
//             POST /api/components/<name>/<start|stop|restart|kill>[?signal=SIGSTOP]
//             POST /api/nodes/:name/<sink|restore|pause|resume|cordon|uncordon>
//             POST /api/pods/:ns/:name/<crash|kill>
//             POST /api/<rcs|deployments|replicasets>/:ns/:name/scale { replicas }
//             POST /api/examples/:file/<apply|delete>
//           It is a client like any other: informers for what it shows (model.ts), the Kubernetes
//           API and the launcher's control API for what the instructor does (actions.ts). The page
//           never polls: it hears about every change on its WebSocket, and reconnects by itself
//           (and gets a fresh `hello`) when the launcher or the dashboard restarts.
// REAL K8S  The Kubernetes Dashboard (kubernetes/dashboard) plays this role with its own API server
//           in front of the apiserver; Headlamp and k9s likewise watch through informers.
// SHIPS     The harbour master's big board, in the window where everyone can see it.
// EXAMPLE   const d = await startDashboard({ port: 8080, kubeconfig: '.cluster/kubeconfig',
//             launcherControl: { url: 'http://127.0.0.1:10200' }, clock: realClock(0.1) });
//           console.log(d.url)   // http://127.0.0.1:8080
// SKIPPED   Authentication (it listens on loopback only), namespaces as a filter, TLS.

import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { realClock, type Clock } from '../client/clock.ts';
import { InformerFactory } from '../client/informer-factory.ts';
import { KubeClient } from '../client/rest.ts';
import { ActionError, InstructorActions, type ComponentAction, type LauncherControl, type NodeAction, type ScalableResource } from './actions.ts';
import { controlApiSource, emitterSource, type ComponentSource } from './components.ts';
import { HarbourModel } from './model.ts';
import type { HarbourSources } from './sources.ts';
import { nodeWhy, podWhy, serviceWhy, type WhyOptions } from './why.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const PUBLIC = join(HERE, 'public');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml' };

/** Options of startDashboard. Give `kubeconfig` or `apiserver` (or, in tests, `sources`). */
export interface DashboardOptions {
  /** Port to listen on; 0 picks a free one. @example 8080 */
  port: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** The kubeconfig the dashboard's client uses. @example ".cluster/kubeconfig" */
  kubeconfig?: string;
  /** The apiserver URL, when there is no kubeconfig. @example "http://127.0.0.1:6443" */
  apiserver?: string;
  /** How to reach the launcher for process states and chaos. @default none: those controls answer 503 */
  launcherControl?: LauncherControl;
  /** The cluster's clock (its time scale sets Lease expiry and the hints' seconds). @default realClock(1) */
  clock?: Clock;
  /** The scheduler's endpoint for full decisions. @example "http://127.0.0.1:10259" @default the annotation only */
  schedulerUrl?: string | (() => string | undefined);
  /** Where a node's kube-proxy serves /rules. @default (node, ip) => `http://${ip}:10256/rules` */
  proxyRulesUrl?: (node: string, ip: string) => string;
  /** Folder of manifests for "apply example". @default the repository's examples/ */
  examplesDir?: string;
  /** Where informer warnings go. @default ignore */
  log?: (line: string) => void;
  /** Wall ms between pushed batches. @default 100 */
  pushIntervalMs?: number;
  /** Objects to show instead of informers (tests feed synthetic clusters through it). */
  sources?: HarbourSources;
}

export interface Dashboard {
  /** "http://127.0.0.1:8080" */
  url: string;
  /** The model behind the page (tests read it). */
  model: HarbourModel;
  close(): Promise<void>;
}

/** Starts informers, the model and the web server; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const clock = options.clock ?? realClock(1);
  const log = options.log ?? (() => {});
  const client = options.kubeconfig ? KubeClient.fromKubeconfig(options.kubeconfig, { clock })
    : options.apiserver ? new KubeClient({ server: options.apiserver, clock }) : undefined;
  if (!client && !options.sources) throw new Error('startDashboard needs a kubeconfig or an apiserver URL');

  // ## What we watch
  let model: HarbourModel | undefined;
  // A dropped watch means the apiserver went away; the next event means it is back.
  const informerLog = (m: string) => {
    if (/retrying|dropped/.test(m)) model?.setApiState('retrying');
    log(m);
  };
  const factory = client ? new InformerFactory(client, { clock, log: informerLog }) : undefined;
  const sources: HarbourSources = options.sources ?? {
    pods: factory!.informer('pods'), nodes: factory!.informer('nodes'), services: factory!.informer('services'),
    endpoints: factory!.informer('endpoints'), replicationcontrollers: factory!.informer('replicationcontrollers'),
    deployments: factory!.informer('deployments'), replicasets: factory!.informer('replicasets'),
    events: factory!.informer('events'), leases: factory!.informer('leases'),
  };
  const lc = options.launcherControl;
  const components: ComponentSource | undefined = lc?.components ? emitterSource(lc.components) : lc?.url ? controlApiSource(lc.url) : undefined;
  const actions = new InstructorActions({
    client, launcher: lc, examplesDir: options.examplesDir ?? join(HERE, '..', 'examples'), timeScale: clock.timeScale,
    afterLauncherAction: () => void (components as { refresh?: () => Promise<void> } | undefined)?.refresh?.(),
  });
  model = new HarbourModel(sources, {
    clock, components, launcher: Boolean(lc?.url || lc?.act), examples: actions.examples(), pushIntervalMs: options.pushIntervalMs,
  });
  if (factory) {
    factory.start();
    await factory.waitForSync();
  }
  model.start();
  const why: WhyOptions = { model, schedulerUrl: options.schedulerUrl, proxyRulesUrl: options.proxyRulesUrl };

  // ## The web server
  const app = Fastify({ logger: false });
  const files = new Set(readdirSync(PUBLIC));
  const sendFile = async (reply: FastifyReply, file: string) =>
    reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(await readFile(join(PUBLIC, file)));
  app.get('/', (_req, reply) => sendFile(reply, 'index.html'));
  app.get<{ Params: { file: string } }>('/static/:file', (req, reply) =>
    files.has(req.params.file) ? sendFile(reply, req.params.file) : reply.code(404).send({ error: 'no such file' }));
  app.get('/healthz', async () => ({ ok: true }));
  routes(app, actions, why, () => model!.hello().components);

  // ## The WebSocket: one hello, then every batch, serialized once for all pages
  const wss = new WebSocketServer({ noServer: true });
  app.server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws') return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  wss.on('connection', (ws: WebSocket) => ws.send(JSON.stringify(model!.hello())));
  model.on('batch', (batch) => {
    const text = JSON.stringify(batch);
    for (const ws of wss.clients) {
      // A page that cannot keep up (a frozen tab) is cut off; it reconnects and gets a fresh hello.
      if (ws.bufferedAmount > 16 * 1024 * 1024) ws.terminate();
      else if (ws.readyState === ws.OPEN) ws.send(text);
    }
  });

  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    model,
    async close() {
      model!.stop();
      factory?.stop();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await app.close();
    },
  };
}

// ## Routes: why questions and instructor actions, plain HTTP
function routes(app: FastifyInstance, actions: InstructorActions, why: WhyOptions, components: () => ReturnType<HarbourModel['hello']>['components']): void {
  type P = Record<string, string>;
  const answer = async (reply: FastifyReply, run: () => Promise<unknown>) => {
    try {
      const result = await run();
      if (result === undefined) return reply.code(404).send({ ok: false, error: 'not found (it may have just been deleted)' });
      return reply.send(typeof result === 'string' ? { ok: true, message: result } : result);
    } catch (err) {
      const code = err instanceof ActionError ? err.code : 500;
      return reply.code(code >= 400 && code < 600 ? code : 500).send({ ok: false, error: (err as Error).message });
    }
  };
  app.get<{ Params: P }>('/api/why/pod/:ns/:name', (req, reply) => answer(reply, () => podWhy(why, req.params.ns!, req.params.name!)));
  app.get<{ Params: P }>('/api/why/node/:name', (req, reply) => answer(reply, async () => nodeWhy(why, req.params.name!, components())));
  app.get<{ Params: P; Querystring: P }>('/api/why/service/:ns/:name', (req, reply) =>
    answer(reply, () => serviceWhy(why, req.params.ns!, req.params.name!, req.query.node)));
  app.get('/api/examples', async () => actions.examples());

  // "kubelet/node-1/kill": the component name may hold a slash, the action is the last segment.
  app.post<{ Params: P; Querystring: P }>('/api/components/*', (req, reply) => answer(reply, () => {
    const path = req.params['*'] ?? '';
    const cut = path.lastIndexOf('/');
    const action = path.slice(cut + 1) as ComponentAction;
    if (cut < 0 || !['start', 'stop', 'restart', 'kill'].includes(action)) throw new ActionError(400, 'use /api/components/<name>/<start|stop|restart|kill>');
    return actions.component(path.slice(0, cut), action, req.query.signal as NodeJS.Signals | undefined);
  }));
  app.post<{ Params: P }>('/api/nodes/:name/:action', (req, reply) => answer(reply, () => {
    const action = req.params.action as NodeAction;
    if (!['sink', 'restore', 'pause', 'resume', 'cordon', 'uncordon'].includes(action)) throw new ActionError(400, `unknown node action "${action}"`);
    return actions.node(req.params.name!, action);
  }));
  app.post<{ Params: P }>('/api/pods/:ns/:name/crash', (req, reply) => answer(reply, () => actions.crashPod(req.params.ns!, req.params.name!)));
  app.post<{ Params: P }>('/api/pods/:ns/:name/kill', (req, reply) => answer(reply, () => actions.killPod(req.params.ns!, req.params.name!)));
  // The page's short names for the scalable resources ("rcs" came first and stays).
  const scalable: Record<string, ScalableResource> = { rcs: 'replicationcontrollers', deployments: 'deployments', replicasets: 'replicasets' };
  app.post<{ Params: P; Body: { replicas?: number } }>('/api/:kind/:ns/:name/scale', (req, reply) => answer(reply, async () => {
    const resource = scalable[req.params.kind!];
    if (!resource) throw new ActionError(404, `nothing to scale under "${req.params.kind}"; use rcs, deployments or replicasets`);
    return actions.scale(req.params.ns!, req.params.name!, Number(req.body?.replicas), resource);
  }));
  app.post<{ Params: P }>('/api/examples/:file/:action', (req, reply) => answer(reply, () => {
    if (req.params.action === 'apply') return actions.applyExample(req.params.file!);
    if (req.params.action === 'delete') return actions.deleteExample(req.params.file!);
    throw new ActionError(400, 'use /api/examples/<file>/<apply|delete>');
  }));
}
