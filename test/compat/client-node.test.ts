// Compatibility: @kubernetes/client-node lists, watches and runs informers against us
// ===================================================================================
// CONCEPT   The official JavaScript client is generated from Kubernetes' OpenAPI and talks to
//           the apiserver the way client-go does: typed list calls, a line-by-line watch stream,
//           and an informer that lists, then watches from the list's resourceVersion and keeps a
//           cache. If our apiserver speaks the real protocol, it works unmodified - loaded from
//           the same kubeconfig kubectl uses.
// REAL K8S  staging/src/k8s.io/client-go/tools/cache/reflector.go (ListAndWatch), the model that
//           kubernetes-client/javascript's src/cache.ts (ListWatch) and src/watch.ts follow
// SHIPS     A different make of radio on the same frequency: it must hear the same messages.
// EXAMPLE   informer.on('add', pod => ...)  fires for a pod created after start()
// SKIPPED   Exec, attach, port-forward and log streaming (no kubelet in this test).

import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';

let cp: ControlPlane;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  cp = await startControlPlane({ serviceClusterIPRange: '127.96.5.0/24' });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
});

afterAll(async () => {
  await cp?.stop();
});

function pod(name: string, labels: Record<string, string> = { app: 'besu' }): k8s.V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'besu', image: 'hyperledger/besu:24.1' }] },
  };
}

