// The scheduling framework: extension points and their contracts
// ==============================================================
// CONCEPT   kube-scheduler is a pipeline with named holes in it. For each pending pod it runs
//           PreFilter once, Filter on every node ("can the pod go here at all?"), PostFilter if no
//           node passed (preemption), Score on every node that passed ("how good is it?"),
//           NormalizeScore per plugin, multiplies by the profile's weights, picks the highest total,
//           and finally Bind writes the decision to the apiserver. Every scheduling policy is a
//           *plugin* that fills one or more holes. This file holds the contracts; each policy is its
//           own small file under plugins/.
// REAL K8S  pkg/scheduler/framework/interface.go (Status, Code, the *Plugin interfaces),
//           pkg/scheduler/framework/types.go (NodeInfo, PodInfo, Resource, FitError),
//           pkg/scheduler/framework/cycle_state.go (v1.32)
// SHIPS     The crane's checklist: first strike out every ship the container cannot go on, then
//           rank the rest, then load it.
// EXAMPLE   filter(state, pod, node-1) -> Status(Unschedulable, "Insufficient cpu")
//           score(state, pod, node-2)  -> 87
// SKIPPED   QueueSort (fixed: priority, then time queued, in queue.ts), Reserve, Permit, PreBind,
//           PostBind, PreEnqueue, extenders, queueing hints, parallel filtering.
//
// Before the framework (v1.15-1.18) Filter plugins were called *predicates* and Score plugins
// *priorities*; messages and old docs still use those words.

import type { Node, Pod, PodAffinityTerm, Taint, Toleration } from '../../api/types.ts';

/** The highest score a Score plugin may return after NormalizeScore. framework.MaxNodeScore. */
export const MAX_NODE_SCORE = 100;
/** The lowest score. framework.MinNodeScore. */
export const MIN_NODE_SCORE = 0;

// ## Status: what a plugin answers

/**
 * framework.Code. `Success` is usually written as `null` (Go's nil *Status) so the hot loop
 * allocates nothing when a node passes.
 * - `Unschedulable`: this node does not fit now, but evicting pods (preemption) might help.
 * - `UnschedulableAndUnresolvable`: this node cannot fit whatever we evict (wrong labels, taint,
 *   cordoned); preemption skips it.
 * - `Error`: something broke (a bug, a missing state); the pod is retried with backoff.
 * - `Skip`: from PreFilter/PreScore only: "this plugin has nothing to say for this pod", so the
 *   framework does not call its Filter/Score in this cycle (a k8s v1.27+ optimisation we use).
 */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

/**
 * framework.Status: a code, the human reasons, and the plugin that said it.
 * Reasons are the exact strings `kubectl describe pod` shows ("Insufficient cpu").
 */
export class Status {
  /** Filled in by the framework with the name of the plugin that returned this status. */
  plugin = '';
  readonly reasons: readonly string[];
  constructor(
    readonly code: Code,
    ...reasons: string[]
  ) {
    this.reasons = reasons;
  }
  /** Reasons joined by ", ", as Status.Message() in Go. */
  message(): string {
    return this.reasons.join(', ');
  }
  isSuccess(): boolean {
    return this.code === 'Success';
  }
  /** True for both Unschedulable codes: the pod was turned away, nothing broke. */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }
  /** A copy carrying the plugin name (plugins may return shared constant statuses). */
  withPlugin(plugin: string): Status {
    if (this.plugin === plugin) return this;
    const s = new Status(this.code, ...this.reasons);
    s.plugin = plugin;
    return s;
  }
}

/** Success as a value, for places that need one rather than null. */
export const SUCCESS = new Status('Success');
/** What PreFilter / PreScore return to opt out of Filter / Score for this cycle. */
export const SKIP = new Status('Skip');

// ## Resources, pods and nodes as the scheduler sees them

/** framework.Resource, reduced to what we schedule on. Numbers, parsed once, never strings. */
export interface Resource {
  milliCPU: number;
  memory: number;
  /** On `allocatable` only: the node's `pods` capacity (default 110, as the kubelet's maxPods). */
  allowedPodNumber: number;
}

