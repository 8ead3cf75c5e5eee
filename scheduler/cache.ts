// The scheduler cache: nodes, the pods on them, and *assumed* pods
// ================================================================
// CONCEPT   Informers tell the scheduler about nodes and bound pods; the cache keeps each node's
//           running totals (NodeInfo). The trick that makes kube-scheduler fast is *assuming*:
//           the moment a pod is given a node, it counts against that node, before the slow bind
//           call to the apiserver returns. The next pod is scheduled against the new totals, so
//           two pods never both take the last free cpu. When the informer later shows the pod
//           bound, the assumption is *confirmed*; if the bind fails, the pod is *forgotten* and
//           its requests are released.
// REAL K8S  pkg/scheduler/backend/cache/cache.go (AssumePod, FinishBinding, ForgetPod, AddPod,
//           UpdateSnapshot) (v1.32: pkg/scheduler/internal/cache/cache.go)
// SHIPS     The crane chalks the container on the ship's tally as soon as it swings, not when the
//           captain signs for it; if the captain refuses it, the chalk is wiped.
// EXAMPLE   cache.assumePod(besu0, "node-2")   // node-2's requested cpu goes up now
//           cache.forgetPod(besu0.uid)         // the bind failed: it goes back down
//           cache.addPod(boundBesu0)           // the informer saw the binding: confirmed
// SKIPPED   image states, PVC ref counts, the node tree's zone interleaving.
//
// Snapshots: Kubernetes copies changed NodeInfos into a separate snapshot at the start of every
// cycle, because informer goroutines keep changing the cache while a cycle runs on another
// thread. Our scheduleOne is synchronous on one JavaScript thread, so nothing can change the cache
// during a cycle: the snapshot shares the cache's NodeInfo objects and only its node *list* is
// rebuilt, when nodes come or go.

import type { Node, Pod } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import type { NodeInfo, PodInfo, Snapshot } from './framework/interfaces.ts';
import { addPodToNode, newNodeInfo, newPodInfo, removePodFromNode, setNode } from './framework/node-info.ts';

interface PodState {
  pod: PodInfo;
  node: string;
  /** True until the informer shows the pod bound. */
  assumed: boolean;
  bindingFinished: boolean;
  /** When an assumed pod whose binding finished expires (ms since epoch); undefined = never. */
  deadline?: number;
}

export interface SchedulerCacheOptions {
  clock?: Clock;
  /**
   * How long after its bind call returns an assumed pod may stay unconfirmed before we drop it.
   * 0 means never, which is Kubernetes' behaviour since v1.26 (the informer always catches up).
   * @default 0
   */
  assumedPodTTLMs?: number;
}

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const uidOf = (p: Pod) => p.metadata.uid ?? `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`;
const byName = (a: NodeInfo, b: NodeInfo) => a.name.localeCompare(b.name, 'en', { numeric: true });

