// Why panels: click anything and ask "why is it like this?"
// =========================================================
// CONCEPT   The picture shows *what* is; these answers show *why*, each from the place Kubernetes
//           keeps the reason:
//             - a pod: the scheduler's decision (every ship's filter verdict, every plugin's score,
//               the winner) from the scheduler's own endpoint, or, when the scheduler restarted and
//               forgot, from the compact annotation it wrote on the pod; its Events; its owner;
//             - a node: its conditions, taints, the age of its Lease (the heartbeat the node office
//               watches), and its pods;
//             - a Service: its Endpoints (which pods, ready or not), and the rules one kube-proxy
//               wrote for it, fetched from that kube-proxy's /rules.
//           Objects come from the dashboard's informer caches; only the scheduler's explanation and
//           kube-proxy's rules are asked for, once per click, from the components that own them.
// REAL K8S  `kubectl describe pod|node|service` (staging/src/k8s.io/kubectl/pkg/describe/describe.go);
//           kube-scheduler-simulator's result annotations; `iptables-save` on the node.
// SHIPS     The harbour master's files: the crane's logbook, the ship's papers, the radio officer's chart.
// EXAMPLE   decisionFromExplanation({ selectedNode: "node-2", filter: { "node-1": { NodeResourcesFit:
//             "Insufficient cpu" } }, ... })  => { selected: "node-2", nodes: [{ node: "node-1", verdict: "Insufficient cpu" }, ...] }
// SKIPPED   Preemption victims (shown only as the scheduler's message).

import type { Lease, Node, Pod } from '../api/types.ts';
import { SCHEDULING_RESULT_ANNOTATION } from '../scheduler/explanation.ts';
import type { HarbourModel } from './model.ts';
import type { ComponentView, EventView, NodeView, PodView, RCView, ServiceView } from './protocol.ts';
import { taintText } from './views.ts';

/** One ship's line in the crane's decision. */
export interface NodeVerdict {
  node: string;
  /** "passed", or the filter's reason ("Insufficient cpu"). */
  verdict: string;
  /** The Filter plugin that rejected it. */
  filteredBy?: string;
  /** Per Score plugin, 0-100 (after NormalizeScore, before the weight). */
  scores?: Record<string, number>;
  /** Sum of score x weight. */
  total?: number;
  winner: boolean;
}

/** The crane's decision for one pod, in one shape whatever its source. */
export interface Decision {
  source: 'scheduler' | 'annotation';
  selected: string | null;
  profile?: string;
  time?: string;
  message?: string;
  /** Score plugins in column order, with their weights. */
  weights: Record<string, number>;
  nodes: NodeVerdict[];
  /** What the source left out ("the annotation keeps the 3 best ships"). */
  note?: string;
}

const NOT_A_VERDICT = new Set(['passed', 'skipped', 'not run']);

/** The scheduler endpoint's full explanation (scheduler/explanation.ts explanationToJSON) as a Decision. */
export function decisionFromExplanation(ex: Record<string, any>): Decision {
  const weights: Record<string, number> = ex.weights ?? {};
  const nodes = Object.entries((ex.filter ?? {}) as Record<string, Record<string, string>>).map(([node, verdicts]): NodeVerdict => {
    const failed = Object.entries(verdicts).find(([, v]) => !NOT_A_VERDICT.has(v));
    const line: NodeVerdict = { node, verdict: failed ? failed[1] : 'passed', winner: node === ex.selectedNode };
    if (failed) line.filteredBy = failed[0];
    const final = ex.finalScore?.[node] as Record<string, number> | undefined;
    if (final) line.scores = Object.fromEntries(Object.entries(final).map(([p, s]) => [p, weights[p] ? Math.round(s / weights[p]!) : ex.score?.[node]?.[p] ?? 0]));
    if (ex.total?.[node] !== undefined) line.total = ex.total[node];
    return line;
  });
  return { source: 'scheduler', selected: ex.selectedNode ?? null, profile: ex.profile, time: ex.time, message: ex.message || undefined, weights, nodes: rank(nodes) };
}

/** The compact annotation (scheduler/explanation.ts explanationAnnotation) as a Decision. */
export function decisionFromAnnotation(text: string): Decision | undefined {
  let a: Record<string, any>;
  try {
    a = JSON.parse(text);
  } catch {
    return undefined;
  }
  const nodes: NodeVerdict[] = [];
  let hidden = 0;
  for (const [reason, names] of Object.entries((a.filtered ?? {}) as Record<string, string[] | string>)) {
    const [plugin, ...rest] = reason.split(': ');
    for (const node of Array.isArray(names) ? names : [names]) {
      const more = /^\+(\d+) more$/.exec(node);
      if (more) hidden += Number(more[1]);
      else nodes.push({ node, verdict: rest.join(': ') || reason, filteredBy: plugin, winner: false });
    }
  }
  for (const t of (a.top ?? []) as { node: string; total?: number; scores?: Record<string, number> }[]) {
    nodes.push({ node: t.node, verdict: 'passed', ...(t.scores ? { scores: t.scores } : {}), ...(t.total !== undefined ? { total: t.total } : {}), winner: t.node === a.node });
  }
  const [feasible] = String(a.feasible ?? '').split('/').map(Number);
  const untold = (feasible ?? 0) - (a.top?.length ?? 0);
  const notes = [
    untold > 0 ? `${untold} more ship${untold > 1 ? 's' : ''} passed the filters but scored lower (the annotation keeps the 3 best)` : '',
    hidden > 0 ? `${hidden} more filtered ship${hidden > 1 ? 's' : ''} not named` : '',
  ].filter(Boolean);
  return {
    source: 'annotation', selected: a.node ?? null, profile: a.profile, time: a.time, message: a.message,
    weights: a.weights ?? {}, nodes: rank(nodes), ...(notes.length ? { note: `${notes.join('; ')}.` } : {}),
  };
}

