// Peer transport: how a node talks to peers in other kubelet processes
// =====================================================================
// CONCEPT   Real Besu nodes speak devp2p: a Status message on connect (network id, genesis, best
//           block), then GetBlockHeaders / GetBlockBodies to sync. We carry the same two questions
//           as JSON-RPC over plain HTTP to the peer's port 8545, the one port every Besu pod already
//           serves and kube-proxy already forwards:
//             harbour_peerStatus []            => { id, network, chainId, role, head, knownValidators, ... }
//             harbour_getBlocks  [from, count] => [ { number, hash, parentHash, timestamp, miner, ... } ]
// REAL BESU ethereum/eth/src/main/java/org/hyperledger/besu/ethereum/eth/messages/StatusMessage.java,
//           ethereum/eth/.../messages/GetBlockHeadersMessage.java
// SHIPS     The radio call between clerks on different ships.
// EXAMPLE   const t = httpPeerTransport({ clock });  await t.status('127.244.2.7')  // port 8545 implied
// SKIPPED   RLPx, snappy, message ids: one HTTP request per question.
//
// A request that gets no answer within `timeoutMs` (Kubernetes ms, on the Clock) is aborted, and
// the peer set then treats the peer as gone until it answers again.
import type { Clock } from '../../client/clock.ts';
import type { Block } from './chain.ts';
import type { PeerStatus, PeerTransport } from './network.ts';

/** Options of the HTTP transport. */
export interface HttpPeerTransportOptions {
  clock: Clock;
  /** The peers' JSON-RPC port when an address has none. @default 8545 */
  port?: number;
  /** Kubernetes ms before an unanswered request is abandoned. @default 2000 */
  timeoutMs?: number;
}

/** Thrown when a peer answers something that is not what we asked for. */
export class PeerProtocolError extends Error {}

function isStatus(v: unknown): v is PeerStatus {
  const s = v as PeerStatus;
  return (
    typeof s === 'object' && s !== null && typeof s.id === 'string' && typeof s.network === 'string' &&
    typeof s.chainId === 'number' && typeof s.role === 'string' && Array.isArray(s.knownValidators) &&
    typeof s.head === 'object' && s.head !== null && Number.isInteger(s.head.number) && typeof s.head.hash === 'string'
  );
}

function isBlock(v: unknown): v is Block {
  const b = v as Block;
  return typeof b === 'object' && b !== null && Number.isInteger(b.number) && typeof b.hash === 'string' &&
    typeof b.parentHash === 'string' && typeof b.timestamp === 'number' && typeof b.miner === 'string';
}

/** The transport every real node uses: JSON-RPC over HTTP with the global fetch. */
export function httpPeerTransport(options: HttpPeerTransportOptions): PeerTransport {
  const port = options.port ?? 8545;
  const timeoutMs = options.timeoutMs ?? 2000;
  let nextId = 1;

  async function call(address: string, method: string, params: unknown[]): Promise<unknown> {
    const hostPort = address.includes(':') ? address : `${address}:${port}`;
    const abort = new AbortController();
    const timer = options.clock.setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await fetch(`http://${hostPort}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
        signal: abort.signal,
      });
      const body = (await response.json()) as { result?: unknown; error?: { message?: string } };
      if (body.error) throw new PeerProtocolError(`${method} on ${hostPort}: ${body.error.message}`);
      return body.result;
    } finally {
      timer.cancel();
    }
  }

  return {
    async status(address) {
      const result = await call(address, 'harbour_peerStatus', []);
      if (!isStatus(result)) throw new PeerProtocolError(`${address} sent a malformed peer status`);
      return result;
    },
    async blocks(address, from, count) {
      const result = await call(address, 'harbour_getBlocks', [from, count]);
      if (!Array.isArray(result) || !result.every(isBlock)) throw new PeerProtocolError(`${address} sent malformed blocks`);
      return result;
    },
  };
}