/** Nodes and pods as the scheduler believes them to be. */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private list: NodeInfo[] | null = null;
  private names: string[] = [];
  private antiAffinityList: NodeInfo[] | null = null;

  constructor(private readonly options: SchedulerCacheOptions = {}) {}

  // ## Nodes

  /** AddNode / UpdateNode: a new version of a Node object. */
  addNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const info = this.nodes.get(name);
    if (info) {
      if (info.node === null) this.invalidate();
      setNode(info, node);
    } else {
      this.nodes.set(name, newNodeInfo(name, node));
      this.invalidate();
    }
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  /** RemoveNode: pods still bound to it keep an "imaginary" NodeInfo until they go too. */
  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    if (info.pods.length === 0) this.nodes.delete(name);
    else info.node = null;
    this.invalidate();
  }

  /** The node list changed: the next snapshot rebuilds its lists. */
  private invalidate(): void {
    this.list = null;
    this.antiAffinityList = null;
  }

  // ## Assumed pods

  /**
   * AssumePod: count the pod against `nodeName` now, before it is bound. Returns the assumed
   * PodInfo (its pod carries spec.nodeName). Throws if the pod is already in the cache.
   */
  assumePod(pod: PodInfo, nodeName: string): PodInfo {
    if (this.pods.has(pod.uid)) throw new Error(`pod ${pod.key} (${pod.uid}) is in the cache, so can't be assumed`);
    const assumed: PodInfo = { ...pod, pod: { ...pod.pod, spec: { ...pod.pod.spec, nodeName } } };
    this.place(assumed, nodeName);
    this.pods.set(pod.uid, { pod: assumed, node: nodeName, assumed: true, bindingFinished: false });
    return assumed;
  }

  /** FinishBinding: the bind call returned; start the (optional) expiry clock. */
  finishBinding(uid: string): void {
    const state = this.pods.get(uid);
    if (!state?.assumed) return;
    state.bindingFinished = true;
    const ttl = this.options.assumedPodTTLMs ?? 0;
    if (ttl > 0 && this.options.clock) state.deadline = this.options.clock.now() + ttl * this.options.clock.timeScale; // wall ms
  }

  /** ForgetPod: the bind failed; release what the assumed pod took. */
  forgetPod(uid: string): void {
    const state = this.pods.get(uid);
    if (!state?.assumed) return;
    this.unplace(state);
    this.pods.delete(uid);
  }

  isAssumedPod(uid: string): boolean {
    return this.pods.get(uid)?.assumed === true;
  }

  /** cleanupAssumedPods: drop assumed pods whose binding finished more than the TTL ago. */
  cleanupExpiredAssumedPods(): string[] {
    const now = this.options.clock?.now() ?? 0;
    const expired: string[] = [];
    for (const [uid, s] of this.pods) {
      if (s.assumed && s.bindingFinished && s.deadline !== undefined && s.deadline <= now) {
        this.unplace(s);
        this.pods.delete(uid);
        expired.push(s.pod.key);
      }
    }
    return expired;
  }

  // ## Bound pods, from the informer

  /** AddPod: a pod with spec.nodeName. Confirms it if it was assumed (moving it if the node differs). */
  addPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || isTerminal(pod)) return;
    const uid = uidOf(pod);
    const state = this.pods.get(uid);
    if (state) this.unplace(state);
    const info = newPodInfo(pod);
    this.place(info, nodeName);
    this.pods.set(uid, { pod: info, node: nodeName, assumed: false, bindingFinished: true });
  }

  /** UpdatePod: a new version of a bound pod. A pod that finished releases its node. */
  updatePod(pod: Pod): void {
    if (isTerminal(pod) || !pod.spec?.nodeName) this.removePod(pod);
    else this.addPod(pod);
  }

  /** RemovePod: the pod was deleted (or finished). */
  removePod(pod: Pod): void {
    const uid = uidOf(pod);
    const state = this.pods.get(uid);
    if (!state) return;
    this.unplace(state);
    this.pods.delete(uid);
  }

  private place(pod: PodInfo, nodeName: string): void {
    let info = this.nodes.get(nodeName);
    if (!info) this.nodes.set(nodeName, (info = newNodeInfo(nodeName)));
    addPodToNode(info, pod);
    if (pod.requiredAntiAffinity.length > 0) this.antiAffinityList = null;
  }

  private unplace(state: PodState): void {
    const info = this.nodes.get(state.node);
    if (!info) return;
    removePodFromNode(info, state.pod.uid);
    if (state.pod.requiredAntiAffinity.length > 0) this.antiAffinityList = null;
    if (info.node === null && info.pods.length === 0) this.nodes.delete(state.node);
  }

  // ## Reading

  /** UpdateSnapshot: what a scheduling cycle sees. Cheap: the list is rebuilt only when nodes change. */
  snapshot(): Snapshot {
    if (!this.list) {
      this.list = [...this.nodes.values()].filter((n) => n.node !== null).sort(byName);
      this.names = this.list.map((n) => n.name);
    }
    if (!this.antiAffinityList) this.antiAffinityList = this.list.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
    const nodes = this.nodes;
    return {
      nodeInfos: this.list,
      nodeNames: this.names,
      nodesWithRequiredAntiAffinityPods: this.antiAffinityList,
      get: (name) => {
        const n = nodes.get(name);
        return n?.node ? n : undefined;
      },
    };
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** The node a pod is on or assumed on. */
  nodeOf(uid: string): string | undefined {
    return this.pods.get(uid)?.node;
  }

  get nodeCount(): number {
    return this.snapshot().nodeInfos.length;
  }

  get podCount(): number {
    return this.pods.size;
  }
}
