// Port host: many pod addresses, one HTTP server
// ==============================================
// CONCEPT   A container that declares `ports` listens on podIP:containerPort, so a Service (through
//           kube-proxy) or a probe can reach it. A thousand hollow nodes with thirty pods each would
//           mean thousands of HTTP servers; instead we open one cheap TCP listener per address and
//           hand every accepted socket to one shared HTTP server, which looks at the socket's local
//           address to know which container was called. The kubelet's own server uses the same
//           trick for its many node IPs.
// REAL K8S  (none: in Kubernetes each container owns its sockets in its own network namespace)
// SHIPS     One switchboard operator answering every cabin's telephone.
// EXAMPLE   const close = await ports.open('127.244.1.2', 80, (req, res) => res.end('hi'));
//           ... await close();
// SKIPPED   UDP and SCTP ports, TLS.

import http from 'node:http';
import net from 'node:net';

/** Handles a request that arrived on one of our addresses. */
export type PortHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Listener {
  server: net.Server;
  handler: PortHandler;
  sockets: Set<net.Socket>;
}

/** One HTTP parser for any number of (ip, port) listeners. */
export class PortHost {
  private readonly http: http.Server;
  private readonly listeners = new Map<string, Listener>();

  constructor() {
    this.http = http.createServer((req, res) => {
      const key = `${stripV6(req.socket.localAddress)}:${req.socket.localPort}`;
      const listener = this.listeners.get(key);
      if (!listener) return void res.writeHead(503).end('no container listens here\n');
      listener.handler(req, res);
    });
    this.http.keepAliveTimeout = 5000;
  }

  /** How many addresses are open. */
  get size(): number {
    return this.listeners.size;
  }

  /**
   * Listens on ip:port (port 0 picks a free one) and routes requests to `handler`.
   * Resolves with the bound port and a function that closes the listener and its connections.
   */
  async open(ip: string, port: number, handler: PortHandler): Promise<{ port: number; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer({ pauseOnConnect: false }, (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      this.http.emit('connection', socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ip, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = (server.address() as net.AddressInfo).port;
    const key = `${ip}:${bound}`;
    this.listeners.set(key, { server, handler, sockets });
    const close = async () => {
      if (this.listeners.get(key)?.server !== server) return;
      this.listeners.delete(key);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { port: bound, close };
  }

  /** Closes every listener. */
  async closeAll(): Promise<void> {
    const all = [...this.listeners.entries()];
    this.listeners.clear();
    await Promise.all(all.map(([, l]) => {
      for (const s of l.sockets) s.destroy();
      return new Promise<void>((resolve) => l.server.close(() => resolve()));
    }));
  }
}

function stripV6(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}
