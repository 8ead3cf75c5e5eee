// The harbour model: informers in, views and batches out
// ======================================================
// CONCEPT   The dashboard is a controller that never writes: it lists and watches pods, nodes,
//           services, endpoints, workloads (replication controllers, deployments, replica sets),
//           events and leases through informers
//           (sources.ts), and keeps one *view* per object (views.ts). Informer handlers only note
//           what changed (the sample-controller rule: handlers enqueue, they do not work); a flush
//           every ~100 ms does the work - recomputes the ships whose pods moved, once each however
//           many pods moved - and emits one `batch` for every connected page. A flood of watch
//           events thus costs the page one update per flush, not one per event (pending-changes.ts).
//           Every watch event is also an etcd write, which goes to the records office (records.ts).
// REAL K8S  client-go/tools/cache (informers, ResourceEventHandler); the batching is the workqueue's
//           de-duplication of keys (client-go/util/workqueue: a key queued twice is processed once).
// SHIPS     The harbour master's clerk: reads every radio message, updates the big board in rounds.
// EXAMPLE   const model = new HarbourModel(sources, { clock }); model.on('batch', (b) => send(b));
//           model.start(); model.hello()  // everything, for a page that just connected
// SKIPPED   Namespaces (all are shown together); StatefulSets, DaemonSets, Jobs (not served).

import { EventEmitter } from 'node:events';
import type { KubeObject, Lease } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import { objectKey } from '../client/resources.ts';
import { componentViews, type ComponentSource } from './components.ts';
import { PendingChanges } from './pending-changes.ts';
import type { ApiState, BatchMessage, Change, ComponentView, EventView, HelloMessage, NodeView, PodView, ServiceView, WorkloadView } from './protocol.ts';
import { WriteLog } from './records.ts';
import { hookSource, type HarbourSources, type Source } from './sources.ts';
import { eventView, leaderOf, nodeView, podView, serviceView } from './views.ts';
import { workloadView, type WorkloadChange } from './workloads.ts';

export interface HarbourModelOptions {
  /** Leader expiry and lease ages follow its time scale. */
  clock: Clock;
  /** Process states from the launcher; without it, states are inferred from Leases. */
  components?: ComponentSource;
  /** Whether launcher actions are available (shown to the page). @default false */
  launcher?: boolean;
  /** Manifest file names offered by "apply example". @default [] */
  examples?: string[];
  /** Wall ms between batches. @default 100 */
  pushIntervalMs?: number;
  /** Events kept for a page that connects. @default 200 */
  eventsKept?: number;
}

/** Emits 'batch' (BatchMessage) after each flush that found changes. */
export class HarbourModel extends EventEmitter {
  readonly pods = new Map<string, PodView>();
  readonly nodes = new Map<string, NodeView>();
  readonly services = new Map<string, ServiceView>();
  readonly rcs = new Map<string, WorkloadView>();
  readonly deployments = new Map<string, WorkloadView>();
  readonly replicasets = new Map<string, WorkloadView>();
  readonly events = new Map<string, EventView>();
  readonly writes = new WriteLog();
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly nodeLeases = new Map<string, string>();
  private readonly failedScheduling = new Map<string, { time: number; message: string }>();
  private components: ComponentView[] = [];
  private api: ApiState = 'connected';
  private readonly pending = new PendingChanges();
  private readonly dirtyNodes = new Set<string>();
  private readonly unhook: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(readonly sources: HarbourSources, private readonly options: HarbourModelOptions) {
    super();
  }

  // ## Life cycle

