// Node IPAM: give every node its own pod address block
// ===================================================
// CONCEPT   Pods need cluster-unique IPs without asking anyone per pod. So each node gets a whole
//           block (spec.podCIDR, a /24 of the cluster CIDR 127.244.0.0/16) and its kubelet picks pod
//           IPs inside it: node-1 gets 127.244.0.0/24, its pods 127.244.0.2, .3 ... When a node is
//           deleted its block goes back to the pool. What is taken is read from the nodes themselves
//           (their spec.podCIDR), so a restarted controller rebuilds the pool from the cache before
//           handing anything out; blocks we assigned but have not yet seen come back in the watch
//           stay reserved meanwhile, so two nodes never get the same block.
// REAL K8S  pkg/controller/nodeipam/ipam/range_allocator.go (NewCIDRRangeAllocator occupying
//           existing podCIDRs, AllocateOrOccupyCIDR, ReleaseCIDR, updateCIDRsAllocation),
//           pkg/controller/nodeipam/ipam/cidrset/cidr_set.go, pkg/controller/nodeipam/node_ipam_controller.go
// SHIPS     The harbour's berth register: each ship is assigned its stretch of quay on arrival.
// EXAMPLE   node-3 registers without spec.podCIDR  =>  PATCH node-3 spec.podCIDR 127.244.2.0/24
// SKIPPED   dual-stack (several podCIDRs), multi-CIDR allocation, the cloud allocator.

import type { Node } from '../api/types.ts';
import { NETWORK } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import type { Informer } from '../client/informer.ts';
import { CidrSet } from './cidr-set.ts';
import { loggerFor, recorderFor, type ControllerClient, type ControllerOptions, type EventSink } from './context.ts';
import { message } from './pod-control.ts';

/** Options of the range allocator. */
export interface NodeIpamOptions extends ControllerOptions {
  /** --cluster-cidr: the range pod blocks are cut from. @default "127.244.0.0/16" */
  clusterCIDR?: string;
  /** --node-cidr-mask-size: the prefix length of each node's block. @default 24 */
  nodeCIDRMaskSize?: number;
}

export class NodeIpamController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly client: ControllerClient;
  private readonly recorder: EventSink;
  private readonly note: (message: string) => void;
  private readonly set: CidrSet;
  /** node name => the block it holds, as far as we know (cache, or our own write in flight). */
  private readonly assigned = new Map<string, string>();

  constructor(o: NodeIpamOptions) {
    super({ name: 'node-ipam-controller', clock: o.clock, workers: o.workers ?? 1, log: o.log });
    this.client = o.client;
    this.recorder = recorderFor(o, 'cidrAllocator');
    this.note = loggerFor(o, 'node-ipam');
    this.set = new CidrSet(o.clusterCIDR ?? NETWORK.podRange, o.nodeCIDRMaskSize ?? 24);
    this.nodes = this.watch(o.factory.informer('nodes'));
  }

  // @doc: node-ipam-sync
  protected async sync(name: string): Promise<void> {
    this.occupyFromCache();
    const node = this.nodes.get(name);
    if (!node) return this.release(name);
    if (node.spec?.podCIDR) return;
    // Our own assignment may not be back from the watch yet: do not hand out a second block.
    if (this.assigned.has(name)) return;
    const cidr = this.set.allocateNext();
    if (!cidr) {
      this.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      throw new Error(`no pod CIDR left in ${this.set.cidr} for node ${name}`);
    }
    this.assigned.set(name, cidr);
    try {
      await this.client.patch('nodes', name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (e) {
      this.assigned.delete(name);
      this.set.release(cidr);
      this.recorder.event(node, 'Warning', 'CIDRAssignmentFailed', `Failed to assign CIDR ${cidr} to node ${name}: ${message(e)}`);
      throw e;
    }
    this.note(`assigned podCIDR ${cidr} to node ${name}`);
  }

  // The nodes in the cache are the truth about taken blocks (NewCIDRRangeAllocator's occupy loop).
  private occupyFromCache(): void {
    for (const node of this.nodes.list()) {
      const cidr = node.spec?.podCIDR;
      if (!cidr) continue;
      const held = this.assigned.get(node.metadata.name!);
      if (held && held !== cidr) this.set.release(held);
      if (this.set.occupy(cidr)) this.assigned.set(node.metadata.name!, cidr);
    }
  }

  // ReleaseCIDR: the node is gone, its block is free for the next node.
  private release(name: string): void {
    const cidr = this.assigned.get(name);
    if (!cidr) return;
    this.assigned.delete(name);
    this.set.release(cidr);
    this.note(`node ${name} is gone: released podCIDR ${cidr}`);
  }
}
