// Small SVG helpers and the pictures every part of the harbour shares
// ===================================================================
// CONCEPT   Every pod tone has a colour AND a shape AND a word, so the picture reads in black and
//           white and for colour-blind students: a full container (running), a dented one with "!"
//           (running but not ready), a dashed outline (pending: on the dock or being created), a
//           container with an X (failed), a flattened one with a tick (completed), a faded one struck
//           through (terminating). The shapes are SVG <symbol>s drawn once and <use>d everywhere.
// REAL K8S  The words are kubectl's STATUS column; the tones group them as the terminal view does.
// SHIPS     The paint and stencils of the harbour's containers.
// EXAMPLE   svgEl('rect', { x: 1, y: 2, width: 3, height: 4 }, parent)
// SKIPPED   Icons beyond these six; a theme for dark rooms.

export const NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes, appended to `parent` when given. */
export function svgEl(tag, attrs = {}, parent) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

/** A <text> element. */
export function svgText(text, attrs, parent) {
  const t = svgEl('text', attrs, parent);
  t.textContent = text;
  return t;
}

/** Sets an attribute only when it changed: DOM writes are what costs, comparisons are cheap. */
export function setAttr(e, name, value) {
  const v = String(value);
  if (e.getAttribute(name) !== v) e.setAttribute(name, v);
}

/**
 * "node-2" before "node-10". One shared collator: `a.localeCompare(b, 'en', { numeric: true })` builds
 * a new one on every call, which costs seconds when 3,000 container names are sorted each frame.
 */
export const byName = new Intl.Collator('en', { numeric: true }).compare;

