// The page's heart: one WebSocket, a copy of the views, one render per animation frame
// =====================================================================================
// CONCEPT   The page is an informer too, one level up: it gets every view once (`hello`), then
//           only what changed (`batch`), and keeps its own copy in Maps. It never polls. When the
//           socket closes (the launcher restarted, the laptop slept) it reconnects by itself with a
//           growing pause (0.5 s doubling to 5 s) and starts over from a fresh `hello` - the same
//           list-then-watch a Kubernetes client does after losing its watch.
//           Drawing is decoupled from messages: a batch only marks the picture dirty, and
//           requestAnimationFrame draws at most once per frame, so a flood of changes costs one
//           redraw, and the page stays smooth with thousands of containers.
// REAL K8S  client-go's Reflector (list, then watch; relist on a broken watch) is the model here.
// SHIPS     The big board's clerk, chalk in hand, updating only what the ticker changed.
// EXAMPLE   window.__harbour.state.pods.get('default/besu-0')  // { node: 'node-2', tone: 'running', ... }
// SKIPPED   Offline buffering of actions; a lost socket simply shows "reconnecting".

import { createHarbour } from './harbour.js';
import { createPanels } from './panels.js';
import { createFeed } from './feed.js';

/** The page's copy of the cluster, as views (see dashboard/protocol.ts for their fields). */
export const state = {
  connected: false,
  api: 'connected',
  launcher: false,
  timeScale: 1,
  examples: [],
  pods: new Map(),
  nodes: new Map(),
  services: new Map(),
  rcs: new Map(),
  deployments: new Map(),
  replicasets: new Map(),
  events: new Map(),
  leases: new Map(),
  components: [],
  writes: [],
  /** When each write arrived (performance.now()), for the writes-per-second figure. */
  writeTimes: [],
  /** Server clock minus ours, so ages computed here match the server's timestamps. */
  skewMs: 0,
};

const stats = { hellos: 0, batches: 0, renders: 0, flights: 0, lastRenderMs: 0, renderMs: [] };
const harbour = createHarbour(document.getElementById('harbour'), state, { onSelect: select, stats, onResize: () => requestDraw(true) });
const panels = createPanels(document.getElementById('panel'), state, { filterEvents: (text) => feed.setFilter(text), refresh: () => harbour.setSelected(panels.selected()) });
const feed = createFeed(state, { onSelect: select });
// Tests and curious students can look inside from the console.
window.__harbour = { state, stats, select, ready: false };

function select(what) {
  panels.show(what);
  harbour.setSelected(what);
}

// ## The connection

let socket;
let retryMs = 500;
function connect() {
  setConn('connecting');
  socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  socket.onmessage = (msg) => receive(JSON.parse(msg.data));
  socket.onclose = () => {
    state.connected = false;
    setConn('reconnecting');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  };
}

function setConn(word) {
  const el = document.getElementById('conn');
  el.dataset.state = word;
  el.textContent = word === 'live' ? '\u25CF live' : word === 'connecting' ? 'connecting\u2026' : '\u21BB reconnecting\u2026';
}

// ## Applying messages to our copy

/** Pods whose move from the dock to a ship the crane should show in the next frame. */
let lifted = [];
/** Ships to redraw in the next frame. */
let dirtyShips = new Set();

function receive(msg) {
  state.skewMs = msg.now - Date.now();
  if (msg.type === 'hello') return hello(msg);
  stats.batches++;
  for (const c of msg.changes) applyChange(c);
  requestDraw();
}

function hello(msg) {
  retryMs = 500;
  state.connected = true;
  stats.hellos++;
  Object.assign(state, { api: msg.api, launcher: msg.launcher, timeScale: msg.timeScale, examples: msg.examples, components: msg.components, writes: msg.writes });
  const fill = (map, views, key) => {
    map.clear();
    for (const v of views) map.set(v[key], v);
  };
  fill(state.pods, msg.pods, 'key');
  fill(state.nodes, msg.nodes, 'name');
  fill(state.services, msg.services, 'key');
  fill(state.rcs, msg.rcs, 'key');
  fill(state.deployments, msg.deployments ?? [], 'key');
  fill(state.replicasets, msg.replicasets ?? [], 'key');
  fill(state.events, msg.events, 'key');
  state.leases = new Map(Object.entries(msg.leases));
  lifted = [];
  setConn('live');
  fillExamples();
  window.__harbour.ready = true;
  requestDraw(true);
}

