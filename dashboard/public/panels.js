// Why panels and instructor controls
// ==================================
// CONCEPT   Click anything in the harbour and the side panel says why it is so: a pod's scheduling
//           decision (each ship's filter verdict, each plugin's score, the winner), its conditions,
//           events and owner (its workload: RC, ReplicaSet, Deployment - see workloads.js); a node's conditions, taints, Lease age and pods; a Service's endpoints
//           and kube-proxy's rules; a component's process state. The answers come from the
//           dashboard server (GET /api/why/...), fetched on the click and again only when a pushed
//           change touches the object on display - never on a timer.
//           The same panel carries the instructor's buttons for that object. Each button is one
//           POST to the dashboard server, which goes through the launcher's control API or the
//           Kubernetes API; the answer, in plain words, appears in the yellow strip above.
// REAL K8S  `kubectl describe`, with the scheduler's reasoning that describe cannot show.
// SHIPS     The harbour master's files, opened on the desk, with the bell ropes beside them.
// EXAMPLE   panels.show({ kind: 'pod', key: 'default/besu-0' })
// SKIPPED   Editing objects (use kubectl edit); logs (kubectl logs works against the cluster).

import { h, kv, link, fmtAge, section } from './dom.js';
import { cores, gib } from './svg.js';
import { stateWord } from './harbour.js';
import { isWorkloadPanel, ownerCell, workloadMap, workloadPanel } from './workloads.js';

