// The cargo ships: one per node, sized by capacity, its pods as containers on deck
// ================================================================================
// CONCEPT   Each node is a ship. Its length follows its cpu capacity (the biggest ship spans its
//           cell), its hull carries two gauges - cpu and memory *requested* against allocatable,
//           the numbers the scheduler packs by - and its deck carries one container per pod. A Ready
//           ship floats upright with a blue hull; a NotReady one lists, red; a cordoned one wears a
//           striped band. Containers shrink to fit however many pods a ship carries, and get their
//           name written on them when there is room.
//           We keep one SVG element per ship and per pod and only touch attributes that changed, so
//           a redraw with 3,000 containers is a loop of comparisons, not a rebuild.
// REAL K8S  `kubectl describe node` (Conditions, Taints, Unschedulable, Allocated resources);
//           `kubectl get pods -o wide` (NODE column) decides which deck a container stands on.
// SHIPS     The ships themselves, and the containers on their decks.
// EXAMPLE   ships.render(area, full); ships.slotOf('default/besu-0')  // { x, y, w, h } in SVG coordinates
// SKIPPED   Zoom and pan: at 100 ships a container is a few pixels; click a ship for its list.

import { byName, cores, fit, gib, podShape, setAttr, shortName, svgEl, svgText } from './svg.js';

