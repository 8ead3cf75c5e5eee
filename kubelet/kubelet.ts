// startKubelet: one process, one or many nodes
// ============================================
// CONCEPT   `startKubelet` runs the kubelet of one node, or of many "hollow" nodes in one process
//           (kubemark's trick for scale tests: each node registers, heartbeats and runs pods exactly
//           like a real one, but they share the process). The nodes share what can be shared:
//             - one API client and one pods informer. A single node watches
//               `spec.nodeName=<node>`; many nodes watch `spec.nodeName!=` (every bound pod) and the
//               informer's nodeName index routes each pod to its node, instead of N watches;
//             - one nodes informer (spec.podCIDR arrives there from node-ipam);
//             - one status manager (a few concurrent status writers for all pods);
//             - one kubelet HTTP server with a listener per node IP.
//           Stopping it is the ship sinking: containers die, nothing more is reported. Started
//           again, it lists its pods from the API and restarts them by their restartPolicy.
// REAL K8S  cmd/kubelet/app/server.go (RunKubelet), pkg/kubelet/kubelet.go (Run, syncLoop,
//           HandlePodAdditions sorted by creation time), pkg/kubemark/hollow_kubelet.go,
//           test/kubemark (hollow nodes), pkg/kubelet/config/apiserver.go (the spec.nodeName watch)
// SHIPS     A fleet office: one captain per ship, one radio room for the fleet.
// EXAMPLE   await startKubelet({ url, nodes: [{ name: 'node-1', ip: '127.0.10.1', podCIDR: '127.244.1.0/24' }] })
//           await startKubelet({ url, nodes: hollowNodes({ count: 100, prefix: 'hollow-' }), port: 10250 })
// SKIPPED   static pods (file and URL sources), the syncLoop's housekeeping ticks.

import type { Node, Pod } from '../api/types.ts';
import { NETWORK } from '../api/types.ts';
import { realClock, type Clock } from '../client/clock.ts';
import { InformerFactory } from '../client/informer-factory.ts';
import type { Informer } from '../client/informer.ts';
import { KubeClient } from '../client/rest.ts';
import type { ContainerBackoffOptions } from './container-backoff.ts';
import type { ImagePullTiming } from './images.ts';
import { intToIp, ipToInt, subnetOf } from './ipam.ts';
import { NodeKubelet } from './node-kubelet.ts';
import { BesuPeerDiscovery } from './runtime/besu-peers.ts';
import { isBesuImage } from './runtime/besu.ts';
import { startGeneric } from './runtime/generic.ts';
import { PortHost } from './runtime/port-host.ts';
import type { WorkloadChooser } from './runtime/runtime.ts';
import { startKubeletServer } from './server.ts';
import { StatusManager } from './status-manager.ts';

/** One node to host. */
export interface NodeSpec {
  /** --node-name @example "node-1" */
  name: string;
  /** --node-ip @example "127.0.10.1" */
  ip: string;
  /** --pod-cidr @default spec.podCIDR from the Node */
  podCIDR?: string;
  labels?: Record<string, string>;
}

/** Options of startKubelet; the flags of kubelet/main.ts. */
export interface KubeletOptions {
  /** An API client. Else `kubeconfig` or `url`. */
  client?: KubeClient;
  kubeconfig?: string;
  url?: string;
  /** @default the client's clock, else realClock(timeScale) */
  clock?: Clock;
  /** --time-scale, when no clock is given. @default 1 */
  timeScale?: number;
  nodes: NodeSpec[];
  /** --cpu per node. @default "4" */
  cpu?: string;
  /** --memory per node. @default "8Gi" */
  memory?: string;
  /** --pods (max pods) per node. @default 110 */
  pods?: number;
  /** --port: the kubelet server's port on every node IP; 0 picks free ports; null serves nothing. @default 10250 */
  port?: number | null;
  /** Write Events. @default true */
  recordEvents?: boolean;
  workloads?: WorkloadChooser;
  imagePull?: ImagePullTiming;
  backoff?: ContainerBackoffOptions;
  nodeStatusUpdateFrequencyMs?: number;
  nodeStatusReportFrequencyMs?: number;
  /** Concurrent pod status writers. @default 8 */
  statusWorkers?: number;
  /** @default console.log */
  log?: (line: string) => void;
}

