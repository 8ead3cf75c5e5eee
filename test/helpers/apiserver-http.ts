// Test harness: plain HTTP against one apiserver, the way every component talks to it
// ===================================================================================
// CONCEPT   The apiserver integration tests (test/integration/apiserver-*.test.ts) each start
//           their own etcd and apiserver and speak plain HTTP to it: one call (`api`), one call
//           that insists on a status code (`ok`), one watch stream read line by line (`watch`).
//           `useApiServer` registers the beforeAll/afterAll that start and stop the pair, and
//           hands back those calls already pointed at it, plus `refused`: a request that must fail
//           with a given Status while etcd's revision stays put ("stored nothing", proven).
// REAL K8S  test/integration/framework (StartTestServer) and the REST client in client-go/rest
// SHIPS     The radio room's handset, tuned to one practice harbour.
// EXAMPLE   const { ok, watch } = useApiServer({ serviceClusterIPRange: '127.96.61.0/24' });
//           const created = await ok('POST', '/api/v1/namespaces/default/pods', pod('besu-0'));
// SKIPPED   Protobuf encoding (bodies arrive already encoded, see protobuf-writer.ts), paging.

import { afterAll, beforeAll, expect } from 'vitest';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.ts';
import { eventually, sleep } from './wait.ts';

export { eventually, sleep };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export interface Answer {
  status: number;
  /** The parsed JSON, or `{ raw }` when the answer was not JSON. */
  body: Obj;
  /** How long the call took, in milliseconds. */
  ms: number;
}

/** The Status a refused request must come back with. */
export interface Expected {
  code: number;
  reason: string;
  /** Text the message must contain, so the student learns what was wrong. */
  message?: string | RegExp;
  /** For 422: a field the causes name. */
  field?: string;
}

export interface WatchStream {
  events: Obj[];
  /** Waits until at least `count` events arrived (or the stream ended), then returns them. */
  waitFor(count: number, timeoutMs?: number): Promise<Obj[]>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** The calls a test makes, bound to the apiserver its file started. */
export interface ApiServerSession {
  /** The running control plane (only inside tests and hooks: beforeAll starts it). */
  readonly cp: ControlPlane;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Calls the API and insists on a status code, printing the answer when it differs. */
  ok(method: string, path: string, body?: unknown, expected?: number, headers?: Record<string, string>): Promise<Obj>;
  /** Opens `?watch=true` and collects one parsed event per line; resolves once headers arrived. */
  watch(path: string, headers?: Record<string, string>): Promise<WatchStream>;
  createNamespace(name: string): Promise<void>;
  bindPod(ns: string, name: string, node: string): Promise<void>;
  /** etcd's current revision, read through a consistent (quorum) list of every pod. */
  etcdRevision(): Promise<number>;
  /**
   * Sends a request that must be refused, checks the Status it gets back (code, reason, message,
   * field), and checks that etcd's revision did not move: nothing at all was written.
   */
  refused(method: string, path: string, body: unknown, want: Expected, headers?: Record<string, string>): Promise<Obj>;
}

// ## Small pure helpers

export const summary = (e: Obj) => `${e.type} ${e.object?.metadata?.name ?? e.object?.message ?? ''}`;
export const rvOf = (o: Obj) => Number(o.metadata.resourceVersion);

export function pod(name: string, labels: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
  };
}

export function rc(name: string, replicas = 2): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } } },
  };
}

// ## One control plane per test file

/** Starts etcd and an apiserver before the file's tests, stops them after, and returns the calls. */
export function useApiServer(options: ControlPlaneOptions): ApiServerSession {
  let plane: ControlPlane | undefined;
  beforeAll(async () => {
    plane = await startControlPlane(options);
  });
  afterAll(async () => {
    await plane?.stop();
  });
  const cp = () => {
    if (!plane) throw new Error('the control plane is not running (call this from a test or hook)');
    return plane;
  };

  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => call(cp().url, method, path, body, headers);
  const ok = async (method: string, path: string, body?: unknown, expected?: number, headers?: Record<string, string>) => {
    const res = await api(method, path, body, headers);
    const want = expected ?? (method === 'POST' ? 201 : 200);
    if (res.status !== want) throw new Error(`${method} ${path}: expected ${want}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const etcdRevision = async () => Number((await ok('GET', '/api/v1/pods')).metadata.resourceVersion);
  return {
    get cp() {
      return cp();
    },
    api,
    ok,
    watch: (path, headers = {}) => openWatch(cp().url, path, headers),
    createNamespace: async (name) => void (await ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    bindPod: async (ns, name, node) =>
      void (await ok('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } })),
    etcdRevision,
    async refused(method, path, body, want, headers) {
      const before = await etcdRevision();
      const res = await api(method, path, body, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(want.code);
      expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: want.reason, code: want.code });
      if (typeof want.message === 'string') expect(res.body.message).toContain(want.message);
      else if (want.message) expect(res.body.message).toMatch(want.message);
      if (want.field) expect((res.body.details?.causes ?? []).map((c: Obj) => c.field), JSON.stringify(res.body)).toContain(want.field);
      expect(await etcdRevision()).toBe(before);
      return res.body;
    },
  };
}

// ## One HTTP call, one watch stream

/**
 * One request. A string or bytes body (protobuf) is sent as it is, anything else as JSON; the
 * content-type defaults to JSON. With `timeoutMs` a request that hangs is aborted.
 */
export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs?: number): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (timeoutMs !== undefined) init.signal = AbortSignal.timeout(timeoutMs);
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const started = Date.now();
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: Obj;
  try {
    parsed = JSON.parse(text) as Obj;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, ms: Date.now() - started };
}

/** Opens `?watch=true` at `base` and collects one parsed event per line; resolves once headers arrived. */
export async function openWatch(base: string, path: string, headers: Record<string, string>): Promise<WatchStream> {
  const controller = new AbortController();
  const events: Obj[] = [];
  let wake = () => {};
  const res = await fetch(`${base}${path}`, { signal: controller.signal, headers });
  if (res.status !== 200) throw new Error(`watch ${path}: ${res.status} ${await res.text()}`);
  let done = false;
  const ended = readLines(res, (line) => events.push(JSON.parse(line) as Obj), () => wake()).then(() => {
    done = true;
    wake();
  });
  return {
    events,
    ended,
    close: () => controller.abort(),
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && !done && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      if (events.length < count) {
        throw new Error(`watch ${path}: wanted ${count} events, got ${events.length}: ${JSON.stringify(events.map(summary))}`);
      }
      return events;
    },
  };
}

/** Reads a streamed body, handing each non-empty line to `onLine` and calling `onChunk` after each read. */
async function readLines(res: Response, onLine: (line: string) => void, onChunk: () => void): Promise<void> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      buffered += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i).trim();
        buffered = buffered.slice(i + 1);
        if (line) onLine(line);
      }
      onChunk();
    }
  } catch {
    // aborted by close()
  }
}
