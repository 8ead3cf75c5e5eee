// Events expire: the apiserver stores them on an etcd lease (--event-ttl), so etcd deletes them by
// itself and watchers see DELETED; writing an event again renews it; other kinds never expire.
import { expect, it } from 'vitest';
import { useApiServer } from '../helpers/apiserver-http.ts';

const TTL = 3; // seconds; etcd checks for expired leases twice a second
const server = useApiServer({ apiserver: () => ({ eventTTLSeconds: TTL }) });
const send = server.api;

const EVENTS = '/api/v1/namespaces/default/events';
const event = (name: string) => ({
  metadata: { name },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'besu-0' },
  reason: 'Started', message: 'Started container besu', type: 'Normal',
});

it('deletes an event TTL seconds after its last write, and watchers see it go', async () => {
  expect((await send('POST', EVENTS, event('short-lived'))).status).toBe(201);
  expect((await send('POST', EVENTS, event('renewed'))).status).toBe(201);
  expect((await send('POST', '/api/v1/namespaces', { metadata: { name: 'stays' } })).status).toBe(201);
  const from = (await send('GET', EVENTS)).body.metadata.resourceVersion;

  // Watch the events from now on: the expiry must arrive as an ordinary DELETED.
  const abort = new AbortController();
  const watch = await fetch(`${server.cp.url}${EVENTS}?watch=true&resourceVersion=${from}`, { signal: abort.signal });
  const lines: string[] = [];
  const seenAt = new Map<string, number>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of watch.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        const ev = JSON.parse(buffered.slice(0, i));
        lines.push(`${ev.type} ${ev.object.metadata.name}`);
        seenAt.set(`${ev.type} ${ev.object.metadata.name}`, Date.now());
        buffered = buffered.slice(i + 1);
      }
    }
  })().catch(() => undefined);

  // Halfway through, writing "renewed" again starts its clock afresh (a new lease).
  await new Promise((r) => setTimeout(r, (TTL * 1000) / 2));
  const renewedAt = Date.now();
  expect((await send('PATCH', `${EVENTS}/renewed`, { count: 2 }, { 'content-type': 'application/merge-patch+json' })).status).toBe(200);

  const deadline = Date.now() + 15_000;
  while (!lines.includes('DELETED short-lived') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(lines).toContain('DELETED short-lived');
  expect((await send('GET', `${EVENTS}/short-lived`)).status).toBe(404);
  // "renewed" outlives the first one and goes a whole TTL after its second write, not its first.
  while (!lines.includes('DELETED renewed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(lines.filter((l) => l.startsWith('DELETED'))).toEqual(['DELETED short-lived', 'DELETED renewed']);
  expect(seenAt.get('DELETED renewed')! - renewedAt).toBeGreaterThanOrEqual(TTL * 1000 - 200);
  abort.abort();
  await reading;

  // Other kinds carry no lease.
  expect((await send('GET', '/api/v1/namespaces/stays')).status).toBe(200);
}, 30_000);
