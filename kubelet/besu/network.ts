// Network: finding the other Besu nodes of the same network
// ==========================================================
// CONCEPT   An Ethereum node is only useful with peers: it learns the best chain from them and, as
//           a validator, needs them for quorum. Real Besu finds peers with devp2p discovery (UDP
//           30303, bootnodes, a Kademlia table) and talks RLPx over TCP. We keep two simple paths:
//           - inside one process (one kubelet hosting many pods) every running node registers in a
//             `BesuRegistry`, and nodes of the same network see each other directly;
//           - across processes, the kubelet hands each node the pod IPs of the other pods of its
//             network (`setPeerCandidates`), and the node polls them over plain JSON-RPC on their
//             port 8545 (`harbour_peerStatus`, `harbour_getBlocks`, see peer-transport.ts).
//           A peer counts while it answers: a stopped pod refuses connections and drops out at
//           once; a frozen one drops out when its last answer is older than `staleAfterMs`.
// REAL BESU ethereum/p2p/src/main/java/org/hyperledger/besu/ethereum/p2p/network/DefaultP2PNetwork.java
//           (discovery, --max-peers), ethereum/eth/.../manager/EthPeers.java (the peer table)
// SHIPS     Clerks radio the other clerks of the same fleet to compare ledgers.
// EXAMPLE   peers.setCandidates(['127.244.2.7', '127.244.3.4:8545']); peers.poll();
//           peers.peers() => [{ status: { id: 'besu-1', head: { number: 41, ... } }, blocks() }, ...]
// SKIPPED   discovery tables, bootnodes, RLPx encryption, static/trusted nodes, peer scoring.
//
// At most `maxPeers` peers are kept (Besu's --max-peers, default 25), taking the first ones the
// registry lists: a kubelet benchmark with thousands of pods in one network stays O(maxPeers).
import type { Clock } from '../../client/clock.ts';
import type { Block } from './chain.ts';
import type { BesuRole } from './config.ts';

/** What a node tells its peers about itself: the devp2p Status message plus what QBFT gossips. */
export interface PeerStatus {
  id: string;
  /** Pod IP the node listens on. */
  address: string;
  enode: string;
  clientVersion: string;
  network: string;
  chainId: number;
  role: BesuRole;
  head: { number: number; hash: string };
  /** The validator ids this node knows of (sticky), so a newcomer learns the whole set. */
  knownValidators: string[];
  /** The declared validator-set size, if its manifest set one. */
  validatorCount?: number;
}

/** A node as its own process's registry holds it. */
export interface LocalPeer {
  readonly address: string;
  readonly network: string;
  status(): PeerStatus;
  blocks(from: number, count: number): Block[];
}

/** A peer as a node uses it: its latest status, and a way to fetch blocks from it. */
export interface PeerView {
  status: PeerStatus;
  /** In-process peers answer at once; remote ones through a Promise. */
  blocks(from: number, count: number): Block[] | Promise<Block[]>;
}

/** How a node reaches peers in other processes. The real one is HTTP JSON-RPC (peer-transport.ts). */
export interface PeerTransport {
  status(address: string): Promise<PeerStatus>;
  blocks(address: string, from: number, count: number): Promise<Block[]>;
}

/**
 * The running Besu nodes of one process, by network. One shared instance (`processRegistry`)
 * serves a whole kubelet process; tests may make their own to keep nodes apart.
 */
export class BesuRegistry {
  private readonly networks = new Map<string, Set<LocalPeer>>();
  private readonly byAddress = new Map<string, LocalPeer>();

  register(peer: LocalPeer): void {
    let set = this.networks.get(peer.network);
    if (!set) this.networks.set(peer.network, (set = new Set()));
    set.add(peer);
    this.byAddress.set(peer.address, peer);
  }

  unregister(peer: LocalPeer): void {
    this.networks.get(peer.network)?.delete(peer);
    if (this.networks.get(peer.network)?.size === 0) this.networks.delete(peer.network);
    if (this.byAddress.get(peer.address) === peer) this.byAddress.delete(peer.address);
  }

  /** Up to `limit` running nodes of `network`, in registration order, excluding `self`. */
  members(network: string, self: LocalPeer, limit: number): LocalPeer[] {
    const out: LocalPeer[] = [];
    for (const p of this.networks.get(network) ?? []) {
      if (out.length >= limit) break;
      if (p !== self) out.push(p);
    }
    return out;
  }

  /** The node of this process listening on `address`, if any. */
  lookup(address: string): LocalPeer | undefined {
    return this.byAddress.get(address);
  }
}

/** The registry every node of this process joins unless told otherwise. */
export const processRegistry = new BesuRegistry();

