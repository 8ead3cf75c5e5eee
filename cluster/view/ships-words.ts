// Events in ships words
// =====================
// CONCEPT   Every component reports what it did as an Event object (reason, message, the object it
//           concerns, who reported it). `kubectl get events` shows them raw; the harbour view tells
//           the same story in the ships analogy, keeping the Kubernetes reason visible so a student
//           can look it up. One small table maps reasons to sentences.
// REAL K8S  The reasons come from pkg/kubelet/events/event.go, pkg/scheduler/schedule_one.go,
//           pkg/controller/replication and nodelifecycle; `kubectl events` prints them unrewritten.
// SHIPS     The harbour log, as the harbour master would read it aloud.
// EXAMPLE   { reason: "Scheduled", message: "Successfully assigned default/besu-0 to node-2" }
//             => "crane: besu-0 lifted onto node-2 [Scheduled]"
// SKIPPED   event series (we show the last count), events about kinds other than pods and nodes
//           get the generic sentence.

import type { Event } from '../../api/types.ts';

/** The time an event last happened, in ms (eventTime, then lastTimestamp, then creation). */
export function eventTime(e: Event): number {
  const when = e.eventTime ?? e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  return when ? Date.parse(when) : 0;
}

/** kubectl's short names, so "rc/besu-rpc" reads as a student would type it. */
const SHORT_KINDS: Record<string, string> = { ReplicationController: 'rc', Service: 'svc', Endpoints: 'ep', Namespace: 'ns', Deployment: 'deploy', ReplicaSet: 'rs' };

type Phrase = (what: string, host: string, message: string, e: Event) => string;

// Reason => sentence. `what` is the object ("besu-0", or "ship node-2"), `host` the reporting node.
const PHRASES: Record<string, Phrase> = {
  Scheduled: (what, _h, m) => `crane: ${what} lifted onto ${/ to (\S+)$/.exec(m)?.[1] ?? 'a ship'}`,
  FailedScheduling: (what, _h, m) => `dock: ${what} waits, ${m}`,
  Preempted: (what, _h, m) => `crane: ${what} put back on the dock to make room (${m})`,
  Pulling: (what, host, m) => `captain of ${host}: sends for ${imageOf(m)} for ${what}`,
  Pulled: (what, host, m) => `captain of ${host}: ${imageOf(m)} is aboard for ${what}`,
  Created: (what, host) => `captain of ${host}: container of ${what} built`,
  Started: (what, host) => `captain of ${host}: ${what} started`,
  Killing: (what, host) => `captain of ${host}: stopping ${what}`,
  BackOff: (what, host) => `captain of ${host}: ${what} keeps failing; waiting before restarting it`,
  Unhealthy: (what, host, m) => `captain of ${host}: ${what} failed a check: ${m}`,
  Failed: (what, host, m) => `captain of ${host}: ${what} failed: ${m}`,
  OutOfcpu: (what, host) => `captain of ${host}: refused ${what}, not enough cpu left in the hold`,
  OutOfmemory: (what, host) => `captain of ${host}: refused ${what}, not enough memory left in the hold`,
  SuccessfulCreate: (what, _h, m) => `replication office: ${what} ordered ${m.replace(/^Created pod: /, 'new container ')}`,
  SuccessfulDelete: (what, _h, m) => `replication office: ${what} sent ${m.replace(/^Deleted pod: /, '')} ashore`,
  FailedCreate: (what, _h, m) => `replication office: ${what} could not order a container: ${m}`,
  RegisteredNode: (what) => `node office: ${what} registered`,
  NodeReady: (what) => `node office: ${what} is Ready`,
  NodeNotReady: (what, _h, m, e) =>
    e.involvedObject?.kind === 'Pod' ? `node office: ${what} marked not ready, its ship is not answering` : `node office: ${what} is not answering (${m})`,
  TaintManagerEviction: (what, _h, m) => `node office: ${what} taken off a lost ship (${m})`,
  Starting: (what) => `captain of ${what}: kubelet reporting for duty`,
  EnsuringLoadBalancer: (what) => `harbour gate: finding an outside address for ${what}`,
  EnsuredLoadBalancer: (what) => `harbour gate: ${what} got its outside address`,
};

/**
 * One line in ships words, ending with the Kubernetes reason in brackets.
 * @example eventInShipsWords(ev) => "captain of node-1: besu-0 started [Started]"
 */
export function eventInShipsWords(e: Event): string {
  const obj = e.involvedObject ?? {};
  const what = obj.kind === 'Node' ? `ship ${obj.name}` : obj.kind === 'Pod' ? `${obj.name}` : `${SHORT_KINDS[obj.kind ?? ''] ?? (obj.kind ?? 'object').toLowerCase()}/${obj.name}`;
  const host = e.source?.host ?? e.reportingInstance ?? 'a ship';
  const message = (e.message ?? '').trim().replace(/\s+/g, ' ');
  const phrase = e.reason ? PHRASES[e.reason] : undefined;
  const text = phrase ? phrase(what, host, message, e) : `${who(e)}: ${what}: ${message || e.reason}`;
  const count = (e.count ?? 1) > 1 ? ` (x${e.count})` : '';
  return `${text}${count} [${e.reason ?? 'Event'}]`;
}

function who(e: Event): string {
  const component = e.source?.component ?? e.reportingComponent ?? '';
  if (component.includes('scheduler')) return 'crane';
  if (component === 'kubelet') return `captain of ${e.source?.host ?? 'a ship'}`;
  if (component.includes('proxy')) return 'communications officer';
  if (component.includes('controller')) return 'office';
  return component || 'harbour';
}

function imageOf(message: string): string {
  // "registry.k8s.io/pause:3.10" => "pause:3.10": the registry adds length, not meaning, here.
  return /image "([^"]+)"/.exec(message)?.[1]?.split('/').pop() ?? 'the image';
}
