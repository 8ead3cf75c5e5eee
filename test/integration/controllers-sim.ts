// Test helper: simulated kubelets and a simple scheduler for the controllers' tests
// =================================================================================
// CONCEPT   A stand-in for the kubelets and the scheduler, so the controllers can be tested against
//           a real apiserver without the real ones. Each simulated kubelet registers its Node,
//           renews its Lease in kube-node-lease every 10 s (scaled), runs the pods bound to it
//           (status Running + Ready, an IP from its podCIDR) and finishes graceful deletions.
//           kill() stops all of that at once, as a crashed kubelet would; revive() brings it back.
//           The "scheduler" binds each unscheduled pod to the Ready, untainted node with the fewest pods.
// REAL K8S  test/integration/util and kubemark's hollow nodes (cmd/kubemark) play this role
// SHIPS     Cardboard ships and a hand crane, for drilling the offices.
// EXAMPLE   const sim = new SimCluster(client, clock); await sim.start(['node-1', 'node-2'])
// SKIPPED   Containers, probes, images: every pod is Ready at once.
import { produce } from 'immer';
import type { Lease, Node, Pod } from '../../api/types.ts';
import type { Clock } from '../../client/clock.ts';
import { isNotFound } from '../../client/errors.ts';
import { Informer } from '../../client/informer.ts';
import { microTime } from '../../client/leader-election.ts';
import type { KubeClient } from '../../client/rest.ts';
import { objectKey } from '../../client/resources.ts';

const ready = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export class SimCluster {
  readonly pods: Informer<Pod>;
  readonly nodes: Informer<Node>;
  readonly kubelets = new Map<string, SimKubelet>();
  private timer?: { cancel(): void };
  private readonly assumed = new Map<string, string>();

  constructor(readonly client: KubeClient, readonly clock: Clock) {
    this.pods = new Informer<Pod>(client, 'pods', { clock, log: () => {} });
    this.nodes = new Informer<Node>(client, 'nodes', { clock, log: () => {} });
    this.pods.addEventHandler({ onAdd: (p) => this.react(p), onUpdate: (_o, p) => this.react(p) });
  }

  async start(nodeNames: string[]): Promise<void> {
    this.pods.start();
    this.nodes.start();
    await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
    for (const [i, name] of nodeNames.entries()) {
      const k = new SimKubelet(this, name, i + 1);
      this.kubelets.set(name, k);
      await k.register();
    }
    // Both "components" also look at everything now and then, in case an event found them busy.
    this.timer = this.clock.setInterval(() => this.pods.list().forEach((p) => this.react(p)), 2_000);
  }

  stop(): void {
    this.timer?.cancel();
    for (const k of this.kubelets.values()) k.kill();
    this.pods.stop();
    this.nodes.stop();
  }

  private react(pod: Pod): void {
    if (!pod.spec.nodeName) return void this.schedule(pod);
    void this.kubelets.get(pod.spec.nodeName)?.syncPod(pod);
  }

  // @doc: sim-scheduler
  private async schedule(pod: Pod): Promise<void> {
    if (pod.metadata.deletionTimestamp) return;
    const candidates = this.nodes.list().filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !(n.spec?.taints ?? []).some((t) => t.effect !== 'PreferNoSchedule'));
    const key = objectKey(pod);
    if (this.assumed.has(key)) return;
    // Like kube-scheduler we "assume" a pod on its node at once, so the next decision counts it
    // even before the binding comes back through the watch.
    for (const [k] of this.assumed) if (this.pods.get(k)?.spec.nodeName || !this.pods.get(k)) this.assumed.delete(k);
    const load = (n: Node) => this.pods.byIndex('nodeName', n.metadata.name!).filter((p) => !p.metadata.deletionTimestamp).length
      + [...this.assumed.values()].filter((v) => v === n.metadata.name).length;
    const best = candidates.sort((a, b) => load(a) - load(b) || a.metadata.name!.localeCompare(b.metadata.name!))[0];
    if (!best) return;
    this.assumed.set(key, best.metadata.name!);
    try {
      await this.client.bind(pod.metadata.namespace!, pod.metadata.name!, best.metadata.name!);
    } catch {
      this.assumed.delete(key); // already bound, or gone: the next event or sweep sorts it out
    }
  }
}