/** Cuts a string to `chars`, with an ellipsis. */
export function fit(text, chars) {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}\u2026`;
}

/** The tones, their words for the legend, in the order the legend lists them. */
export const TONES = [
  ['running', 'Running & Ready'],
  ['notready', 'Running, not Ready'],
  ['pending', 'Pending / being created'],
  ['failed', 'Failed / crash-looping'],
  ['succeeded', 'Completed'],
  ['terminating', 'Terminating'],
];

const SYMBOLS = `
  <symbol id="s-running" viewBox="0 0 40 20"><rect x="0.5" y="0.5" width="39" height="19" rx="2" style="fill:var(--running)"/>
    <path d="M4 3v14M8 3v14" stroke="#fff" stroke-opacity=".55" stroke-width="1.5"/></symbol>
  <symbol id="s-notready" viewBox="0 0 40 20"><path d="M0.5 0.5H31L39.5 9V19.5H0.5Z" style="fill:var(--notready)"/>
    <path d="M6 3.5v8" stroke="#222" stroke-width="2.6"/><circle cx="6" cy="15.5" r="1.6" fill="#222"/></symbol>
  <symbol id="s-pending" viewBox="0 0 40 20"><rect x="1.5" y="1.5" width="37" height="17" rx="2" fill="#dbe8fa"
    style="stroke:var(--pending)" stroke-width="2.5" stroke-dasharray="5 3"/></symbol>
  <symbol id="s-failed" viewBox="0 0 40 20"><rect x="0.5" y="0.5" width="39" height="19" rx="2" style="fill:var(--failed)"/>
    <path d="M3 4l8 12M11 4l-8 12" stroke="#fff" stroke-width="2.4"/></symbol>
  <symbol id="s-succeeded" viewBox="0 0 40 20"><rect x="0.5" y="6.5" width="39" height="13" rx="2" style="fill:var(--succeeded)"/>
    <path d="M3 13l3 3 5-6" stroke="#fff" stroke-width="2.2" fill="none"/></symbol>
  <symbol id="s-terminating" viewBox="0 0 40 20"><rect x="0.5" y="0.5" width="39" height="19" rx="2" style="fill:var(--terminating)" fill-opacity=".55"/>
    <path d="M1 10H39" stroke="#fff" stroke-width="2.4"/></symbol>
  <pattern id="hatch" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
    <rect width="5" height="10" fill="#f5c400"/><rect x="5" width="5" height="10" fill="#222"/></pattern>`;

/**
 * The same shapes as the symbols, as two path strings in absolute coordinates: the container's body
 * and its mark (none when smaller than 14 px). The decks draw 3,000 of these; paths at absolute
 * coordinates cost the browser far less than <use> elements, each of which brings its own transform
 * (and so its own paint chunk) to lay out and layerize on every frame.
 * @example podShape('failed', 10, 20, 40, 20) => { body: "M10 20h40v20h-40Z", mark: "M13 24l8 12M21 24l-8 12" }
 */
export function podShape(tone, x, y, w, h) {
  const r = (n) => Math.round(n * 10) / 10;
  const big = w >= 14;
  const u = h / 20; // the symbols' units
  const mx = (n) => r(x + n * u);
  const my = (n) => r(y + n * u);
  switch (tone) {
    case 'notready': {
      const c = r(Math.min(w, h) * 0.42);
      return { body: `M${r(x)} ${r(y)}H${r(x + w - c)}L${r(x + w)} ${r(y + c)}V${r(y + h)}H${r(x)}Z`, mark: big ? `M${mx(6)} ${my(3.5)}V${my(11.5)}M${mx(6)} ${my(14.5)}V${my(17)}` : '' };
    }
    case 'succeeded':
      return { body: `M${r(x)} ${r(y + h * 0.32)}h${r(w)}v${r(h * 0.68)}h${r(-w)}Z`, mark: big ? `M${mx(3)} ${my(13)}l${r(3 * u)} ${r(3 * u)} ${r(5 * u)} ${r(-6 * u)}` : '' };
    default: {
      const body = `M${r(x)} ${r(y)}h${r(w)}v${r(h)}h${r(-w)}Z`;
      if (!big) return { body, mark: '' };
      const mark = tone === 'running' ? `M${mx(4)} ${my(3)}v${r(14 * u)}M${mx(8)} ${my(3)}v${r(14 * u)}`
        : tone === 'failed' ? `M${mx(3)} ${my(4)}l${r(8 * u)} ${r(12 * u)}M${mx(11)} ${my(4)}l${r(-8 * u)} ${r(12 * u)}`
          : tone === 'terminating' ? `M${r(x + 1)} ${r(y + h / 2)}H${r(x + w - 1)}` : '';
      return { body, mark };
    }
  }
}

/** Puts the shared symbols into the harbour's <defs>. */
export function addSymbols(svg) {
  const defs = svgEl('defs', {}, svg);
  defs.innerHTML = SYMBOLS;
  return defs;
}

/** Fills the legend under the picture: every shape with its word, and the ship states. */
export function drawLegend(legend) {
  const items = TONES.map(([tone, word]) => `<span><svg viewBox="0 0 40 20"><use href="#s-${tone}"/></svg>${word}</span>`);
  items.push('<span><b>Ready</b> ship: upright, blue hull</span>', '<span><b>NotReady</b>: red hull, listing</span>',
    '<span><svg viewBox="0 0 40 20"><rect width="40" height="20" fill="url(#hatch)"/></svg>cordoned</span>');
  legend.innerHTML = items.join('');
}

/** "besu-rpc-x7k2q" => "x7k2q": the part that tells replicas apart. */
export function shortName(name) {
  const last = name.slice(name.lastIndexOf('-') + 1);
  return last.length > 0 && last.length <= 6 ? last : name.slice(-6);
}

/** 1500 millicores => "1.5"; 4294967296 bytes => "4 Gi". */
export function cores(milli) {
  return (milli / 1000).toFixed(milli % 1000 === 0 ? 0 : 1);
}
export function gib(bytes) {
  const g = bytes / 2 ** 30;
  return `${g.toFixed(g >= 10 || Number.isInteger(g) ? 0 : 1)} Gi`;
}
