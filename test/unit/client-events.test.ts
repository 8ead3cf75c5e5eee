// The EventRecorder against a fake client that records the API calls it receives.
import { describe, expect, it } from 'vitest';
import type { Event, Node, Pod } from '../../api/types.ts';
import { FakeClock } from '../../client/clock.ts';
import { ApiError } from '../../client/errors.ts';
import { EventRecorder } from '../../client/events.ts';

function fakeClient() {
  const calls: { verb: string; name?: string; namespace?: string; body: unknown; type?: string }[] = [];
  const c = {
    calls,
    failWith: undefined as unknown,
    patchNotFound: false,
    async create(_r: string, obj: Event) {
      if (c.failWith) throw c.failWith;
      calls.push({ verb: 'create', name: obj.metadata.name, namespace: obj.metadata.namespace, body: obj });
      return obj;
    },
    async patch(_r: string, name: string, body: unknown, o: { namespace?: string; type?: string } = {}) {
      if (c.patchNotFound) throw new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound' });
      calls.push({ verb: 'patch', name, namespace: o.namespace, body, type: o.type });
      return body;
    },
  };
  return c;
}

const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'besu-0', namespace: 'default', uid: 'u1', resourceVersion: '7' },
  spec: { containers: [] },
};

function setup() {
  const client = fakeClient();
  const clock = new FakeClock();
  const logs: string[] = [];
  const rec = new EventRecorder({ client: client as never, clock, component: 'default-scheduler', host: 'cp-1', log: (m) => logs.push(m) });
  return { client, clock, rec, logs };
}

describe('EventRecorder', () => {
  it('writes an Event naming the object, the source and the reason', async () => {
    const { client, rec } = setup();
    rec.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/besu-0 to node-1');
    await rec.flush();
    expect(client.calls).toHaveLength(1);
    const ev = client.calls[0].body as Event;
    expect(ev).toMatchObject({
      kind: 'Event', metadata: { namespace: 'default' }, type: 'Normal', reason: 'Scheduled', count: 1,
      involvedObject: { kind: 'Pod', apiVersion: 'v1', name: 'besu-0', namespace: 'default', uid: 'u1' },
      source: { component: 'default-scheduler', host: 'cp-1' },
      reportingComponent: 'default-scheduler', reportingInstance: 'cp-1',
      firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z',
    });
    expect(ev.metadata.name).toMatch(/^besu-0\.[0-9a-f]+$/);
  });

  it('folds repeats into one Event with a growing count and a moving lastTimestamp', async () => {
    const { client, clock, rec } = setup();
    for (let i = 0; i < 3; i++) {
      rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      clock.advance(10_000);
    }
    await rec.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['create', 'patch', 'patch']);
    const name = client.calls[0].name;
    expect(client.calls.slice(1).every((c) => c.name === name && c.type === 'strategic')).toBe(true);
    expect(client.calls[2].body).toMatchObject({ count: 3, lastTimestamp: '2026-01-01T00:00:20Z' });
  });

  it('keeps different reasons, messages and objects apart', async () => {
    const { client, rec } = setup();
    rec.event(pod, 'Normal', 'Pulled', 'image pulled');
    rec.event(pod, 'Normal', 'Pulled', 'image pulled again');
    rec.event(pod, 'Normal', 'Started', 'image pulled');
    rec.event({ ...pod, metadata: { ...pod.metadata, name: 'besu-1', uid: 'u2' } }, 'Normal', 'Pulled', 'image pulled');
    await rec.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['create', 'create', 'create', 'create']);
    expect(new Set(client.calls.map((c) => c.name)).size).toBe(4);
  });

  it('puts events of cluster-scoped objects in "default"', async () => {
    const { client, rec } = setup();
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'n1' } };
    rec.event(node, 'Normal', 'NodeReady', 'Node node-1 status is now: NodeReady');
    await rec.flush();
    expect(client.calls[0].namespace).toBe('default');
  });

  it('creates a fresh Event carrying the count when the old one has expired', async () => {
    const { client, rec } = setup();
    rec.event(pod, 'Warning', 'BackOff', 'again');
    await rec.flush();
    client.patchNotFound = true;
    rec.event(pod, 'Warning', 'BackOff', 'again');
    await rec.flush();
    expect(client.calls.map((c) => c.verb)).toEqual(['create', 'create']);
    expect((client.calls[1].body as Event).count).toBe(2);
  });

  it('never throws into the caller: failures are logged and dropped', async () => {
    const { client, rec, logs } = setup();
    client.failWith = new Error('apiserver down');
    expect(() => rec.event(pod, 'Normal', 'Scheduled', 'x')).not.toThrow();
    await rec.flush();
    expect(logs.join()).toContain('apiserver down');
    client.failWith = undefined;
    rec.event(pod, 'Normal', 'Scheduled', 'x');
    await rec.flush();
    expect(client.calls).toHaveLength(1);
  });
});
