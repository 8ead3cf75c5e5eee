// Chaos: break the harbour on purpose, from a script or the command line
// ======================================================================
// CONCEPT   One object holds every failure an instructor can stage, each a method that acts and
//           then reports what it did and what the cluster should do next (what-next.ts):
//             processes  kill, stop, start, restart, pause (SIGSTOP), resume (SIGCONT) any component
//             ships      sink (kill kubelet and kube-proxy) and restore; add and remove nodes
//             network    partition a node from the apiserver and heal it; slow its API calls
//             pods       crash a container: its main process is killed, as `kill -9 1` inside it would
//             kubectl    cordon, uncordon, drain (what `kubectl drain` does, through the API)
//           Processes and links go through the launcher's control API (control.ts); pods and nodes
//           through the apiserver, like kubectl; a container crash asks the pod's own kubelet.
// REAL K8S  chaos-mesh / Litmus do this to real clusters (PodChaos, NetworkChaos, StressChaos);
//           `kubectl drain` is staging/src/k8s.io/kubectl/pkg/drain/drain.go; the kubelet's
//           POST /run/{namespace}/{pod}/{container} is pkg/kubelet/server/server.go (getRun).
// SHIPS     The instructor's storm: sink a ship, shoot away its mast, knock a crate overboard.
// EXAMPLE   const chaos = await Chaos.connect({ dir: '.cluster' });
//           const report = await chaos.sink('node-2');  // { did: "sank node-2: ...", next: ["Every container ..."] }
// SKIPPED   losing one member of a multi-member etcd (ours has one), disk and memory pressure.

import type { Node, Pod } from '../../api/types.ts';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import type { ComponentStatus } from '../supervisor.ts';
import { LauncherControl } from './control.ts';
import type { HarbourInfo } from './routes.ts';
import { human, parseDuration } from './timings.ts';
import * as next from './what-next.ts';

/** What one chaos action did, and what the cluster should do about it. */
export interface ChaosReport {
  /** "kill", "sink", "partition" ... */
  action: string;
  target: string;
  /** One line: what we did. */
  did: string;
  /** What the cluster should do next, in plain words with timings. */
  next: string[];
}

export interface ChaosOptions {
  /** The launcher's state folder. @default ".cluster" */
  dir?: string;
  /** Called with each report as it happens. @default ignore */
  onReport?: (report: ChaosReport) => void;
}

/** Short names people type, mapped to component names. */
const ALIASES: Record<string, string> = {
  apiserver: 'kube-apiserver', scheduler: 'kube-scheduler', 'controller-manager': 'kube-controller-manager',
  kcm: 'kube-controller-manager', proxy: 'kube-proxy',
};

export class Chaos {
  constructor(
    readonly control: LauncherControl,
    readonly client: KubeClient,
    readonly harbour: HarbourInfo,
    private readonly onReport: (report: ChaosReport) => void = () => {},
  ) {}

  /** Connects to the launcher of a state folder, and to its apiserver. */
  static async connect(options: ChaosOptions = {}): Promise<Chaos> {
    const control = LauncherControl.fromDir(options.dir);
    const harbour = await control.harbour();
    const client = KubeClient.fromKubeconfig(control.file!.kubeconfig, { clock: realClock(harbour.timeScale) });
    return new Chaos(control, client, harbour, options.onReport);
  }

  get timeScale(): number {
    return this.harbour.timeScale;
  }

  /** "apiserver" => "kube-apiserver", "proxy/node-1" => "kube-proxy/node-1"; checks it exists. */
  async resolve(name: string): Promise<string> {
    const [head, node] = name.split('/');
    const full = node ? `${ALIASES[head!] ?? head}/${node}` : ALIASES[head!] ?? head!;
    const known = (await this.control.components()).map((c) => c.name);
    if (!known.includes(full)) throw new Error(`no component "${name}"; known: ${known.join(', ')}`);
    return full;
  }

  // ## Processes

  /** SIGKILL: a crash. Control-plane components come back after a back-off; node components do not. */
  kill(name: string): Promise<ChaosReport> {
    return this.signalComponent(name, 'kill', 'SIGKILL', 'killed (SIGKILL)');
  }

  /** SIGSTOP: frozen, holding everything it holds. */
  pause(name: string): Promise<ChaosReport> {
    return this.signalComponent(name, 'pause', 'SIGSTOP', 'paused (SIGSTOP)');
  }

