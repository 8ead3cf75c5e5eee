// kube-apiserver integration: bad input is refused clearly, and nothing is stored
// ===============================================================================
// CONCEPT   A client's mistake must come back as a Status with the Kubernetes reason and code (so
//           kubectl prints `Error from server (Invalid): ...`) and a message a student can act on.
//           It must never be a 500, never crash the server, and never leave anything behind: we
//           check etcd's revision (a consistent list's resourceVersion) before and after each
//           rejected request, so "stored nothing" is proven, not assumed. Losing etcd is not the
//           client's fault: that is a quick 503, and service resumes by itself when etcd returns.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go, pkg/apis/core/validation,
//           test/integration/apiserver/apiserver_test.go (TestFieldValidation*), max_request_body_bytes_test.go
// SHIPS     The radio room refusing a garbled message, and saying exactly which word was garbled.
// EXAMPLE   POST pods {"spec":{"containers":[]}}  =>  422 Invalid, causes [{field: "spec.containers"}]
// SKIPPED   Authentication and authorization failures (401/403 for identity): no auth here yet.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdProcess } from '../../cluster/etcd.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

let cp: ControlPlane;

const PODS = '/api/v1/namespaces/default/pods';
const RCS = '/api/v1/namespaces/default/replicationcontrollers';

function pod(name: string, containers: Obj[] = [{ name: 'besu', image: 'hyperledger/besu:24.1' }]): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers } };
}

function rc(name: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas: 1, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } }, ...spec },
  };
}

