// Instructor controls: each goes through the launcher's control API or the Kubernetes API, and
// answers in plain words. A fake client records the API calls; a fake launcher records the rest.
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../client/errors.ts';
import type { KubeClient } from '../../client/rest.ts';
import { ActionError, InstructorActions, type ComponentAction } from '../../dashboard/actions.ts';

function fakeClient(existing = new Set<string>()) {
  const calls: unknown[][] = [];
  const client = {
    calls,
    async create(resource: string, obj: { metadata: { name: string } }) {
      calls.push(['create', resource, obj.metadata.name]);
      if (existing.has(obj.metadata.name)) throw new ApiError({ code: 409, reason: 'AlreadyExists', message: 'exists', status: 'Failure' } as never);
      return obj;
    },
    async patch(resource: string, name: string, patch: unknown, options: unknown) {
      calls.push(['patch', resource, name, patch, options]);
      return {};
    },
    async delete(resource: string, name: string, options: unknown) {
      calls.push(['delete', resource, name, options]);
      return {};
    },
  };
  return client as typeof client & KubeClient;
}

function recordingLauncher() {
  const acts: [string, ComponentAction, string | undefined][] = [];
  return { acts, act: async (name: string, action: ComponentAction, signal?: string) => void acts.push([name, action, signal]) };
}

describe('process chaos through the launcher', () => {
  it('sinks a ship by killing its kubelet and kube-proxy, and says what happens next in scaled time', async () => {
    const launcher = recordingLauncher();
    const actions = new InstructorActions({ client: fakeClient(), launcher, timeScale: 0.1 });
    const said = await actions.node('node-2', 'sink');
    expect(launcher.acts).toEqual([['kubelet/node-2', 'kill', 'SIGKILL'], ['kube-proxy/node-2', 'kill', 'SIGKILL']]);
    expect(said).toMatch(/40 s, here 4 s/);
    expect(said).toMatch(/300 s toleration runs out \(here 30 s\)/);
  });

  it('pauses and resumes a kubelet with SIGSTOP and SIGCONT', async () => {
    const launcher = recordingLauncher();
    const actions = new InstructorActions({ launcher, timeScale: 1 });
    await actions.node('node-1', 'pause');
    await actions.node('node-1', 'resume');
    expect(launcher.acts).toEqual([['kubelet/node-1', 'kill', 'SIGSTOP'], ['kubelet/node-1', 'kill', 'SIGCONT']]);
  });

  describe('over the control API', () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/components/etcd/')) return res.writeHead(409, { 'content-type': 'application/json' }).end('{"error":"etcd is not running"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const url = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('POSTs /components/<name>/<action>, the signal as a query, and passes the launcher\'s refusal on', async () => {
      let refreshed = 0;
      const actions = new InstructorActions({ launcher: { url: await url }, timeScale: 1, afterLauncherAction: () => refreshed++ });
      expect(await actions.component('kubelet/node-1', 'kill', 'SIGSTOP')).toBe('sent SIGSTOP to kubelet/node-1.');
      expect(await actions.component('kube-scheduler', 'restart')).toBe('restarted kube-scheduler.');
      await expect(actions.component('etcd', 'stop')).rejects.toMatchObject({ code: 409, message: 'etcd is not running' });
      expect(seen).toEqual(['POST /components/kubelet/node-1/kill?signal=SIGSTOP', 'POST /components/kube-scheduler/restart', 'POST /components/etcd/stop']);
      expect(refreshed).toBe(3);
    });
  });

  it('answers 503 when there is no launcher to ask', async () => {
    const actions = new InstructorActions({ client: fakeClient(), timeScale: 1 });
    await expect(actions.node('node-1', 'sink')).rejects.toMatchObject({ code: 503 });
  });
});

describe('everything else through the Kubernetes API', () => {
  it('cordons with a strategic merge patch of spec.unschedulable, as kubectl cordon does', async () => {
    const client = fakeClient();
    await new InstructorActions({ client, timeScale: 1 }).node('node-1', 'cordon');
    expect(client.calls).toEqual([['patch', 'nodes', 'node-1', { spec: { unschedulable: true } }, { type: 'strategic' }]]);
  });

  it('kills a pod by deleting it with a 0 s grace period, as chaos tools\' pod-kill does', async () => {
    const client = fakeClient();
    expect(await new InstructorActions({ client, timeScale: 1 }).killPod('default', 'besu-0')).toMatch(/grace period/);
    expect(client.calls).toEqual([['delete', 'pods', 'besu-0', { namespace: 'default', gracePeriodSeconds: 0 }]]);
  });

  it('crashes a container by asking its node\'s kubelet to run kill -9 1 in it', async () => {
    const runs: string[] = [];
    const kubelet = http.createServer((req, res) => {
      runs.push(`${req.method} ${req.url}`);
      res.writeHead(200).end();
    });
    const port = await new Promise<number>((resolve) => kubelet.listen(0, '127.0.0.1', () => resolve((kubelet.address() as { port: number }).port)));
    const client = Object.assign(fakeClient(), {
      async get(resource: string) {
        return resource === 'pods'
          ? { metadata: { name: 'besu-0', namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'besu', image: 'x' }] } }
          : { metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } };
      },
    }) as unknown as KubeClient;
    const said = await new InstructorActions({ client, timeScale: 0.1 }).crashPod('default', 'besu-0');
    kubelet.close();
    expect(runs).toEqual(['POST /run/default/besu-0/besu?cmd=kill%20-9%201']);
    expect(said).toMatch(/exits with code 137/);
    expect(said).toMatch(/here 1 s, 2 s, 4 s/);
  });

  it('lets the launcher crash containers its own way', async () => {
    const crashed: string[] = [];
    const launcher = { crashPod: async (ns: string, name: string) => void crashed.push(`${ns}/${name}`) };
    await new InstructorActions({ client: fakeClient(), launcher, timeScale: 1 }).crashPod('default', 'besu-1');
    expect(crashed).toEqual(['default/besu-1']);
  });

  it('scales an RC through its /scale subresource, and refuses nonsense', async () => {
    const client = fakeClient();
    const actions = new InstructorActions({ client, timeScale: 1 });
    await actions.scale('default', 'besu-rpc', 4);
    expect(client.calls).toEqual([['patch', 'replicationcontrollers', 'besu-rpc', { spec: { replicas: 4 } }, { namespace: 'default', subresource: 'scale' }]]);
    await expect(actions.scale('default', 'besu-rpc', -1)).rejects.toBeInstanceOf(ActionError);
  });

  it('applies an example: creates each object, patches those that exist, and lists only Kubernetes manifests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dash-examples-'));
    writeFileSync(join(dir, 'app.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: x}]}\n---\n' +
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n');
    writeFileSync(join(dir, 'cluster.yaml'), 'apiVersion: harbour.dev/v1alpha1\nkind: Cluster\nships: []\n');
    const client = fakeClient(new Set(['s']));
    const actions = new InstructorActions({ client, examplesDir: dir, timeScale: 1 });
    expect(actions.examples()).toEqual(['app.yaml']);
    expect(await actions.applyExample('app.yaml')).toBe('applied app.yaml: pods/a created, services/s configured.');
    expect(client.calls.map((c) => c.slice(0, 3))).toEqual([['create', 'pods', 'a'], ['create', 'services', 's'], ['patch', 'services', 's']]);
    await expect(actions.applyExample('cluster.yaml')).rejects.toMatchObject({ code: 404 });
  });
});