/** A running kubelet process's worth of nodes. */
export interface Kubelet {
  readonly nodes: NodeKubelet[];
  node(name: string): NodeKubelet | undefined;
  readonly pods: Informer<Pod>;
  readonly statusManager: StatusManager;
  /** How late each heartbeat (lease renewal) was written, Kubernetes ms past its slot, newest last (bounded). */
  readonly heartbeatLateness: number[];
  /** How late each heartbeat's timer fired (this process's own lag), same order. */
  readonly heartbeatTimerLateness: number[];
  /** Kills every container and stops reporting: the process sinking. */
  stop(): Promise<void>;
}

/**
 * Node specs for `--nodes N --node-name-prefix P`: IPs 127.0.10.1, .2 ... (then 127.0.11.1 ...),
 * pod CIDRs carved from `clusterCIDR` with the smallest mask that fits (a /24 each up to 256 nodes).
 */
export function hollowNodes(options: { count: number; prefix: string; firstIP?: string; clusterCIDR?: string; maskSize?: number }): NodeSpec[] {
  const { count, prefix } = options;
  const cluster = options.clusterCIDR ?? NETWORK.podRange;
  const clusterBits = Number(cluster.split('/')[1]);
  const mask = options.maskSize ?? Math.max(24, clusterBits + Math.ceil(Math.log2(Math.max(1, count))));
  let ip = ipToInt(options.firstIP ?? '127.0.10.1');
  const specs: NodeSpec[] = [];
  for (let i = 0; i < count; i++) {
    // Skip .0 and .255 so every node IP looks like a host address.
    while (ip % 256 === 0 || ip % 256 === 255) ip++;
    specs.push({ name: `${prefix}${i + 1}`, ip: intToIp(ip++), podCIDR: subnetOf(cluster, mask, i) });
  }
  return specs;
}