// ## Helpers
interface Answer {
  status: number;
  body: Obj;
  ms: number;
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
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

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(cp.url, method, path, body, headers);

async function ok(method: string, path: string, body?: unknown, expected = method === 'POST' ? 201 : 200): Promise<Obj> {
  const res = await api(method, path, body);
  if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** etcd's current revision, read through a consistent (quorum) list of every pod. */
async function etcdRevision(): Promise<number> {
  return Number((await ok('GET', '/api/v1/pods')).metadata.resourceVersion);
}

interface Expected {
  code: number;
  reason: string;
  /** Text the message must contain, so the student learns what was wrong. */
  message?: string | RegExp;
  /** For 422: the field the first cause names. */
  field?: string;
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

/** Opens a watch and hands back its events as "TYPE name" (or "ERROR code") strings. */
async function openWatch(base: string, path: string): Promise<{ next(count: number): Promise<string[]>; close(): void }> {
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

async function names(path: string): Promise<string[]> {
  return (await ok('GET', path)).items.map((o: Obj) => o.metadata.name);
}

beforeAll(async () => {
  cp = await startControlPlane({ serviceClusterIPRange: '127.96.2.0/24' });
  await ok('POST', PODS, pod('existing'));
  await ok('POST', RCS, rc('existing-rc'));
  // A namespace that stays Terminating: its pod is bound, so only a kubelet could finish deleting it.
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
});

afterAll(async () => {
  await cp?.stop();
});

// ## Bodies that cannot be decoded or do not belong at this URL
describe('malformed and misplaced bodies', () => {
  it('refuses malformed JSON with 400 BadRequest', async () => {
    await refused('POST', PODS, '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": ', { code: 400, reason: 'BadRequest', message: 'not valid JSON' });
    await refused('PUT', `${PODS}/existing`, '{not json', { code: 400, reason: 'BadRequest', message: 'not valid JSON' });
  });

  it('refuses an empty body and a body that is not an object', async () => {
    await refused('POST', PODS, '', { code: 400, reason: 'BadRequest', message: 'empty' });
    await refused('POST', PODS, '[1, 2]', { code: 400, reason: 'BadRequest', message: 'must be a JSON object' });
    await refused('POST', PODS, '"a pod"', { code: 400, reason: 'BadRequest' });
    await refused('POST', PODS, 'null', { code: 400, reason: 'BadRequest' });
  });

  it('refuses a field of the wrong JSON type with 400, as a failed decode', async () => {
    const body = { ...pod('typed'), spec: { containers: 'besu' } };
    await refused('POST', PODS, body, { code: 400, reason: 'BadRequest', message: 'cannot be handled as a Pod' });
    const merge = { 'content-type': 'application/merge-patch+json' };
    await refused('PATCH', `${PODS}/existing`, { spec: { containers: 'besu' } }, { code: 400, reason: 'BadRequest', message: 'wrong JSON type' }, merge);
  });

  it('refuses a body whose kind does not match the path', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } };
    await refused('POST', PODS, service, { code: 400, reason: 'BadRequest', message: '"Service"' });
    expect(await names('/api/v1/namespaces/default/services')).not.toContain('svc');
  });

  it('refuses a body whose apiVersion does not match the path', async () => {
    await refused('POST', PODS, { ...pod('wrong-version'), apiVersion: 'apps/v1' }, { code: 400, reason: 'BadRequest', message: 'apps/v1' });
    const lease = { apiVersion: 'v1', kind: 'Lease', metadata: { name: 'l' }, spec: {} };
    await refused('POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', lease, { code: 400, reason: 'BadRequest', message: 'coordination.k8s.io/v1' });
    expect(await names(PODS)).not.toContain('wrong-version');
  });

  it('refuses a PUT whose body names a different object than the URL', async () => {
    const existing = await ok('GET', `${PODS}/existing`);
    const renamed = { ...existing, metadata: { ...existing.metadata, name: 'someone-else' } };
    await refused('PUT', `${PODS}/existing`, renamed, { code: 400, reason: 'BadRequest', message: 'does not match the name on the URL' });
  });

  it('refuses a namespace in the body that differs from the URL', async () => {
    const elsewhere = { ...pod('ns-mismatch'), metadata: { name: 'ns-mismatch', namespace: 'kube-system' } };
    await refused('POST', PODS, elsewhere, { code: 400, reason: 'BadRequest', message: 'does not match the namespace' });
  });

  it('refuses bodies over 3 MiB with 413 RequestEntityTooLarge', async () => {
    const huge = pod('huge');
    huge.metadata.annotations = { ballast: 'x'.repeat(3 * 1024 * 1024 + 10) };
    await refused('POST', PODS, huge, { code: 413, reason: 'RequestEntityTooLarge', message: 'limit is 3145728 bytes' });
    expect(await names(PODS)).not.toContain('huge');
    // The server is still answering normally afterwards.
    expect((await api('GET', `${PODS}/existing`)).status).toBe(200);
  });

  it('refuses unknown fields under fieldValidation=Strict, and keeps quiet without it', async () => {
    const body = pod('strict');
    body.spec.foo = 'bar';
    await refused('POST', `${PODS}?fieldValidation=Strict`, body, { code: 400, reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.foo"' });
    expect(await names(PODS)).not.toContain('strict');
    const nested = pod('strict-nested');
    nested.spec.containers[0].imagePullPolicyy = 'Always';
    await refused('POST', `${PODS}?fieldValidation=Strict`, nested, { code: 400, reason: 'BadRequest', message: 'unknown field "spec.containers[0].imagePullPolicyy"' });
    // Without Strict the unknown field is dropped or kept, but the create succeeds.
    await ok('POST', PODS, body);
    await ok('DELETE', `${PODS}/strict`);
  });
});

// ## Objects that decode but are not valid Kubernetes objects: 422 Invalid with field causes
describe('invalid objects', () => {
  it('refuses invalid names, naming metadata.name', async () => {
    for (const name of ['Besu_0', 'besu-', 'a'.repeat(254), '-lead']) {
      const status = await refused('POST', PODS, pod(name), { code: 422, reason: 'Invalid', field: 'metadata.name' });
      expect(status.details.kind).toBe('Pod');
      expect(status.message).toContain('is invalid');
    }
    // Service names must be DNS labels: no dots.
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my.service' }, spec: { ports: [{ port: 80 }] } };
    await refused('POST', '/api/v1/namespaces/default/services', svc, { code: 422, reason: 'Invalid', field: 'metadata.name' });
    await refused('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: pod('x').spec }, { code: 422, reason: 'Invalid', field: 'metadata.name', message: 'name or generateName is required' });
  });

  it('refuses negative RC replicas, naming spec.replicas', async () => {
    await refused('POST', RCS, rc('negative', { replicas: -1 }), {
      code: 422,
      reason: 'Invalid',
      field: 'spec.replicas',
      message: 'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    });
    expect(await names(RCS)).not.toContain('negative');
  });

  it('refuses an RC whose selector does not match its template', async () => {
    const body = rc('mismatch');
    body.spec.selector = { app: 'other' };
    const status = await refused('POST', RCS, body, { code: 422, reason: 'Invalid', field: 'spec.template.metadata.labels', message: 'selector' });
    expect(status.details.kind).toBe('ReplicationController');
  });

  it('refuses unparseable quantities such as "2 cores"', async () => {
    const body = pod('cores', [{ name: 'besu', image: 'besu', resources: { requests: { cpu: '2 cores' } } }]);
    await refused('POST', PODS, body, { code: 422, reason: 'Invalid', field: 'spec.containers[0].resources.requests.cpu', message: '"2 cores"' });
    const limits = pod('cores', [{ name: 'besu', image: 'besu', resources: { limits: { memory: '1.5 GB' } } }]);
    await refused('POST', PODS, limits, { code: 422, reason: 'Invalid', field: 'spec.containers[0].resources.limits.memory' });
  });

  it('refuses a pod without containers', async () => {
    await refused('POST', PODS, pod('empty', []), { code: 422, reason: 'Invalid', field: 'spec.containers', message: 'Required value' });
    await refused('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'no-spec' } }, { code: 422, reason: 'Invalid' });
  });

  it('refuses duplicate container names', async () => {
    const twins = [{ name: 'besu', image: 'besu:1' }, { name: 'besu', image: 'besu:2' }];
    const status = await refused('POST', PODS, pod('twins', twins), { code: 422, reason: 'Invalid', field: 'spec.containers[1].name', message: 'Duplicate value: "besu"' });
    expect(status.details.causes.find((c: Obj) => c.field === 'spec.containers[1].name').reason).toBe('FieldValueDuplicate');
  });

  it('refuses an update that makes an existing object invalid', async () => {
    const current = await ok('GET', `${RCS}/existing-rc`);
    current.spec.replicas = -3;
    await refused('PUT', `${RCS}/existing-rc`, current, { code: 422, reason: 'Invalid', field: 'spec.replicas' });
    expect((await ok('GET', `${RCS}/existing-rc`)).spec.replicas).toBe(1);
  });
});

// ## Query parameters
describe('bad query parameters', () => {
  it('refuses a label selector that does not parse', async () => {
    await refused('GET', `${PODS}?labelSelector=${encodeURIComponent('app in (')}`, undefined, { code: 400, reason: 'BadRequest', message: 'unable to parse labelSelector' });
    await refused('GET', `${PODS}?labelSelector=${encodeURIComponent('=besu')}`, undefined, { code: 400, reason: 'BadRequest' });
    await refused('GET', `${PODS}?watch=true&labelSelector=${encodeURIComponent('a b')}`, undefined, { code: 400, reason: 'BadRequest' });
  });

  it('refuses a field selector that does not parse, or names a field that cannot be selected', async () => {
    await refused('GET', `${PODS}?fieldSelector=spec.nodeName`, undefined, { code: 400, reason: 'BadRequest', message: 'unable to parse fieldSelector' });
    await refused('GET', `${PODS}?fieldSelector=${encodeURIComponent('spec.foo=bar')}`, undefined, { code: 400, reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    await refused('GET', `/api/v1/nodes?watch=1&fieldSelector=${encodeURIComponent('status.phase=Running')}`, undefined, { code: 400, reason: 'BadRequest', message: 'field label not supported' });
  });

  it('refuses a non-numeric resourceVersion on list, watch and update', async () => {
    await refused('GET', `${PODS}?resourceVersion=latest`, undefined, { code: 400, reason: 'BadRequest', message: 'invalid resourceVersion "latest"' });
    await refused('GET', `${PODS}?watch=true&resourceVersion=abc`, undefined, { code: 400, reason: 'BadRequest', message: 'invalid resourceVersion' });
    const current = await ok('GET', `${PODS}/existing`);
    current.metadata.resourceVersion = 'yesterday';
    current.metadata.labels = { changed: 'yes' };
    await refused('PUT', `${PODS}/existing`, current, { code: 400, reason: 'BadRequest', message: 'invalid resourceVersion "yesterday"' });
  });
});

// ## Things that do not exist, or may not be done now
describe('missing things and conflicts', () => {
  it('answers 404 NotFound for unknown resources', async () => {
    await refused('GET', '/api/v1/widgets', undefined, { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
    await refused('POST', '/api/v1/namespaces/default/widgets', { kind: 'Widget', metadata: { name: 'w' } }, { code: 404, reason: 'NotFound' });
    await refused('GET', '/apis/apps/v1/namespaces/default/deployments', undefined, { code: 404, reason: 'NotFound' });
    await refused('GET', `${PODS}/existing/exec`, undefined, { code: 404, reason: 'NotFound' });
    await refused('GET', `${PODS}/nobody`, undefined, { code: 404, reason: 'NotFound', message: 'pods "nobody" not found' });
  });

  it('answers 404 for a missing namespace', async () => {
    const status = await refused('POST', '/api/v1/namespaces/x/pods', pod('lost'), { code: 404, reason: 'NotFound', message: 'namespaces "x" not found' });
    expect(status.details).toMatchObject({ name: 'x', kind: 'namespaces' });
  });

  it('refuses new objects in a terminating namespace with 403 Forbidden', async () => {
    expect((await ok('GET', '/api/v1/namespaces/closing')).status.phase).toBe('Terminating');
    await refused('POST', '/api/v1/namespaces/closing/pods', pod('late'), { code: 403, reason: 'Forbidden', message: 'because it is being terminated' });
    expect(await names('/api/v1/namespaces/closing/pods')).toEqual(['held']);
  });

  it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
    const first = await ok('GET', `${PODS}/existing`);
    const newer = await ok('PUT', `${PODS}/existing`, { ...first, metadata: { ...first.metadata, labels: { round: '1' } } });
    expect(newer.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
    const stale = { ...first, metadata: { ...first.metadata, labels: { round: '2' } } };
    await refused('PUT', `${PODS}/existing`, stale, { code: 409, reason: 'Conflict', message: 'the object has been modified' });
    expect((await ok('GET', `${PODS}/existing`)).metadata.labels).toEqual({ round: '1' });
  });

  it('refuses a duplicate create with 409 AlreadyExists', async () => {
    const status = await refused('POST', PODS, pod('existing'), { code: 409, reason: 'AlreadyExists', message: 'pods "existing" already exists' });
    expect(status.details).toMatchObject({ name: 'existing', kind: 'pods' });
  });

  it('refuses to bind a pod that is already bound with 409', async () => {
    await ok('POST', PODS, pod('bound'));
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: node } });
    await ok('POST', `${PODS}/bound/binding`, binding('node-1'));
    await refused('POST', `${PODS}/bound/binding`, binding('node-2'), { code: 409, reason: 'Conflict', message: 'already assigned to node "node-1"' });
    expect((await ok('GET', `${PODS}/bound`)).spec.nodeName).toBe('node-1');
  });
});

// ## Patches
describe('bad patches', () => {
  it('refuses a PATCH in a content type it does not speak with 415', async () => {
    await refused('PATCH', `${PODS}/existing`, '{"metadata":{"labels":{"a":"b"}}}', { code: 415, reason: 'UnsupportedMediaType', message: 'application/merge-patch+json' }, { 'content-type': 'application/xml' });
    await refused('PATCH', `${PODS}/existing`, '{"metadata":{"labels":{"a":"b"}}}', { code: 415, reason: 'UnsupportedMediaType' }, { 'content-type': 'text/plain' });
  });

  it('refuses a JSON patch that cannot apply with 422 or 400', async () => {
    const json = { 'content-type': 'application/json-patch+json' };
    const missing = await refusedEither('PATCH', `${PODS}/existing`, [{ op: 'replace', path: '/spec/nothere/x', value: 1 }], json);
    expect(missing.message).toMatch(/nothere|path|missing|exist/i);
    await refusedEither('PATCH', `${PODS}/existing`, [{ op: 'test', path: '/metadata/name', value: 'someone-else' }], json);
    await refusedEither('PATCH', `${PODS}/existing`, [{ op: 'jump', path: '/spec' }], json);
    await refusedEither('PATCH', `${PODS}/existing`, { op: 'add', path: '/metadata/labels/x', value: 'y' }, json);
    await refused('PATCH', `${PODS}/existing`, '[{"op": "add",', { code: 400, reason: 'BadRequest' }, json);
  });

  it('refuses a merge patch that makes the object invalid, and one that renames it', async () => {
    const merge = { 'content-type': 'application/merge-patch+json' };
    await refused('PATCH', `${RCS}/existing-rc`, { spec: { replicas: -2 } }, { code: 422, reason: 'Invalid', field: 'spec.replicas' }, merge);
    await refused('PATCH', `${PODS}/existing`, { metadata: { name: 'renamed' } }, { code: 400, reason: 'BadRequest', message: 'does not match the name' }, merge);
    await refused('PATCH', `${PODS}/nobody`, { metadata: { labels: { a: 'b' } } }, { code: 404, reason: 'NotFound' }, merge);
  });
});

/** A refusal that Kubernetes itself answers as 422 or 400, depending on what went wrong. */
async function refusedEither(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Obj> {
  const before = await etcdRevision();
  const res = await api(method, path, body, headers);
  expect([400, 422], JSON.stringify(res.body)).toContain(res.status);
  expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: res.status === 400 ? 'BadRequest' : 'Invalid', code: res.status });
  expect(await etcdRevision()).toBe(before);
  return res.body;
}

// ## Odd bodies: whatever a client sends, the answer is a Status below 500
describe('never a 500', () => {
  const odd: unknown[] = [
    {},
    { metadata: 'x' },
    { metadata: { name: 5 } },
    { metadata: { name: 'odd', labels: 'x' } },
    { metadata: { name: 'odd', labels: { a: 1 } } },
    { metadata: { name: 'odd' }, spec: 'x' },
    { metadata: { name: 'odd' }, spec: { containers: 'x' } },
    { metadata: { name: 'odd' }, spec: { containers: [null] } },
    { metadata: { name: 'odd' }, spec: { containers: [{ name: 'c', image: 'i', ports: 'x' }] } },
    { metadata: { name: 'odd' }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: 5 } } }] } },
    { metadata: { name: 'odd' }, spec: { containers: [{ name: 'c', image: 'i', resources: 'x' }] } },
    { metadata: { name: 'odd' }, spec: { replicas: 'three', selector: 'x', template: 'x' } },
    { metadata: { name: 'odd' }, spec: { ports: [{ port: 'http' }] } },
    { metadata: { name: 'odd' }, spec: { ports: 'x', type: 7 } },
    { metadata: { name: 'odd' }, subsets: 'x' },
    { metadata: { name: 'odd' }, involvedObject: 'x' },
    { metadata: { name: 'odd' }, spec: { leaseDurationSeconds: 'long', taints: 'x' } },
    { metadata: { name: 'odd' }, status: 'x' },
  ];
  const collections = [
    PODS, RCS, '/api/v1/namespaces/default/services', '/api/v1/namespaces/default/endpoints',
    '/api/v1/namespaces/default/events', '/apis/coordination.k8s.io/v1/namespaces/default/leases', '/api/v1/nodes', '/api/v1/namespaces',
  ];

  it('answers every odd create with a client error Status', async () => {
    const failures: string[] = [];
    for (const collection of collections) {
      for (const body of odd) {
        const res = await api('POST', collection, body);
        if (res.status >= 500 || (res.status >= 400 && res.body.kind !== 'Status')) {
          failures.push(`POST ${collection} ${JSON.stringify(body)} => ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
        if (res.status < 300) await api('DELETE', `${collection}/odd?gracePeriodSeconds=0`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers odd patches and deletes with a client error Status', async () => {
    const tries: [string, string, string | undefined, Record<string, string>][] = [
      ['PATCH', `${PODS}/existing`, '{"spec":{"containers":"x"}}', { 'content-type': 'application/strategic-merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '{"spec":{"containers":[{"$patch":"explode"}]}}', { 'content-type': 'application/strategic-merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '[1,2,3]', { 'content-type': 'application/merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '"x"', { 'content-type': 'application/strategic-merge-patch+json' }],
      ['PATCH', `${PODS}/existing`, '{"metadata":null}', { 'content-type': 'application/merge-patch+json' }],
      ['PATCH', `${RCS}/existing-rc/scale`, '{"spec":{"replicas":"many"}}', { 'content-type': 'application/merge-patch+json' }],
      ['PUT', `${RCS}/existing-rc/scale`, '{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"existing-rc"}}', {}],
      ['DELETE', `${PODS}/existing`, '{"gracePeriodSeconds":"soon"}', { 'content-type': 'application/json' }],
      ['DELETE', `${PODS}/existing?gracePeriodSeconds=later`, undefined, {}],
      ['DELETE', `${PODS}/existing?propagationPolicy=Sideways`, undefined, {}],
      ['POST', `${PODS}/existing/eviction`, '{"kind":"Binding","apiVersion":"v1"}', { 'content-type': 'application/json' }],
      ['POST', `${PODS}/existing/binding`, '{"kind":"Binding","apiVersion":"v1","target":{}}', { 'content-type': 'application/json' }],
      ['GET', `${PODS}?timeoutSeconds=soon&watch=1`, undefined, {}],
      ['GET', `${PODS}/existing/log`, undefined, {}],
    ];
    const failures: string[] = [];
    for (const [method, path, body, headers] of tries) {
      const res = await api(method, path, body, headers);
      if (res.status < 400 || res.status >= 500 || res.body.kind !== 'Status') failures.push(`${method} ${path} ${body} => ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect((await ok('GET', `${PODS}/existing`)).metadata.deletionTimestamp).toBeUndefined();
  });
});

// ## etcd going away and coming back (a control plane of its own, since we stop its etcd)
describe('when etcd is unreachable', () => {
  let lone: ControlPlane;
  let revived: EtcdProcess | undefined;

  beforeAll(async () => {
    lone = await startControlPlane({ serviceClusterIPRange: '127.96.3.0/24' });
  });

  afterAll(async () => {
    await lone?.stopApiServer();
    await revived?.stop();
    await lone?.stop();
  });

  it('answers 503 within seconds while etcd is frozen (paused, not gone), and recovers when it thaws', async () => {
    const lonely = (method: string, path: string, body?: unknown) => call(lone.url, method, path, body);
    process.kill(lone.etcd.pid, 'SIGSTOP');
    try {
      const [read, write] = await Promise.all([lonely('GET', PODS), lonely('POST', PODS, pod('frozen'))]);
      for (const res of [read, write]) {
        expect(res.status, JSON.stringify(res.body)).toBe(503);
        expect(res.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
        expect(res.body.message).toContain('etcd');
        expect(res.ms).toBeLessThan(10_000);
      }
    } finally {
      process.kill(lone.etcd.pid, 'SIGCONT');
    }
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) status = (await lonely('GET', PODS)).status;
    expect(status).toBe(200);
    // The create that timed out was already on its way to etcd, so it may have been stored after
    // all once etcd thawed: a timeout means "unknown outcome", as in Kubernetes. Clear it away.
    const late = await lonely('DELETE', `${PODS}/frozen`);
    expect([200, 404]).toContain(late.status);
  });

  it('answers 503 quickly while etcd is down, and serves again when it returns, without a restart', async () => {
    const lonely = (method: string, path: string, body?: unknown) => call(lone.url, method, path, body);
    expect((await lonely('POST', PODS, pod('before'))).status).toBe(201);
    const watchFrom = (await lonely('GET', PODS)).body.metadata.resourceVersion as string;

    await lone.etcd.stop();
    for (const [method, path, body] of [['GET', PODS], ['GET', `${PODS}/before`], ['POST', PODS, pod('during')], ['DELETE', `${PODS}/before`]] as const) {
      const res = await lonely(method, path, body);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(503);
      expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', code: 503 });
      expect(res.body.message).toContain('etcd');
      expect(res.ms).toBeLessThan(10_000);
    }

    // The same etcd comes back: same data directory, same client port.
    revived = await startEtcd({ dataDir: lone.etcd.dataDir, clientPort: Number(new URL(lone.etcdUrl).port), peerPort: 0 });
    const deadline = Date.now() + 45_000;
    let created: Answer | undefined;
    while (Date.now() < deadline) {
      created = await lonely('POST', PODS, pod('after'));
      if (created.status === 201) break;
      expect(created.status, JSON.stringify(created.body)).toBe(503);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(created?.status, JSON.stringify(created?.body)).toBe(201);

    // Each of the apiserver's etcd connections redials on its own next call, so for a moment some
    // requests may still get 503. Then all succeed.
    const settled = Date.now() + 20_000;
    let streak = 0;
    while (streak < 10 && Date.now() < settled) {
      const res = await lonely('GET', PODS);
      if (res.status === 200) streak++;
      else {
        expect(res.status, JSON.stringify(res.body)).toBe(503);
        streak = 0;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(streak).toBe(10);

    // Nothing was written while etcd was away; the pod from before survived in etcd's data dir.
    const list = await lonely('GET', PODS);
    expect(list.body.items.map((o: Obj) => o.metadata.name).sort()).toEqual(['after', 'before']);

    // The watch cache caught up too: a watch from a fresh list sees changes made now.
    const fresh = list.body.metadata.resourceVersion as string;
    const live = await openWatch(lone.url, `${PODS}?watch=true&resourceVersion=${fresh}`);
    expect((await lonely('DELETE', `${PODS}/before`)).status).toBe(200);
    expect((await lonely('POST', PODS, pod('later'))).status).toBe(201);
    expect(await live.next(2)).toEqual(['DELETED before', 'ADDED later']);
    live.close();

    // A watcher resuming from before the outage is either replayed what it missed or, if the cache
    // had to relist from etcd meanwhile, told 410 Expired so it lists again: never silently skipped.
    const resumed = await openWatch(lone.url, `${PODS}?watch=true&resourceVersion=${watchFrom}`);
    const first = (await resumed.next(1))[0];
    resumed.close();
    expect(['ADDED after', 'ERROR 410']).toContain(first);
  });
});
