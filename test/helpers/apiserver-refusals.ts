// Test harness: requests that must be refused, and proof that nothing was stored
// ==============================================================================
// CONCEPT   The bad-input tests (test/integration/apiserver-bad-*.test.ts) send what a client
//           should not, and check three things each time: the answer is a Status with the
//           Kubernetes reason and code, its message tells a student what was wrong, and etcd's
//           revision (a consistent list's resourceVersion) did not move, so "stored nothing" is
//           proven, not assumed. `useRefusalServer` starts etcd and an apiserver for one test file
//           (useApiServer of apiserver-http.ts), with an `existing` pod and an `existing-rc` to aim
//           updates and patches at.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go (the Status reasons),
//           test/integration/apiserver/apiserver_test.go
// SHIPS     The radio room refusing a garbled message, and the logbook showing it wrote nothing.
// EXAMPLE   await refused('POST', PODS, pod('empty', []), { code: 422, reason: 'Invalid', field: 'spec.containers' });
// SKIPPED   Authentication and authorization failures: no auth here yet.

import { beforeAll, expect } from 'vitest';
import { type Answer, call as callOnce, type Expected, type Obj, openWatch as openWatchStream, useApiServer } from './apiserver-http.ts';

export type { Answer, Expected, Obj };

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

// ## One HTTP call, timed, and a watch read as "TYPE name" lines

/** One request (see apiserver-http.ts), aborted if it hangs for 30 s: an outage must not stall a test. */
export const call = (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  callOnce(base, method, path, body, headers, 30_000);

/** Opens a watch and hands back its events as "TYPE name" (or "ERROR code") strings. */
export async function openWatch(base: string, path: string): Promise<{ next(count: number): Promise<string[]>; close(): void }> {
  const stream = await openWatchStream(base, path, {});
  const seen = () => stream.events.map((e) => (e.type === 'ERROR' ? `ERROR ${e.object.code}` : `${e.type} ${e.object.metadata?.name}`));
  return {
    async next(count) {
      await stream.waitFor(count, 15_000).catch(() => {});
      return seen().slice(0, count);
    },
    close: () => stream.close(),
  };
}

// ## Refusals

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
  const server = useApiServer({ serviceClusterIPRange: options.serviceClusterIPRange });
  const { api, ok, etcdRevision } = server;

  /** `refused` of apiserver-http.ts, and the Status is a v1 Status whose message is text. */
  async function refused(method: string, path: string, body: unknown, want: Expected, headers?: Record<string, string>): Promise<Obj> {
    const status = await server.refused(method, path, body, want, headers);
    expect(status.apiVersion).toBe('v1');
    expect(typeof status.message).toBe('string');
    return status;
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

  // After useApiServer's own beforeAll has started the control plane.
  beforeAll(async () => {
    await ok('POST', PODS, pod('existing'));
    await ok('POST', RCS, rc('existing-rc'));
    if (options.terminatingNamespace) await leaveNamespaceTerminating(ok);
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