export function createShips(layer, state) {
  const shipEls = new Map(); // node name => { g, body, outline, title, word, deck, hull, bars, band, layout }
  const podEls = new Map(); // pod key => { g, use, text, node }
  const slots = new Map(); // pod key => absolute { x, y, w, h }
  let gridKey = '';
  let cells = new Map();

  // ## Where each ship goes: a grid that keeps cells about twice as wide as tall
  function layoutGrid(area, names) {
    const n = Math.max(1, names.length);
    let best = { cols: 1, score: -1 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const score = Math.min(area.w / cols / 2.2, area.h / rows);
      if (score > best.score) best = { cols, score };
    }
    const rows = Math.ceil(n / best.cols);
    const cw = area.w / best.cols;
    const ch = Math.min(area.h / rows, 260);
    const maxCpu = Math.max(1, ...names.map((name) => state.nodes.get(name)?.cpu.total ?? 0));
    cells = new Map(names.map((name, i) => {
      const cpu = state.nodes.get(name)?.cpu.total ?? 0;
      const pad = Math.max(4, Math.min(16, cw * 0.04));
      const w = (cw - pad) * (0.62 + 0.38 * (cpu / maxCpu));
      return [name, { x: area.x + (i % best.cols) * cw, y: area.y + Math.floor(i / best.cols) * ch, w, h: ch - pad }];
    }));
  }

  /**
   * Draws the ships in `dirty` (their node or one of their pods changed), or all of them when `full`
   * (a resize, a fresh hello) or when ships came or went.
   */
  function render(area, full, dirty) {
    const names = [...state.nodes.keys()].sort(byName);
    const key = `${area.w}x${area.h}|${names.map((n) => `${n}:${state.nodes.get(n).cpu.total}`).join(',')}`;
    if (full || key !== gridKey) {
      gridKey = key;
      layoutGrid(area, names);
      full = true;
    }
    for (const [name, e] of shipEls) {
      if (state.nodes.has(name)) continue;
      e.g.remove();
      for (const k of e.keys) forget(k, e);
      shipEls.delete(name);
    }
    const todo = full ? names : names.filter((n) => dirty.has(n));
    if (!todo.length) return;
    const aboard = new Map(todo.map((n) => [n, []]));
    for (const p of state.pods.values()) if (p.node) aboard.get(p.node)?.push(p);
    for (const name of todo) drawShip(name, cells.get(name), aboard.get(name));
  }

  /** Drops a container that left ship `e` (deleted, or back on the dock) - unless another ship took it. */
  function forget(key, e) {
    const pe = podEls.get(key);
    if (pe && pe.g.parentNode !== e.deck && pe.g.isConnected) return;
    pe?.g.remove();
    podEls.delete(key);
    slots.delete(key);
  }

  function drawShip(name, cell, pods) {
    const node = state.nodes.get(name);
    let e = shipEls.get(name);
    if (!e) {
      const g = svgEl('g', { class: 'ship', 'data-node': name }, layer);
      const body = svgEl('g', { class: 'ship-body' }, g);
      e = {
        g, body,
        outline: svgEl('rect', { class: 'outline', fill: 'transparent', stroke: 'none', rx: 6 }, body),
        deck: svgEl('g', { class: 'deck' }, body),
        hull: svgEl('path', { class: 'hull' }, body),
        band: svgEl('rect', { fill: 'url(#hatch)' }, body),
        bandText: svgText('CORDONED', { 'font-weight': 700, fill: '#fff', stroke: '#222', 'stroke-width': 3, 'paint-order': 'stroke' }, body),
        bars: svgEl('g', {}, body),
        // Drawn after the hull: a small ship writes its name on it.
        title: svgText(name, { class: 'title' }, body),
        word: svgText('', { class: 'state-word' }, body),
        more: svgText('', { class: 'small' }, body),
        keys: new Set(),
      };
      shipEls.set(name, e);
    }
    const { x, y, w, h } = cell;
    // A small ship (many nodes) writes its name inside its hull and shows its gauges as two thin
    // upright bars at the stern, so that nearly all its height is deck.
    const compact = h < 70;
    const hullH = compact ? Math.max(10, Math.min(16, h * 0.34)) : Math.max(8, Math.min(46, h * 0.3));
    const fs = compact ? hullH - 3 : Math.max(11, Math.min(16, h * 0.12));
    const top = h - hullH;
    const slope = Math.min(hullH * 0.6, w * 0.08);
    const down = node.ready !== 'Ready';
    setAttr(e.g, 'transform', `translate(${x.toFixed(1)},${y.toFixed(1)})`);
    setAttr(e.g, 'class', `ship ${down ? 'down' : 'ready'}${node.cordoned ? ' cordoned' : ''}${compact ? ' compact' : ''}`);
    setAttr(e.outline, 'width', w.toFixed(1));
    setAttr(e.outline, 'height', h.toFixed(1));
    const captain = state.components.find((c) => c.name === `kubelet/${name}`);
    const words = [down ? 'NotReady' : 'Ready'];
    if (node.cordoned) words.push('cordoned');
    if (captain && captain.state !== 'running') words.push(`kubelet ${captain.state}`);
    setAttr(e.title, 'font-size', fs.toFixed(1));
    if (compact) {
      setAttr(e.title, 'x', (slope + 2).toFixed(1));
      setAttr(e.title, 'y', (h - (hullH - fs) / 2 - 1).toFixed(1));
      const label = fit(`${name}${down ? ' NotReady' : ''}${node.cordoned ? ' cordoned' : ''}`, Math.floor((w - 2 * slope) / (fs * 0.58)));
      if (e.title.textContent !== label) e.title.textContent = label;
      e.word.textContent = '';
    } else {
      setAttr(e.title, 'x', 4);
      setAttr(e.title, 'y', fs);
      if (e.title.textContent !== name) e.title.textContent = name;
      setAttr(e.word, 'x', Math.min(w * 0.45, 4 + (name.length + 1) * fs * 0.62));
      setAttr(e.word, 'y', fs);
      setAttr(e.word, 'font-size', fs * 0.9);
      e.word.textContent = fit(words.join(' \u00B7 '), Math.max(6, Math.floor((w * 0.55) / (fs * 0.5))));
    }
    // The hull: a trapezoid under the deck.
    setAttr(e.hull, 'd', `M0 ${top.toFixed(1)}H${w.toFixed(1)}L${(w - slope).toFixed(1)} ${h.toFixed(1)}H${slope.toFixed(1)}Z`);
    const bandH = compact ? 3 : 5;
    setAttr(e.band, 'x', 0);
    setAttr(e.band, 'y', (top - bandH).toFixed(1));
    setAttr(e.band, 'width', node.cordoned ? w.toFixed(1) : 0);
    setAttr(e.band, 'height', bandH);
    setAttr(e.bandText, 'x', w * 0.5);
    setAttr(e.bandText, 'y', top - 7);
    setAttr(e.bandText, 'font-size', fs * 0.8);
    setAttr(e.bandText, 'display', node.cordoned && !compact ? 'inline' : 'none');
    if (compact) {
      drawGauges(e.bars, node, w, top);
      drawDeck(e, { x: 2, y: 1, w: w - 14, h: top - 2 - (node.cordoned ? bandH : 0) }, pods, x, y);
    } else {
      drawBars(e.bars, node, w, top, hullH, slope);
      const deckY = fs + 6;
      drawDeck(e, { x: 4, y: deckY, w: w - 8, h: Math.max(4, top - deckY - 2) }, pods, x, y);
    }
  }

  // Two gauges in the hull: requested cpu and memory against allocatable.
  function drawBars(g, node, w, top, hullH, slope) {
    const rows = [['cpu', node.cpu, `cpu ${cores(node.cpu.used)} / ${cores(node.cpu.total)}`],
      ['mem', node.memory, `mem ${gib(node.memory.used)} / ${gib(node.memory.total)}`]];
    const sig = `${w}|${hullH}|${rows.map((r) => r[2]).join('|')}`;
    if (g.dataset.sig === sig) return;
    g.dataset.sig = sig;
    g.replaceChildren();
    const withText = hullH >= 28;
    const barH = withText ? (hullH - 8) / 2 : Math.max(2, (hullH - 4) / 2);
    rows.forEach(([kind, r, label], i) => {
      const bx = slope + 4;
      const bw = Math.max(4, w - 2 * slope - 8);
      const by = top + 3 + i * (barH + 2);
      svgEl('rect', { class: 'bar-bg', x: bx, y: by, width: bw, height: barH }, g);
      svgEl('rect', { class: `bar-${kind}`, x: bx, y: by, width: bw * Math.min(1, r.total ? r.used / r.total : 0), height: barH }, g);
      if (withText) svgText(label, { class: 'bar-text', x: bx + 4, y: by + barH - 3, 'font-size': Math.min(13, barH - 1) }, g);
    });
  }

  // The compact ship's gauges: two upright bars at the stern, filling from the waterline up.
  function drawGauges(g, node, w, top) {
    const sig = `g|${w}|${top}|${node.cpu.used}/${node.cpu.total}|${node.memory.used}/${node.memory.total}`;
    if (g.dataset.sig === sig) return;
    g.dataset.sig = sig;
    g.replaceChildren();
    [['cpu', node.cpu], ['mem', node.memory]].forEach(([kind, r], i) => {
      const bx = w - 10 + i * 5;
      const fill = (top - 2) * Math.min(1, r.total ? r.used / r.total : 0);
      svgEl('rect', { class: 'gauge-bg', x: bx, y: 1, width: 4, height: top - 2 }, g);
      svgEl('rect', { class: `bar-${kind}`, x: bx, y: top - 1 - fill, width: 4, height: fill }, g);
    });
    g.appendChild(svgEl('title')).textContent = `cpu ${cores(node.cpu.used)} / ${cores(node.cpu.total)}, memory ${gib(node.memory.used)} / ${gib(node.memory.total)} requested`;
  }

  // ## The deck: the largest container size at which every pod fits
  function drawDeck(e, deck, aboard, shipX, shipY) {
    // Containers stand in name order. Most redraws are status changes that move nobody, so we sort
    // again only when a container came aboard or left.
    const byKey = new Map(aboard.map((p) => [p.key, p]));
    if (!e.order || e.order.length !== byKey.size || e.order.some((k) => !byKey.has(k))) e.order = [...byKey.keys()].sort(byName);
    const pods = e.order.map((k) => byKey.get(k));
    let cw = 64;
    let ch = 30;
    let cols = 1;
    let rows = 1;
    for (;;) {
      const gap = Math.max(1, cw * 0.08);
      cols = Math.max(1, Math.floor((deck.w + gap) / (cw + gap)));
      rows = Math.max(1, Math.floor((deck.h + gap) / (ch + gap)));
      if (cols * rows >= pods.length || cw <= 4) break;
      cw *= 0.88;
      // Small containers get squarer, so a dot of colour stays visible.
      ch = cw >= 16 ? cw * 0.47 : cw * 0.7;
    }
    const gap = Math.max(1, cw * 0.08);
    const shown = Math.min(pods.length, cols * rows);
    const labels = cw >= 38;
    const before = e.keys;
    e.keys = new Set();
    for (let i = 0; i < shown; i++) {
      const p = pods[i];
      const px = deck.x + (i % cols) * (cw + gap);
      const py = deck.y + deck.h - (Math.floor(i / cols) + 1) * (ch + gap) + gap; // stacked from the deck up
      slots.set(p.key, { x: shipX + px, y: shipY + py, w: cw, h: ch });
      drawPod(e.deck, p, px, py, cw, ch, labels);
      e.keys.add(p.key);
    }
    for (const k of before) if (!e.keys.has(k)) forget(k, e);
    e.more.textContent = shown < pods.length ? `+${pods.length - shown} more` : '';
    setAttr(e.more, 'x', deck.x + deck.w - 60);
    setAttr(e.more, 'y', deck.y + 10);
  }

  // We remember what we last wrote on each container (in `was`) and compare with that, because
  // reading attributes back from the DOM costs more than writing them.
  function drawPod(deck, p, x, y, w, h, labels) {
    let e = podEls.get(p.key);
    if (!e) {
      const g = svgEl('g', { 'data-pod': p.key }, deck);
      e = { g, body: svgEl('path', { class: 'body' }, g), mark: svgEl('path', { class: 'mark' }, g), text: null, was: {} };
      podEls.set(p.key, e);
    } else if (e.g.parentNode !== deck) deck.appendChild(e.g); // moved to another ship
    const put = (el, name, value) => {
      const k = `${el === e.g ? 'g' : el === e.body ? 'b' : el === e.mark ? 'm' : 't'}.${name}`;
      if (e.was[k] !== value) el.setAttribute(name, (e.was[k] = value));
    };
    put(e.g, 'class', `pod tone-${p.tone}${landing.has(p.key) ? ' landing' : ''}`);
    const geometry = `${p.tone}|${x}|${y}|${w}|${h}`;
    if (e.geometry !== geometry) {
      e.geometry = geometry;
      const shape = podShape(p.tone, x, y, w, h);
      put(e.body, 'd', shape.body);
      put(e.mark, 'd', shape.mark);
    }
    if (labels) {
      if (!e.text) {
        e.text = svgText(shortName(p.name), { 'text-anchor': 'end' }, e.g);
        for (const k of Object.keys(e.was)) if (k.startsWith('t.')) delete e.was[k];
      }
      put(e.text, 'x', (x + w - 3).toFixed(1));
      put(e.text, 'y', (y + h * 0.68).toFixed(1));
      put(e.text, 'font-size', Math.min(13, h * 0.48).toFixed(1));
    } else if (e.text) {
      e.text.remove();
      e.text = null;
    }
  }

  /** Pods the crane is still carrying: their deck container stays invisible until it lands. */
  const landing = new Set();

  return { render, slotOf: (key) => slots.get(key), landing, podElement: (key) => podEls.get(key)?.g };
}
