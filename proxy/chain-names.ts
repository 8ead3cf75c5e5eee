// Chain names: KUBE-SVC-XPGD46QRK7WJZT7O and friends
// ================================================
// CONCEPT   Every service port gets its own iptables chains, and every endpoint of it one more.
//           iptables limits a chain name to 28 characters, and "default/besu-rpc:rpc" may be any
//           length, so kube-proxy names a chain by a *hash*: sha256 of the service port name plus
//           the protocol (plus "ip:port" for an endpoint chain), base32-encoded, first 16
//           characters, behind a prefix that says what the chain does. The same inputs give the
//           same name on every node and after every restart, so a rewrite replaces chains in place.
// REAL K8S  pkg/proxy/iptables/proxier.go (portProtoHash, servicePortPolicyClusterChain,
//           serviceExternalChainName, servicePortEndpointChainName), v1.32
// SHIPS     A call sign per radio channel: short, fixed, and the same on every ship.
// EXAMPLE   serviceChain("ns1/svc1:p80", "tcp")                       => "KUBE-SVC-XPGD46QRK7WJZT7O"
//           endpointChain("ns1/svc1:p80", "tcp", "10.180.0.1:80")     => "KUBE-SEP-SXIVWICOYRO3J4NJ"
//           (both pinned by the fixtures in kubernetes' pkg/proxy/iptables tests)
// SKIPPED   KUBE-SVL- (Local traffic policy) and KUBE-FW- (loadBalancerSourceRanges) chains: we do
//           not implement those features, so nothing would jump to them.

import { createHash } from 'node:crypto';

/** The prefixes kube-proxy gives its per-service chains. */
export const CHAIN_PREFIX = {
  /** Picks an endpoint for a service port (Cluster traffic policy). */
  service: 'KUBE-SVC-',
  /** Entry for "external" destinations: NodePorts, external IPs, load-balancer IPs. */
  external: 'KUBE-EXT-',
  /** One endpoint: mark for masquerade if needed, then DNAT to ip:port. */
  endpoint: 'KUBE-SEP-',
} as const;

// RFC 4648 base32 with the standard alphabet, as Go's base32.StdEncoding. Node has base64 built
// in but not base32, so we write the 20 lines ourselves: 5 bits of input per output character.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32.StdEncoding.EncodeToString (with "=" padding). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff; // we never need more than 12 pending bits
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * portProtoHash: the 16-character hash of a service port name and protocol.
 * @param servicePortName "namespace/name:port" (ServicePortName.String())
 * @param protocol lower case: "tcp", "udp", "sctp"
 */
export function portProtoHash(servicePortName: string, protocol: string): string {
  // @doc: proxy-chain-hash
  const hash = createHash('sha256').update(servicePortName + protocol).digest();
  return base32(hash).slice(0, 16);
}

/** KUBE-SVC-<hash>: the chain that spreads a service port's traffic over its endpoints. */
export function serviceChain(servicePortName: string, protocol: string): string {
  return CHAIN_PREFIX.service + portProtoHash(servicePortName, protocol);
}

/** KUBE-EXT-<hash>: where NodePort, external-IP and load-balancer traffic enters. */
export function externalChain(servicePortName: string, protocol: string): string {
  return CHAIN_PREFIX.external + portProtoHash(servicePortName, protocol);
}

/** KUBE-SEP-<hash>: one endpoint's chain; the endpoint's "ip:port" joins the hashed text. */
export function endpointChain(servicePortName: string, protocol: string, endpoint: string): string {
  const hash = createHash('sha256').update(servicePortName + protocol + endpoint).digest();
  return CHAIN_PREFIX.endpoint + base32(hash).slice(0, 16);
}
