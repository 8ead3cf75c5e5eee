// Instructor controls: break things on purpose, through the same doors as everyone else
// =====================================================================================
// CONCEPT   Every button on the page does what a script or a person at a terminal would do, never
//           anything behind the cluster's back:
//             - process chaos (kill, stop, start, restart, pause a component; sink or restore a
//               ship) goes to the launcher's control API, the bell rope the chaos CLI also pulls;
//             - everything else is an ordinary Kubernetes API call: cordon is a patch of
//               spec.unschedulable (kubectl cordon), scale a merge patch of the /scale subresource
//               of an RC, a ReplicaSet or a Deployment (kubectl scale), "apply example" a create-or-patch per manifest document
//               (kubectl apply), and killing a pod is a delete with a 0 s grace period (chaos tools'
//               pod-kill), after which its ReplicaSet or ReplicationController orders a new one;
//             - crashing a container asks the pod's own kubelet to run `kill -9 1` in it
//               (POST /run/..., what `kubectl exec POD -- kill -9 1` does), as the chaos CLI does:
//               the container exits 137 and the kubelet restarts it by the pod's restartPolicy.
//           Each action answers in plain words what it did and what the cluster should do next.
// REAL K8S  kubectl cordon/scale/apply/delete --grace-period=0 (staging/src/k8s.io/kubectl/pkg/cmd);
//           the process side is systemctl or crictl on a real machine.
// SHIPS     The instructor's bell ropes and the harbour master's order forms.
// EXAMPLE   await actions.node('node-2', 'sink')
//             => "sank node-2: killed kubelet/node-2 and kube-proxy/node-2. Its Lease stops ..."
// SKIPPED   Partitions and slow API calls (issue 10's chaos adds them to the launcher first).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/types.ts';
import { ApiError, isAlreadyExists, isNotFound } from '../client/errors.ts';
import { resourceInfo } from '../client/resources.ts';
import type { KubeClient } from '../client/rest.ts';
import type { ComponentEmitter } from './components.ts';

export type ComponentAction = 'start' | 'stop' | 'restart' | 'kill';
export type NodeAction = 'sink' | 'restore' | 'pause' | 'resume' | 'cordon' | 'uncordon';
/** The resources with a /scale subresource the page can scale. */
export type ScalableResource = 'replicationcontrollers' | 'deployments' | 'replicasets';

/** How the dashboard reaches the launcher. Give `url`, or `act`, or both (`act` wins). */
export interface LauncherControl {
  /** The control API's base URL, as in .cluster/launcher.json `control`. @example "http://127.0.0.1:10200" */
  url?: string;
  /** Pushes process states (the launcher's Supervisor fits). Without it, states are read from `url`. */
  components?: ComponentEmitter;
  /** Runs a component action without HTTP (an in-process launcher). */
  act?(name: string, action: ComponentAction, signal?: NodeJS.Signals): Promise<void>;
  /** Crashes a pod's container another way. @default `kill -9 1` through the pod's kubelet */
  crashPod?(namespace: string, name: string): Promise<string | void>;
}

/** An action that could not be done; `code` is the HTTP status the page gets. */
export class ActionError extends Error {
  constructor(readonly code: number, message: string, cause?: unknown) {
    super(message, { cause });
  }
}

export interface InstructorActionsOptions {
  /** The API client; without one, only launcher actions work. */
  client?: KubeClient;
  launcher?: LauncherControl;
  /** Folder of example manifests. */
  examplesDir?: string;
  /** For the "what happens next" sentences. */
  timeScale: number;
  /** Called after every launcher action (to re-read process states). */
  afterLauncherAction?: () => void;
}

/** The instructor's controls; each method answers in plain words or throws an ActionError. */
export class InstructorActions {
  constructor(private readonly o: InstructorActionsOptions) {}

  /** Kills, stops, starts or restarts one component (signal: for kill, SIGKILL by default). */
  async component(name: string, action: ComponentAction, signal?: NodeJS.Signals): Promise<string> {
    await this.launcher(name, action, signal);
    const what = action === 'kill' ? `sent ${signal ?? 'SIGKILL'} to` : `${action === 'stop' ? 'stopped' : `${action}ed`}`;
    const next = action === 'kill' && (signal ?? 'SIGKILL') === 'SIGKILL' && !name.includes('/')
      ? ' The launcher restarts a crashed control-plane component after a back-off.'
      : '';
    return `${what} ${name}.${next}`;
  }