  /** Hooks the handlers (which replay the caches as adds) and starts flushing. */
  start(): void {
    // Workloads first: a pod's view names the Deployment above its ReplicaSet.
    this.hook('replicationcontrollers', this.sources.replicationcontrollers, (rc) => this.workloadChanged('rc', objectKey(rc)));
    this.hook('deployments', this.sources.deployments, (d) => this.workloadChanged('deploy', objectKey(d)));
    this.hook('replicasets', this.sources.replicasets, (rs) => this.workloadChanged('rs', objectKey(rs)));
    this.hook('pods', this.sources.pods, (p) => this.podChanged(objectKey(p)));
    this.hook('nodes', this.sources.nodes, (n) => this.dirtyNodes.add(n.metadata.name ?? ''));
    this.hook('services', this.sources.services, (s) => this.serviceChanged(objectKey(s)));
    this.hook('endpoints', this.sources.endpoints, (e) => this.serviceChanged(objectKey(e)));
    this.hook('events', this.sources.events, (e) => this.eventChanged(objectKey(e)));
    this.hook('leases', this.sources.leases, (l) => this.leaseChanged(l));
    if (this.options.components) this.unhook.push(this.options.components.subscribe(() => this.refreshComponents()));
    this.refreshComponents();
    this.flush(false);
    // These timers pace the display, they are no Kubernetes timing: plain wall-clock intervals.
    this.timers.push(setInterval(() => this.flush(), this.options.pushIntervalMs ?? 100));
    // Leases expire by the passing of time, with no watch event to tell us: look once a second.
    this.timers.push(setInterval(() => this.refreshComponents(), 1000));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const u of this.unhook.splice(0)) u();
  }

  /** The informers could not reach the apiserver ("retrying"), or could again ("connected"). */
  setApiState(state: ApiState): void {
    if (state === this.api) return;
    this.api = state;
    this.pending.set('api', { t: 'api', v: state });
    this.refreshComponents();
  }

  /** Everything, for a page that just connected. */
  hello(): HelloMessage {
    const events = [...this.events.values()].sort((a, b) => a.time - b.time).slice(-(this.options.eventsKept ?? 200));
    return {
      type: 'hello', now: Date.now(), timeScale: this.options.clock.timeScale, launcher: this.options.launcher ?? false,
      api: this.api, examples: this.options.examples ?? [],
      nodes: [...this.nodes.values()], pods: [...this.pods.values()], services: [...this.services.values()], rcs: [...this.rcs.values()],
      deployments: [...this.deployments.values()], replicasets: [...this.replicasets.values()],
      components: this.components, leases: Object.fromEntries(this.nodeLeases), writes: this.writes.list(), events,
    };
  }

  // ## Handlers: note the change, mark what to recompute, nothing more

  private hook<T extends KubeObject>(resource: string, source: Source<T>, changed: (obj: T) => void): void {
    this.unhook.push(hookSource(source, changed, (obj, op) => {
      this.setApiState('connected');
      const w = this.writes.record(resource, obj, op, Date.now());
      if (w) this.pending.write({ t: 'write', v: w });
    }));
  }

  // Each handler re-reads the object from the cache: absent there means deleted.
  private podChanged(key: string): void {
    const pod = this.sources.pods.get(key);
    const old = this.pods.get(key);
    if (old?.node) {
      this.podsByNode.get(old.node)?.delete(key);
      this.dirtyNodes.add(old.node);
    }
    if (!pod) {
      this.pods.delete(key);
      this.pending.set(`pod:${key}`, { t: 'pod', key });
      return;
    }
    const view = podView(pod, { failedScheduling: this.failedScheduling.get(key)?.message, schedulerUp: this.schedulerUp(), replicaSets: this.sources.replicasets });
    this.pods.set(key, view);
    if (view.node) {
      let set = this.podsByNode.get(view.node);
      if (!set) this.podsByNode.set(view.node, (set = new Set()));
      set.add(key);
      this.dirtyNodes.add(view.node);
    }
    this.pending.set(`pod:${key}`, { t: 'pod', key, v: view });
  }

  private serviceChanged(key: string): void {
    const svc = this.sources.services.get(key);
    if (!svc) {
      if (this.services.delete(key)) this.pending.set(`service:${key}`, { t: 'service', key });
      return;
    }
    const view = serviceView(svc, this.sources.endpoints.get(key));
    this.services.set(key, view);
    this.pending.set(`service:${key}`, { t: 'service', key, v: view });
  }

  private workloadChanged(t: WorkloadChange, key: string): void {
    const map = t === 'rc' ? this.rcs : t === 'deploy' ? this.deployments : this.replicasets;
    const old = map.get(key);
    const view = workloadView(t, key, this.sources);
    if (view) map.set(key, view);
    else map.delete(key);
    this.pending.set(`${t}:${key}`, { t, key, v: view } as Change);
    // A ReplicaSet that gained or lost its Deployment (created, adopted, orphaned, deleted) changes
    // the workload its pods show. Rare, so a walk over the pods is fine.
    if (t === 'rs' && old?.deployment !== view?.deployment) {
      const [ns, name] = key.split('/');
      for (const p of [...this.pods.values()]) if (p.namespace === ns && p.owner?.kind === 'ReplicaSet' && p.owner.name === name) this.podChanged(p.key);
    }
  }

  private eventChanged(key: string): void {
    const e = this.sources.events.get(key);
    if (!e) {
      this.events.delete(key);
      this.pending.set(`event:${key}`, { t: 'event', key });
      return;
    }
    const view = eventView(e);
    this.events.set(key, view);
    this.pending.set(`event:${key}`, { t: 'event', key, v: view });
    this.trimEvents();
    // A FailedScheduling Event is the dock's reason for its pod, if the pod has no condition yet.
    const o = e.involvedObject;
    if (e.reason === 'FailedScheduling' && o?.kind === 'Pod' && e.message) {
      const podKey = `${o.namespace ?? 'default'}/${o.name ?? ''}`;
      const last = this.failedScheduling.get(podKey);
      if (!last || last.time <= view.time) this.failedScheduling.set(podKey, { time: view.time, message: e.message });
      if (this.pods.get(podKey)?.reason !== undefined) this.podChanged(podKey);
    }
  }

  private leaseChanged(lease: Lease): void {
    const { namespace, name = '' } = lease.metadata;
    if (namespace === 'kube-node-lease') {
      const now = this.sources.leases.get(`${namespace}/${name}`)?.spec.renewTime;
      if (now) this.nodeLeases.set(name, now);
      else this.nodeLeases.delete(name);
      this.pending.set(`lease:${name}`, { t: 'lease', key: name, v: now });
    } else if (namespace === 'kube-system') this.refreshComponents();
  }

  /** Keeps the newest events: a busy harbour writes thousands. */
  private trimEvents(): void {
    const keep = (this.options.eventsKept ?? 200) * 2;
    if (this.events.size <= keep * 1.5) return;
    const oldest = [...this.events.values()].sort((a, b) => a.time - b.time).slice(0, this.events.size - keep);
    for (const e of oldest) this.events.delete(e.key);
  }

  // ## Components and leaders

  private schedulerUp(): boolean {
    const s = this.components.find((c) => c.name === 'kube-scheduler');
    return !s || s.state === 'running' || s.state === 'unknown';
  }

  private refreshComponents(): void {
    const now = this.options.clock.now();
    const lease = (name: string) => this.sources.leases.get(`kube-system/${name}`);
    const leaders = {
      'kube-scheduler': leaderOf(lease('kube-scheduler'), now, this.options.clock.timeScale),
      'kube-controller-manager': leaderOf(lease('kube-controller-manager'), now, this.options.clock.timeScale),
    };
    const next = componentViews(this.options.components?.list(), leaders, this.api);
    if (JSON.stringify(next) === JSON.stringify(this.components)) return;
    const wasUp = this.schedulerUp();
    this.components = next;
    this.pending.set('components', { t: 'components', v: next });
    // The dock's words depend on whether a crane works at all.
    if (wasUp !== this.schedulerUp()) for (const [key, p] of this.pods) if (!p.node) this.podChanged(key);
  }

  // ## The flush: recompute what is dirty, send one batch

  /** Recomputes dirty ships and emits the batch (when `emit`). Tests call it to skip the timer. */
  flush(emit = true): void {
    for (const name of this.dirtyNodes) {
      const node = this.sources.nodes.get(name);
      if (!node) {
        if (this.nodes.delete(name)) this.pending.set(`node:${name}`, { t: 'node', key: name });
        continue;
      }
      const pods = [...(this.podsByNode.get(name) ?? [])].map((k) => this.pods.get(k)!).filter(Boolean);
      const view = nodeView(node, pods);
      const old = this.nodes.get(name);
      this.nodes.set(name, view);
      if (!old || JSON.stringify(old) !== JSON.stringify(view)) this.pending.set(`node:${name}`, { t: 'node', key: name, v: view });
    }
    this.dirtyNodes.clear();
    const changes = this.pending.take();
    if (changes.length === 0) return;
    const batch: BatchMessage = { type: 'batch', now: Date.now(), changes };
    if (emit) this.emit('batch', batch);
  }
}
