// CidrSet: hand out equal blocks of an address range, and take them back
// ======================================================================
// CONCEPT   127.244.0.0/16 cut into /24 blocks gives 256 blocks of 256 addresses: one block per
//           node, from which its kubelet gives pods their IPs. We keep one bit per block; allocating
//           scans from just after the last block handed out (so a freed block is not reused at once,
//           which would confuse anyone still holding an old address), wrapping around at the end.
//           The same structure with /32 blocks hands out single IPs (LoadBalancer addresses).
// REAL K8S  pkg/controller/nodeipam/ipam/cidrset/cidr_set.go (CidrSet, AllocateNext, Occupy,
//           Release, getIndexForIP)
// SHIPS     The harbour's berth register: each ship gets its own stretch of quay, numbered in turn.
// EXAMPLE   const s = new CidrSet('127.244.0.0/16', 24);
//           s.allocateNext() => "127.244.0.0/24";  s.allocateNext() => "127.244.1.0/24"
//           s.release("127.244.0.0/24"); s.allocateNext() => "127.244.2.0/24"
// SKIPPED   IPv6 and dual-stack.

/** Parses "a.b.c.d/n" into its base address (as a number) and prefix length. */
export function parseCIDR(cidr: string): { base: number; bits: number } {
  const [ip, bits] = cidr.split('/');
  const n = Number(bits);
  if (!Number.isInteger(n) || n < 0 || n > 32) throw new Error(`invalid CIDR address: ${cidr}`);
  const base = ipToNumber(ip);
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return { base: (base & mask) >>> 0, bits: n };
}

/** "127.244.1.0" => 2146697472. */
export function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IP address: ${ip}`);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

/** 2146697472 => "127.244.1.0". */
export function numberToIP(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Options of a CidrSet. */
export interface CidrSetOptions {
  /** Never hand out the first and last block (the network and broadcast addresses, for /32s). @default false */
  reserveEnds?: boolean;
}

/** A bitmap of equal-sized blocks of a CIDR range. */
export class CidrSet {
  /** How many blocks the range holds. */
  readonly size: number;
  private readonly base: number;
  private readonly blockSize: number;
  private readonly used: Uint8Array;
  private next = 0;
  private readonly first: number;
  private readonly last: number;

  /** @param cidr the whole range. @param maskSize the prefix length of each block (24 = /24 blocks). */
  constructor(readonly cidr: string, readonly maskSize: number, options: CidrSetOptions = {}) {
    const { base, bits } = parseCIDR(cidr);
    if (maskSize < bits || maskSize > 32) throw new Error(`mask size ${maskSize} does not fit in ${cidr}`);
    this.base = base;
    this.size = 2 ** (maskSize - bits);
    this.blockSize = 2 ** (32 - maskSize);
    this.used = new Uint8Array(this.size);
    this.first = options.reserveEnds ? 1 : 0;
    this.last = options.reserveEnds ? this.size - 2 : this.size - 1;
    this.next = this.first;
  }

  /** The next free block, or undefined when the range is full (AllocateNext). */
  allocateNext(): string | undefined {
    const count = this.last - this.first + 1;
    for (let i = 0; i < count; i++) {
      const index = this.first + ((this.next - this.first + i) % count);
      if (this.used[index]) continue;
      this.used[index] = 1;
      this.next = index + 1 > this.last ? this.first : index + 1;
      return this.format(index);
    }
    return undefined;
  }

  /** Marks a block as taken (Occupy). False if it lies outside the range; taking it twice is fine. */
  occupy(block: string): boolean {
    const index = this.indexOf(block);
    if (index === undefined) return false;
    this.used[index] = 1;
    return true;
  }

  /** Frees a block (Release). */
  release(block: string): void {
    const index = this.indexOf(block);
    if (index !== undefined) this.used[index] = 0;
  }

  /** Whether a block is taken. */
  isUsed(block: string): boolean {
    const index = this.indexOf(block);
    return index !== undefined && this.used[index] === 1;
  }

  /** "127.244.3.0/24" or, for /32 blocks, the bare "127.200.0.7". */
  private format(index: number): string {
    const ip = numberToIP(this.base + index * this.blockSize);
    return this.maskSize === 32 ? ip : `${ip}/${this.maskSize}`;
  }

  private indexOf(block: string): number | undefined {
    const [ip, bits] = block.includes('/') ? block.split('/') : [block, '32'];
    if (Number(bits) !== this.maskSize) return undefined;
    const offset = ipToNumber(ip) - this.base;
    if (offset < 0 || offset % this.blockSize !== 0) return undefined;
    const index = offset / this.blockSize;
    return index >= this.first && index <= this.last ? index : undefined;
  }
}