  /** Sinks, restores, pauses or resumes a ship (launcher), or cordons it (API). */
  async node(name: string, action: NodeAction): Promise<string> {
    const s = (k8sSeconds: number) => `${round(k8sSeconds * this.o.timeScale)} s`;
    switch (action) {
      case 'sink':
        await this.launcher(`kubelet/${name}`, 'kill', 'SIGKILL');
        await this.launcher(`kube-proxy/${name}`, 'kill', 'SIGKILL').catch(() => undefined);
        return `sank ${name}: killed its kubelet and kube-proxy. Its Lease is no longer renewed: after the ` +
          `node-monitor-grace-period (40 s, here ${s(40)}) the node office marks it Unknown and taints it unreachable; ` +
          `its pods are evicted when their 300 s toleration runs out (here ${s(300)}).`;
      case 'restore':
        await this.launcher(`kubelet/${name}`, 'start');
        await this.launcher(`kube-proxy/${name}`, 'start').catch(() => undefined);
        return `restored ${name}: its kubelet registers again, posts Ready, and the node office lifts the taints.`;
      case 'pause':
        await this.launcher(`kubelet/${name}`, 'kill', 'SIGSTOP');
        return `paused the kubelet of ${name} (SIGSTOP): its containers keep running, but nobody reports for them.`;
      case 'resume':
        await this.launcher(`kubelet/${name}`, 'kill', 'SIGCONT');
        return `resumed the kubelet of ${name} (SIGCONT).`;
      case 'cordon':
      case 'uncordon':
        await this.api((c) => c.patch('nodes', name, { spec: { unschedulable: action === 'cordon' } }, { type: 'strategic' }));
        return action === 'cordon'
          ? `cordoned ${name} (spec.unschedulable=true): the crane puts no new containers on it; those aboard stay.`
          : `uncordoned ${name}: the crane may load it again.`;
    }
  }

  /** Crashes a pod's first container: `kill -9 1` run in it by its node's kubelet (POST /run/...). */
  async crashPod(namespace: string, name: string): Promise<string> {
    if (this.o.launcher?.crashPod) return (await this.o.launcher.crashPod(namespace, name)) || `crashed ${namespace}/${name}.`;
    const pod = await this.api((c) => c.get('pods', name, namespace));
    if (!pod.spec.nodeName) throw new ActionError(409, `${namespace}/${name} waits on the dock: nothing runs yet to crash`);
    const node = await this.api((c) => c.get('nodes', pod.spec.nodeName!));
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    const container = pod.spec.containers[0]!.name;
    const url = `http://${ip}:${port}/run/${enc(namespace)}/${enc(name)}/${enc(container)}?cmd=${enc('kill -9 1')}`;
    const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch((err: Error) => {
      throw new ActionError(502, `the kubelet of ${pod.spec.nodeName} (${ip}:${port}) did not answer: ${err.message}`);
    });
    if (!res.ok) throw new ActionError(res.status, `the kubelet of ${pod.spec.nodeName} refused: ${(await res.text()).trim()}`);
    const backoff = (s: number) => `${round(s * this.o.timeScale)} s`;
    return `crashed container ${container} of ${namespace}/${name} on ${pod.spec.nodeName} (kill -9 1 through its kubelet): ` +
      `it exits with code 137 and the kubelet starts it again (restartPolicy ${pod.spec.restartPolicy ?? 'Always'}); ` +
      `if it keeps crashing, CrashLoopBackOff waits 10 s, 20 s, 40 s ... (here ${backoff(10)}, ${backoff(20)}, ${backoff(40)}).`;
  }

  /** Kills a pod the way chaos tools' pod-kill does: a delete with a 0 s grace period. */
  async killPod(namespace: string, name: string): Promise<string> {
    await this.api((c) => c.delete('pods', name, { namespace, gracePeriodSeconds: 0 }));
    return `killed ${namespace}/${name} (deleted with a 0 s grace period, like a chaos tool's pod-kill). ` +
      'If a ReplicaSet or ReplicationController owns it, its controller orders a replacement at once.';
  }