export function createPanels(root, state, { filterEvents, refresh }) {
  let current; // { kind, key }
  let data; // the last /api/why answer for current
  let lastView = '';
  let refetch;
  let toastTimer;
  const toast = document.getElementById('toast');
  setInterval(() => current?.kind === 'node' && renderLease(), 1000); // a local clock tick, no request

  function show(what) {
    current = what;
    data = undefined;
    lastView = viewOf(what);
    refresh();
    if (['pod', 'node', 'service'].includes(what.kind)) fetchWhy();
    draw();
  }

  async function fetchWhy(query = '') {
    const what = current;
    const [ns, name] = what.key.includes('/') ? what.key.split('/') : [undefined, what.key];
    const path = what.kind === 'node' ? `node/${enc(name)}` : `${what.kind}/${enc(ns)}/${enc(name)}`;
    const res = await fetch(`/api/why/${path}${query}`).catch(() => undefined);
    if (current !== what) return;
    data = res?.ok ? await res.json() : { gone: true };
    draw();
  }

  /** The pushed view of what is on display; when it changes we ask again (debounced). */
  function viewOf(what) {
    if (what?.kind === 'component') return JSON.stringify(state.components.find((c) => c.name === what.key));
    if (isWorkloadPanel(what?.kind)) {
      // A Deployment's panel also lists its ReplicaSets.
      const [ns, name] = what.key.split('/');
      const rss = what.kind === 'deploy' ? [...state.replicasets.values()].filter((rs) => rs.namespace === ns && rs.deployment === name) : [];
      return JSON.stringify([workloadMap(state, what.kind).get(what.key), rss]);
    }
    const map = { pod: state.pods, node: state.nodes, service: state.services }[what?.kind];
    // A ship's panel also shows its kubelet's and kube-proxy's process states.
    const procs = what?.kind === 'node' ? state.components.filter((c) => c.node === what.key) : [];
    return JSON.stringify([map?.get(what.key), procs]);
  }
  let welcomeFor;
  function refreshLive() {
    if (!current) {
      if (welcomeFor !== state.launcher) draw();
      welcomeFor = state.launcher;
      return;
    }
    const v = viewOf(current);
    if (v === lastView) return;
    lastView = v;
    if (current.kind === 'component' || isWorkloadPanel(current.kind)) return draw();
    clearTimeout(refetch);
    refetch = setTimeout(() => fetchWhy(), 400);
  }

  /** POSTs an action and shows its answer in the strip above the panel. */
  async function act(url, body) {
    toast.className = '';
    toast.textContent = 'working\u2026';
    const init = body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : { method: 'POST' };
    const res = await fetch(url, init).catch((err) => ({ ok: false, json: async () => ({ error: err.message }) }));
    const answer = await res.json().catch(() => ({}));
    toast.className = res.ok ? '' : 'error';
    toast.textContent = res.ok ? answer.message : `Could not: ${answer.error ?? 'no answer'}`;
    // The answer stays long enough to read aloud, then gives the panel its room back.
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.textContent = ''), 20_000);
  }

  function draw() {
    if (!current) return root.replaceChildren(welcome());
    if (isWorkloadPanel(current.kind)) return root.replaceChildren(...workloadPanel(current, state, { act, pick, gone }));
    const view = { pod: podPanel, node: nodePanel, service: servicePanel, component: componentPanel }[current.kind];
    root.replaceChildren(...view());
  }

  const welcome = () => h('div', {}, h('h2', {}, 'Why?'),
    h('p', {}, 'Click a container, a ship, a buoy (Service) or a cabin of the control ship to see why it is the way it is, and the instructor\u2019s controls for it.'),
    h('p', { class: 'note' }, state.launcher ? 'The launcher is connected: process controls work.' : 'No launcher: kill/sink/pause need `npm run cluster`; API actions still work.'));
  const loading = () => (data ? [] : [h('p', { class: 'note' }, 'asking\u2026')]);
  const gone = () => data?.gone ? [h('p', { class: 'note' }, 'It is gone (deleted), or the dashboard cannot see it.')] : [];
  const btn = (label, url, opts = {}) => h('button', { type: 'button', class: opts.danger ? 'danger' : '', disabled: opts.disabled ? '' : null, title: opts.title ?? '', onclick: () => act(url, opts.body) }, label);

  // ## A pod: the crane's decision first
  function podPanel() {
    const p = state.pods.get(current.key) ?? data?.pod;
    const [ns, name] = current.key.split('/');
    const out = [h('h2', {}, `Pod ${current.key} `, h('small', {}, p ? p.status : ''))];
    if (!p) return [...out, ...gone()];
    out.push(kv([
      ['Ship', p.node ? link(p.node, () => pick({ kind: 'node', key: p.node })) : `on the dock: ${p.reason ?? ''}`],
      ['IP', p.ip ?? '\u2014'], ['Restarts', String(p.restarts)],
      ['Requests', `cpu ${cores(p.cpuMillis)} \u00B7 memory ${gib(p.memoryBytes)}`],
      ['Owner', ownerCell(p, ns, pick)],
    ]));
    out.push(h('div', { class: 'buttons' },
      btn('Crash container', `/api/pods/${enc(ns)}/${enc(name)}/crash`, { danger: true, disabled: !p.node, title: 'kill -9 1 inside it, through its kubelet' }),
      btn('Kill pod', `/api/pods/${enc(ns)}/${enc(name)}/kill`, { danger: true, title: 'delete with grace period 0, as chaos pod-kill does' }),
      h('button', { type: 'button', onclick: () => filterEvents(name) }, 'Its events below')));
    out.push(...loading(), ...gone());
    if (!data || data.gone) return out;
    out.push(h('h3', {}, p.node ? `Why ${p.node}? The crane\u2019s decision` : 'Why still on the dock?'));
    if (data.decision) out.push(...decisionLines(data.decision));
    if (data.decisionNote) out.push(h('p', { class: 'note' }, data.decisionNote));
    out.push(section('Conditions', data.conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`)));
    out.push(section('Containers', data.containers.map((c) => `${c.name} (${c.image}): ${c.state}${c.ready ? ', ready' : ''}, restarts ${c.restarts}`)));
    out.push(section('Events', data.events.slice(0, 8).map((e) => e.text)));
    return out;
  }

  function decisionLines(d) {
    const lines = [];
    if (d.message) lines.push(h('p', {}, d.message));
    const weights = d.weights ?? {};
    for (const n of d.nodes.slice(0, 12)) {
      const head = n.winner ? `\u2605 ${n.node}: chosen, total ${n.total ?? '\u2014'}`
        : n.verdict === 'passed' ? `${n.node}: passed the filters, total ${n.total ?? '\u2014'}`
          : `\u2715 ${n.node}: filtered by ${n.filteredBy}: ${n.verdict}`;
      const scores = n.scores ? Object.entries(n.scores).map(([pl, s]) => `${pl} ${s}${weights[pl] && weights[pl] !== 1 ? ` \u00D7${weights[pl]}` : ''}`).join(' \u00B7 ') : '';
      lines.push(h('div', { class: `verdict${n.winner ? ' winner' : n.verdict === 'passed' ? '' : ' filtered'}`, 'data-node-verdict': n.node },
        h('div', {}, head), scores ? h('div', { class: 'scores' }, scores) : null));
    }
    if (d.nodes.length > 12) lines.push(h('p', { class: 'note' }, `+${d.nodes.length - 12} more ships`));
    if (d.note) lines.push(h('p', { class: 'note' }, d.note));
    lines.push(h('p', { class: 'note' }, `source: ${d.source === 'scheduler' ? 'the scheduler\u2019s /explanations endpoint' : 'the pod\u2019s scheduler annotation'}${d.profile ? ` \u00B7 profile ${d.profile}` : ''}`));
    return lines;
  }

  // ## A node: conditions, taints, Lease age, pods, and the ship controls
  function nodePanel() {
    const n = state.nodes.get(current.key);
    const name = current.key;
    const out = [h('h2', {}, `Ship ${name} `, h('small', {}, n ? (n.ready === 'Ready' ? 'Ready' : `NotReady (${n.ready})`) : ''))];
    if (!n) return [...out, ...gone()];
    const no = !state.launcher;
    out.push(h('div', { class: 'buttons' },
      btn('Sink', `/api/nodes/${enc(name)}/sink`, { danger: true, disabled: no, title: 'kill its kubelet and kube-proxy' }),
      btn('Restore', `/api/nodes/${enc(name)}/restore`, { disabled: no }),
      btn('Pause', `/api/nodes/${enc(name)}/pause`, { disabled: no, title: 'SIGSTOP its kubelet' }),
      btn('Resume', `/api/nodes/${enc(name)}/resume`, { disabled: no }),
      btn(n.cordoned ? 'Uncordon' : 'Cordon', `/api/nodes/${enc(name)}/${n.cordoned ? 'uncordon' : 'cordon'}`)));
    out.push(kv([
      ['IP', n.ip ?? '\u2014'], ['Cordoned', n.cordoned ? 'yes (spec.unschedulable)' : 'no'],
      ['cpu requested', `${cores(n.cpu.used)} of ${cores(n.cpu.total)}`], ['memory requested', `${gib(n.memory.used)} of ${gib(n.memory.total)}`],
      ['Lease', h('span', { id: 'lease-age' }, leaseText(name))],
      ['Processes', state.components.filter((c) => c.node === name).map((c) => `${c.name.split('/')[0]}: ${c.state}`).join(' \u00B7 ') || 'unknown (no launcher)'],
    ]));
    out.push(...loading(), ...gone());
    if (!data || data.gone) return out;
    out.push(section('Conditions', data.conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`)));
    out.push(section('Taints', data.taints.length ? data.taints : ['none']));
    out.push(section('Pods', data.pods.map((p) => link(`${p.name} (${p.status})`, () => pick({ kind: 'pod', key: p.key })))));
    out.push(section('Events', data.events.slice(0, 8).map((e) => e.text)));
    return out;
  }

  function leaseText(name) {
    const renew = state.leases.get(name);
    if (!renew) return 'no Lease in kube-node-lease';
    const wallS = (Date.now() + state.skewMs - Date.parse(renew)) / 1000;
    const k8sS = wallS / state.timeScale;
    return `renewed ${fmtAge(wallS)} ago${state.timeScale !== 1 ? ` (${fmtAge(k8sS)} in Kubernetes time)` : ''}; the node office waits 40 s before NotReady`;
  }
  function renderLease() {
    const el = document.getElementById('lease-age');
    if (el) el.textContent = leaseText(current.key);
  }

  // ## A Service: endpoints and kube-proxy's rules
  function servicePanel() {
    const s = state.services.get(current.key);
    const out = [h('h2', {}, `Service ${current.key}`)];
    if (!s) return [...out, ...gone()];
    out.push(kv([['Type', s.type], ['ClusterIP', s.clusterIP ?? '\u2014'], ['Ports', s.ports.join(', ')], ['Endpoints', `${s.ready} ready, ${s.notReady} not ready`]]));
    out.push(...loading(), ...gone());
    if (!data || data.gone) return out;
    out.push(kv([['Selector', Object.entries(data.selector).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'], ['External', data.externalIPs.join(', ') || '\u2014']]));
    out.push(section('Endpoints (from the endpoints office)', data.endpoints.length
      ? data.endpoints.map((e) => `${e.ready ? '\u2713 ready' : '\u2715 not ready'} ${e.ip}${e.pod ? ` ${e.pod}` : ''}${e.node ? ` on ${e.node}` : ''}`)
      : ['none: no ready pod matches the selector']));
    out.push(h('h3', {}, `kube-proxy rules${data.rules.node ? ` on ${data.rules.node}` : ''}`));
    out.push(h('div', { class: 'buttons' }, ...[...state.nodes.keys()].slice(0, 8).map((n) => h('button', { type: 'button', onclick: () => fetchWhy(`?node=${enc(n)}`) }, n))));
    out.push(data.rules.text ? h('pre', { class: 'rules' }, data.rules.text) : h('p', { class: 'note' }, data.rules.error ?? ''));
    return out;
  }

  // ## A component of the control ship
  function componentPanel() {
    const c = state.components.find((k) => k.name === current.key) ?? { name: current.key, state: 'unknown', restarts: 0 };
    const no = !state.launcher;
    const path = `/api/components/${current.key}`;
    return [h('h2', {}, c.name, ' ', h('small', {}, stateWord(c.state).word)),
      kv([['State', c.state], ['Message', c.message ?? '\u2014'], ['Restarts', String(c.restarts)], ['Leader', c.leader ?? (/scheduler|controller/.test(c.name) ? 'nobody holds a valid Lease' : 'n/a')]]),
      h('div', { class: 'buttons' },
        btn('Kill', `${path}/kill`, { danger: true, disabled: no, title: 'SIGKILL: a crash; the launcher restarts it after a back-off' }),
        btn('Restart', `${path}/restart`, { disabled: no }), btn('Stop', `${path}/stop`, { disabled: no }), btn('Start', `${path}/start`, { disabled: no }),
        btn('Pause', `${path}/kill?signal=SIGSTOP`, { disabled: no }), btn('Resume', `${path}/kill?signal=SIGCONT`, { disabled: no })),
      no ? h('p', { class: 'note' }, 'Process controls need the launcher (npm run cluster).') : null].filter(Boolean);
  }

  function pick(what) {
    window.__harbour.select(what);
  }

  draw();
  return { show, act, refreshLive, selected: () => current };
}

const enc = encodeURIComponent;
