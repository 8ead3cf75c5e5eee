// Pod IP allocation (host-local style) and the carving of per-node CIDRs for hollow nodes.
import { describe, expect, it } from 'vitest';
import { cidrContains, PodIPAllocator, parseCidr, subnetOf } from '../../kubelet/ipam.ts';
import { hollowNodes } from '../../kubelet/kubelet.ts';

describe('PodIPAllocator', () => {
  it('hands out .2 upwards: .0 is the network, .1 the gateway', () => {
    const ipam = new PodIPAllocator('127.244.1.0/24');
    expect([ipam.allocate(), ipam.allocate(), ipam.allocate()]).toEqual(['127.244.1.2', '127.244.1.3', '127.244.1.4']);
    expect(ipam.capacity).toBe(253);
  });

  it('goes round-robin, so a released address is not reused at once', () => {
    const ipam = new PodIPAllocator('127.244.1.0/24');
    const a = ipam.allocate();
    ipam.release(a);
    expect(ipam.allocate()).toBe('127.244.1.3');
  });

  it('gives a restarted pod its old address when it is free', () => {
    const ipam = new PodIPAllocator('127.244.1.0/24');
    expect(ipam.allocate('127.244.1.77')).toBe('127.244.1.77');
    expect(ipam.allocate('127.244.1.77')).toBe('127.244.1.2');
    expect(ipam.allocate('10.0.0.5')).toBe('127.244.1.3');
  });

  it('wraps around and reports exhaustion with undefined', () => {
    const ipam = new PodIPAllocator('127.244.1.0/30');
    expect(ipam.capacity).toBe(1);
    expect(ipam.allocate()).toBe('127.244.1.2');
    expect(ipam.allocate()).toBeUndefined();
    ipam.release('127.244.1.2');
    expect(ipam.allocate()).toBe('127.244.1.2');
  });

  it('refuses a malformed CIDR with a readable message', () => {
    expect(() => new PodIPAllocator('127.244.1.0')).toThrow(/not an IPv4 CIDR/);
    expect(() => parseCidr('300.1.1.0/24')).toThrow(/not an IPv4 address/);
  });
});

describe('node CIDRs', () => {
  it('carves the cluster range like node-ipam', () => {
    expect(subnetOf('127.244.0.0/16', 24, 0)).toBe('127.244.0.0/24');
    expect(subnetOf('127.244.0.0/16', 26, 5)).toBe('127.244.1.64/26');
    expect(() => subnetOf('127.244.0.0/16', 24, 256)).toThrow(/only 256 subnets/);
    expect(cidrContains('127.244.1.64/26', '127.244.1.100')).toBe(true);
    expect(cidrContains('127.244.1.64/26', '127.244.1.128')).toBe(false);
  });

  it('gives hollow nodes consecutive IPs and their own /24 while 256 fit', () => {
    const nodes = hollowNodes({ count: 3, prefix: 'hollow-' });
    expect(nodes).toEqual([
      { name: 'hollow-1', ip: '127.0.10.1', podCIDR: '127.244.0.0/24' },
      { name: 'hollow-2', ip: '127.0.10.2', podCIDR: '127.244.1.0/24' },
      { name: 'hollow-3', ip: '127.0.10.3', podCIDR: '127.244.2.0/24' },
    ]);
  });

  it('shrinks the per-node range for a thousand nodes and skips .255 and .0 node addresses', () => {
    const nodes = hollowNodes({ count: 1000, prefix: 'h-' });
    expect(nodes[999].podCIDR).toBe('127.244.249.192/26');
    expect(nodes[254].ip).toBe('127.0.11.1');
    expect(new Set(nodes.map((n) => n.ip)).size).toBe(1000);
  });
});
