// InterPodAffinity (required anti-affinity): keep matching pods apart
// ==================================================================
// CONCEPT   podAntiAffinity says "do not put me in the same *topology domain* as pods matching
//           this selector". The domain is the value of a node label, the topologyKey: with
//           kubernetes.io/hostname every node is its own domain, so two Besu validators never
//           share a node. The rule is symmetric: an *existing* pod's anti-affinity also keeps
//           the newcomer away. PreFilter counts, once per cycle, which domains are forbidden
//           and why; Filter then only looks a node's labels up in those counts.
// REAL K8S  pkg/scheduler/framework/plugins/interpodaffinity/filtering.go (v1.32)
// SHIPS     Two crew chiefs who must never sail on the same ship.
// EXAMPLE   besu-1 (app=besu) on node-1; besu-2 with anti-affinity app=besu, topologyKey
//           kubernetes.io/hostname  =>  node-1: Unschedulable "node(s) didn't match pod anti-affinity rules"
// SKIPPED   required pod *affinity*, namespaceSelector, the preferred (scoring) terms.
//           Nodes without the topology label are outside every domain, as in Kubernetes, except
//           that we read a missing kubernetes.io/hostname label as the node's name (a real kubelet
//           always sets it; a hand-written test node may not).

import type { LabelSelector, Pod, PodAffinityTerm } from '../../api/types.ts';
import { labelSelectorToRequirements, matchesLabels, type Requirement } from '../../api/labels.ts';
import {
  SKIP,
  Status,
  type FilterPlugin,
  type NodeInfo,
  type PluginFactory,
  type PreFilterPlugin,
} from '../framework/interfaces.ts';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

// Unschedulable (resolvable): evicting the conflicting pod would make room.
const rejectedByPod = new Status('Unschedulable', ERR_REASON_ANTI_AFFINITY);
const rejectedByExisting = new Status('Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY);
const KEY = 'PreFilter' + NAME;

/** topologyKey -> domain value -> number of pods that forbid it. */
type TopologyCounts = Map<string, Map<string, number>>;
interface State {
  /** Domains forbidden by the incoming pod's own terms (pods it must avoid live there). */
  antiAffinity: TopologyCounts;
  /** Domains forbidden by existing pods whose terms match the incoming pod. */
  existingAntiAffinity: TopologyCounts;
}

export function topologyValue(node: NodeInfo, key: string): string | undefined {
  return node.labels[key] ?? (key === LABEL_HOSTNAME ? node.name : undefined);
}

// Selectors are converted to requirements once per selector object, not once per pod pair.
const requirements = new WeakMap<LabelSelector, Requirement[]>();

/** AffinityTerm.Matches: same namespace scope, and the selector matches (a nil selector matches nothing). */
function termMatches(term: PodAffinityTerm, owner: Pod, target: Pod): boolean {
  const sel = term.labelSelector;
  if (!sel) return false;
  const namespaces = term.namespaces?.length ? term.namespaces : [owner.metadata.namespace ?? 'default'];
  if (!namespaces.includes(target.metadata.namespace ?? 'default')) return false;
  let reqs = requirements.get(sel);
  if (!reqs) requirements.set(sel, (reqs = labelSelectorToRequirements(sel)));
  return matchesLabels(reqs, target.metadata.labels ?? {});
}

function increment(counts: TopologyCounts, key: string, value: string): void {
  let byValue = counts.get(key);
  if (!byValue) counts.set(key, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + 1);
}

export const interPodAffinity: PluginFactory = (): PreFilterPlugin & FilterPlugin => ({
  name: NAME,
  events: ['AssignedPodDelete', 'AssignedPodUpdate', 'NodeAdd', 'NodeUpdateLabel'],

  preFilter(state, pod, snapshot) {
    const own = pod.requiredAntiAffinity;
    if (own.length === 0 && snapshot.nodesWithRequiredAntiAffinityPods.length === 0) return SKIP;
    const s: State = { antiAffinity: new Map(), existingAntiAffinity: new Map() };
    // Existing pods whose anti-affinity rejects the newcomer: only nodes that host such pods.
    for (const node of snapshot.nodesWithRequiredAntiAffinityPods) {
      for (const existing of node.podsWithRequiredAntiAffinity) {
        for (const term of existing.requiredAntiAffinity) {
          const value = topologyValue(node, term.topologyKey);
          if (value !== undefined && termMatches(term, existing.pod, pod.pod)) increment(s.existingAntiAffinity, term.topologyKey, value);
        }
      }
    }
    // The newcomer's own terms: every pod on every node is a candidate to avoid.
    if (own.length > 0) {
      for (const node of snapshot.nodeInfos) {
        for (const existing of node.pods) {
          for (const term of own) {
            const value = topologyValue(node, term.topologyKey);
            if (value !== undefined && termMatches(term, pod.pod, existing.pod)) increment(s.antiAffinity, term.topologyKey, value);
          }
        }
      }
    }
    state.write(KEY, s);
    return null;
  },

  // @doc: scheduler-anti-affinity
  filter(state, pod, node) {
    const s = state.read<State>(KEY);
    for (const term of pod.requiredAntiAffinity) {
      const value = topologyValue(node, term.topologyKey);
      if (value !== undefined && (s.antiAffinity.get(term.topologyKey)?.get(value) ?? 0) > 0) return rejectedByPod;
    }
    for (const [key, byValue] of s.existingAntiAffinity) {
      const value = topologyValue(node, key);
      if (value !== undefined && (byValue.get(value) ?? 0) > 0) return rejectedByExisting;
    }
    return null;
  },
});
