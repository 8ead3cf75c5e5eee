// kube-apiserver: the radio room every message passes through
// ===========================================================
// CONCEPT   The apiserver is the only door to etcd. It serves the Kubernetes REST API over HTTP:
//           discovery, the resource paths, watches. Starting it means: connect to etcd, fill one
//           watch cache per resource type, make sure the built-in namespaces exist, then listen.
//           Every error a client causes becomes a Status; anything else is logged and answered 500
//           without taking the process down.
// REAL K8S  cmd/kube-apiserver/app/server.go (CreateServerChain, Run),
//           staging/src/k8s.io/apiserver/pkg/server/genericapiserver.go, pkg/controlplane/instance.go
// SHIPS     The harbour master's radio room: every ship and office calls here, and only here
//           is the records office telephoned.
// EXAMPLE   const api = await startApiServer({ etcdServers: ['http://127.0.0.1:2379'], port: 6443 });
//           api.url  // "http://127.0.0.1:6443"   ... await api.close()
// SKIPPED   TLS (plain HTTP on loopback), RBAC (see auth/authorization.ts), API priority and
//           fairness, aggregation, admission webhooks.

import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { authenticate, TokenFile } from './auth/authentication.ts';
import { attributesFor, authorize } from './auth/authorization.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, VERSION_INFO } from './discovery.ts';
import { bind, evict, podLog, scale, status } from './handlers/subresources.ts';
import { create, deleteCollection, get, list, patch, remove, update, type Call, type Reply } from './handlers/rest.ts';
import { outputFormat, renderList } from './handlers/output.ts';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/decode.ts';
import { BODY_LIMIT, parseListOptions, resolvePath, unknownPath } from './handlers/request.ts';
import { serveWatch } from './handlers/watch.ts';
import { startNamespaceLifecycle } from './namespace-lifecycle.ts';
import { buildResources } from './registry/resources.ts';
import { RegistryStore } from './registry/store.ts';
import { etcdPrefix } from './registry/strategy.ts';
import { EtcdStore } from './storage/etcd-store.ts';
import { WatchCache } from './storage/watch-cache.ts';
import { failure, internalError, methodNotAllowed, StatusError, tooLarge } from './status.ts';

export interface ApiServerOptions {
  /** etcd client URLs (--etcd-servers). */
  etcdServers: string[];
  /** Address to listen on (--bind-address). @default "127.0.0.1" */
  bindAddress?: string;
  /** Port to listen on; 0 picks a free one (--secure-port in real clusters). @default 6443 */
  port?: number;
  /** ClusterIP range (--service-cluster-ip-range). @default "127.96.0.0/16" */
  serviceClusterIPRange?: string;
  /** NodePort range (--service-node-port-range). @default "30000-32767" */
  serviceNodePortRange?: string;
  /** How long Events live after their last write, in seconds (--event-ttl, scaled by --time-scale). @default 3600 */
  eventTTLSeconds?: number;
  /**
   * A static token file (--token-auth-file): `token,user,uid,"groups"` per line. With it, every
   * request must carry a known bearer token except the public-info paths; without it, anyone may
   * do anything (plain loopback HTTP, as in the simulator's tests).
   */
  tokenAuthFile?: string;
  /** gRPC channels to etcd. @default 4 */
  etcdChannels?: number;
  /** Where log lines go. @default console.log */
  log?: (line: string) => void;
}

export interface ApiServer {
  url: string;
  port: number;
  store: RegistryStore;
  close(): Promise<void>;
}