const MAPS = { pod: 'pods', node: 'nodes', service: 'services', rc: 'rcs', deploy: 'deployments', rs: 'replicasets', event: 'events', lease: 'leases' };

function applyChange(c) {
  if (c.t === 'components') {
    state.components = c.v;
    for (const n of state.nodes.keys()) dirtyShips.add(n); // the kubelets' states show on the ships
    return;
  }
  if (c.t === 'node') dirtyShips.add(c.key);
  if (c.t === 'api') return void (state.api = c.v);
  if (c.t === 'write') {
    // Watches of different kinds arrive in their own order; the ledger reads in revision order.
    let i = state.writes.length;
    while (i > 0 && state.writes[i - 1].revision > c.v.revision) i--;
    state.writes.splice(i, 0, c.v);
    state.writeTimes.push(performance.now());
    if (state.writeTimes.length > 5000) state.writeTimes.splice(0, 1000);
    if (state.writes.length > 60) state.writes.splice(0, state.writes.length - 40);
    return;
  }
  const map = state[MAPS[c.t]];
  if (c.t === 'pod') {
    const old = map.get(c.key);
    if (old?.node) dirtyShips.add(old.node);
    if (c.v?.node) dirtyShips.add(c.v.node);
    // @doc: dashboard-crane-trigger
    // The crane lifts a pod that was on the dock and now has a ship - or one that arrives already
    // bound (created and scheduled within one batch, which a fast crane often manages).
    if (c.v?.node && (!old || !old.node)) lifted.push({ key: c.key, from: old ? harbour.dockPosition(c.key) : undefined });
  }
  if (c.v === undefined) map.delete(c.key);
  else map.set(c.key, c.v);
  // A busy harbour writes Events forever; the log keeps the newest 500.
  if (c.t === 'event' && map.size > 600) {
    for (const e of [...map.values()].sort((a, b) => a.time - b.time).slice(0, map.size - 500)) map.delete(e.key);
  }
}

// ## Drawing, at most once per frame

let drawQueued = false;
let fullDraw = false;
function requestDraw(full = false) {
  fullDraw ||= full;
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(draw);
}

function draw() {
  drawQueued = false;
  const t0 = performance.now();
  harbour.render(fullDraw, dirtyShips);
  harbour.lift(lifted);
  lifted = [];
  dirtyShips = new Set();
  fullDraw = false;
  feed.render();
  panels.refreshLive();
  drawHeader();
  stats.renders++;
  stats.lastRenderMs = performance.now() - t0;
  stats.renderMs.push(stats.lastRenderMs);
  if (stats.renderMs.length > 2000) stats.renderMs.splice(0, 1000);
}

function drawHeader() {
  const api = document.getElementById('api');
  api.dataset.state = state.api;
  api.textContent = state.api === 'connected' ? 'apiserver: watching' : 'apiserver: unreachable, retrying';
  let waiting = 0;
  for (const p of state.pods.values()) if (!p.node) waiting++;
  document.getElementById('counts').textContent =
    `${state.nodes.size} ships \u00B7 ${state.pods.size - waiting} containers aboard \u00B7 ${waiting} on the dock`;
}

// ## Examples: apply / delete through the dashboard server (kubectl apply -f, kubectl delete -f)

function fillExamples() {
  const select = document.getElementById('example');
  const current = select.value;
  select.replaceChildren(...state.examples.map((f) => new Option(f, f)));
  if (state.examples.includes(current)) select.value = current;
  else if (state.examples.includes('besu-rpc.yaml')) select.value = 'besu-rpc.yaml';
}

for (const [id, action] of [['apply', 'apply'], ['unapply', 'delete']]) {
  document.getElementById(id).addEventListener('click', () => {
    const file = document.getElementById('example').value;
    if (file) panels.act(`/api/examples/${encodeURIComponent(file)}/${action}`);
  });
}

connect();
