// The harbour picture: control ship, buoys, dock, crane, and the cargo ships
// =========================================================================
// CONCEPT   One SVG, four regions:
//             - the control ship (top left): etcd, kube-apiserver, kube-scheduler and
//               kube-controller-manager as cabins, each alive or down, the leaders named;
//             - the buoys (top right): Services, with how many endpoints are ready;
//             - the dock (left): pods no scheduler has placed, each with the reason it waits;
//             - the sea (right): one cargo ship per node (ships.js).
//           Over the sea runs the crane's rail. When a pod gets a node, the crane lifts its
//           container off the dock and lowers it onto its ship: a Web Animations keyframe path
//           (up, across, down), while the container on deck stays invisible until it lands.
// REAL K8S  The scheduler's Binding (POST pods/NAME/binding) is what sets spec.nodeName: the
//           crane's move is that one write, made visible.
// SHIPS     The harbour seen from the harbour master's tower.
// EXAMPLE   const h = createHarbour(svg, state, { onSelect }); h.render(true); h.lift([{ key }]);
// SKIPPED   More than ~24 simultaneous crane moves (the rest appear at once, or the page would lag).

import { addSymbols, byName, drawLegend, fit, svgEl, svgText } from './svg.js';
import { createShips } from './ships.js';
import { isWorkloadPanel, podsOf } from './workloads.js';

const CABINS = [
  ['etcd', 'etcd', 'records office'],
  ['kube-apiserver', 'apiserver', 'radio room'],
  ['kube-scheduler', 'scheduler', 'the cranes'],
  ['kube-controller-manager', 'controller-manager', 'the offices'],
];
const MAX_FLIGHTS = 24;