/** Options of a node's peer set. */
export interface PeerSetOptions {
  self: LocalPeer;
  clock: Clock;
  /** @default processRegistry */
  registry?: BesuRegistry;
  /** How to reach candidates outside this process; without one, only in-process peers are seen. */
  transport?: PeerTransport;
  /** Kubernetes ms after which a remote peer's last answer is too old to count. @default 4000 */
  staleAfterMs?: number;
  /** Besu's --max-peers. @default 25 */
  maxPeers?: number;
}

interface Remote {
  status?: PeerStatus;
  at?: number;
  inFlight: boolean;
  /** Made once per candidate: the loop runs often, so we allocate nothing per tick. */
  view?: PeerView;
}

/** One view per in-process node, shared by every PeerSet that lists it. */
const localViews = new WeakMap<LocalPeer, PeerView>();

function localView(local: LocalPeer): PeerView {
  let view = localViews.get(local);
  if (!view) {
    view = { get status() { return local.status(); }, blocks: (from, count) => local.blocks(from, count) };
    localViews.set(local, view);
  }
  return view;
}

/** One node's view of its peers: in-process members of its network plus polled candidates. */
export class PeerSet {
  private readonly registry: BesuRegistry;
  private readonly staleAfterMs: number;
  private readonly maxPeers: number;
  private remotes = new Map<string, Remote>();
  private joined = false;

  constructor(private readonly options: PeerSetOptions) {
    this.registry = options.registry ?? processRegistry;
    this.staleAfterMs = options.staleAfterMs ?? 4000;
    this.maxPeers = options.maxPeers ?? 25;
  }

  /** Joins the process registry: other nodes of this process now see us. */
  join(): void {
    if (!this.joined) this.registry.register(this.options.self);
    this.joined = true;
  }

  /** Leaves the registry and forgets remote peers (the node stopped). */
  leave(): void {
    if (this.joined) this.registry.unregister(this.options.self);
    this.joined = false;
    this.remotes.clear();
  }

  /**
   * Replaces the candidate list: pod IPs ("127.244.1.5") or IP:port of other pods of our network.
   * Our own address is ignored; peers we already polled keep their last status.
   */
  setCandidates(addresses: readonly string[]): void {
    const next = new Map<string, Remote>();
    for (const raw of addresses.slice(0, 4 * this.maxPeers)) {
      const address = raw.trim();
      if (!address || hostOf(address) === this.options.self.address) continue;
      next.set(address, this.remotes.get(address) ?? { inFlight: false });
    }
    this.remotes = next;
  }

  /** Asks every candidate outside this process for its status; answers arrive asynchronously. */
  poll(): void {
    const transport = this.options.transport;
    if (!transport || !this.joined) return;
    for (const [address, remote] of this.remotes) {
      if (remote.inFlight || this.registry.lookup(hostOf(address))) continue;
      remote.inFlight = true;
      transport.status(address).then(
        (status) => Object.assign(remote, { status, at: this.options.clock.now(), inFlight: false }),
        () => Object.assign(remote, { status: undefined, at: undefined, inFlight: false }),
      );
    }
  }

  /** The peers that count now: same network, not ourselves, answering recently; at most maxPeers. */
  peers(): PeerView[] {
    const self = this.options.self;
    const selfId = self.status().id;
    const seen = new Set<string>([selfId]);
    const out: PeerView[] = [];
    for (const local of this.registry.members(self.network, self, this.maxPeers)) {
      const view = localView(local);
      if (seen.has(view.status.id)) continue;
      seen.add(view.status.id);
      out.push(view);
    }
    const transport = this.options.transport;
    for (const [address, remote] of this.remotes) {
      if (out.length >= this.maxPeers || !transport) break;
      const s = remote.status;
      if (!s || remote.at === undefined || this.options.clock.since(remote.at) > this.staleAfterMs) continue;
      if (s.network !== self.network || seen.has(s.id) || this.registry.lookup(hostOf(address))) continue;
      seen.add(s.id);
      remote.view ??= { status: s, blocks: (from, count) => transport.blocks(address, from, count) };
      remote.view.status = s;
      out.push(remote.view);
    }
    return out;
  }
}

/** "127.0.0.5:8545" => "127.0.0.5". */
export function hostOf(address: string): string {
  const i = address.lastIndexOf(':');
  return i === -1 ? address : address.slice(0, i);
}

// REAL WORLD
// Besu nodes find each other through bootnodes and the discv4/discv5 Kademlia table, prove their
// identity with the node key (the enode id) during the RLPx handshake, and keep scores to drop
// useless peers. In Kubernetes, Besu Helm charts usually publish bootnode enodes through a Service
// or ConfigMap, and permissioned networks add node allow-lists on top.
