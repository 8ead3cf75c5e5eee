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
// EXAMPLE   GET /api/why/pod/default/besu-0 => podWhy(...) => { pod, decision: { selected: "node-2", nodes: [...] }, events, owner }
// SKIPPED   Logs (kubectl logs works against the cluster) and editing objects.

import type { Lease, Node, Pod } from '../api/types.ts';
import { SCHEDULING_RESULT_ANNOTATION } from '../scheduler/explanation.ts';
import { decisionFromAnnotation, decisionFromExplanation, type Decision } from './decision.ts';
import type { HarbourModel } from './model.ts';
import type { ComponentView, EventView, NodeView, PodView, ServiceView, WorkloadView } from './protocol.ts';
import { taintText } from './views.ts';

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
  /** The pod's controller, with its view when it is a ReplicationController or ReplicaSet we watch. */
  owner?: { kind: string; name: string; view?: WorkloadView };
  /** The Deployment above the owning ReplicaSet, when there is one. */
  workload?: WorkloadView;
  events: EventView[];
  decision?: Decision;
  /** Why there is no decision, or where it came from. */
  decisionNote?: string;
}

/**
 * A pod's why: the crane's decision (the scheduler's endpoint first, the pod's annotation second),
 * conditions, containers, owner and Events. Undefined when the pod is not in our cache.
 */
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
  const ownerView = view.owner && workloadIn(o.model, view.owner.kind, `${namespace}/${view.owner.name}`);
  const workload = view.workload?.kind === 'Deployment' ? workloadIn(o.model, 'Deployment', `${namespace}/${view.workload.name}`) : undefined;
  return {
    pod: view,
    phase: pod.status?.phase ?? 'Pending',
    conditions: (pod.status?.conditions ?? []).map(({ type, status, reason, message }) => ({ type, status, reason, message })),
    containers: (pod.spec.containers ?? []).map((c) => {
      const s = pod.status?.containerStatuses?.find((cs) => cs.name === c.name);
      const state = s?.state?.running ? 'running' : s?.state?.waiting ? `waiting: ${s.state.waiting.reason ?? ''}` : s?.state?.terminated ? `terminated: ${s.state.terminated.reason ?? s.state.terminated.exitCode}` : 'not started';
      return { name: c.name, image: c.image ?? '', ready: s?.ready ?? false, restarts: s?.restartCount ?? 0, state };
    }),
    ...(view.owner ? { owner: { ...view.owner, ...(ownerView ? { view: ownerView } : {}) } } : {}),
    ...(workload ? { workload } : {}),
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

/** A node's why: conditions, taints, its Lease in kube-node-lease, its pods and processes, its Events. */
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

/**
 * A Service's why: selector, ports, Endpoints by pod and node, and the rules the kube-proxy of
 * `nodeName` (default: the first Ready node) wrote for it.
 */
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

/** The model's view of a workload of this kind, if it is one we watch. */
function workloadIn(model: HarbourModel, kind: string, key: string): WorkloadView | undefined {
  const map = { ReplicationController: model.rcs, ReplicaSet: model.replicasets, Deployment: model.deployments }[kind];
  return map?.get(key);
}

/** Events about one object, newest first; a Node's events may name a namespace, which we ignore. */
function eventsAbout(model: HarbourModel, kind: string, key: string): EventView[] {
  const matches = (object: string) => object === `${kind} ${key}` || (kind === 'Node' && object.startsWith('Node ') && object.endsWith(`/${key}`));
  return [...model.events.values()].filter((e) => matches(e.object)).sort((a, b) => b.time - a.time).slice(0, 30);
}
