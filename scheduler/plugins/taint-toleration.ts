// TaintToleration: nodes repel pods that do not tolerate their taints
// ===================================================================
// CONCEPT   A taint on a node says "keep away unless you tolerate me". NoSchedule and NoExecute
//           taints are hard: the Filter rejects the node. This is also how a dead or unready
//           node stops receiving pods: the node lifecycle controller adds
//           node.kubernetes.io/not-ready or .../unreachable (NoExecute) and the filter does the
//           rest. PreferNoSchedule is soft: the Score counts such taints and NormalizeScore
//           reverses the count, so the node with the fewest wins.
// REAL K8S  pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go (v1.32)
// SHIPS     A ship flying a quarantine flag only takes containers cleared for it.
// EXAMPLE   taint {node.kubernetes.io/not-ready, NoExecute}, no toleration  =>
//           UnschedulableAndUnresolvable "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"
// SKIPPED   Nothing. (Eviction of running pods for NoExecute is the taint manager's job, not ours.)

import { defaultNormalizeScore, findUntoleratedTaint, tolerationsTolerateTaint } from '../framework/helpers.ts';
import {
  MAX_NODE_SCORE,
  Status,
  type FilterPlugin,
  type PluginFactory,
  type PreScorePlugin,
  type ScorePlugin,
} from '../framework/interfaces.ts';
import type { Taint, Toleration } from '../../api/types.ts';

export const NAME = 'TaintToleration';

const PRE_SCORE_KEY = 'PreScore' + NAME;
const isHard = (t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

export const taintToleration: PluginFactory = (): FilterPlugin & PreScorePlugin & ScorePlugin => ({
  name: NAME,
  events: ['NodeAdd', 'NodeUpdateTaint'],
  shipsWords: 'fewest quarantine flags',

  filter(_state, pod, node) {
    if (node.taints.length === 0) return null;
    const taint = findUntoleratedTaint(node.taints, pod.tolerations, isHard);
    if (!taint) return null;
    // Unresolvable: evicting pods never removes a taint. The exact Kubernetes wording,
    // including the empty value after the colon.
    return new Status('UnschedulableAndUnresolvable', `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  },

  // PreScore: only the pod's PreferNoSchedule (or effect-less) tolerations matter for scoring,
  // as getAllTolerationPreferNoSchedule; we pick them out once per cycle.
  preScore(state, pod) {
    const prefer = pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.write(PRE_SCORE_KEY, prefer);
    return null;
  },

  // Raw score: how many PreferNoSchedule taints the pod does not tolerate.
  score(state, _pod, node) {
    if (node.taints.length === 0) return 0;
    const prefer = state.read<Toleration[]>(PRE_SCORE_KEY);
    let count = 0;
    for (const taint of node.taints) {
      if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(prefer, taint)) count++;
    }
    return count;
  },

  normalizeScore(_state, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  },
});
