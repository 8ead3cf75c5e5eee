// Workload panels: ReplicationControllers, ReplicaSets and Deployments
// ===================================================================
// CONCEPT   Click a pod's owner and the panel shows the workload that keeps it alive, with the
//           instructor's scale control:
//             - a ReplicationController or a ReplicaSet: desired, current, ready; scale it;
//             - a Deployment: the same counts plus up-to-date and available, its strategy
//               (maxSurge, maxUnavailable), and its ReplicaSets newest first - one per version of
//               the pod template, numbered by revision - so a rolling update can be watched moving
//               pods from the old ReplicaSet to the new one;
//             - a ReplicaSet that a Deployment owns offers no scale buttons: its Deployment would
//               set the count back. The panel links to the Deployment instead;
//             - while a workload's panel is open, its pods are outlined on the ships.
//           Scaling is one POST to the dashboard server, which patches the object's /scale
//           subresource, exactly as `kubectl scale` does.
// REAL K8S  `kubectl describe deployment` (OldReplicaSets, NewReplicaSet, StrategyType,
//           RollingUpdateStrategy), `kubectl get rs -l app=...`, `kubectl scale`.
// SHIPS     The standing orders and the fleet plan, pinned to the harbour master's desk.
// EXAMPLE   workloadPanel({ kind: 'deploy', key: 'default/besu-nodes' }, state, { act, pick, gone })
// SKIPPED   Rollout controls (undo, pause, restart): kubectl rollout does them against the cluster.

import { h, kv, link, section } from './dom.js';

/** The panel kind and short kubectl name of each workload kind. */
const KINDS = {
  ReplicationController: { panel: 'rc', short: 'rc', map: 'rcs', api: 'rcs' },
  ReplicaSet: { panel: 'rs', short: 'rs', map: 'replicasets', api: 'replicasets' },
  Deployment: { panel: 'deploy', short: 'deploy', map: 'deployments', api: 'deployments' },
};
const BY_PANEL = Object.fromEntries(Object.entries(KINDS).map(([kind, k]) => [k.panel, { kind, ...k }]));

/** Whether a panel kind ('rc', 'rs', 'deploy') is a workload's. */
export const isWorkloadPanel = (panel) => panel in BY_PANEL;

/** The page's map of views for a panel kind. */
export const workloadMap = (state, panel) => state[BY_PANEL[panel].map];

/** A clickable "deploy/besu-nodes" that opens the workload's panel, or plain text for kinds we do not show. */
export function workloadLink(kind, namespace, name, pick) {
  const k = KINDS[kind];
  if (!k) return `${kind}/${name}`;
  return link(`${k.short}/${name}`, () => pick({ kind: k.panel, key: `${namespace}/${name}` }));
}

// @doc: dashboard-workload-pods
// Selecting a workload lights up its pods on the ships: the pods an RC or a ReplicaSet owns, or, for
// a Deployment, the pods of all its ReplicaSets - old and new side by side during a rollout.
/** The keys of the pods a workload panel ({ kind: 'deploy', key: 'default/web' }) stands for. */
export function podsOf(state, what) {
  const w = BY_PANEL[what.kind];
  const [ns, name] = what.key.split('/');
  const keys = new Set();
  for (const p of state.pods.values()) {
    const ref = w.kind === 'Deployment' ? p.workload : p.owner;
    if (p.namespace === ns && ref?.kind === w.kind && ref.name === name) keys.add(p.key);
  }
  return keys;
}

// @doc: dashboard-pod-owner
// A pod of a Deployment names two owners: the ReplicaSet that made it and, above it, the Deployment
// that made the ReplicaSet. We show both, the one people scale and roll (the workload) first.
/** The "Owner" cell of a pod's panel. */
export function ownerCell(p, namespace, pick) {
  if (!p.owner) return 'none (a bare pod: nobody replaces it)';
  const owner = workloadLink(p.owner.kind, namespace, p.owner.name, pick);
  const top = p.workload && (p.workload.kind !== p.owner.kind || p.workload.name !== p.owner.name) ? p.workload : undefined;
  if (!top) return owner;
  return h('span', {}, workloadLink(top.kind, namespace, top.name, pick), ' \u203A ', owner);
}

