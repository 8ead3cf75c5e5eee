// A node's network link to the apiserver: open, partitioned or slow
// ==================================================================
// CONCEPT   To cut a node off from the control plane *without* stopping its pods, we need to stand
//           between the node and the apiserver. So each node's kubelet and kube-proxy do not dial
//           the apiserver directly: their kubeconfig names `http://<node IP>:<apiserver port>`,
//           where this link listens and forwards every byte to the real apiserver on 127.0.0.1.
//           The link has three states, the three things a network does to a node:
//             open         bytes pass through;
//             partitioned  bytes vanish both ways (a black hole, like dropped packets): requests
//                          hang until the client's timeout, watches go silent. The pods keep
//                          running, because nothing touched their processes;
//             slow         every request reaches the apiserver `delay` later (Kubernetes time).
//           Healing a partition resets the connections that lived through it (their TCP sessions
//           would long have timed out), so the kubelet and kube-proxy reconnect and resume.
// REAL K8S  Nothing in Kubernetes: on real machines this is `iptables -A OUTPUT -d <apiserver> -j
//           DROP` or `tc qdisc add dev eth0 root netem delay 2000ms`, the tools chaos-mesh and
//           Litmus drive. The kubelet's side (client timeouts, watch resume) is client-go's.
// SHIPS     The ship's radio mast: up, shot away in a storm, or crackling with a long delay.
// EXAMPLE   const link = new NodeLink({ node: 'node-2', listen: { host: '127.0.10.2', port: 6443 },
//             target: { host: '127.0.0.1', port: 6443 }, timeScale: 0.1 }); await link.start();
//           link.partition();  ...  link.heal();  link.slow(5000)  // +5 s Kubernetes time per request
// SKIPPED   The other direction: the apiserver reaching the kubelet (`kubectl logs`) is not cut;
//           pod-to-pod traffic is not cut either (pods share one loopback interface).

import net from 'node:net';
import { realClock, type Clock } from '../../client/clock.ts';

export interface Endpoint {
  host: string;
  port: number;
}

export interface NodeLinkOptions {
  /** The node this link serves. */
  node: string;
  /** Where the node's components connect: its node IP and the apiserver's port. */
  listen: Endpoint;
  /** The real apiserver. */
  target: Endpoint;
  /** The cluster's time scale: delays are Kubernetes time. @default 1 */
  timeScale?: number;
  /** Where delays are measured. @default realClock(timeScale) */
  clock?: Clock;
}

/** What `GET /nodes` shows for one link. */
export interface LinkState {
  node: string;
  /** "127.0.10.2:6443" */
  listen: string;
  mode: 'open' | 'partitioned' | 'slow';
  /** Added to every request, Kubernetes ms (0 when not slow). */
  delayMs: number;
  /** TCP connections through the link now. */
  connections: number;
  /** Wall-clock ms when the mode last changed. */
  since: number;
}

interface Connection {
  client: net.Socket;
  upstream?: net.Socket;
  /** Lived through a partition: its bytes vanish, and heal() resets it. */
  frozen: boolean;
  /** Wall-clock ms the last delayed chunk is due upstream (keeps chunks in order). */
  dueAt: number;
}

export class NodeLink {
  private server?: net.Server;
  private readonly connections = new Set<Connection>();
  private partitioned = false;
  private delayMs = 0;
  private since = Date.now();
  private port: number;
  private readonly clock: Clock;

  constructor(private readonly options: NodeLinkOptions) {
    this.port = options.listen.port;
    this.clock = options.clock ?? realClock(options.timeScale ?? 1);
  }

  get node(): string {
    return this.options.node;
  }

  /** Listens on the node's side; resolves with the bound port (listen.port 0 picks one). @throws EADDRINUSE and friends */
  start(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.listen.port, this.options.listen.host, () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /** Cuts the node off: every byte either way vanishes until heal(). */
  partition(): void {
    this.partitioned = true;
    for (const c of this.connections) c.frozen = true;
    this.changed();
  }

  /** Restores the link (and its normal speed); connections that lived through a partition are reset. */
  heal(): void {
    this.partitioned = false;
    this.delayMs = 0;
    for (const c of [...this.connections]) if (c.frozen) this.drop(c);
    this.changed();
  }

  /** Delays every request by `delayMs` Kubernetes ms (0 restores full speed). */
  slow(delayMs: number): void {
    this.delayMs = Math.max(0, delayMs);
    this.changed();
  }

  state(): LinkState {
    const { listen, node } = this.options;
    const mode = this.partitioned ? 'partitioned' : this.delayMs > 0 ? 'slow' : 'open';
    return { node, listen: `${listen.host}:${this.port}`, mode, delayMs: this.delayMs, connections: this.connections.size, since: this.since };
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    for (const c of [...this.connections]) this.drop(c);
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private changed(): void {
    this.since = Date.now();
  }

  // @doc: node-link-accept
  // A connection made during a partition is accepted and then ignored, as a SYN into a black
  // hole would be: the client learns nothing until its own timeout.
  private accept(client: net.Socket): void {
    const c: Connection = { client, frozen: this.partitioned, dueAt: 0 };
    this.connections.add(c);
    client.on('error', () => this.drop(c));
    client.on('close', () => this.drop(c));
    client.on('data', (chunk: Buffer) => this.upstreamWrite(c, chunk));
    client.on('end', () => this.upstreamWrite(c, null));
    if (c.frozen) return;
    const upstream = net.connect(this.options.target.port, this.options.target.host);
    c.upstream = upstream;
    upstream.on('error', () => this.drop(c));
    upstream.on('close', () => this.drop(c));
    upstream.on('data', (chunk: Buffer) => {
      if (!c.frozen) client.write(chunk);
    });
    upstream.on('end', () => {
      if (!c.frozen) client.end();
    });
  }

  // @doc: node-link-delay
  // Requests travel node -> apiserver; delaying that direction delays every call by `delay`.
  // Each chunk is due no earlier than the one before it, so bytes never overtake each other.
  private upstreamWrite(c: Connection, chunk: Buffer | null): void {
    if (c.frozen || !c.upstream) return;
    const send = () => {
      if (c.frozen || !c.upstream || c.upstream.destroyed) return;
      if (chunk) c.upstream.write(chunk);
      else c.upstream.end();
    };
    // dueAt is wall-clock ms; the timer itself runs on the cluster's clock, in Kubernetes ms.
    const scale = this.clock.timeScale;
    const now = this.clock.now();
    if (this.delayMs <= 0 && c.dueAt <= now) return send();
    c.dueAt = Math.max(now + this.delayMs * scale, c.dueAt);
    this.clock.setTimeout(send, (c.dueAt - now) / scale);
  }

  private drop(c: Connection): void {
    if (!this.connections.delete(c)) return;
    c.client.destroy();
    c.upstream?.destroy();
  }
}