const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const [low, high] = (options.serviceNodePortRange ?? '30000-32767').split('-').map(Number);
  const defs = buildResources({ clusterIPRange: options.serviceClusterIPRange ?? '127.96.0.0/16', nodePortRange: [low, high] }, options.eventTTLSeconds ?? 3600);
  const etcd = new EtcdStore(options.etcdServers, options.etcdChannels ?? 4);
  const store = new RegistryStore(etcd, defs);
  for (const def of defs) store.caches.set(etcdPrefix(def), new WatchCache(etcd, etcdPrefix(def)));
  await Promise.all([...store.caches.values()].map((c) => c.ready));
  await ensureNamespaces(store);
  const lifecycle = startNamespaceLifecycle(store, log);

  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Protobuf bodies (kubectl's typed clients) are binary: kept as bytes, same body limit.
  app.addContentTypeParser(PROTOBUF_MEDIA_TYPE, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err instanceof StatusError) return void sendStatus(reply, err);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return void sendStatus(reply, tooLarge(BODY_LIMIT));
    if (err.statusCode && err.statusCode < 500) return void sendStatus(reply, failure(400, 'BadRequest', err.message));
    log(`apiserver: internal error on ${req.method} ${req.url}: ${err.stack ?? err.message}`);
    sendStatus(reply, internalError(err.message));
  });
  app.setNotFoundHandler((_req, reply) => sendStatus(reply, unknownPath()));
  // Authentication, then authorization, before any handler runs (DefaultBuildHandlerChain).
  const tokens = options.tokenAuthFile ? new TokenFile(options.tokenAuthFile) : undefined;
  if (tokens) {
    app.addHook('onRequest', async (req) => {
      authorize(authenticate(tokens, req.headers.authorization), () => attributesFor(store, req.method, req.url));
    });
  }

  const address = `${options.bindAddress ?? '127.0.0.1'}`;
  app.get('/version', async () => VERSION_INFO);
  for (const path of ['/healthz', '/livez', '/readyz']) app.get(path, async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/api', async () => apiVersions(`${address}:${app.server.address() && (app.server.address() as { port: number }).port}`));
  app.get('/apis', async () => apiGroupList(defs));
  // kubectl reads OpenAPI before create/apply; "no v3, empty v2" tells it to skip client-side
  // validation, and the server validates instead (fieldValidation=Strict).
  app.get('/openapi/v3', async (_req, reply) => sendStatus(reply, unknownPath()));
  app.get('/openapi/v2', async (_req, reply) => reply.type('application/octet-stream').send(Buffer.alloc(0)));
  app.get('/apis/:group', async (req, reply) => {
    const found = apiGroup(defs, (req.params as { group: string }).group);
    return found ?? sendStatus(reply, unknownPath());
  });

  const handle = (group: string, version: string, rest: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const segments = rest ? rest.split('/').filter((s, i, all) => s !== '' || i < all.length - 1) : [];
    const info = resolvePath(store, group, version, segments.map(decodeURIComponent));
    if (!info) {
      if (req.method !== 'GET') throw methodNotAllowed(req.method, `/${group ? `apis/${group}` : 'api'}/${version}`);
      const found = apiResourceList(defs, group, version);
      return found ?? sendStatus(reply, unknownPath());
    }
    const call: Call = {
      method: req.method,
      info,
      query: req.query as Call['query'],
      contentType: req.headers['content-type'],
      rawBody: typeof req.body === 'string' || Buffer.isBuffer(req.body) ? req.body : undefined,
      format: outputFormat(req.headers.accept, (req.query as Record<string, string>).includeObject),
    };
    const answer = await dispatch(call, req, reply);
    if (answer !== 'streamed') reply.code(answer.code).header('content-type', 'application/json').send(JSON.stringify(answer.body));
    // An async handler that sent a stream must hand the reply back, or fastify ends it empty.
    return reply;
  };

  const dispatch = async (call: Call, req: FastifyRequest, reply: FastifyReply): Promise<Reply> => {
    const { def, name, subresource, namespace } = call.info;
    const m = call.method;
    if (subresource === 'log' && m === 'GET') {
      const { stream } = await podLog(store, call);
      reply.code(200).header('content-type', 'text/plain');
      reply.send(Readable.fromWeb(stream as never));
      return 'streamed';
    }
    if (subresource === 'binding' && m === 'POST') return bind(store, call);
    if (subresource === 'eviction' && m === 'POST') return evict(store, call);
    if (subresource === 'scale' && ['GET', 'PUT', 'PATCH'].includes(m)) return scale(store, call);
    if (subresource === 'status' && ['GET', 'PUT', 'PATCH'].includes(m)) return m === 'PATCH' ? patch(store, call) : status(store, call);
    if (subresource) throw methodNotAllowed(m, `${def.plural}/${subresource}`);
    if (!name) {
      if (m === 'GET') {
        const options = parseListOptions(def, call.query);
        if (options.watch) {
          reply.hijack();
          await serveWatch(store, def, namespace, undefined, options, call.format, reply.raw);
          return 'streamed';
        }
        const { items, revision, ...page } = await list(store, call);
        return { code: 200, body: renderList(def, items, revision, call.format, page) };
      }
      if (m === 'POST') {
        if (def.namespaced && !namespace) throw methodNotAllowed('POST', `${def.plural} without a namespace (use /namespaces/{namespace}/${def.plural})`);
        return create(store, call);
      }
      if (m === 'DELETE') return deleteCollection(store, call);
      throw methodNotAllowed(m, `the ${def.plural} collection`);
    }
    if (m === 'GET') {
      const options = parseListOptions(def, call.query);
      if (options.watch) {
        reply.hijack();
        await serveWatch(store, def, namespace, name, options, call.format, reply.raw);
        return 'streamed';
      }
      return get(store, call);
    }
    if (m === 'PUT') return update(store, call);
    if (m === 'PATCH') return patch(store, call);
    if (m === 'DELETE') return remove(store, call);
    throw methodNotAllowed(m, `a single ${def.singular}`);
    void req;
  };

  app.all('/api/v1', handle('', 'v1', ''));
  app.all('/api/v1/*', (req, reply) => handle('', 'v1', (req.params as { '*': string })['*'])(req, reply));
  app.all('/apis/:group/:version', (req, reply) => {
    const p = req.params as { group: string; version: string };
    return handle(p.group, p.version, '')(req, reply);
  });
  app.all('/apis/:group/:version/*', (req, reply) => {
    const p = req.params as { group: string; version: string; '*': string };
    return handle(p.group, p.version, p['*'])(req, reply);
  });

  await app.listen({ host: address, port: options.port ?? 6443 });
  const port = (app.server.address() as { port: number }).port;
  log(`apiserver: serving the Kubernetes API on http://${address}:${port} (etcd ${options.etcdServers.join(',')})`);
  return {
    url: `http://${address}:${port}`,
    port,
    store,
    async close() {
      lifecycle.stop();
      await Promise.all([...store.caches.values()].map((c) => c.stop()));
      await app.close();
      etcd.close();
    },
  };
}

function sendStatus(reply: FastifyReply, err: StatusError): FastifyReply {
  return reply.code(err.code).header('content-type', 'application/json').send(JSON.stringify(err.status));
}

/** The namespaces every cluster starts with, created if missing (as the bootstrap controller does). */
async function ensureNamespaces(store: RegistryStore): Promise<void> {
  const def = store.def('namespaces');
  for (const name of BUILT_IN_NAMESPACES) {
    try {
      await store.create(def, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }
}
