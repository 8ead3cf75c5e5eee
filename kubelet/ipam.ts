// Pod IP allocation: host-local IPAM on the node's pod CIDR
// ========================================================
// CONCEPT   Every pod gets its own IP from a range that belongs to its node alone (the node's
//           podCIDR, which kube-controller-manager's node-ipam assigns, or --pod-cidr). The CNI plugin
//           hands the addresses out: the first address is the network, the second the gateway (the
//           node's bridge), the last the broadcast, so pods get .2 upwards. Like the `host-local`
//           plugin we go round-robin from the last address handed out rather than re-using the lowest
//           free one, so a just-deleted pod's IP is not given to a new pod a moment later (clients and
//           kube-proxy may still hold the old mapping).
// REAL K8S  containernetworking/plugins plugins/ipam/host-local/backend/allocator/allocator.go
//           (range iterator, lastReservedIP); pkg/controller/nodeipam/ipam/cidrset/cidr_set.go
//           (carving per-node subnets out of the cluster CIDR, --node-cidr-mask-size)
// SHIPS     Numbering the container slots on one ship's deck.
// EXAMPLE   new PodIPAllocator('127.244.1.0/24').allocate()  => "127.244.1.2", then ".3" ...
//           subnetOf('127.244.0.0/16', 26, 5)                 => "127.244.1.64/26"
// SKIPPED   IPv6 and dual-stack, persisting reservations across restarts (we re-read status.podIP).

/** A parsed IPv4 CIDR: the network address as a 32-bit number and the prefix length. */
export interface Cidr {
  base: number;
  bits: number;
}

/** "127.0.10.1" => 2130709045 (unsigned). Throws on anything that is not dotted IPv4. */
export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`"${ip}" is not an IPv4 address`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Parses "127.244.1.0/24"; the address is masked to its network. Throws with a clear message. */
export function parseCidr(cidr: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m || Number(m[2]) > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR like 127.244.1.0/24`);
  const bits = Number(m[2]);
  const size = 2 ** (32 - bits);
  return { base: Math.floor(ipToInt(m[1]) / size) * size, bits };
}

export function formatCidr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.bits}`;
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: string | Cidr, ip: string): boolean {
  const c = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  let n: number;
  try {
    n = ipToInt(ip);
  } catch {
    return false;
  }
  return n >= c.base && n < c.base + 2 ** (32 - c.bits);
}

/**
 * The index-th subnet of size /maskSize inside `clusterCidr` (node-ipam's cidrset).
 * @throws when the cluster range has fewer subnets than index + 1.
 */
export function subnetOf(clusterCidr: string, maskSize: number, index: number): string {
  const c = parseCidr(clusterCidr);
  if (maskSize < c.bits || maskSize > 30) throw new Error(`node CIDR mask /${maskSize} does not fit in ${clusterCidr}`);
  const count = 2 ** (maskSize - c.bits);
  if (index >= count) throw new Error(`${clusterCidr} has only ${count} subnets of /${maskSize}; node ${index + 1} gets none`);
  return formatCidr({ base: c.base + index * 2 ** (32 - maskSize), bits: maskSize });
}

/**
 * Hands out pod IPs from one node's podCIDR, round-robin (host-local IPAM).
 * Usable addresses are network+2 .. broadcast-1 (network+1 is the bridge gateway).
 */
export class PodIPAllocator {
  readonly cidr: string;
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private next: number;

  constructor(cidr: string) {
    const c = parseCidr(cidr);
    this.cidr = formatCidr(c);
    const size = 2 ** (32 - c.bits);
    if (size < 4) throw new Error(`pod CIDR ${cidr} is too small: it needs room for a gateway and a pod`);
    this.first = c.base + 2;
    this.last = c.base + size - 2;
    this.next = this.first;
  }

  /** How many pod addresses the range holds in all. */
  get capacity(): number {
    return this.last - this.first + 1;
  }

  get allocated(): number {
    return this.used.size;
  }

  /**
   * Reserves an address: `preferred` if it is in range and free (a kubelet that restarts keeps a
   * pod's old IP), else the next free one after the last handed out.
   * @returns undefined when the range is exhausted.
   */
  allocate(preferred?: string): string | undefined {
    if (preferred && cidrContains(this.cidr, preferred)) {
      const n = ipToInt(preferred);
      if (n >= this.first && n <= this.last && !this.used.has(n)) {
        this.used.add(n);
        return preferred;
      }
    }
    for (let i = 0; i < this.capacity; i++) {
      const n = this.next;
      this.next = n >= this.last ? this.first : n + 1;
      if (!this.used.has(n)) {
        this.used.add(n);
        return intToIp(n);
      }
    }
    return undefined;
  }

  /** Returns an address to the pool (the pod sandbox was torn down). */
  release(ip: string | undefined): void {
    if (ip && cidrContains(this.cidr, ip)) this.used.delete(ipToInt(ip));
  }
}