/** Winner first, then passed ships by total, then filtered ones by name. */
function rank(nodes: NodeVerdict[]): NodeVerdict[] {
  const order = (n: NodeVerdict) => (n.winner ? 0 : n.verdict === 'passed' ? 1 : 2);
  return nodes.sort((a, b) => order(a) - order(b) || (b.total ?? 0) - (a.total ?? 0) || a.node.localeCompare(b.node, 'en', { numeric: true }));
}

// ## The three panels

export interface WhyOptions {
  model: HarbourModel;
  /** The scheduler's endpoint, e.g. "http://127.0.0.1:10259" (or a function, if it moves). @default none: the annotation only */
  schedulerUrl?: string | (() => string | undefined);
  /** Where a node's kube-proxy serves its rules. @default (node, ip) => `http://${ip}:10256/rules` */
  proxyRulesUrl?: (node: string, ip: string) => string;
}

export interface PodWhy {
  pod: PodView;
  phase: string;
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  containers: { name: string; image: string; ready: boolean; restarts: number; state: string }[];
  owner?: { kind: string; name: string; rc?: RCView };
  events: EventView[];
  decision?: Decision;
  /** Why there is no decision, or where it came from. */
  decisionNote?: string;
}

export async function podWhy(o: WhyOptions, namespace: string, name: string): Promise<PodWhy | undefined> {
  const key = `${namespace}/${name}`;
  const pod = o.model.sources.pods.get(key) as Pod | undefined;
  const view = o.model.pods.get(key);
  if (!pod || !view) return undefined;
  let decision: Decision | undefined;
  let decisionNote: string | undefined;
  const schedulerUrl = typeof o.schedulerUrl === 'function' ? o.schedulerUrl() : o.schedulerUrl;
  if (schedulerUrl) {
    try {
      const res = await fetch(`${schedulerUrl}/explanations/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`, { signal: AbortSignal.timeout(1500) });
      if (res.ok) decision = decisionFromExplanation((await res.json()) as Record<string, unknown>);
      else decisionNote = 'the scheduler has no record of this pod (it restarted, or another replica decided)';
    } catch {
      decisionNote = 'the scheduler did not answer';
    }
  }
  const annotation = pod.metadata.annotations?.[SCHEDULING_RESULT_ANNOTATION];
  if (!decision && annotation) decision = decisionFromAnnotation(annotation);
  if (!decision) decisionNote = pod.spec.nodeName ? 'no scheduler decision recorded (bound directly, or by another scheduler)' : 'no crane has looked at it yet';
  const rc = view.owner?.kind === 'ReplicationController' ? o.model.rcs.get(`${namespace}/${view.owner.name}`) : undefined;
  return {
    pod: view,
    phase: pod.status?.phase ?? 'Pending',
    conditions: (pod.status?.conditions ?? []).map(({ type, status, reason, message }) => ({ type, status, reason, message })),
    containers: (pod.spec.containers ?? []).map((c) => {
      const s = pod.status?.containerStatuses?.find((cs) => cs.name === c.name);
      const state = s?.state?.running ? 'running' : s?.state?.waiting ? `waiting: ${s.state.waiting.reason ?? ''}` : s?.state?.terminated ? `terminated: ${s.state.terminated.reason ?? s.state.terminated.exitCode}` : 'not started';
      return { name: c.name, image: c.image ?? '', ready: s?.ready ?? false, restarts: s?.restartCount ?? 0, state };
    }),
    ...(view.owner ? { owner: { ...view.owner, ...(rc ? { rc } : {}) } } : {}),
    events: eventsAbout(o.model, 'Pod', key),
    ...(decision ? { decision } : {}),
    ...(decisionNote && !decision ? { decisionNote } : decision?.source === 'annotation' ? { decisionNote: 'from the pod\'s annotation (the scheduler\'s compact record)' } : {}),
  };
}

export interface NodeWhy {
  node: NodeView;
  conditions: { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string }[];
  taints: string[];
  podCIDR?: string;
  lease?: { holder?: string; renewTime?: string; durationSeconds?: number };
  pods: PodView[];
  components: ComponentView[];
  events: EventView[];
}

