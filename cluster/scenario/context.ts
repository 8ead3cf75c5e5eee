// The scenario context: the verbs of api.ts, each leaving a line on the timeline
// ==============================================================================
// CONCEPT   `s` in a scenario body. Every verb either reads the cluster (through the apiserver, or
//           a Besu pod's JSON-RPC), acts on it (apply, delete, chaos) or waits for it (until,
//           holds, sleep), and says so on the timeline. Waiting is polling, with deadlines in
//           Kubernetes time (polling.ts); predictions pause for the class (prediction.ts). A
//           failure anywhere becomes a StepFailure naming the step it happened in (step-failure.ts).
// REAL K8S  test/e2e/framework (wait.PollUntilContextTimeout, framework.ExpectNoError); kubectl's
//           create for apply.
// SHIPS     The instructor's hands and eyes during the lesson.
// EXAMPLE   await s.until('node-2 is NotReady', async () => !nodeReady(await s.node('node-2')), '60s')
//           => "[+  4.4 s | k8s   44 s]    ✔ node-2 is NotReady (after 4.4 s, k8s 44 s)"
// SKIPPED   server-side apply: `apply` creates (a scenario starts in a fresh namespace).

import { execFile } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { Event, KubeObject, Node, Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { resourceInfo } from '../../client/resources.ts';
import type { KubeClient } from '../../client/rest.ts';
import type { Chaos } from '../chaos/chaos.ts';
import { parseDuration } from '../chaos/timings.ts';
import type { Check, EventFilter, Prediction, ScenarioContext } from './api.ts';
import { Poller } from './polling.ts';
import { predict } from './prediction.ts';
import { eventTime, explainPlacement, kubectlCacheDir, matchesEvent, postOnce } from './probes.ts';
import { StepFailure } from './step-failure.ts';
import { kubernetesSpan, type Timeline } from './timeline.ts';

export interface ContextOptions {
  ns: string;
  chaos: Chaos;
  timeline: Timeline;
  kubeconfig: string;
  /** Pause at predictions (when stdin is a terminal). @default true */
  pause?: boolean;
  /** Wall-clock ms added to every deadline. @default 15000 */
  slackMs?: number;
  /** Aborted when the run is interrupted (Ctrl-C): every verb then fails at once. @default never */
  signal?: AbortSignal;
  /** Where guesses are read from. @default process.stdin */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export class Context implements ScenarioContext {
  readonly ns: string;
  readonly chaos: Chaos;
  readonly client: KubeClient;
  readonly timeScale: number;
  readonly ships: ScenarioContext['ships'];
  /** The step running now (named in failures). */
  current = '(before the first step)';
  private readonly t: Timeline;
  private readonly poller: Poller;
  private stepCount = 0;

  constructor(private readonly options: ContextOptions) {
    this.ns = options.ns;
    this.chaos = options.chaos;
    this.client = options.chaos.client;
    this.timeScale = options.chaos.timeScale;
    this.ships = options.chaos.harbour.ships.map(({ name, ip, cpu, memory }) => ({ name, ip, cpu, memory }));
    this.t = options.timeline;
    this.poller = new Poller({ timeline: this.t, timeScale: this.timeScale, slackMs: options.slackMs, signal: options.signal, currentStep: () => this.current });
  }

  // ## Narration

  async step<T>(title: string, fn: () => Promise<T> | T): Promise<T> {
    this.poller.checkInterrupted();
    this.current = `${++this.stepCount}. ${title}`;
    this.t.line('\u25b6', `Step ${this.current}`);
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StepFailure) throw err;
      throw new StepFailure(this.current, (err as Error).message);
    }
  }

  say(text: string): void {
    this.t.line(' ', text, 2);
  }

  predict(question: string, choices?: readonly string[]): Promise<Prediction> {
    return predict({ timeline: this.t, pause: this.options.pause, input: this.options.input }, question, choices);
  }

  // ## Acting

  async apply(manifest: string | KubeObject | KubeObject[]): Promise<KubeObject[]> {
    const objects = typeof manifest === 'string'
      ? parseAllDocuments(manifest).map((d) => d.toJSON() as KubeObject).filter(Boolean)
      : Array.isArray(manifest) ? manifest : [manifest];
    const created: KubeObject[] = [];
    for (const obj of objects) {
      const info = resourceInfo(obj.kind!);
      const metadata = { ...obj.metadata, ...(info.namespaced ? { namespace: obj.metadata?.namespace ?? this.ns } : {}) };
      created.push(await this.client.create(obj.kind!, { ...obj, metadata }));
    }
    this.t.line('+', `created ${created.map((o) => `${o.kind!.toLowerCase()}/${o.metadata.name}`).join(', ')}`, 2);
    return created;
  }

  async delete(resource: string, name: string, options: { force?: boolean; namespace?: string } = {}): Promise<void> {
    await this.client.delete(resource, name, { namespace: options.namespace ?? this.ns, ...(options.force ? { gracePeriodSeconds: 0 } : {}) });
    this.t.line('-', `deleted ${resource}/${name}${options.force ? ' (--force --grace-period=0)' : ''}`, 2);
  }

  // ## Waiting

  until<T>(what: string, check: Check<T>, within: string | number): Promise<T> {
    return this.poller.until(what, check, within);
  }

  holds(what: string, check: Check<unknown>, during: string | number): Promise<void> {
    return this.poller.holds(what, check, during);
  }

  assert(ok: unknown, what: string): void {
    if (!ok) throw new StepFailure(this.current, `assertion failed: ${what}`);
    this.t.line('\u2714', what, 2);
  }

  sleep(duration: string | number): Promise<void> {
    return realClock(this.timeScale).sleep(parseDuration(duration));
  }

  mark(): number {
    return Date.now();
  }

  elapsed(since: number): string {
    return kubernetesSpan((Date.now() - since) / 1000 / this.timeScale);
  }

  // ## Reading

  async pods(selector?: string, namespace?: string): Promise<Pod[]> {
    const ns = namespace === '*' ? undefined : namespace ?? this.ns;
    return (await this.client.list('pods', { namespace: ns, ...(selector ? { labelSelector: selector } : {}) })).items;
  }

  pod(name: string, namespace?: string): Promise<Pod> {
    return this.client.get('pods', name, namespace ?? this.ns);
  }

  async nodes(): Promise<Node[]> {
    return (await this.client.list('nodes')).items;
  }

  node(name: string): Promise<Node> {
    return this.client.get('nodes', name);
  }

  async events(filter: EventFilter = {}): Promise<Event[]> {
    return (await this.client.list('events')).items.filter((e) => matchesEvent(e, filter)).sort((a, b) => eventTime(a) - eventTime(b));
  }

  async rpc<T = unknown>(target: Pod | string, method: string, params: unknown[] = []): Promise<T> {
    const url = await this.rpcURL(target);
    const text = await postOnce(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
    const answer = JSON.parse(text) as { result?: T; error?: { message: string } };
    if (answer.error) throw new Error(`${method} on ${url}: ${answer.error.message}`);
    return answer.result as T;
  }

  async blockNumber(target: Pod | string): Promise<number> {
    return Number.parseInt(await this.rpc<string>(target, 'eth_blockNumber'), 16);
  }

  async why(podName: string, namespace?: string): Promise<string> {
    const url = `http://127.0.0.1:${this.chaos.harbour.ports.scheduler}/explanations/${namespace ?? this.ns}/${podName}`;
    return explainPlacement(await (await fetch(url, { signal: AbortSignal.timeout(3000) })).json());
  }

  kubectl(...args: string[]): Promise<string> {
    const env = { ...process.env, KUBECONFIG: this.options.kubeconfig, KUBECACHEDIR: kubectlCacheDir() };
    return new Promise((resolve, reject) => {
      execFile('kubectl', args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      });
    });
  }

  // ## Plumbing

  private async rpcURL(target: Pod | string): Promise<string> {
    if (typeof target === 'string' && /^https?:\/\//.test(target)) return target;
    const pod = typeof target === 'string' ? await this.pod(target) : target;
    if (!pod.status?.podIP) throw new Error(`pod ${pod.metadata.name} has no IP yet`);
    return `http://${pod.status.podIP}:8545`;
  }
}
