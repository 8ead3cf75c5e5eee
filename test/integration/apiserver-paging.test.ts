// Paged lists (limit and continue) against a real etcd and apiserver: pages that together are one
// consistent snapshot, selectors that never shorten a page, the errors for bad tokens, 410 with
// an onward token after compaction, and the real kubectl following tokens with --chunk-size.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

const run = promisify(execFile);
let cp: ControlPlane;
const NS = 'paging';
const PODS = `/api/v1/namespaces/${NS}/pods`;
type Obj = { metadata: { name: string; resourceVersion?: string; continue?: string; remainingItemCount?: number }; items: Obj[] };

const send = async (method: string, path: string, body?: unknown, accept = 'application/json') => {
  const res = await fetch(`${cp.url}${path}`, { method, headers: { 'content-type': 'application/json', accept }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
const pod = (name: string, app: string) => ({ metadata: { name, labels: { app } }, spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] } });
const names = (list: Obj) => list.items.map((o) => o.metadata.name);

beforeAll(async () => {
  cp = await startControlPlane({ serviceClusterIPRange: '127.97.40.0/24' });
  expect((await send('POST', '/api/v1/namespaces', { metadata: { name: NS } })).status).toBe(201);
  for (let i = 0; i < 7; i++) expect((await send('POST', PODS, pod(`p-${i}`, i % 2 ? 'b' : 'a'))).status).toBe(201);
});
afterAll(async () => cp?.stop());

describe('limit and continue', () => {
  it('pages through a snapshot: later writes do not show, every page has the first page\'s revision', async () => {
    const first = (await send('GET', `${PODS}?limit=3`)).body as Obj;
    expect(names(first)).toEqual(['p-0', 'p-1', 'p-2']);
    expect(first.metadata.remainingItemCount).toBe(4);
    expect(first.metadata.continue).toBeTruthy();

    // Changes after the first page belong to a later revision than the snapshot.
    expect((await send('POST', PODS, pod('p-9', 'a'))).status).toBe(201);
    expect((await send('DELETE', `${PODS}/p-6?gracePeriodSeconds=0`)).status).toBe(200);

    const second = (await send('GET', `${PODS}?limit=3&continue=${first.metadata.continue}`)).body as Obj;
    expect(names(second)).toEqual(['p-3', 'p-4', 'p-5']);
    expect(second.metadata.remainingItemCount).toBe(1);
    const third = (await send('GET', `${PODS}?limit=3&continue=${second.metadata.continue}`)).body as Obj;
    expect(names(third)).toEqual(['p-6']);
    expect(third.metadata.continue).toBeUndefined();
    expect(new Set([first, second, third].map((l) => l.metadata.resourceVersion)).size).toBe(1);

    // A fresh list sees the present.
    expect(names((await send('GET', PODS)).body)).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-9']);
  });

  it('fills each page with matches when a selector filters, without a remaining count', async () => {
    const seen: string[] = [];
    let token = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = (await send('GET', `${PODS}?limit=2&labelSelector=app%3Da${token ? `&continue=${token}` : ''}`)).body as Obj;
      seen.push(names(page).join(','));
      expect(page.metadata.remainingItemCount).toBeUndefined();
      if (!page.metadata.continue) break;
      token = page.metadata.continue;
    }
    expect(seen).toEqual(['p-0,p-2', 'p-4,p-9']);
  });

  it('carries the token in Table answers, as kubectl get asks for them', async () => {
    const table = (await send('GET', `${PODS}?limit=4`, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io')).body as { kind: string; rows: unknown[]; metadata: Obj['metadata'] };
    expect(table.kind).toBe('Table');
    expect(table.rows).toHaveLength(4);
    expect(table.metadata.continue).toBeTruthy();
  });

  it('refuses tokens it did not make and a resourceVersion beside a token', async () => {
    const base64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const [token, message] of [
      ['not-a-token!', 'continue key is not valid'],
      [base64({ v: 'meta.k8s.io/v2', rv: 5, start: 'p-1' }), 'server does not recognize this encoded version'],
      [base64({ v: 'meta.k8s.io/v1', rv: 0, start: 'p-1' }), 'incorrect encoded start resourceVersion'],
      [base64({ v: 'meta.k8s.io/v1', rv: 5, start: '../../secrets/' }), 'continue key is not valid'],
    ]) {
      const res = await send('GET', `${PODS}?limit=2&continue=${token}`);
      expect(res.status, token).toBe(400);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
      expect(res.body.message).toContain(message);
    }
    const first = (await send('GET', `${PODS}?limit=2`)).body as Obj;
    const both = await send('GET', `${PODS}?limit=2&resourceVersion=5&continue=${first.metadata.continue}`);
    expect(both.status).toBe(422);
    expect(both.body.message).toContain('specifying resource version is not allowed when using continue');
    expect((await send('GET', `${PODS}?limit=two`)).status).toBe(400);
  });

  it('answers 410 with an onward token once the snapshot is compacted away', async () => {
    const first = (await send('GET', `${PODS}?limit=2`)).body as Obj;
    expect((await send('POST', PODS, pod('p-8', 'b'))).status).toBe(201);
    await cp.compact();
    const gone = await send('GET', `${PODS}?limit=2&continue=${first.metadata.continue}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(gone.body.message).toContain('continue parameter is too old');
    // The onward token continues after p-1 at the newest revision: p-8 now shows.
    const rest: string[] = [];
    let token = gone.body.metadata.continue as string;
    while (token) {
      const page = (await send('GET', `${PODS}?limit=2&continue=${token}`)).body as Obj;
      rest.push(...names(page));
      token = page.metadata.continue ?? '';
    }
    expect(rest).toEqual(['p-2', 'p-3', 'p-4', 'p-5', 'p-8', 'p-9']);
  });

  it('lets the real kubectl follow the tokens (--chunk-size)', async () => {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', cp.kubeconfig, '-n', NS, 'get', 'pods', '--chunk-size=3', '-o', 'name', '-v=6']);
    expect(stdout.trim().split('\n')).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-8', 'p-9'].map((n) => `pod/${n}`));
    expect(stderr.match(/GET .*\/pods\?.*limit=3/g)?.length).toBe(3);
    expect(stderr).toMatch(/continue=/);
  });
});
