// JSON-RPC server: Besu's HTTP endpoint on podIP:8545
// ====================================================
// CONCEPT   JSON-RPC 2.0 is a tiny protocol: POST {"jsonrpc":"2.0","id":1,"method":...,"params":[...]}
//           and get back {"jsonrpc":"2.0","id":1,"result":...} or {"error":{"code","message"}}. An
//           array of requests is a *batch* and gets an array of answers; a request without an id is
//           a *notification* and gets none. The same port serves GET /liveness and GET /readiness,
//           which is what Besu's Helm charts point their Kubernetes probes at.
// REAL BESU ethereum/api/src/main/java/org/hyperledger/besu/ethereum/api/jsonrpc/JsonRpcHttpService.java,
//           ethereum/api/.../jsonrpc/health/HealthService.java (liveness, readiness with
//           ?minPeers=1&maxBlocksBehind=2)
// SHIPS     The clerk's service window, open on the container's own address.
// EXAMPLE   curl -s 127.244.1.2:8545 -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'
//             => {"jsonrpc":"2.0","id":1,"result":"0x2a"}
//           curl -s 127.244.1.2:8545/readiness  => {"status":"UP"}
// SKIPPED   WebSockets (8546), GraphQL, authentication, CORS and host allow-lists.
import http from 'node:http';
import { METHODS, RPC_ERRORS, RpcError, type RpcBackend } from './rpc-methods.ts';

/** Besu's --rpc-http-max-batch-size default. */
export const MAX_BATCH_SIZE = 1024;
const MAX_BODY_BYTES = 1024 * 1024;

type Id = string | number | null;
type Response = { jsonrpc: '2.0'; id: Id; result?: unknown; error?: { code: number; message: string } };

const errorResponse = (id: Id, error: { code: number; message: string }): Response => ({ jsonrpc: '2.0', id, error: { ...error } });

function validId(id: unknown): id is Id {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/** Answers one request object; undefined for a notification. */
function handleOne(request: unknown, backend: RpcBackend): Response | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return errorResponse(null, RPC_ERRORS.invalidRequest);
  const r = request as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  const id = validId(r.id) ? r.id : null;
  const paramsOk = r.params === undefined || (typeof r.params === 'object' && r.params !== null);
  if (r.jsonrpc !== '2.0' || typeof r.method !== 'string' || !paramsOk || (r.id !== undefined && !validId(r.id))) {
    return errorResponse(id, RPC_ERRORS.invalidRequest);
  }
  const notification = !('id' in r);
  const method = Object.hasOwn(METHODS, r.method) ? METHODS[r.method] : undefined;
  let response: Response;
  if (!method) response = errorResponse(id, RPC_ERRORS.methodNotFound);
  else {
    try {
      response = { jsonrpc: '2.0', id, result: method(Array.isArray(r.params) ? r.params : [], backend) };
    } catch (err) {
      response = errorResponse(id, err instanceof RpcError ? { code: err.code, message: err.message } : RPC_ERRORS.internal);
    }
  }
  return notification ? undefined : response;
}

/**
 * The whole JSON-RPC layer, without HTTP: a request body in, an HTTP status and body out
 * (`body` undefined when only notifications were sent). Parse errors and invalid single requests
 * answer HTTP 400, as Besu does; everything else 200.
 */
export function handleJsonRpc(text: string, backend: RpcBackend): { status: number; body?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { status: 400, body: JSON.stringify(errorResponse(null, RPC_ERRORS.parse)) };
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return { status: 400, body: JSON.stringify(errorResponse(null, RPC_ERRORS.invalidRequest)) };
    if (parsed.length > MAX_BATCH_SIZE) return { status: 400, body: JSON.stringify(errorResponse(null, RPC_ERRORS.batchTooLarge)) };
    const answers = parsed.map((r) => handleOne(r, backend)).filter((r): r is Response => r !== undefined);
    return { status: 200, body: answers.length ? JSON.stringify(answers) : undefined };
  }
  const answer = handleOne(parsed, backend);
  const status = answer?.error?.code === RPC_ERRORS.invalidRequest.code ? 400 : 200;
  return { status, body: answer && JSON.stringify(answer) };
}

/** The probe answers the RPC port serves. */
export interface HealthChecks {
  live(): boolean;
  /** @param minPeers from ?minPeers= (undefined: not given) @param maxBlocksBehind from ?maxBlocksBehind= */
  ready(minPeers?: number, maxBlocksBehind?: number): boolean;
}

/** Options of the JSON-RPC server. */
export interface RpcServerOptions {
  host: string;
  /** @default 8545 */
  port?: number;
  backend: RpcBackend;
  health: HealthChecks;
}

function send(res: http.ServerResponse, status: number, body?: string): void {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body);
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Starts the HTTP server on host:port; resolves once it listens. */
export async function startRpcServer(options: RpcServerOptions): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://besu');
    if (req.method === 'GET' && (url.pathname === '/liveness' || url.pathname === '/readiness')) {
      const up = url.pathname === '/liveness'
        ? options.health.live()
        : options.health.ready(intParam(url.searchParams, 'minPeers'), intParam(url.searchParams, 'maxBlocksBehind'));
      return send(res, up ? 200 : 503, JSON.stringify({ status: up ? 'UP' : 'DOWN' }));
    }
    if (req.method !== 'POST') return send(res, 404, JSON.stringify({ message: 'Use POST for JSON-RPC, or GET /liveness, /readiness' }));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return send(res, 413, JSON.stringify(errorResponse(null, RPC_ERRORS.invalidRequest)));
      const { status, body } = handleJsonRpc(Buffer.concat(chunks).toString('utf8'), options.backend);
      send(res, status, body);
    });
  });
  await listen(server, options.host, options.port ?? 8545);
  return server;
}

/** Listens on exactly host:port (never all interfaces); rejects on EADDRINUSE and friends. */
export function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes a server and every open connection, so the address is free again at once. */
export function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server || !server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
