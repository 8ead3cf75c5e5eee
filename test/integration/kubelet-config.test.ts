// Pods that read ConfigMaps and Secrets, on a kubelet against a real apiserver and etcd (the test
// binds pods itself, as the scheduler would): a container whose ConfigMap is missing waits in
// CreateContainerConfigError with the real kubelet's message and event, the message follows the
// ConfigMap as it appears without the key, and the container starts once the key is there; its log
// (read through the apiserver, as `kubectl logs` does) shows the values; a Besu pod takes its
// network id from a ConfigMap through envFrom and prints it in its banner.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Container, Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startKubelet, type Kubelet } from '../../kubelet/kubelet.ts';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

const R = 1 + Math.floor(Math.random() * 250);
const NODE = { name: 'ship-cfg', ip: `127.0.246.${R}`, podCIDR: `127.246.${R}.0/24` };
// The pod worker retries a failed sync after 10 s of cluster time: 1 s here.
const clock = realClock(0.1);
let cp: ControlPlane;
let client: KubeClient;
let kubelet: Kubelet;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    last = await fn().catch((e: unknown) => e);
    if (last && !(last instanceof Error)) return last as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function run(name: string, container: Partial<Container>): Promise<void> {
  await client.create('pods', {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', ...container }], terminationGracePeriodSeconds: 2 },
  });
  await client.bind('default', name, NODE.name);
}

const stateOf = async (name: string) => (await client.get('pods', name, 'default') as Pod).status?.containerStatuses?.[0];
async function eventsOf(name: string): Promise<string[]> {
  await Promise.all(kubelet.nodes.map((n) => n.flushEvents()));
  const list = await client.list('events', { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name).map((e) => `${e.type} ${e.reason}: ${e.message}`);
}
/** The container's log through GET pods/NAME/log, the call `kubectl logs` makes. */
const logOf = async (name: string, container = 'app', ns = 'default') => (await fetch(`${cp.url}/api/v1/namespaces/${ns}/pods/${name}/log?container=${container}`)).text();

beforeAll(async () => {
  cp = await startControlPlane({ serviceClusterIPRange: '127.96.19.0/24' });
  client = new KubeClient({ server: cp.url, clock });
  kubelet = await startKubelet({ client, nodes: [NODE], port: 0, log: () => {} });
});
afterAll(async () => {
  await kubelet?.stop();
  await cp?.stop();
});

describe('env from ConfigMaps and Secrets', () => {
  it('waits in CreateContainerConfigError while the ConfigMap or key is missing, then starts', async () => {
    await run('reader', {
      command: ['sh', '-c', 'echo network=$NETWORK password=$PASSWORD; sleep 3600'],
      env: [
        { name: 'NETWORK', valueFrom: { configMapKeyRef: { name: 'besu-config', key: 'network' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'besu-keys', key: 'password', optional: true } } },
      ],
    });
    const waiting = await until('CreateContainerConfigError', async () => {
      const s = await stateOf('reader');
      return s?.state?.waiting?.reason === 'CreateContainerConfigError' && s;
    });
    expect(waiting.state!.waiting!.message).toBe('configmap "besu-config" not found');
    expect(waiting).toMatchObject({ ready: false, restartCount: 0 });
    expect((await client.get('pods', 'reader', 'default')).status?.phase).toBe('Pending');
    expect(await eventsOf('reader')).toContain('Warning Failed: Error: configmap "besu-config" not found');

    // The ConfigMap appears without the key: the next retry says so.
    await client.create('configmaps', { metadata: { name: 'besu-config', namespace: 'default' }, data: { other: 'x' } });
    await until('the missing key message', async () => (await stateOf('reader'))?.state?.waiting?.message === "couldn't find key network in ConfigMap default/besu-config");

    await client.update('configmaps', { ...(await client.get('configmaps', 'besu-config', 'default')), data: { network: 'harbour' } });
    await until('Running', async () => (await stateOf('reader'))?.state?.running);
    // The optional Secret is absent, so PASSWORD is not set at all.
    expect(await until('the log line', async () => (await logOf('reader')).includes('network=') && logOf('reader'))).toBe('network=harbour password=\n');
  });

  it('reads envFrom with a prefix and decodes Secret values', async () => {
    await client.create('secrets', { metadata: { name: 'rpc-auth', namespace: 'default' }, stringData: { user: 'admin' } });
    await run('prefixed', {
      command: ['sh', '-c', 'echo user=$RPC_user network=$network; sleep 3600'],
      envFrom: [{ secretRef: { name: 'rpc-auth' }, prefix: 'RPC_' }, { configMapRef: { name: 'besu-config' } }],
    });
    await until('Running', async () => (await stateOf('prefixed'))?.state?.running);
    expect(await until('the log line', async () => (await logOf('prefixed')).includes('user=') && logOf('prefixed'))).toBe('user=admin network=harbour\n');
  });

  it('gives a Besu container its network id from a ConfigMap through envFrom', async () => {
    await client.create('configmaps', { metadata: { name: 'besu-network', namespace: 'default' }, data: { BESU_NETWORK_ID: '4242' } });
    await run('besu-cfg', { name: 'besu', image: 'hyperledger/besu:24.1', envFrom: [{ configMapRef: { name: 'besu-network' } }] });
    await until('Running', async () => (await stateOf('besu-cfg'))?.state?.running);
    const log = await until('the banner', async () => (await logOf('besu-cfg', 'besu')).includes('Network Id') && logOf('besu-cfg', 'besu'));
    expect(log).toContain('Network Id: 4242');
  });

  it('runs examples/besu-config.yaml, created under strict field validation', async () => {
    // Its own namespace: the first test already made a besu-config in default.
    await client.create('namespaces', { metadata: { name: 'lesson' } });
    const text = readFileSync(join(import.meta.dirname, '../../examples/besu-config.yaml'), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as { kind: string };
      const plural = obj.kind === 'Pod' ? 'pods' : 'configmaps';
      const res = await fetch(`${cp.url}/api/v1/namespaces/lesson/${plural}?fieldValidation=Strict`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(obj),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    await client.bind('lesson', 'besu-configured', NODE.name);
    const log = await until('the banner', async () => (await logOf('besu-configured', 'besu', 'lesson')).includes('Network Id') && logOf('besu-configured', 'besu', 'lesson'));
    expect(log).toContain('Network Id: 2024');
  });
});
