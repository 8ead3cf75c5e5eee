// The records office and the harbour log
// ======================================
// CONCEPT   Two live lists beside the picture:
//             - the records office: the latest etcd writes, newest first, each with its revision
//               and key. They are the watch events the dashboard receives - every object version
//               the apiserver hands out *is* one etcd write, numbered by its resourceVersion - so
//               students see that a node's heartbeat, a binding or an Event is each a write;
//             - the harbour log: Events in plain words, newest first, filterable by object. A click
//               on a line opens the object it is about.
// REAL K8S  `etcdctl watch --prefix /registry` (what the strip imitates from outside) and
//           `kubectl get events --sort-by=.lastTimestamp --field-selector involvedObject.name=X`.
// SHIPS     The records office's ledger and the harbour master's log book.
// EXAMPLE   rev 4127  update  /registry/leases/kube-node-lease/node-2
// SKIPPED   Paging back through older writes (the server keeps the last 40).

import { h } from './dom.js';

export function createFeed(state, { onSelect }) {
  const writesEl = document.getElementById('writes');
  const rateEl = document.getElementById('write-rate');
  const eventsEl = document.getElementById('events');
  const filterEl = document.getElementById('event-filter');
  let filter = '';
  let lastWrite = 0;
  let eventsSig = '';
  filterEl.addEventListener('input', () => {
    filter = filterEl.value.trim().toLowerCase();
    eventsSig = '';
    render();
  });

  // People read these lists; four updates a second are plenty, and spare the page's frame budget
  // when hundreds of writes a second stream in. A call inside the quiet time schedules one more.
  let lastRender = 0;
  let trailing;
  function render() {
    const wait = lastRender + 250 - performance.now();
    if (wait > 0) {
      trailing ??= setTimeout(() => {
        trailing = undefined;
        render();
      }, wait);
      return;
    }
    lastRender = performance.now();
    renderWrites();
    renderEvents();
  }

  function renderWrites() {
    const newest = state.writes.at(-1);
    if (newest && newest.revision === lastWrite && writesEl.childElementCount) return;
    const previous = lastWrite;
    lastWrite = newest?.revision ?? 0;
    const rows = state.writes.slice(-6).reverse();
    writesEl.replaceChildren(...rows.map((w) => h('li', { class: w.revision > previous && previous ? 'fresh' : '', title: w.key },
      h('span', { class: 'rev' }, `rev ${w.revision}`), h('span', { class: `op op-${w.op}` }, w.op), w.key)));
    const since = performance.now() - 5000;
    while (state.writeTimes.length && state.writeTimes[0] < since) state.writeTimes.shift();
    rateEl.textContent = state.writeTimes.length ? `\u00B7 ${(state.writeTimes.length / 5).toFixed(state.writeTimes.length < 50 ? 1 : 0)} writes/s` : '';
  }

  function renderEvents() {
    const all = [...state.events.values()];
    const sig = `${all.length}|${filter}|${all.reduce((m, e) => Math.max(m, e.time), 0)}|${all.reduce((n, e) => n + e.count, 0)}`;
    if (sig === eventsSig) return;
    eventsSig = sig;
    const shown = all
      .filter((e) => !filter || e.object.toLowerCase().includes(filter) || e.text.toLowerCase().includes(filter))
      .sort((a, b) => b.time - a.time)
      .slice(0, 80);
    eventsEl.replaceChildren(...shown.map((e) => h('li', { class: e.type === 'Warning' ? 'warning' : '', title: `${e.object} \u00B7 ${e.reason}`, onclick: () => open(e) },
      h('span', { class: 'time' }, clock(e.time)), e.text)));
    if (!shown.length) eventsEl.replaceChildren(h('li', { class: 'note' }, filter ? `no events about "${filter}"` : 'no events yet'));
  }

  // "Pod default/besu-0" => the pod's panel; "Node node-2" => the ship's.
  function open(e) {
    const [kind, ref] = e.object.split(' ');
    if (kind === 'Pod') onSelect({ kind: 'pod', key: ref });
    else if (kind === 'Node') onSelect({ kind: 'node', key: ref.split('/').pop() });
    else if (kind === 'ReplicationController') onSelect({ kind: 'rc', key: ref });
    else if (kind === 'ReplicaSet') onSelect({ kind: 'rs', key: ref });
    else if (kind === 'Deployment') onSelect({ kind: 'deploy', key: ref });
    else if (kind === 'Service') onSelect({ kind: 'service', key: ref });
  }

  function setFilter(text) {
    filterEl.value = text;
    filter = text.toLowerCase();
    eventsSig = '';
    render();
  }

  return { render, setFilter };
}

/** "16:03:12" in local time. (toLocaleTimeString builds a formatter per call: far too slow for 80 rows a frame.) */
function clock(ms) {
  if (!ms) return '--:--:--';
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
