// NodeAffinity: nodeSelector and node affinity pick which nodes a pod may use
// ==========================================================================
// CONCEPT   spec.nodeSelector ({disktype: ssd}) demands exact labels; spec.affinity.nodeAffinity
//           .requiredDuringSchedulingIgnoredDuringExecution says the same with operators (In,
//           NotIn, Exists, DoesNotExist, Gt, Lt) and ORed terms. Both must hold. The *preferred*
//           terms do not filter: each matching term adds its weight to the node's score.
//           "IgnoredDuringExecution": relabelling a node later does not evict anything.
// REAL K8S  pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go (v1.32)
// SHIPS     The container is addressed to a kind of ship ("refrigerated"), not to a ship by name.
// EXAMPLE   nodeSelector {disktype: ssd} on a node without that label  =>
//           UnschedulableAndUnresolvable "node(s) didn't match Pod's node affinity/selector"
// SKIPPED   addedAffinity (per-profile enforced affinity), the PreFilter shortcut that narrows the
//           node list when terms name nodes by metadata.name.

import type { NodeSelectorTerm } from '../../api/types.ts';
import { defaultNormalizeScore, nodeSelectorTermMatches, nodeSelectorTermsMatch } from '../framework/helpers.ts';
import {
  MAX_NODE_SCORE,
  SKIP,
  Status,
  type FilterPlugin,
  type PluginFactory,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
} from '../framework/interfaces.ts';

export const NAME = 'NodeAffinity';
/** ErrReasonPod in node_affinity.go. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

const rejected = new Status('UnschedulableAndUnresolvable', ERR_REASON_POD);
const PRE_FILTER_KEY = 'PreFilter' + NAME;
const PRE_SCORE_KEY = 'PreScore' + NAME;

interface Required {
  selector: [string, string][];
  terms: NodeSelectorTerm[] | null;
}

export const nodeAffinity: PluginFactory = (): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => ({
  name: NAME,
  events: ['NodeAdd', 'NodeUpdateLabel'],
  shipsWords: 'preferred kind of ship',

  // PreFilter: a pod with neither nodeSelector nor required affinity fits every node; say Skip
  // so the framework does not call Filter a thousand times for nothing.
  preFilter(state, pod) {
    const spec = pod.pod.spec;
    const selector = Object.entries(spec?.nodeSelector ?? {});
    const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? null;
    if (selector.length === 0 && terms === null) return SKIP;
    state.write(PRE_FILTER_KEY, { selector, terms } satisfies Required);
    return null;
  },

  // @doc: scheduler-node-affinity
  filter(state, _pod, node) {
    const req = state.read<Required>(PRE_FILTER_KEY);
    for (const [k, v] of req.selector) if (node.labels[k] !== v) return rejected;
    if (req.terms !== null && !nodeSelectorTermsMatch(req.terms, node.labels, node.name)) return rejected;
    return null;
  },

  preScore(state, pod) {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (preferred.length === 0) return SKIP;
    state.write(PRE_SCORE_KEY, preferred);
    return null;
  },

  // Raw score: the sum of the weights of the preferred terms this node matches.
  score(state, _pod, node) {
    const preferred = state.read<{ weight: number; preference: NodeSelectorTerm }[]>(PRE_SCORE_KEY);
    let sum = 0;
    for (const p of preferred) {
      if (p.weight !== 0 && nodeSelectorTermMatches(p.preference, node.labels, node.name)) sum += p.weight;
    }
    return sum;
  },

  normalizeScore(_state, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  },
});
