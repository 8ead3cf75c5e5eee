// Tiny HTML helpers for the side panels
// =====================================
// CONCEPT   The panels are built with DOM calls, never by pasting strings into innerHTML: pod
//           names and event messages come from the cluster, and textContent can never run them.
// REAL K8S  None.
// SHIPS     The clerk's rubber stamps.
// EXAMPLE   h('p', { class: 'note' }, 'hello', h('b', {}, 'world'))
// SKIPPED   Everything a framework would add (diffing, components): panels are redrawn whole.

/** An HTML element: attributes (functions become listeners, null is skipped) and children. */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'function') e.addEventListener(k.replace(/^on/, ''), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** A definition list of [label, value] rows. */
export function kv(rows) {
  return h('dl', { class: 'kv' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** A clickable word. */
export function link(text, onclick) {
  return h('span', { class: 'link', role: 'link', tabindex: '0', onclick }, text);
}

/** A heading and a list (strings or elements). */
export function section(title, items) {
  return h('div', {}, h('h3', {}, title), h('ul', { class: 'lines' }, ...items.map((i) => h('li', {}, i))));
}

/** 0.42 => "0.4 s", 75 => "1 min 15 s". */
export function fmtAge(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, seconds);
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
