// Every node's link, and the kubeconfig that sends its kubelet through it
// =======================================================================
// CONCEPT   The launcher opens one NodeLink per ship before it starts any kubelet, and writes the
//           ship its own kubeconfig: the cluster's kubeconfig with `server:` pointing at the link
//           on the node's IP. The ship's kubelet and kube-proxy use that file, so everything the
//           node says to the control plane crosses its link, and the chaos tool can partition or
//           slow one node while the others talk normally. Ships added later get a link the same way.
// REAL K8S  Every kubeadm node has its own /etc/kubernetes/kubelet.conf naming the apiserver (or a
//           load balancer in front of it); the network path behind that name is what we simulate.
// SHIPS     One radio mast per ship, each on its own frequency to the radio room.
// EXAMPLE   const links = new NodeLinks({ dir: '.cluster', apiserverPort: 6443, clusterKubeconfig, timeScale: 0.1 });
//           await links.add('node-1', '127.0.10.1')   // => ".cluster/nodes/node-1/kubeconfig"
//           links.get('node-1')?.partition()
// SKIPPED   TLS and per-node credentials (the Node authorizer): the cluster runs plain HTTP.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeLink, type LinkState } from './node-link.ts';

export interface NodeLinksOptions {
  /** The launcher's state folder; kubeconfigs go to <dir>/nodes/<node>/kubeconfig. */
  dir: string;
  /** The apiserver's port on 127.0.0.1 (links listen on the same port on each node IP). */
  apiserverPort: number;
  /** The cluster's kubeconfig file: copied with the server rewritten. */
  clusterKubeconfig: string;
  /** Delays are Kubernetes time. @default 1 */
  timeScale?: number;
}

export class NodeLinks {
  private readonly links = new Map<string, NodeLink>();

  constructor(private readonly options: NodeLinksOptions) {}

  /** Opens a node's link and writes its kubeconfig; resolves with the kubeconfig's path. */
  async add(node: string, ip: string): Promise<string> {
    if (this.links.has(node)) return this.kubeconfigPath(node);
    const { apiserverPort, timeScale } = this.options;
    const link = new NodeLink({ node, listen: { host: ip, port: apiserverPort }, target: { host: '127.0.0.1', port: apiserverPort }, timeScale });
    try {
      await link.start();
    } catch (err) {
      throw new Error(`cannot open the API link of ${node} on ${ip}:${apiserverPort}: ${(err as Error).message}`);
    }
    this.links.set(node, link);
    const path = this.kubeconfigPath(node);
    mkdirSync(join(this.options.dir, 'nodes', node), { recursive: true });
    const text = readFileSync(this.options.clusterKubeconfig, 'utf8').replace(/server: \S+/, `server: http://${ip}:${apiserverPort}`);
    writeFileSync(path, text);
    return path;
  }

  get(node: string): NodeLink | undefined {
    return this.links.get(node);
  }

  kubeconfigPath(node: string): string {
    return join(this.options.dir, 'nodes', node, 'kubeconfig');
  }

  list(): LinkState[] {
    return [...this.links.values()].map((l) => l.state());
  }

  /** Closes a node's link and forgets its kubeconfig (the ship left the harbour). */
  async remove(node: string): Promise<void> {
    await this.links.get(node)?.close();
    this.links.delete(node);
    rmSync(join(this.options.dir, 'nodes', node), { recursive: true, force: true });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
    this.links.clear();
  }
}
