// The forwarder: real TCP traffic through the rule table
// ======================================================
// CONCEPT   On a real node the kernel follows kube-proxy's rules: the first packet of a new
//           connection walks KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP and is rewritten (DNAT) to a pod;
//           conntrack remembers that choice for every later packet of the connection. We cannot
//           write kernel rules without root, so we do the kernel's part in user space: we listen
//           on every captured address:port (ClusterIP:port, nodeIP:nodePort, load-balancer IP:port;
//           all in 127.0.0.0/8, which Linux treats as local), and for each *accepted connection* we
//           walk the frontend's rules with the same coin tosses (statistic.ts), dial the chosen pod
//           and pipe bytes both ways. That accepted socket is our conntrack entry:
//           - a rule change applies to the next connection at once (we swap the endpoint list in
//             place) and leaves open connections where they are, exactly like conntrack;
//           - a service port with no ready endpoint has no listener, so the kernel answers the SYN
//             with a reset and the client sees ECONNREFUSED, what the REJECT rule gives;
//           - the pod sees the connection come from the node's IP (`sourceIP`), as masquerade does.
// REAL K8S  pkg/proxy/iptables/proxier.go (the rules this replaces); the kernel's nf_nat and
//           nf_conntrack. Kubernetes' old userspace proxier (pkg/proxy/userspace, removed in 1.26)
//           also forwarded in user space, but picked round-robin, not by the iptables odds.
// SHIPS     The radio room patching each new call through to one container, then staying out of it.
// EXAMPLE   const fw = new Forwarder({ clock, sourceIP: '127.0.10.1' });
//           await fw.update(table.frontends);   // listen, close, swap: diffed against the last call
//           await fw.close();
// SKIPPED   UDP and SCTP service ports (rules are written, nothing forwards them), client source IP
//           preservation, conntrack timeouts.
//
// REAL WORLD The kernel does this job with no extra hop: after the first packet, conntrack rewrites
// addresses at line rate and no process copies bytes. Our user-space hop costs roughly half a
// millisecond per new connection on loopback (bench/proxy.ts). Production clusters also pick
// IPVS or nftables mode (kube-proxy --proxy-mode), or replace kube-proxy with eBPF (Cilium).

import net from 'node:net';
import type { Clock, Timer } from '../client/clock.ts';
import { pickBackend } from './statistic.ts';

/** An endpoint a frontend may pick, with its rule's odds (see rules.ts Backend). */
export interface ForwardBackend {
  ip: string;
  port: number;
  probability: number;
}

/** An address:port to serve and the ordered rules that choose its endpoint (rules.ts Frontend). */
export interface ForwardTarget {
  ip: string;
  port: number;
  /** Only "tcp" (the default) is forwarded. */
  protocol?: string;
  /** "namespace/name:port", for log lines. */
  service: string;
  backends: readonly ForwardBackend[];
}

export interface ForwarderOptions {
  clock: Clock;
  /** Address new connections to pods come from, as masquerade makes it: the node IP. @default the kernel's choice */
  sourceIP?: string;
  /** How often to retry an address we could not bind (the previous owner may still hold it). @default 1000 */
  listenRetryMs?: number;
  /** A random integer in [0, 2^31) per statistic rule; tests pass a seeded one. @default Math.random */
  random31?: () => number;
  /** @default console.log */
  log?: (message: string) => void;
}

/** What one update changed. */
export interface ForwarderUpdate {
  opened: string[];
  closed: string[];
  /** Addresses that could not be bound yet; they are retried every listenRetryMs. */
  failed: string[];
}

interface Listener {
  key: string;
  target: ForwardTarget;
  server?: net.Server;
  retry?: Timer;
  /** Failed binds in a row; we log the first and the eventual success, not every retry. */
  failures: number;
  /** New connections per endpoint "ip:port" since the listener opened. */
  picks: Map<string, number>;
}

/** Serves a set of frontends; `update` makes the set match a new rule table. */
export class Forwarder {
  private readonly listeners = new Map<string, Listener>();
  private readonly sockets = new Set<net.Socket>();
  private readonly log: (message: string) => void;
  private closed = false;

  constructor(private readonly options: ForwarderOptions) {
    this.log = options.log ?? ((m) => console.log(m));
  }