export function nodeWhy(o: WhyOptions, name: string, components: ComponentView[]): NodeWhy | undefined {
  const node = o.model.sources.nodes.get(name) as Node | undefined;
  const view = o.model.nodes.get(name);
  if (!node || !view) return undefined;
  const lease = o.model.sources.leases.get(`kube-node-lease/${name}`) as Lease | undefined;
  return {
    node: view,
    conditions: (node.status?.conditions ?? []).map(({ type, status, reason, message, lastHeartbeatTime }) => ({ type, status, reason, message, lastHeartbeatTime })),
    taints: (node.spec?.taints ?? []).map(taintText),
    ...(node.spec?.podCIDR ? { podCIDR: node.spec.podCIDR } : {}),
    ...(lease ? { lease: { holder: lease.spec.holderIdentity, renewTime: lease.spec.renewTime, durationSeconds: lease.spec.leaseDurationSeconds } } : {}),
    pods: [...o.model.pods.values()].filter((p) => p.node === name).sort((a, b) => a.name.localeCompare(b.name)),
    components: components.filter((c) => c.node === name),
    events: eventsAbout(o.model, 'Node', name),
  };
}

export interface ServiceWhy {
  service: ServiceView;
  selector: Record<string, string>;
  ports: { name?: string; port: number; targetPort?: number | string; nodePort?: number; protocol: string }[];
  externalIPs: string[];
  endpoints: { ip: string; ready: boolean; pod?: string; node?: string }[];
  rules: { node?: string; url?: string; text?: string; error?: string };
}

export async function serviceWhy(o: WhyOptions, namespace: string, name: string, nodeName?: string): Promise<ServiceWhy | undefined> {
  const key = `${namespace}/${name}`;
  const svc = o.model.sources.services.get(key);
  const view = o.model.services.get(key);
  if (!svc || !view) return undefined;
  const ep = o.model.sources.endpoints.get(key);
  const endpoints = (ep?.subsets ?? []).flatMap((s) => [
    ...(s.addresses ?? []).map((a) => ({ ip: a.ip, ready: true, pod: a.targetRef?.name, node: a.nodeName })),
    ...(s.notReadyAddresses ?? []).map((a) => ({ ip: a.ip, ready: false, pod: a.targetRef?.name, node: a.nodeName })),
  ]);
  const node = [...o.model.nodes.values()].find((n) => (nodeName ? n.name === nodeName : n.ready === 'Ready' && n.ip));
  return {
    service: view,
    selector: svc.spec.selector ?? {},
    ports: (svc.spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, nodePort: p.nodePort, protocol: p.protocol ?? 'TCP' })),
    externalIPs: [...(svc.spec.externalIPs ?? []), ...(svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '')].filter(Boolean),
    endpoints,
    rules: node?.ip ? await rulesFor(o, node.name, node.ip, namespace, name) : { error: 'no Ready node to ask' },
  };
}

async function rulesFor(o: WhyOptions, node: string, ip: string, namespace: string, name: string): Promise<ServiceWhy['rules']> {
  const url = (o.proxyRulesUrl ?? ((_n, addr) => `http://${addr}:10256/rules`))(node, ip);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return { node, url, error: `kube-proxy answered ${res.status}` };
    return { node, url, text: rulesOfService(await res.text(), `${namespace}/${name}`) };
  } catch (err) {
    return { node, url, error: `kube-proxy on ${node} did not answer (${(err as Error).message})` };
  }
}

/** The lines of an iptables-save dump that concern one service: its rules and the chains they jump to. */
export function rulesOfService(dump: string, serviceKey: string): string {
  const lines = dump.split('\n');
  const esc = serviceKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const mentions = new RegExp(`(^|[\\s"])${esc}(:|\\s|"|$)`);
  const chains = new Set<string>();
  const picked = lines.filter((l) => l.startsWith('-A ') && mentions.test(l));
  for (const l of picked) {
    const jump = / -j (KUBE-(?:SVC|SEP|EXT|SVL|FW)-\S+)/.exec(l);
    if (jump) chains.add(jump[1]!);
  }
  const out: string[] = [];
  let table = '';
  for (const l of lines) {
    if (l.startsWith('*')) table = l;
    const chain = /^-A (\S+)/.exec(l)?.[1];
    if ((l.startsWith('-A ') && mentions.test(l)) || (chain && chains.has(chain))) {
      if (table) out.push(table);
      table = '';
      out.push(l);
    }
  }
  return out.length ? out.join('\n') : `(no rules mention ${serviceKey})`;
}

/** Events about one object, newest first; a Node's events may name a namespace, which we ignore. */
function eventsAbout(model: HarbourModel, kind: string, key: string): EventView[] {
  const matches = (object: string) => object === `${kind} ${key}` || (kind === 'Node' && object.startsWith('Node ') && object.endsWith(`/${key}`));
  return [...model.events.values()].filter((e) => matches(e.object)).sort((a, b) => b.time - a.time).slice(0, 30);
}