/** The panel of a ReplicationController, ReplicaSet or Deployment. */
export function workloadPanel(current, state, { act, pick, gone }) {
  const { kind, short, api } = BY_PANEL[current.kind];
  const w = workloadMap(state, current.kind).get(current.key);
  const [ns, name] = current.key.split('/');
  if (!w) return [h('h2', {}, `${short}/${name}`), ...gone()];
  const out = [h('h2', {}, `${kind} ${current.key} `, h('small', {}, w.revision ? `revision ${w.revision}` : ''))];
  out.push(kv(rows(w, pick)));
  const owner = w.deployment && state.deployments.get(`${ns}/${w.deployment}`);
  if (w.deployment) {
    out.push(h('p', { class: 'note' }, `deploy/${w.deployment} sets this ReplicaSet\u2019s count: scale `,
      owner ? workloadLink('Deployment', ns, w.deployment, pick) : `deploy/${w.deployment}`, ' instead.'));
  } else {
    out.push(scaleButtons(w, `/api/${api}/${enc(ns)}/${enc(name)}/scale`, act));
    out.push(h('p', { class: 'note' }, `kubectl scale ${short}/NAME --replicas=N: a merge patch of the /scale subresource.`));
  }
  if (kind === 'Deployment') out.push(replicaSetList(w, state, pick));
  return out;
}

function rows(w, pick) {
  const out = [['Desired', String(w.desired)], ['Current', String(w.current)], ['Ready', String(w.ready)]];
  if (w.kind === 'Deployment') {
    out.push(['Up-to-date', `${w.updated ?? 0} (pods on the newest template)`], ['Available', String(w.available ?? 0)]);
    out.push(['Strategy', w.strategy ?? '\u2014']);
    if (w.paused) out.push(['Paused', 'yes (kubectl rollout resume to continue)']);
  }
  if (w.deployment) out.push(['Owner', workloadLink('Deployment', w.namespace, w.deployment, pick)]);
  out.push(['Image', w.images.join(', ') || '\u2014']);
  return out;
}

function scaleButtons(w, url, act) {
  const input = h('input', { type: 'number', min: '0', value: String(w.desired), style: 'width:5em', 'aria-label': 'replicas' });
  return h('div', { class: 'buttons' },
    h('button', { type: 'button', onclick: () => act(url, { replicas: Math.max(0, w.desired - 1) }) }, '\u2212 1'),
    input, h('button', { type: 'button', onclick: () => act(url, { replicas: Number(input.value) }) }, 'Scale'),
    h('button', { type: 'button', onclick: () => act(url, { replicas: w.desired + 1 }) }, '+ 1'));
}

// @doc: dashboard-rollout-list
// During a rolling update two ReplicaSets hold pods at once: the new one growing by at most maxSurge
// above the desired count, the old one shrinking while at most maxUnavailable pods are missing.
// Old ReplicaSets stay behind at 0 replicas: they are the history `kubectl rollout undo` goes back to.
function replicaSetList(d, state, pick) {
  const mine = [...state.replicasets.values()].filter((rs) => rs.namespace === d.namespace && rs.deployment === d.name)
    .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
  const items = mine.map((rs) => h('span', { 'data-rs': rs.key },
    `rev ${rs.revision ?? '?'} \u00B7 `, workloadLink('ReplicaSet', rs.namespace, rs.name, pick),
    ` \u00B7 ${rs.ready}/${rs.desired} ready \u00B7 ${rs.images.join(', ')}${rs.revision === d.revision ? ' (newest)' : ''}`));
  return section('ReplicaSets, newest first (one per template version)', items.length ? items : ['none yet']);
}

const enc = encodeURIComponent;