/**
 * framework.PodInfo: a pod plus what we would otherwise recompute on every node of every cycle.
 * Built once per pod version by `newPodInfo` (framework/pod-info.ts).
 */
export interface PodInfo {
  readonly pod: Pod;
  /** "namespace/name", the key in logs, events and the explanation endpoint. */
  readonly key: string;
  /** metadata.uid, or the key when a test pod has no uid: the cache's identity for a pod. */
  readonly uid: string;
  /** spec.priority, default 0. Higher is scheduled first and may preempt lower. */
  readonly priority: number;
  /** Sum of container requests (max'ed with init containers), as NodeResourcesFit counts them. */
  readonly requests: Resource;
  /**
   * The same with 100m cpu / 200Mi memory for every container that asks for nothing
   * (schedutil.DefaultMilliCPURequest / DefaultMemoryRequest): the scoring plugins use this so
   * that a node full of zero-request pods does not look empty.
   */
  readonly nonZeroRequests: Resource;
  readonly tolerations: readonly Toleration[];
  /** spec.affinity.podAntiAffinity.requiredDuringScheduling... terms, or empty. */
  readonly requiredAntiAffinity: readonly PodAffinityTerm[];
}

/**
 * framework.NodeInfo: a node and the pods the scheduler believes are on it, with running totals so
 * that no plugin ever walks the pod list to add up requests. Assumed pods count here too.
 * NEVER modify a NodeInfo from a plugin: the cache owns it.
 */
export interface NodeInfo {
  /** null for an "imaginary" node: pods bound to a node we have not seen yet. */
  node: Node | null;
  readonly name: string;
  pods: PodInfo[];
  /** The subset of `pods` with required anti-affinity terms (InterPodAffinity reads only these). */
  podsWithRequiredAntiAffinity: PodInfo[];
  /** Sum of `requests` of `pods`. */
  requested: Resource;
  /** Sum of `nonZeroRequests` of `pods`. */
  nonZeroRequested: Resource;
  /** status.allocatable, parsed. */
  allocatable: Resource;
  /** Node labels ({} when none). */
  labels: Record<string, string>;
  taints: readonly Taint[];
  /** spec.unschedulable: cordoned. */
  unschedulable: boolean;
  /** Bumped on every change, so a snapshot can tell what changed. */
  generation: number;
}

// ## CycleState: a scratchpad for one pod's scheduling cycle

/**
 * framework.CycleState: plugins write what PreFilter/PreScore computed and read it back in
 * Filter/Score on every node. It lives for one scheduling attempt of one pod and is thrown away.
 */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter said Skip: their Filter is not run this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore said Skip: their Score is not run this cycle. */
  readonly skipScorePlugins = new Set<string>();
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  /** Reads what was written; throws if nothing was (the plugin's PreFilter did not run). */
  read<T>(key: string): T {
    if (!this.data.has(key)) throw new Error(`error reading "${key}" from cycleState: not found`);
    return this.data.get(key) as T;
  }
  has(key: string): boolean {
    return this.data.has(key);
  }
}

// ## The snapshot plugins read the cluster from

/** What a cycle sees: every node with its pods, frozen for the duration of the cycle. */
export interface Snapshot {
  /** Nodes in a stable order (by name). Only nodes whose Node object we have. */
  readonly nodeInfos: readonly NodeInfo[];
  /** nodeInfos' names, same order (shared by every explanation of the cycle's snapshot). */
  readonly nodeNames: readonly string[];
  get(nodeName: string): NodeInfo | undefined;
  /** Nodes that host at least one pod with required anti-affinity. */
  readonly nodesWithRequiredAntiAffinityPods: readonly NodeInfo[];
}

// ## The extension points

/** A cluster change that can make a rejected pod schedulable (framework.ClusterEvent). */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdateAllocatable'
  | 'NodeUpdateLabel'
  | 'NodeUpdateTaint'
  | 'NodeUpdateCondition'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete';