export function createHarbour(svg, state, { onSelect, stats, onResize }) {
  addSymbols(svg);
  drawLegend(document.getElementById('legend'));
  const layer = (id) => svgEl('g', { id }, svg);
  const control = layer('control-ship');
  const buoys = layer('buoys');
  const dock = layer('dock');
  const crane = layer('crane');
  const ships = createShips(layer('ships'), state);
  const craneLayer = document.getElementById('crane-layer');
  const clip = svgEl('rect', { x: 0, y: 0, width: 0, height: 0 }, svgEl('clipPath', { id: 'below-rail' }, svgEl('defs', {}, craneLayer)));
  const flights = svgEl('g', { id: 'flights', 'clip-path': 'url(#below-rail)' }, craneLayer);
  const dockSlots = new Map();
  let area;
  let selected;
  let sigs = {};

  svg.addEventListener('click', (ev) => {
    const hit = ev.target.closest('[data-pod],[data-node],[data-comp],[data-svc]');
    if (!hit) return;
    const d = hit.dataset;
    onSelect(d.pod ? { kind: 'pod', key: d.pod } : d.node ? { kind: 'node', key: d.node } : d.comp ? { kind: 'component', key: d.comp } : { kind: 'service', key: d.svc });
  });

  // ## Regions, from the SVG's size in CSS pixels (so text sizes are true pixels)
  // Reading clientWidth forces the browser to lay the page out there and then; we read the size
  // once, and again only when a ResizeObserver says it changed.
  let size;
  new ResizeObserver(() => {
    size = undefined;
    onResize();
  }).observe(svg);
  function layout() {
    size ??= { W: Math.max(600, svg.clientWidth), H: Math.max(400, svg.clientHeight) };
    const { W, H } = size;
    const ctrlW = Math.min(600, W * 0.62);
    const dockW = Math.min(270, W * 0.26);
    const railY = 152;
    return {
      W, H, railY,
      control: { x: 8, y: 6, w: ctrlW, h: 134 },
      buoys: { x: ctrlW + 22, y: 8, w: W - ctrlW - 30, h: 132 },
      dock: { x: 8, y: railY + 8, w: dockW, h: H - railY - 14 },
      sea: { x: dockW + 26, y: railY + 14, w: W - dockW - 34, h: H - railY - 20 },
    };
  }

  /** Draws what changed: `dirtyShips` names the ships whose node or pods changed. */
  function render(full, dirtyShips = new Set()) {
    const next = layout();
    if (full || !area || next.W !== area.W || next.H !== area.H) {
      area = next;
      sigs = {};
      drawCrane();
    }
    drawControl();
    drawBuoys();
    drawDock();
    ships.render(area.sea, full, dirtyShips);
    applySelection();
  }

  // ## The control ship: four cabins
  function drawControl() {
    const sig = JSON.stringify(state.components.filter((c) => c.role === 'control-plane'));
    if (sigs.control === sig) return;
    sigs.control = sig;
    control.replaceChildren();
    const { x, y, w, h } = area.control;
    svgEl('path', { class: 'hull', d: `M${x} ${y + h - 26}H${x + w}L${x + w - 22} ${y + h}H${x + 22}Z` }, control);
    svgText('Control ship (control plane)', { x: x + 26, y: y + h - 8, 'font-size': 13, fill: '#fff', class: 'title', style: 'fill:#fff' }, control);
    const cw = (w - 10) / 4;
    CABINS.forEach(([name, label, words], i) => {
      const c = state.components.find((k) => k.name === name) ?? { state: 'unknown', restarts: 0 };
      const { cls, word } = stateWord(c.state);
      const g = svgEl('g', { class: `cabin state-${cls}`, 'data-comp': name }, control);
      const cx = x + 4 + i * cw;
      svgEl('rect', { class: 'box outline', x: cx, y, width: cw - 6, height: h - 32, rx: 6 }, g);
      svgText(label === 'controller-manager' ? 'controller-mgr' : label, { x: cx + 6, y: y + 18, 'font-size': 14, class: 'title' }, g);
      svgText(words, { x: cx + 6, y: y + 35, 'font-size': 12, class: 'small' }, g);
      svgText(word, { x: cx + 6, y: y + 56, 'font-size': 14, 'font-weight': 700 }, g);
      const extra = c.leader ? `leader: ${c.leader}` : c.restarts ? `restarts: ${c.restarts}` : '';
      if (extra) svgText(fit(extra, Math.floor((cw - 12) / 6.2)), { x: cx + 6, y: y + 76, 'font-size': 12, class: 'small' }, g);
      if (c.message) g.appendChild(svgEl('title')).textContent = c.message;
    });
  }

  // ## Buoys: one per Service, "ready/total" endpoints
  function drawBuoys() {
    const list = [...state.services.values()].sort((a, b) => a.key.localeCompare(b.key));
    const sig = JSON.stringify(list) + area.W;
    if (sigs.buoys === sig) return;
    sigs.buoys = sig;
    buoys.replaceChildren();
    const { x, y, w, h } = area.buoys;
    svgText(`Services (buoys) \u00B7 ${list.length}`, { x, y: y + 14, 'font-size': 14, class: 'title' }, buoys);
    const bw = 168;
    const bh = 44;
    const cols = Math.max(1, Math.floor(w / (bw + 8)));
    const fitCount = cols * Math.max(1, Math.floor((h - 22) / (bh + 6)));
    list.slice(0, fitCount).forEach((s, i) => {
      const bx = x + (i % cols) * (bw + 8);
      const by = y + 22 + Math.floor(i / cols) * (bh + 6);
      const g = svgEl('g', { class: `buoy${s.ready ? '' : ' empty'}`, 'data-svc': s.key }, buoys);
      svgEl('rect', { class: 'outline', x: bx, y: by, width: bw, height: bh, rx: 8 }, g);
      svgText(fit(s.name, 20), { x: bx + 8, y: by + 18, 'font-size': 14, class: 'title' }, g);
      svgText(`${s.ready} ready${s.notReady ? `, ${s.notReady} not` : ''} \u00B7 ${s.type}`, { x: bx + 8, y: by + 36, 'font-size': 12, class: 'small' }, g);
    });
    if (list.length > fitCount) svgText(`+${list.length - fitCount} more`, { x: x + w - 70, y: y + 14, 'font-size': 13 }, buoys);
  }

  // ## The dock: pending pods and why they wait
  function drawDock() {
    const waiting = [...state.pods.values()].filter((p) => !p.node).sort((a, b) => byName(a.name, b.name));
    const { x, y, w, h } = area.dock;
    const rowH = 62;
    const fits = Math.max(1, Math.floor((h - 34) / rowH));
    const shown = waiting.length > fits ? waiting.slice(0, fits - 1) : waiting;
    const sig = shown.map((p) => `${p.key}|${p.tone}|${p.reason ?? p.status}`).join('\n') + waiting.length + area.H;
    if (sigs.dock === sig) return;
    sigs.dock = sig;
    dock.replaceChildren();
    dockSlots.clear();
    svgEl('rect', { class: 'dock-bg', x, y, width: w, height: h, rx: 4 }, dock);
    svgText(`Dock \u00B7 ${waiting.length} waiting`, { x: x + 8, y: y + 20, 'font-size': 14, class: 'title' }, dock);
    if (!waiting.length) svgText('empty: every container has a ship', { x: x + 8, y: y + 42, 'font-size': 12, class: 'small' }, dock);
    const chars = Math.floor((w - 16) / 6.4);
    shown.forEach((p, i) => {
      const ry = y + 30 + i * rowH;
      const g = svgEl('g', { class: 'dock-row', 'data-pod': p.key, 'data-dock': '' }, dock);
      svgEl('rect', { class: 'outline', x: x + 3, y: ry, width: w - 6, height: rowH - 4, rx: 3, fill: 'rgba(255,255,255,.35)' }, g);
      svgEl('use', { href: `#s-${p.tone}`, x: x + 8, y: ry + 4, width: 32, height: 16 }, g);
      svgText(fit(p.name, chars - 6), { x: x + 46, y: ry + 17, 'font-size': 14, class: 'title' }, g);
      const why = wrap(p.reason ?? p.status, chars, 2);
      why.forEach((line, j) => svgText(line, { x: x + 8, y: ry + 35 + j * 15, class: 'reason' }, g));
      g.appendChild(svgEl('title')).textContent = `${p.name}: ${p.reason ?? p.status}`;
      dockSlots.set(p.key, { x: x + 8, y: ry + 4, w: 32, h: 16 });
    });
    if (shown.length < waiting.length) svgText(`+${waiting.length - shown.length} more waiting`, { x: x + 8, y: y + 30 + shown.length * rowH + 18, 'font-size': 13, class: 'title' }, dock);
  }

  // ## The crane: a rail over the sea, and containers that travel along it
  function drawCrane() {
    crane.replaceChildren();
    const { railY, dock: d, W } = area;
    svgEl('path', { class: 'crane', d: `M${d.x + d.w + 8} ${area.H - 6}V${railY}M${d.x + 20} ${railY}H${W - 8}` }, crane);
    svgText('crane rail: kube-scheduler binds pods to ships', { x: W - 10, y: railY - 5, 'font-size': 12, class: 'small', 'text-anchor': 'end' }, crane);
    for (const [k, v] of Object.entries({ x: 0, y: railY, width: W, height: area.H })) clip.setAttribute(k, String(v));
  }

  /** Animates each lifted pod from the dock (or the crane's end of the rail) to its slot on deck. */
  function lift(list) {
    const { railY, dock: d } = area;
    for (const { key, from } of list.slice(0, MAX_FLIGHTS)) {
      const to = ships.slotOf(key);
      const p = state.pods.get(key);
      if (!to || !p) continue;
      const w = Math.max(to.w, 24);
      const h = Math.max(to.h, 12);
      const start = from ?? { x: d.x + d.w - 40, y: d.y + 30 };
      const g = svgEl('g', { class: 'flight' }, flights);
      svgEl('line', { class: 'cable', x1: w / 2, y1: -2000, x2: w / 2, y2: 0 }, g);
      svgEl('use', { href: `#s-${p.tone}`, width: w, height: h }, g);
      ships.landing.add(key);
      ships.podElement(key)?.classList.add('landing');
      const at = (x, y) => ({ transform: `translate(${x}px, ${y}px)` });
      const anim = g.animate([at(start.x, start.y), { ...at(start.x, railY + 8), offset: 0.25 }, { ...at(to.x, railY + 8), offset: 0.7 }, at(to.x, to.y)],
        { duration: 1800, easing: 'ease-in-out' });
      stats.flights++;
      anim.onfinish = () => {
        g.remove();
        ships.landing.delete(key);
        ships.podElement(key)?.classList.remove('landing');
      };
    }
  }

  // ## Selection: an orange outline on whatever the open panel is about
  function setSelected(what) {
    selected = what;
    applySelection();
  }
  function applySelection() {
    for (const e of svg.querySelectorAll('.selected')) e.classList.remove('selected');
    if (!selected) return;
    if (isWorkloadPanel(selected.kind)) {
      const keys = podsOf(state, selected);
      for (const e of svg.querySelectorAll('[data-pod]')) if (keys.has(e.getAttribute('data-pod'))) e.classList.add('selected');
      return;
    }
    const attr = { pod: 'data-pod', node: 'data-node', component: 'data-comp', service: 'data-svc' }[selected.kind];
    for (const e of svg.querySelectorAll(`[${attr}="${CSS.escape(selected.key)}"]`)) e.classList.add('selected');
  }

  return { render, lift, setSelected, dockPosition: (key) => dockSlots.get(key) };
}

/** Splits text into at most `lines` lines of `chars`, breaking at spaces; the last line gets an ellipsis if cut. */
function wrap(text, chars, lines) {
  const out = [];
  let rest = text;
  while (rest && out.length < lines) {
    if (rest.length <= chars || out.length === lines - 1) {
      out.push(fit(rest, chars));
      break;
    }
    const cut = rest.lastIndexOf(' ', chars);
    const at = cut > chars / 2 ? cut : chars;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  return out;
}

/** The launcher's state words grouped into four looks, each with its own word on the cabin. */
export function stateWord(s) {
  if (s === 'running') return { cls: 'running', word: '\u25CF running' };
  if (s === 'paused') return { cls: 'paused', word: '\u23F8 paused' };
  if (s === 'starting' || s === 'backoff') return { cls: 'restarting', word: s === 'starting' ? '\u21BB starting' : '\u21BB restarting' };
  if (s === 'unknown') return { cls: 'unknown', word: '? unknown' };
  return { cls: 'down', word: `\u2715 ${s}` };
}
