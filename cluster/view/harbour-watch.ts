// Watching the harbour: informers plus the supervisor, behind one 'change' event
// ===============================================================================
// CONCEPT   The view never polls. Like any controller, the launcher lists and then watches nodes,
//           pods, events and the kube-system Leases through client/ informers, and hears process
//           states from the supervisor. Each change emits 'change'; the terminal redraws (at most a
//           few times a second) from a fresh snapshot. When the apiserver restarts, the informers
//           resume their watches by themselves.
// REAL K8S  Any client-go program built on a SharedInformerFactory (k9s and the dashboard do this).
// SHIPS     The harbour master's telescope, always pointed at the register, never asking twice.
// EXAMPLE   const w = new HarbourWatch({ kubeconfig, supervisor, timeScale: 0.1 }); w.start();
//           w.on('change', () => draw(w.snapshot()));   w.nodeReady('node-1')  // true
// SKIPPED   metrics (actual usage): the bars show requests, which is what the scheduler packs by.

import { EventEmitter } from 'node:events';
import type { Event, Lease, Node, Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { InformerFactory } from '../../client/informer-factory.ts';
import type { Informer } from '../../client/informer.ts';
import { KubeClient } from '../../client/rest.ts';
import type { Supervisor } from '../supervisor.ts';
import { buildSnapshot, type HarbourSnapshot } from './snapshot.ts';

export interface HarbourWatchOptions {
  kubeconfig: string;
  supervisor: Supervisor;
  /** The cluster's time scale (informer retries and Lease expiry follow it). */
  timeScale: number;
  /** Where informer warnings go (a dropped watch while the apiserver restarts). @default ignore */
  log?: (message: string) => void;
  /** Log lines kept in the snapshot. @default 6 */
  logLines?: number;
}

/** Emits 'change' whenever a watched object or a component's state changes. */
export class HarbourWatch extends EventEmitter {
  readonly nodes: Informer<Node>;
  readonly pods: Informer<Pod>;
  readonly events: Informer<Event>;
  readonly leases: Informer<Lease>;
  private readonly factory: InformerFactory;
  private readonly notes: HarbourSnapshot['log'] = [];
  private readonly onSupervisorChange = () => this.emit('change');

  constructor(private readonly options: HarbourWatchOptions) {
    super();
    const client = KubeClient.fromKubeconfig(options.kubeconfig, { clock: realClock(options.timeScale) });
    this.factory = new InformerFactory(client, { log: options.log ?? (() => {}) });
    this.nodes = this.factory.informer('nodes');
    this.pods = this.factory.informer('pods');
    this.events = this.factory.informer('events');
    this.leases = this.factory.informer('leases', { namespace: 'kube-system' });
    for (const informer of [this.nodes, this.pods, this.events, this.leases] as Informer[]) {
      informer.addEventHandler({
        onAdd: () => this.emit('change'),
        onUpdate: () => this.emit('change'),
        onDelete: () => this.emit('change'),
      });
    }
  }

  start(): void {
    this.factory.start();
    this.options.supervisor.on('change', this.onSupervisorChange);
  }

  stop(): void {
    this.factory.stop();
    this.options.supervisor.off('change', this.onSupervisorChange);
  }

  /**
   * True once the node's Ready condition is True in our cache, and (with `since`) was last
   * heartbeated at or after that wall-clock ms. Heartbeats carry whole seconds, so we allow one.
   */
  nodeReady(name: string, since = 0): boolean {
    const ready = this.nodes.get(name)?.status?.conditions?.find((c) => c.type === 'Ready');
    const beat = Date.parse(ready?.lastHeartbeatTime ?? '') || 0;
    return ready?.status === 'True' && beat >= since - 1000;
  }

  /** Adds a line of the launcher's own to the harbour log ("kube-scheduler went down"). */
  note(text: string, warning = false): void {
    this.notes.push({ time: Date.now(), text, warning });
    if (this.notes.length > 50) this.notes.shift();
    this.emit('change');
  }

  snapshot(): HarbourSnapshot {
    return buildSnapshot({
      nodes: this.nodes.list(), pods: this.pods.list(), events: this.events.list(), leases: this.leases.list(),
      components: this.options.supervisor.list(), launcherLog: this.notes,
      timeScale: this.options.timeScale, now: Date.now(), logLines: this.options.logLines,
    });
  }
}