  /** SIGCONT after a pause. */
  resume(name: string): Promise<ChaosReport> {
    return this.signalComponent(name, 'resume', 'SIGCONT', 'resumed (SIGCONT)');
  }

  /** Stops on purpose (SIGTERM): stays down until start(). */
  async stop(name: string): Promise<ChaosReport> {
    const full = await this.resolve(name);
    const st = await this.control.component(full, 'stop');
    return this.report('stop', full, `stopped ${full} on purpose (${describe(st)})`, next.afterComponent(full, 'stop', this.timeScale));
  }

  /** Starts a stopped or crashed component; resolves once it is healthy. */
  async start(name: string): Promise<ChaosReport> {
    const full = await this.resolve(name);
    const st = await this.control.component(full, 'start');
    return this.report('start', full, `started ${full} (${describe(st)})`, next.afterComponent(full, 'start', this.timeScale));
  }

  /** Graceful stop, then start. */
  async restart(name: string): Promise<ChaosReport> {
    const full = await this.resolve(name);
    const st = await this.control.component(full, 'restart');
    return this.report('restart', full, `restarted ${full} (${describe(st)})`, next.afterComponent(full, 'restart', this.timeScale));
  }

  private async signalComponent(name: string, verb: 'kill' | 'pause' | 'resume', signal: NodeJS.Signals, words: string): Promise<ChaosReport> {
    const full = await this.resolve(name);
    const st = await this.control.component(full, 'kill', signal);
    return this.report(verb, full, `${words} ${full}${st.pid ? ` (pid ${st.pid})` : ''}: now ${describe(st)}`, next.afterComponent(full, verb, this.timeScale));
  }

  // ## Ships

  /** Kills a node's kubelet and kube-proxy: the ship goes down with its cargo. */
  async sink(node: string): Promise<ChaosReport> {
    await this.requireNode(node);
    for (const c of [`kubelet/${node}`, `kube-proxy/${node}`]) await this.control.component(c, 'kill', 'SIGKILL').catch(notRunningIsFine);
    return this.report('sink', node, `sank ${node}: killed kubelet/${node} and kube-proxy/${node}`, next.afterSink(node, this.timeScale));
  }

  /** Starts a sunk node's kubelet and kube-proxy again; resolves once the node is Ready. */
  async restore(node: string): Promise<ChaosReport> {
    await this.requireNode(node);
    for (const c of [`kubelet/${node}`, `kube-proxy/${node}`]) await this.control.component(c, 'start');
    return this.report('restore', node, `restored ${node}: kubelet/${node} and kube-proxy/${node} are running, the node is Ready`,
      next.afterComponent(`kubelet/${node}`, 'start', this.timeScale));
  }

  /** A ship joins: its link, kubelet and kube-proxy; resolves once the Node is Ready. */
  async addNode(ship: { name?: string; cpu?: string; memory?: string; pods?: number } = {}): Promise<ChaosReport> {
    const added = await this.control.addNode(ship);
    return this.report('add-node', added.name, `added ${added.name} at ${added.ip} (${added.cpu} cpu, ${added.memory}, ${added.pods} pods)`,
      next.afterAddNode(added.name, added.cpu, added.memory));
  }

  /** A ship leaves: kubelet and kube-proxy stopped, link closed, Node object deleted. */
  async removeNode(node: string): Promise<ChaosReport> {
    await this.control.removeNode(node);
    await this.client.delete('nodes', node).catch((e: Error) => {
      if (!/not found/i.test(e.message)) throw e;
    });
    return this.report('remove-node', node, `removed ${node}: its processes stopped and the Node deleted`, next.afterRemoveNode(node, this.timeScale));
  }

  // ## Network

  /** Cuts a node's kubelet and kube-proxy off from the apiserver; its pods keep running. */
  async partition(node: string): Promise<ChaosReport> {
    await this.control.link(node, 'partition');
    return this.report('partition', node, `partitioned ${node}: nothing it sends reaches the apiserver, nothing comes back`, next.afterPartition(node, this.timeScale));
  }

  /** Reconnects a partitioned (or slowed) node. */
  async heal(node: string): Promise<ChaosReport> {
    await this.control.link(node, 'heal');
    return this.report('heal', node, `healed ${node}'s link to the apiserver`, next.afterHeal(node));
  }