  /**
   * Makes the served frontends match `targets`: opens listeners for new addresses, closes those no
   * longer wanted (their open connections stay), and swaps endpoint lists of the rest in place.
   * Frontends with no backends are not served (connections are refused). Resolves once every new
   * listener is bound or has failed (failures retry in the background).
   */
  async update(targets: readonly ForwardTarget[]): Promise<ForwarderUpdate> {
    const wanted = new Map<string, ForwardTarget>();
    for (const t of targets) {
      if ((t.protocol ?? 'tcp') === 'tcp' && t.backends.length > 0) wanted.set(`${t.ip}:${t.port}`, t);
    }
    const result: ForwarderUpdate = { opened: [], closed: [], failed: [] };
    for (const [key, l] of this.listeners) {
      if (!wanted.has(key)) {
        this.stopListener(l);
        result.closed.push(key);
      }
    }
    const opening: Promise<void>[] = [];
    for (const [key, target] of wanted) {
      const existing = this.listeners.get(key);
      // @doc: proxy-swap-in-place
      if (existing) existing.target = target; // the next accepted connection walks the new list
      else {
        const l: Listener = { key, target, failures: 0, picks: new Map() };
        this.listeners.set(key, l);
        opening.push(this.listen(l).then((ok) => void (ok ? result.opened : result.failed).push(key)));
      }
    }
    await Promise.all(opening);
    return result;
  }

  /** The addresses bound right now ("ip:port"). */
  listening(): string[] {
    return [...this.listeners.values()].filter((l) => l.server?.listening).map((l) => l.key);
  }

  /** New connections per endpoint ("ip:port") through one frontend since it opened. */
  picks(frontend: string): Map<string, number> {
    return new Map(this.listeners.get(frontend)?.picks ?? []);
  }

  /** Connections being piped right now (each counted once per side). */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Stops every listener and cuts every open connection (the proxy is going away). */
  async close(): Promise<void> {
    this.closed = true;
    for (const l of this.listeners.values()) this.stopListener(l);
    this.listeners.clear();
    for (const s of this.sockets) s.destroy();
  }

  // ## Listening

  private listen(l: Listener): Promise<boolean> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(l, socket));
    return new Promise((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (this.listeners.get(l.key) !== l || this.closed) return resolve(false);
        if (l.failures++ === 0) this.log(`cannot listen on ${l.key} for ${l.target.service} (${err.code ?? err.message}); retrying`);
        l.retry = this.options.clock.setTimeout(() => void this.listen(l), this.options.listenRetryMs ?? 1000);
        resolve(false);
      });
      server.listen({ host: l.target.ip, port: l.target.port, exclusive: true }, () => {
        // The frontend may have been removed while we were binding.
        if (this.listeners.get(l.key) !== l || this.closed) return void server.close(() => resolve(false));
        if (l.failures > 0) this.log(`listening on ${l.key} for ${l.target.service} after ${l.failures} failed tries`);
        l.server = server;
        resolve(true);
      });
    });
  }

  private stopListener(l: Listener): void {
    l.retry?.cancel();
    l.server?.close(); // stops accepting; accepted connections carry on, as conntrack entries do
    this.listeners.delete(l.key);
  }

  // ## One connection

  // @doc: proxy-accept
  private accept(l: Listener, client: net.Socket): void {
    const backend = pickBackend(l.target.backends, this.options.random31);
    if (!backend) return void client.resetAndDestroy();
    const key = `${backend.ip}:${backend.port}`;
    l.picks.set(key, (l.picks.get(key) ?? 0) + 1);
    const pod = net.connect({ host: backend.ip, port: backend.port, localAddress: this.options.sourceIP, allowHalfOpen: true, noDelay: true });
    this.track(client);
    this.track(pod);
    // Bytes written before the pod accepts are buffered by the socket; pipe() also forwards each
    // side's FIN as a half-close, so request/response protocols that shut down writing still work.
    client.pipe(pod);
    pod.pipe(client);
    // A refused or reset pod connection resets the client: what it would see through DNAT.
    pod.on('error', () => client.resetAndDestroy());
    client.on('error', () => pod.resetAndDestroy());
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