export class SimKubelet {
  alive = false;
  private timer?: { cancel(): void };
  private ipCounter = 1;
  private readonly ips = new Map<string, string>();
  private readonly busy = new Set<string>();
  /** Pods this kubelet reports not ready (a failing readiness probe). */
  readonly unready = new Set<string>();

  constructor(private readonly sim: SimCluster, readonly name: string, private readonly index: number) {}

  async register(): Promise<void> {
    const c = this.sim.client;
    await c.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: this.name, labels: { 'kubernetes.io/hostname': this.name } }, spec: {} });
    // The node-ipam controller may write the node meanwhile: post status on a fresh copy until it sticks.
    for (let attempt = 0; ; attempt++) {
      const node = await c.get('nodes', this.name);
      try {
        await c.updateStatus('nodes', { ...node, status: { ...this.nodeStatus(), addresses: [{ type: 'InternalIP', address: `127.0.10.${this.index}` }] } });
        break;
      } catch (e) {
        if (attempt > 5) throw e;
      }
    }
    await c.create('leases', { metadata: { name: this.name, namespace: 'kube-node-lease' }, spec: { holderIdentity: this.name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) } });
    this.revive();
  }

  /** The kubelet process dies: no more lease renewals, status posts or pod work. */
  kill(): void {
    this.alive = false;
    this.timer?.cancel();
  }

  /** The kubelet starts again: renews at once, then every 10 s (scaled). */
  revive(): void {
    this.alive = true;
    void this.heartbeat();
    this.timer = this.sim.clock.setInterval(() => void this.heartbeat(), 10_000);
  }

  /** Makes a pod's readiness probe fail (false) or pass (true) again. */
  async setReady(pod: Pod, value: boolean): Promise<void> {
    if (value) this.unready.delete(objectKey(pod));
    else this.unready.add(objectKey(pod));
    await this.syncPod(this.sim.pods.get(objectKey(pod)) ?? pod);
  }

  private nodeStatus() {
    const now = new Date().toISOString();
    return { conditions: [{ type: 'Ready', status: 'True' as const, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] };
  }

  // Renew the lease; post Ready again if someone (the node controller) says otherwise; resync pods.
  private async heartbeat(): Promise<void> {
    if (!this.alive) return;
    const c = this.sim.client;
    try {
      const lease = await c.get('leases', this.name, 'kube-node-lease');
      await c.update('leases', { ...lease, spec: { ...lease.spec, renewTime: microTime(Date.now()) } } as Lease);
      const node = await c.get('nodes', this.name);
      if (!node.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) {
        await c.updateStatus('nodes', { ...node, status: { ...node.status, ...this.nodeStatus() } });
      }
    } catch {
      // a conflict or a restart of the apiserver: next beat
    }
    for (const pod of this.sim.pods.byIndex('nodeName', this.name)) void this.syncPod(pod);
  }

  // @doc: sim-kubelet-sync-pod
  async syncPod(pod: Pod): Promise<void> {
    const key = objectKey(pod);
    if (!this.alive || pod.spec.nodeName !== this.name || this.busy.has(key)) return;
    this.busy.add(key);
    try {
      if (pod.metadata.deletionTimestamp) {
        await this.sim.client.delete('pods', pod.metadata.name!, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
        return;
      }
      const cidr = this.sim.nodes.get(this.name)?.spec?.podCIDR;
      const want = !this.unready.has(key);
      if (!cidr || (pod.status?.phase === 'Running' && ready(pod) === want && pod.status.podIP)) return;
      const ip = this.ips.get(key) ?? cidr.replace(/\.0\/24$/, `.${++this.ipCounter}`);
      this.ips.set(key, ip);
      const now = new Date().toISOString();
      await this.sim.client.updateStatus('pods', produce(pod, (d) => {
        d.status = {
          ...d.status, phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: `127.0.10.${this.index}`, startTime: d.status?.startTime ?? now,
          conditions: [{ type: 'Ready', status: want ? 'True' : 'False', lastTransitionTime: now }],
          containerStatuses: d.spec.containers.map((c) => ({ name: c.name, image: c.image, ready: want, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
        };
      }));
    } catch (e) {
      if (!isNotFound(e)) {
        // a conflict: the informer brings the newer pod and we try again
      }
    } finally {
      this.busy.delete(key);
    }
  }
}