  /** Delays every API call of a node by `delay` (Kubernetes time: "5s"; 0 ends it). */
  async slow(node: string, delay: string | number): Promise<ChaosReport> {
    const ms = parseDuration(delay);
    await this.control.link(node, 'slow', `${ms}ms`);
    return this.report('slow', node, ms > 0 ? `slowed ${node}: every API call arrives ${human(ms)} (Kubernetes time) late` : `${node} at full speed again`,
      next.afterSlow(node, ms, this.timeScale));
  }

  // ## Pods

  /**
   * Kills a container's main process through its node's kubelet (POST /run/... cmd "kill -9 1"),
   * as `kubectl exec POD -- kill -9 1` would: exit code 137, and the kubelet's restart policy acts.
   */
  async crash(podName: string, options: { namespace?: string; container?: string; signal?: 'KILL' | 'TERM' } = {}): Promise<ChaosReport> {
    const namespace = options.namespace ?? 'default';
    const pod = await this.client.get('pods', podName, namespace) as Pod;
    const container = options.container ?? pod.spec.containers[0]!.name;
    if (!pod.spec.nodeName) throw new Error(`pod ${namespace}/${podName} is not on a node yet: nothing runs to crash`);
    const node = await this.client.get('nodes', pod.spec.nodeName) as Node;
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    const cmd = options.signal === 'TERM' ? 'kill 1' : 'kill -9 1';
    const url = `http://${ip}:${port}/run/${namespace}/${podName}/${container}?cmd=${encodeURIComponent(cmd)}`;
    const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) }).catch((e: Error) => {
      throw new Error(`the kubelet of ${pod.spec.nodeName} (${ip}:${port}) did not answer: ${e.message}`);
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`the kubelet of ${pod.spec.nodeName} refused to crash ${namespace}/${podName} ${container}: ${res.status} ${text.trim()}`);
    const restarts = pod.status?.containerStatuses?.find((c) => c.name === container)?.restartCount ?? 0;
    return this.report('crash', `${namespace}/${podName}`, `crashed container ${container} of ${namespace}/${podName} on ${pod.spec.nodeName} (\`${cmd}\` through its kubelet)`,
      next.afterCrash(podName, container, restarts, this.timeScale));
  }

  // ## kubectl's node commands

  async cordon(node: string): Promise<ChaosReport> {
    await this.client.patch('nodes', node, { spec: { unschedulable: true } });
    return this.report('cordon', node, `cordoned ${node} (kubectl cordon ${node})`, next.afterCordon(node, true));
  }

  async uncordon(node: string): Promise<ChaosReport> {
    await this.client.patch('nodes', node, { spec: { unschedulable: null } });
    return this.report('uncordon', node, `uncordoned ${node} (kubectl uncordon ${node})`, next.afterCordon(node, false));
  }

  /** Cordon, then evict every pod on the node that is not finished (kubectl drain). */
  async drain(node: string): Promise<ChaosReport> {
    await this.client.patch('nodes', node, { spec: { unschedulable: true } });
    const pods = (await this.client.list('pods', { fieldSelector: `spec.nodeName=${node}` })).items
      .filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    for (const p of pods) await this.client.evict(p.metadata.namespace ?? 'default', p.metadata.name!);
    return this.report('drain', node, `drained ${node}: cordoned, evicted ${pods.map((p) => p.metadata.name).join(', ') || 'nothing'}`, next.afterDrain(node, pods.length));
  }

  // ## Plumbing

  private async requireNode(node: string): Promise<void> {
    const components = await this.control.components();
    if (!components.some((c) => c.name === `kubelet/${node}`)) {
      throw new Error(`no ship "${node}"; ships: ${components.filter((c) => c.name.startsWith('kubelet/')).map((c) => c.name.slice(8)).join(', ')}`);
    }
  }

  private report(action: string, target: string, did: string, nextLines: string[]): ChaosReport {
    const report = { action, target, did, next: nextLines };
    this.onReport(report);
    return report;
  }
}

function describe(st: ComponentStatus): string {
  return `${st.state}${st.pid ? `, pid ${st.pid}` : ''}`;
}

// Sinking a ship whose kube-proxy already went down is still a sinking.
function notRunningIsFine(err: Error): void {
  if (!/is not running/.test(err.message)) throw err;
}