  // @doc: dashboard-scale-workload
  // Every workload kind has the same /scale subresource (autoscaling/v1 Scale), which is all
  // `kubectl scale` ever touches. What happens next differs: an RC or a ReplicaSet creates or deletes
  // pods itself; a Deployment hands the new count to its ReplicaSets. A ReplicaSet that belongs to a
  // Deployment can be scaled too - but its Deployment sets the count back at its next sync.
  /** Sets a workload's replicas through its /scale subresource, as kubectl scale does. */
  async scale(namespace: string, name: string, replicas: number, resource: ScalableResource = 'replicationcontrollers'): Promise<string> {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 10_000) throw new ActionError(400, 'replicas must be a whole number from 0 to 10000');
    await this.api((c) => c.patch(resource, name, { spec: { replicas } }, { namespace, subresource: 'scale' }));
    if (resource === 'deployments') {
      return `scaled deploy/${name} to ${replicas}: the deployment controller passes the new count to its ReplicaSets ` +
        '(all of it to the newest, or shared out by size in the middle of a rollout), and they create or delete pods.';
    }
    if (resource === 'replicasets') {
      const rs = await this.api((c) => c.get('replicasets', name, namespace));
      const owner = rs.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
      return `scaled rs/${name} to ${replicas}: the ReplicaSet controller creates or deletes pods until ${replicas} exist.` +
        (owner ? ` But deploy/${owner.name} owns it and sets its count back at its next sync: scale the Deployment instead.` : '');
    }
    return `scaled rc/${name} to ${replicas}: the replication office creates or deletes pods until ${replicas} exist.`;
  }

  /** Manifest files offered by "apply example" (the cluster config is not one). */
  examples(): string[] {
    if (!this.o.examplesDir) return [];
    try {
      return readdirSync(this.o.examplesDir).filter((f) => /\.ya?ml$/.test(f) && this.objectsOf(f).length > 0).sort();
    } catch {
      return [];
    }
  }

  /** Creates every object of an example; one that exists is patched (kubectl apply, roughly). */
  async applyExample(file: string): Promise<string> {
    const done: string[] = [];
    for (const obj of this.objectsOf(this.exampleFile(file))) {
      const { plural } = resourceInfo(obj.kind!);
      try {
        await this.api((c) => c.create(plural, obj));
        done.push(`${plural}/${obj.metadata.name} created`);
      } catch (err) {
        if (!isAlreadyExists((err as ActionError).cause)) throw err;
        await this.api((c) => c.patch(plural, obj.metadata.name!, obj, { namespace: obj.metadata.namespace, type: 'strategic' }));
        done.push(`${plural}/${obj.metadata.name} configured`);
      }
    }
    return `applied ${file}: ${done.join(', ')}.`;
  }

  /** Deletes every object of an example (kubectl delete -f). */
  async deleteExample(file: string): Promise<string> {
    const done: string[] = [];
    for (const obj of this.objectsOf(this.exampleFile(file))) {
      const { plural } = resourceInfo(obj.kind!);
      try {
        await this.api((c) => c.delete(plural, obj.metadata.name!, { namespace: obj.metadata.namespace }));
        done.push(`${plural}/${obj.metadata.name} deleted`);
      } catch (err) {
        if (!isNotFound((err as ActionError).cause)) throw err;
      }
    }
    return done.length ? `deleted ${file}: ${done.join(', ')}.` : `nothing of ${file} was there.`;
  }

  // ## Plumbing

  private exampleFile(file: string): string {
    if (!this.examples().includes(file)) throw new ActionError(404, `no example "${file}"; try one of: ${this.examples().join(', ')}`);
    return file;
  }

  /** The Kubernetes objects in a manifest: documents with apiVersion, kind and a name we can serve. */
  private objectsOf(file: string): KubeObject[] {
    const text = readFileSync(join(this.o.examplesDir ?? '.', file), 'utf8');
    return parseAllDocuments(text)
      .map((d) => d.toJSON() as KubeObject | null)
      .filter((o): o is KubeObject => Boolean(o?.apiVersion && o.kind && o.metadata?.name && knownKind(o.kind)));
  }

  private async launcher(name: string, action: ComponentAction, signal?: NodeJS.Signals): Promise<void> {
    const l = this.o.launcher;
    try {
      if (l?.act) return await l.act(name, action, signal);
      if (!l?.url) throw new ActionError(503, 'no launcher: start the cluster with `npm run cluster` to kill, start or pause processes');
      const query = action === 'kill' && signal ? `?signal=${signal}` : '';
      const res = await fetch(`${l.url}/components/${name}/${action}${query}`, { method: 'POST', signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new ActionError(res.status, ((await res.json().catch(() => ({}))) as { error?: string }).error ?? `launcher answered ${res.status}`);
    } catch (err) {
      throw err instanceof ActionError ? err : new ActionError(409, (err as Error).message);
    } finally {
      this.o.afterLauncherAction?.();
    }
  }

  /** Runs an API call; failures become ActionErrors (with the ApiError as `cause`). */
  private async api<T>(call: (client: KubeClient) => Promise<T>): Promise<T> {
    if (!this.o.client) throw new ActionError(503, 'the dashboard has no API client');
    try {
      return await call(this.o.client);
    } catch (err) {
      throw toActionError(err);
    }
  }
}

function knownKind(kind: string): boolean {
  try {
    return Boolean(resourceInfo(kind));
  } catch {
    return false;
  }
}

function toActionError(err: unknown): ActionError {
  if (err instanceof ActionError) return err;
  if (err instanceof ApiError) return new ActionError(err.code, `${err.reason}: ${err.message}`, err);
  return new ActionError(502, `the apiserver could not be reached: ${(err as Error).message}`, err);
}

const enc = encodeURIComponent;

function round(x: number): string {
  return x >= 10 ? x.toFixed(0) : x.toFixed(1).replace(/\.0$/, '');
}
