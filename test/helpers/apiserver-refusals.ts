// Test harness: requests that must be refused, and proof that nothing was stored
// ==============================================================================
// CONCEPT   The bad-input tests (test/integration/apiserver-bad-*.test.ts) send what a client
//           should not, and check three things each time: the answer is a Status with the
//           Kubernetes reason and code, its message tells a student what was wrong, and etcd's
//           revision (a consistent list's resourceVersion) did not move, so "stored nothing" is
//           proven, not assumed. `useRefusalServer` starts etcd and an apiserver for one test file,
//           with an `existing` pod and an `existing-rc` to aim updates and patches at.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go (the Status reasons),
//           test/integration/apiserver/apiserver_test.go
// SHIPS     The radio room refusing a garbled message, and the logbook showing it wrote nothing.
// EXAMPLE   await refused('POST', PODS, pod('empty', []), { code: 422, reason: 'Invalid', field: 'spec.containers' });
// SKIPPED   Authentication and authorization failures: no auth here yet.

import { afterAll, beforeAll, expect } from 'vitest';
import { startControlPlane, type ControlPlane } from './control-plane.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export const PODS = '/api/v1/namespaces/default/pods';
export const RCS = '/api/v1/namespaces/default/replicationcontrollers';

export function pod(name: string, containers: Obj[] = [{ name: 'besu', image: 'hyperledger/besu:24.1' }]): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers } };
}

export function rc(name: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas: 1, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } }, ...spec },
  };
}

// ## One HTTP call, timed

export interface Answer {
  status: number;
  body: Obj;
  ms: number;
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers }, signal: AbortSignal.timeout(30_000) };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
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

/** Opens a watch and hands back its events as "TYPE name" (or "ERROR code") strings. */
export async function openWatch(base: string, path: string): Promise<{ next(count: number): Promise<string[]>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${base}${path}`, { signal: controller.signal });
  expect(res.status).toBe(200);
  const seen: string[] = [];
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim())) {
          const e = JSON.parse(line) as Obj;
          seen.push(e.type === 'ERROR' ? `ERROR ${e.object.code}` : `${e.type} ${e.object.metadata?.name}`);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    async next(count) {
      const deadline = Date.now() + 15_000;
      while (seen.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return seen.slice(0, count);
    },
    close: () => controller.abort(),
  };
}

// ## Refusals

export interface Expected {
  code: number;
  reason: string;
  /** Text the message must contain, so the student learns what was wrong. */
  message?: string | RegExp;
  /** For 422: the field the first cause names. */
  field?: string;
}

export interface RefusalServerOptions {
  serviceClusterIPRange: string;
  /**
   * Also create the namespace "closing" and leave it Terminating: its pod "held" is bound, so only
   * a kubelet could finish deleting it. @default false
   */
  terminatingNamespace?: boolean;
}

/** The calls a bad-input test makes, bound to the apiserver its file started. */
export function useRefusalServer(options: RefusalServerOptions) {
  let cp: ControlPlane | undefined;
  const url = () => cp!.url;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(url(), method, path, body, headers);

  async function ok(method: string, path: string, body?: unknown, expected = method === 'POST' ? 201 : 200): Promise<Obj> {
    const res = await api(method, path, body);
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** etcd's current revision, read through a consistent (quorum) list of every pod. */
  async function etcdRevision(): Promise<number> {
    return Number((await ok('GET', '/api/v1/pods')).metadata.resourceVersion);
  }

  /**
   * Sends a request that must be refused, checks the Status it gets back, and checks that etcd's
   * revision did not move (nothing at all was written). Returns the Status for further checks.
   */
  async function refused(method: string, path: string, body: unknown, want: Expected, headers?: Record<string, string>): Promise<Obj> {
    const before = await etcdRevision();
    const res = await api(method, path, body, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(want.code);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: want.reason, code: want.code });
    expect(typeof res.body.message).toBe('string');
    if (typeof want.message === 'string') expect(res.body.message).toContain(want.message);
    else if (want.message) expect(res.body.message).toMatch(want.message);
    if (want.field) {
      const fields = (res.body.details?.causes ?? []).map((c: Obj) => c.field);
      expect(fields, JSON.stringify(res.body)).toContain(want.field);
    }
    expect(await etcdRevision()).toBe(before);
    return res.body;
  }

  /** A refusal that Kubernetes itself answers as 422 or 400, depending on what went wrong. */
  async function refusedEither(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Obj> {
    const before = await etcdRevision();
    const res = await api(method, path, body, headers);
    expect([400, 422], JSON.stringify(res.body)).toContain(res.status);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: res.status === 400 ? 'BadRequest' : 'Invalid', code: res.status });
    expect(await etcdRevision()).toBe(before);
    return res.body;
  }

  async function names(path: string): Promise<string[]> {
    return (await ok('GET', path)).items.map((o: Obj) => o.metadata.name);
  }

  beforeAll(async () => {
    cp = await startControlPlane({ serviceClusterIPRange: options.serviceClusterIPRange });
    await ok('POST', PODS, pod('existing'));
    await ok('POST', RCS, rc('existing-rc'));
    if (options.terminatingNamespace) await leaveNamespaceTerminating(ok);
  });

  afterAll(async () => {
    await cp?.stop();
  });

  return { api, ok, etcdRevision, refused, refusedEither, names };
}

/** Makes the namespace "closing", stuck Terminating behind its bound pod "held". */
async function leaveNamespaceTerminating(ok: (method: string, path: string, body?: unknown) => Promise<Obj>): Promise<void> {
  await ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'closing' } });
  await ok('POST', '/api/v1/namespaces/closing/pods', pod('held'));
  await ok('POST', '/api/v1/namespaces/closing/pods/held/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'held' }, target: { kind: 'Node', name: 'node-1' } });
  await ok('DELETE', '/api/v1/namespaces/closing');
  // Let the namespace sweep mark the pod, so later revision checks see a quiet etcd.
  for (let i = 0; i < 100; i++) {
    const held = await ok('GET', '/api/v1/namespaces/closing/pods/held');
    if (held.metadata.deletionTimestamp) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}