/** Every plugin has a name; the registry and profiles refer to it by that name. */
export interface Plugin {
  readonly name: string;
  /**
   * EnqueueExtensions.EventsToRegister: the cluster events after which a pod this plugin rejected
   * is worth retrying. A pod rejected only by NodeAffinity need not wake when a pod is deleted.
   */
  readonly events?: readonly ClusterEvent[];
}

/**
 * PreFilter: called once per cycle, before any Filter. Computes per-pod state for Filter and
 * writes it into CycleState, or rejects the pod outright for every node.
 * Returns null (Success), `SKIP` (do not call my Filter this cycle), Unschedulable* (the pod
 * fits nowhere; the message becomes "0/N nodes are available: <message>."), or Error.
 */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null;
}

/**
 * Filter (formerly a *predicate*): called for every node, for a pod that passed PreFilter.
 * Answers whether the pod can run on that node. Must be fast and must not mutate anything.
 * Returns null (fits), Unschedulable (might fit after preemption), UnschedulableAndUnresolvable
 * (never, whatever we evict) or Error. The framework stops at the first plugin that rejects
 * a node, so later plugins have no verdict for it (the explanation shows "not run").
 */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
}

/** Where PostFilter tells the scheduler to nominate the pod, and whom to evict. */
export interface PostFilterResult {
  nominatedNodeName: string;
  /** Pods to delete so that the preemptor fits on the nominated node. */
  victims: PodInfo[];
}

/**
 * PostFilter: called only when no node passed Filter. Either informational or, like
 * DefaultPreemption, tries to make room so that a *later* cycle succeeds (the current pod still
 * fails and goes back to the queue). Returns a result (node to nominate, victims) with Success,
 * or a status whose message is appended to the FailedScheduling message ("preemption: ...").
 * `nodeStatuses` holds each node's Filter verdict.
 */
export interface PostFilterPlugin extends Plugin {
  postFilter(
    state: CycleState,
    pod: PodInfo,
    nodeStatuses: ReadonlyMap<string, Status>,
    handle: FrameworkHandle,
  ): { result: PostFilterResult | null; status: Status };
}

/**
 * PreScore: called once per cycle with the nodes that passed Filter, before any Score.
 * Returns null, `SKIP` (do not call my Score this cycle: every node would score 0), or Error.
 */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null;
}

/**
 * Score (formerly a *priority*): called for every node that passed Filter. Returns an integer
 * ranking; after NormalizeScore it must lie in [0, 100]. Throw to report an Error.
 * NormalizeScore (optional, "ScoreExtensions"): called once with all this plugin's scores (one
 * per feasible node, in node order) to rescale them in place, e.g. "fewest intolerable taints wins".
 * The framework then multiplies by the profile's weight and adds up plugins.
 */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalizeScore?(state: CycleState, pod: PodInfo, scores: Int32Array): void;
  /** How the ships analogy says "high score" for this plugin, for log lines. */
  readonly shipsWords?: string;
}

/**
 * Bind: called after a node was chosen and the pod assumed on it, *outside* the scheduling cycle
 * (the next pod is already being scheduled). DefaultBinder POSTs a Binding to pods/binding.
 * Resolves null on success or a Status(Error); a failed bind makes the cache forget the pod.
 */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null>;
}

/** What plugins may use from the scheduler around them (framework.Handle). */
export interface FrameworkHandle {
  /** The snapshot of the current cycle. */
  snapshot(): Snapshot;
  /** Runs the profile's Filter plugins for one node, as preemption needs to ask "does it fit now?". */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
  /** POSTs pods/binding; provided by scheduler.ts, absent in pure unit tests. */
  bindPod?(pod: Pod, nodeName: string): Promise<void>;
}

/** Any of the plugin shapes above; a plugin may implement several extension points. */
export type AnyPlugin = Plugin &
  Partial<PreFilterPlugin & FilterPlugin & PostFilterPlugin & PreScorePlugin & ScorePlugin & BindPlugin>;

/** Builds a plugin from its pluginConfig args (framework/runtime.PluginFactory). */
export type PluginFactory = (args: Record<string, unknown>, handle: FrameworkHandle) => AnyPlugin;
