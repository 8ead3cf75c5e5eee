// Looking at the cluster from outside: events, a Besu call, the crane's reasons
// ============================================================================
// CONCEPT   The scenario context's reading verbs lean on a few small pieces kept here so each can be
//           read (and tested) alone: matching events the way `kubectl get events --field-selector`
//           would; one JSON-RPC POST on a fresh TCP connection, as `curl` makes it, so that each
//           call through a Service is balanced afresh by kube-proxy (a kept-alive connection would
//           stick to one pod); and the scheduler's explanation boiled down to one line.
// REAL K8S  kubectl get events (staging/src/k8s.io/kubectl/pkg/cmd/events); the explanation is our
//           scheduler's /explanations endpoint (scheduler/server.ts), in the spirit of
//           kube-scheduler-simulator.
// SHIPS     The harbour master's spyglass, radio and the crane operator's notes.
// EXAMPLE   explainPlacement(ex) => "scores node-1 424, node-2 411; NodeResourcesMostAllocated made
//           the difference (node-1 25, node-2 12)"
// SKIPPED   events.k8s.io/v1 Events (we read core/v1, which is what our components write).

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '../../api/types.ts';
import type { EventFilter } from './api.ts';

/** When an event last happened, wall-clock ms (0 when it carries no time). */
export function eventTime(e: Event): number {
  return Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '') || 0;
}

/** Whether an event matches every field of the filter. `since` compares at second precision. */
export function matchesEvent(e: Event, filter: EventFilter): boolean {
  const match = (pattern: string | RegExp | undefined, value: string | undefined) =>
    pattern === undefined || (typeof pattern === 'string' ? pattern === value : pattern.test(value ?? ''));
  return match(filter.reason, e.reason) && match(filter.object, e.involvedObject.name) && match(filter.kind, e.involvedObject.kind)
    && match(filter.message, e.message) && (filter.since === undefined || eventTime(e) >= Math.floor(filter.since / 1000) * 1000);
}

// @doc: scenario-rpc-fresh-connection
/** POSTs a body on a connection of its own (no keep-alive); resolves with the answer's text. */
export function postOnce(url: string, body: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, timeout: timeoutMs, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The parts of the scheduler's explanation (scheduler/explanation.ts explanationToJSON) we read. */
export interface Explanation {
  message?: string;
  selectedNode?: string;
  filter?: Record<string, Record<string, string>>;
  weights?: Record<string, number>;
  score?: Record<string, Record<string, number>>;
  finalScore?: Record<string, Record<string, number>>;
  total?: Record<string, number>;
}

/** One line: the totals, the plugin that separated the nodes most, and the nodes a filter refused. */
export function explainPlacement(ex: Explanation): string {
  const totals = Object.entries(ex.total ?? {}).sort((a, b) => b[1] - a[1]);
  const refused = Object.entries(ex.filter ?? {}).flatMap(([node, verdicts]) => {
    const failed = Object.entries(verdicts).find(([, v]) => v !== 'passed' && v !== 'skipped');
    return failed ? [`${node} ${failed[0]}: ${failed[1]}`] : [];
  });
  const filtered = refused.length ? `; filtered out: ${refused.join(', ')}` : '';
  if (!totals.length) {
    return `${ex.selectedNode ? `only ${ex.selectedNode} passed the filters, so no scoring was needed` : ex.message || 'no scores recorded'}${filtered}`;
  }
  const spread = (plugin: string) => {
    const values = totals.map(([n]) => ex.finalScore?.[n]?.[plugin] ?? 0);
    return Math.max(...values) - Math.min(...values);
  };
  const decider = Object.keys(ex.weights ?? {}).sort((a, b) => spread(b) - spread(a))[0];
  const detail = decider && spread(decider) > 0
    ? `; ${decider} made the difference (${totals.map(([n]) => `${n} ${ex.score?.[n]?.[decider] ?? 0}`).join(', ')})` : '';
  return `scores ${totals.map(([n, t]) => `${n} ${t}`).join(', ')}${detail}${filtered}`;
}

let cacheDir: string | undefined;
/** kubectl caches discovery for hours; a fresh folder per run keeps it from trusting an old cluster. */
export function kubectlCacheDir(): string {
  if (!cacheDir) {
    const dir = (cacheDir = mkdtempSync(join(tmpdir(), 'harbour-kubectl-')));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return cacheDir;
}