/** Starts the kubelet(s): registers every node, then runs the pods bound to them. */
export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const clock = options.clock ?? options.client?.clock ?? realClock(options.timeScale ?? 1);
  const client = options.client ?? (options.kubeconfig ? KubeClient.fromKubeconfig(options.kubeconfig, { clock })
    : options.url ? new KubeClient({ server: options.url, clock }) : undefined);
  if (!client) throw new Error('startKubelet needs a client, a kubeconfig or a url');
  if (options.nodes.length === 0) throw new Error('startKubelet needs at least one node');
  const log = options.log ?? ((l: string) => console.log(l));
  const single = options.nodes.length === 1 ? options.nodes[0] : undefined;

  // @doc: kubelet-shared-informer
  const factory = new InformerFactory(client, { clock, log });
  const pods = factory.informer('pods', { fieldSelector: single ? `spec.nodeName=${single.name}` : 'spec.nodeName!=' });
  const nodeInformer = factory.informer('nodes', single ? { fieldSelector: `metadata.name=${single.name}` } : {});
  const statusManager = new StatusManager({ client, clock, pods, workers: options.statusWorkers, log });
  const ports = new PortHost();
  const server = options.port === null ? undefined : await startKubeletServer(clock);
  const heartbeatLateness: number[] = [];
  const heartbeatTimerLateness: number[] = [];
  const byName = new Map<string, NodeKubelet>();
  const nodes: NodeKubelet[] = [];
  // Besu containers learn the pod IPs of their network's members on other nodes (processes).
  const discovery = new BesuPeerDiscovery(factory, (nodeName) => byName.has(nodeName));
  const workloads: WorkloadChooser = options.workloads ?? ((image) => (isBesuImage(image) ? discovery.start : startGeneric));

  for (const [i, spec] of options.nodes.entries()) {
    let kubelet: NodeKubelet | undefined;
    const port = server ? await server.listen(spec.ip, options.port ?? 10250, {
      nodeName: spec.name, pods: () => kubelet?.pods() ?? [], logOf: (p, c, prev) => kubelet?.logOf(p, c, prev),
      signal: async (p, c, sig) => (await kubelet?.runtime.signalContainer(p, c, sig)) ?? false,
    }) : 0;
    kubelet = new NodeKubelet({
      machine: { name: spec.name, ip: spec.ip, cpu: options.cpu ?? '4', memory: options.memory ?? '8Gi', pods: options.pods ?? 110, kubeletPort: port, labels: spec.labels },
      podCIDR: spec.podCIDR, client, clock, status: statusManager, ports, log,
      cachedNode: () => nodeInformer.get(spec.name),
      recordEvents: options.recordEvents, workloads, imagePull: options.imagePull, backoff: options.backoff,
      nodeStatusUpdateFrequencyMs: options.nodeStatusUpdateFrequencyMs, nodeStatusReportFrequencyMs: options.nodeStatusReportFrequencyMs,
      // Spread many nodes' heartbeats over one renew interval instead of all at once.
      heartbeatOffsetMs: (i / options.nodes.length) * 10_000,
      onHeartbeat: (late, fired) => {
        heartbeatLateness.push(late);
        heartbeatTimerLateness.push(fired);
        if (heartbeatLateness.length > 200_000) {
          heartbeatLateness.splice(0, 100_000);
          heartbeatTimerLateness.splice(0, 100_000);
        }
      },
    });
    byName.set(spec.name, kubelet);
    nodes.push(kubelet);
  }

  // Pods of the first list are started oldest first, as HandlePodAdditions sorts them.
  let initial: Pod[] | undefined = [];
  const route = (pod: Pod) => byName.get(pod.spec.nodeName ?? '')?.podUpdated(pod);
  pods.addEventHandler({
    onAdd: (pod, isInitial) => (isInitial && initial ? initial.push(pod) : route(pod)),
    onUpdate: (_old, pod) => {
      route(pod);
      statusManager.podUpdated(pod);
    },
    onDelete: (pod) => {
      byName.get(pod.spec.nodeName ?? '')?.podDeleted(pod);
      statusManager.forget(pod);
    },
  });
  const nodeChanged = (node: Node) => byName.get(node.metadata.name ?? '')?.nodeUpdated(node);
  nodeInformer.addEventHandler({ onAdd: nodeChanged, onUpdate: (_o, n) => nodeChanged(n) });

  // Register in batches: a thousand simultaneous POSTs help nobody.
  for (let i = 0; i < nodes.length; i += 50) await Promise.all(nodes.slice(i, i + 50).map((n) => n.start()));
  statusManager.start();
  factory.start();
  await factory.waitForSync();
  const first = initial;
  initial = undefined;
  first.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
  // The cache may already hold a newer version of a buffered pod: route that one.
  for (const pod of first) {
    const latest = pods.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
    if (latest) route(latest);
  }
  log(`kubelet: ${nodes.length === 1 ? `node ${nodes[0].nodeName} (${nodes[0].nodeIP})` : `${nodes.length} nodes`} registered; running ${first.length} pod(s) bound before start`);

  return {
    nodes,
    node: (name) => byName.get(name),
    pods,
    statusManager,
    heartbeatLateness,
    heartbeatTimerLateness,
    async stop() {
      factory.stop();
      discovery.stop();
      await Promise.all(nodes.map((n) => n.stop()));
      await statusManager.stop();
      await server?.close();
      await ports.closeAll();
    },
  };
}

// REAL WORLD
// A real kubelet watches pods with the field selector spec.nodeName=<node> (one watch per node),
// and kubemark runs each hollow node as its own pod with its own kubelet. Sharing one informer is
// our saving for scale tests; several processes each hosting many nodes would each watch every
// bound pod (field selectors cannot say "one of these nodes").