async function createNamespace(name: string): Promise<void> {
  await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

/** Changes a pod's labels with a read-modify-replace, the way a careful controller updates. */
async function relabel(namespace: string, name: string, labels: Record<string, string>): Promise<k8s.V1Pod> {
  const current = await core.readNamespacedPod({ name, namespace });
  current.metadata!.labels = { ...current.metadata!.labels, ...labels };
  return core.replaceNamespacedPod({ name, namespace, body: current });
}

async function until(check: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('@kubernetes/client-node', () => {
  it('lists, reads, creates, replaces, patches and deletes pods with the typed client', async () => {
    await createNamespace('typed');
    const created = await core.createNamespacedPod({ namespace: 'typed', body: pod('one') });
    expect(created.metadata?.uid).toEqual(expect.any(String));
    expect(created.spec?.restartPolicy).toBe('Always');
    expect(created.status?.phase).toBe('Pending');
    // Dates come back parsed, which needs RFC 3339 timestamps.
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);

    await core.createNamespacedPod({ namespace: 'typed', body: pod('two', { app: 'web' }) });
    const list = await core.listNamespacedPod({ namespace: 'typed' });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['one', 'two']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    const selected = await core.listNamespacedPod({ namespace: 'typed', labelSelector: 'app=web' });
    expect(selected.items.map((p) => p.metadata?.name)).toEqual(['two']);

    const replaced = await relabel('typed', 'one', { tier: 'chain' });
    expect(replaced.metadata?.labels).toEqual({ app: 'besu', tier: 'chain' });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));

    const patched = await core.patchNamespacedPod(
      { name: 'one', namespace: 'typed', body: { metadata: { annotations: { note: 'merge-patched' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.annotations).toEqual({ note: 'merge-patched' });

    await core.deleteNamespacedPod({ name: 'one', namespace: 'typed' });
    const after = await core.listNamespacedPod({ namespace: 'typed' });
    expect(after.items.map((p) => p.metadata?.name)).toEqual(['two']);
  });

  it('turns a Status into an ApiException with the code and reason', async () => {
    const missing = await core.readNamespacedPod({ name: 'nobody', namespace: 'default' }).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(k8s.ApiException);
    const err = missing as k8s.ApiException<string>;
    expect(err.code).toBe(404);
    const status = JSON.parse(err.body) as k8s.V1Status;
    expect(status).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "nobody" not found' });

    const invalid = await core.createNamespacedPod({ namespace: 'default', body: { ...pod('empty'), spec: { containers: [] } } }).catch((e: unknown) => e);
    expect((invalid as k8s.ApiException<string>).code).toBe(422);
    expect(JSON.parse((invalid as k8s.ApiException<string>).body).reason).toBe('Invalid');
  });

  it('watch sees creates, updates and deletes in order', async () => {
    await createNamespace('watched');
    const from = (await core.listNamespacedPod({ namespace: 'watched' })).metadata!.resourceVersion!;
    const seen: string[] = [];
    let ended: unknown = 'open';
    const watch = new k8s.Watch(kc);
    const request = await watch.watch(
      '/api/v1/namespaces/watched/pods',
      { resourceVersion: from, allowWatchBookmarks: true },
      (type, obj: k8s.V1Pod) => {
        if (type !== 'BOOKMARK') seen.push(`${type} ${obj.metadata?.name} ${JSON.stringify(obj.metadata?.labels ?? {})}`);
      },
      (err) => (ended = err),
    );
    try {
      await core.createNamespacedPod({ namespace: 'watched', body: pod('w') });
      await relabel('watched', 'w', { step: '2' });
      await core.deleteNamespacedPod({ name: 'w', namespace: 'watched' });
      await until(() => seen.length >= 3, () => JSON.stringify(seen));
      expect(seen).toEqual([
        'ADDED w {"app":"besu"}',
        'MODIFIED w {"app":"besu","step":"2"}',
        'DELETED w {"app":"besu","step":"2"}',
      ]);
      expect(ended).toBe('open');
    } finally {
      request.abort();
    }
  });

  it('an informer lists, then follows creates, updates and deletes, and keeps its cache', async () => {
    await createNamespace('informed');
    await core.createNamespacedPod({ namespace: 'informed', body: pod('early') });

    const path = '/api/v1/namespaces/informed/pods';
    const informer = k8s.makeInformer<k8s.V1Pod>(kc, path, () => core.listNamespacedPod({ namespace: 'informed' }));
    const log: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (p) => log.push(`add ${p.metadata?.name}`));
    informer.on('update', (p) => log.push(`update ${p.metadata?.name} ${p.metadata?.labels?.step ?? ''}`.trim()));
    informer.on('delete', (p) => log.push(`delete ${p.metadata?.name}`));
    informer.on('error', (err) => errors.push(err));
    await informer.start();
    try {
      // The initial list arrives as adds.
      await until(() => log.includes('add early'), () => JSON.stringify(log));
      expect(informer.list().map((p) => p.metadata?.name)).toEqual(['early']);

      await core.createNamespacedPod({ namespace: 'informed', body: pod('late') });
      await until(() => log.includes('add late'), () => JSON.stringify(log));
      await relabel('informed', 'late', { step: 'moved' });
      await until(() => log.includes('update late moved'), () => JSON.stringify(log));
      expect(informer.get('late', 'informed')?.metadata?.labels?.step).toBe('moved');

      await core.deleteNamespacedPod({ name: 'early', namespace: 'informed' });
      await until(() => log.includes('delete early'), () => JSON.stringify(log));
      expect(informer.list().map((p) => p.metadata?.name)).toEqual(['late']);
      expect(log).toEqual(['add early', 'add late', 'update late moved', 'delete early']);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('an informer with a label selector sees a pod leave its selection as a delete', async () => {
    await createNamespace('selected');
    const informer = k8s.makeInformer<k8s.V1Pod>(
      kc,
      '/api/v1/namespaces/selected/pods',
      () => core.listNamespacedPod({ namespace: 'selected', labelSelector: 'app=besu' }),
      'app=besu',
    );
    const log: string[] = [];
    informer.on('add', (p) => log.push(`add ${p.metadata?.name}`));
    informer.on('update', (p) => log.push(`update ${p.metadata?.name}`));
    informer.on('delete', (p) => log.push(`delete ${p.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedPod({ namespace: 'selected', body: pod('member') });
      await core.createNamespacedPod({ namespace: 'selected', body: pod('outsider', { app: 'web' }) });
      await until(() => log.includes('add member'), () => JSON.stringify(log));
      await relabel('selected', 'member', { app: 'web' });
      await until(() => log.includes('delete member'), () => JSON.stringify(log));
      expect(log).toEqual(['add member', 'delete member']);
      expect(informer.list()).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
