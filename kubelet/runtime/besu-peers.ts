// Besu peer discovery: telling each Besu where the other members of its network are
// ===============================================================================
// CONCEPT   A real Besu finds peers through bootnodes and the discovery protocol. Our simulated
//           Besu finds the Besu pods of its own process by itself, and polls any other pod IPs it
//           is given. Across processes (a kubelet per node) someone must give it those IPs: this
//           module plays the discovery protocol's part. It watches the Besu pods of the whole
//           cluster (lazily: only once this process runs a Besu container) and hands each running
//           Besu the pod IPs of the other Running Besu pods of the same network on other nodes.
// REAL K8S  (none: this stands in for Besu's devp2p discovery, ethereum/devp2p discv4/discv5)
// SHIPS     The harbour's list of which ledger clerks sit on which ships, passed along by radio.
// EXAMPLE   validator-0 on node-1, validator-1 on node-2 => validator-0.setPeerCandidates(["127.244.2.2"])
// SKIPPED   enode URLs and node keys; pods whose network only the container args would say.

import type { Pod } from '../../api/types.ts';
import type { InformerFactory } from '../../client/informer-factory.ts';
import type { Informer } from '../../client/informer.ts';
import { parseBesuConfig } from '../besu/index.ts';
import { isBesuImage, startBesuContainer, type BesuWorkload } from './besu.ts';
import { containerEnv, type WorkloadContext, type WorkloadFactory } from './workload.ts';

interface Member {
  network: string;
  podIP: string;
}

/** The network a pod's Besu container joins, or undefined for pods without one. */
export function besuNetworkOf(pod: Pod): string | undefined {
  const c = pod.spec.containers.find((x) => isBesuImage(x.image));
  if (!c) return undefined;
  return parseBesuConfig(pod.metadata.annotations ?? {}, containerEnv(pod, c), pod.status?.podIP ?? '').network;
}

export class BesuPeerDiscovery {
  private informer?: Informer<Pod>;
  private readonly members = new Map<BesuWorkload, Member>();
  private scheduled = false;

  /** @param isLocal whether a node name is hosted by this process (its Besu pods find each other). */
  constructor(private readonly factory: InformerFactory, private readonly isLocal: (nodeName: string) => boolean) {}

  /** A WorkloadFactory for Besu containers that joins them to discovery. */
  readonly start: WorkloadFactory = async (ctx: WorkloadContext) => {
    this.watch();
    const exit = ctx.onExit;
    let workload: BesuWorkload | undefined;
    workload = await startBesuContainer({ ...ctx, onExit: (code, reason) => (this.leave(workload), exit(code, reason)) });
    this.members.set(workload, { network: besuNetworkOf(ctx.pod) ?? 'harbour', podIP: ctx.podIP });
    const { stop, kill } = workload;
    const w = workload;
    w.stop = () => (this.leave(w), stop());
    w.kill = () => (this.leave(w), kill());
    this.refreshSoon();
    return w;
  };

  stop(): void {
    this.members.clear();
  }

  private leave(w: BesuWorkload | undefined): void {
    if (w) this.members.delete(w);
  }

  private watch(): void {
    if (this.informer) return;
    this.informer = this.factory.informer('pods');
    const soon = () => this.refreshSoon();
    this.informer.addEventHandler({ onAdd: soon, onUpdate: soon, onDelete: soon });
    this.informer.start();
  }

  private refreshSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.refresh();
    });
  }

  // @doc: kubelet-besu-discovery
  private refresh(): void {
    if (!this.informer || this.members.size === 0) return;
    const byNetwork = new Map<string, string[]>();
    for (const pod of this.informer.list()) {
      const ip = pod.status?.podIP;
      if (!ip || pod.status?.phase !== 'Running' || this.isLocal(pod.spec.nodeName ?? '')) continue;
      const network = besuNetworkOf(pod);
      if (network === undefined) continue;
      byNetwork.set(network, [...(byNetwork.get(network) ?? []), ip]);
    }
    for (const [w, m] of this.members) w.besu.setPeerCandidates((byNetwork.get(m.network) ?? []).filter((ip) => ip !== m.podIP));
  }
}
