// KubeClient over real HTTP against a scripted server: retries, Retry-After, error Status, the
// watch stream's framing and resumption. No etcd needed; the server answers what each test scripts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock, type Clock } from '../../client/clock.ts';
import { isGone, isNotFound } from '../../client/errors.ts';
import { KubeClient } from '../../client/rest.ts';
import { watchWithResume } from '../../client/watch.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.closeAllConnections?.() ?? s.close()));

async function serve(handler: Handler, port = 0): Promise<{ url: string; requests: string[]; port: number }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`.trim());
    handler(req, res, requests.length);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const p = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${p}`, requests, port: p };
}

/** A clock whose sleeps return at once and are written down, so backoff figures can be checked. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { ...realClock(), sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

const status = (res: ServerResponse, code: number, reason: string, headers: Record<string, string> = {}) => {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message: `${reason}!` }));
};
const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const pod = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: rv } });

describe('KubeClient over HTTP', () => {
  it('retries 503s with backoff, honours Retry-After, and sends the bearer token', async () => {
    const srv = await serve((_q, res, n) => (n === 1 ? status(res, 503, 'ServiceUnavailable') : n === 2 ? status(res, 429, 'TooManyRequests', { 'retry-after': '3' }) : json(res, pod('a', '1'))));
    const clock = recordingClock();
    const c = new KubeClient({ server: srv.url, clock, token: 'tok', backoff: { initialMs: 100, jitter: 0 } });
    expect((await c.get('pods', 'a')).metadata.name).toBe('a');
    expect(clock.sleeps).toEqual([100, 3000]);
    expect(srv.requests).toEqual(Array(3).fill('GET /api/v1/namespaces/default/pods/a Bearer tok'));
  });

  it('retries a refused connection until the server is up, within the attempt bound', async () => {
    const probe = await serve(() => {});
    const port = probe.port;
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    let started = false;
    const clock: Clock & { sleeps: number[] } = {
      ...recordingClock(), sleeps: [],
      sleep: async (ms) => {
        clock.sleeps.push(ms);
        if (clock.sleeps.length === 2 && !started) {
          started = true;
          await serve((_q, res) => json(res, { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '9' }, items: [] }), port);
        }
      },
    };
    const c = new KubeClient({ server: `http://127.0.0.1:${port}`, clock, maxRetries: 5, backoff: { jitter: 0 } });
    expect((await c.list('nodes')).metadata.resourceVersion).toBe('9');
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it('gives up after maxRetries and never retries a 4xx or a non-idempotent 500', async () => {
    const srv = await serve((req, res) => (req.method === 'GET' && req.url!.includes('missing') ? status(res, 404, 'NotFound') : status(res, 500, 'InternalError')));
    const clock = recordingClock();
    const c = new KubeClient({ server: srv.url, clock, maxRetries: 2, backoff: { jitter: 0 } });
    const missing = await c.get('pods', 'missing').catch((e) => e);
    expect(isNotFound(missing)).toBe(true);
    expect(missing.status.message).toBe('NotFound!');
    await expect(c.get('pods', 'broken')).rejects.toMatchObject({ code: 500, reason: 'InternalError' });
    await expect(c.create('pods', pod('x', '') as never)).rejects.toMatchObject({ code: 500 });
    expect(srv.requests.map((r) => r.split(' ')[0])).toEqual(['GET', 'GET', 'GET', 'GET', 'POST']);
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it('sends subresource calls to Kubernetes paths with Kubernetes bodies', async () => {
    const bodies: unknown[] = [];
    const srv = await serve((req, res) => {
      let data = '';
      req.on('data', (d) => (data += d));
      req.on('end', () => {
        bodies.push({ type: req.headers['content-type'], body: data && JSON.parse(data) });
        json(res, { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} });
      });
    });
    const c = new KubeClient({ server: srv.url, clock: recordingClock() });
    await c.bind('default', 'besu-0', 'node-1');
    await c.evict('default', 'besu-0', { gracePeriodSeconds: 5 });
    await c.patch('nodes', 'node-1', { spec: { unschedulable: true } }, { type: 'strategic' });
    await c.updateScale('replicationcontrollers', { metadata: { name: 'rc', namespace: 'default' }, spec: { replicas: 3 } });
    await c.delete('pods', 'besu-0', { namespace: 'default', preconditions: { uid: 'u1' }, propagationPolicy: 'Background' });
    expect(srv.requests).toEqual([
      'POST /api/v1/namespaces/default/pods/besu-0/binding', 'POST /api/v1/namespaces/default/pods/besu-0/eviction',
      'PATCH /api/v1/nodes/node-1', 'PUT /api/v1/namespaces/default/replicationcontrollers/rc/scale',
      'DELETE /api/v1/namespaces/default/pods/besu-0',
    ]);
    expect(bodies[0]).toMatchObject({ body: { kind: 'Binding', target: { kind: 'Node', name: 'node-1' } } });
    expect(bodies[1]).toMatchObject({ body: { apiVersion: 'policy/v1', kind: 'Eviction', deleteOptions: { gracePeriodSeconds: 5 } } });
    expect(bodies[2]).toMatchObject({ type: 'application/strategic-merge-patch+json' });
    expect(bodies[3]).toMatchObject({ body: { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 3 } } });
    expect(bodies[4]).toMatchObject({ body: { kind: 'DeleteOptions', preconditions: { uid: 'u1' }, propagationPolicy: 'Background' } });
  });
});

describe('watch over HTTP', () => {
  it('reads events split across chunks, and throws 410 from an ERROR event', async () => {
    const srv = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = [JSON.stringify({ type: 'ADDED', object: pod('a', '5') }), JSON.stringify({ type: 'MODIFIED', object: pod('a', '6') }),
        JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', code: 410, reason: 'Expired', status: 'Failure', metadata: {} } })].join('\n') + '\n';
      for (let i = 0; i < text.length; i += 7) res.write(text.slice(i, i + 7)); // 7-byte chunks
      res.end();
    });
    const c = new KubeClient({ server: srv.url, clock: recordingClock() });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const e of c.watch('pods', { namespace: 'default', resourceVersion: '4' })) seen.push(`${e.type} ${e.object.metadata.resourceVersion}`);
    })().catch((e) => e);
    expect(seen).toEqual(['ADDED 5', 'MODIFIED 6']);
    expect(isGone(err)).toBe(true);
    expect(srv.requests[0]).toBe('GET /api/v1/namespaces/default/pods?watch=true&resourceVersion=4&allowWatchBookmarks=true');
  });

  it('resumes a dropped stream from the last resourceVersion, bookmarks included, and throws HTTP 410', async () => {
    const srv = await serve((_q, res, n) => {
      if (n === 3) return status(res, 410, 'Expired');
      res.writeHead(200, { 'content-type': 'application/json' });
      if (n === 1) res.write(JSON.stringify({ type: 'ADDED', object: pod('a', '11') }) + '\n');
      if (n === 1) res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '15' } } }) + '\n');
      if (n === 2) res.write(JSON.stringify({ type: 'DELETED', object: pod('a', '16') }) + '\n');
      res.end(); // the stream drops
    });
    const c = new KubeClient({ server: srv.url, clock: recordingClock() });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const e of watchWithResume(c, 'pods', { resourceVersion: '10', clock: c.clock })) seen.push(`${e.type} ${e.object.metadata.resourceVersion}`);
    })().catch((e) => e);
    expect(seen).toEqual(['ADDED 11', 'DELETED 16']);
    expect(srv.requests.map((r) => new URL(r.split(' ')[1], 'http://x').searchParams.get('resourceVersion'))).toEqual(['10', '15', '16']);
    expect(isGone(err)).toBe(true);
  });
});
