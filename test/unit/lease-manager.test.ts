// The lease manager's reuse rule, as Kubernetes' etcd3 lease manager has it: one lease serves every
// expiring write for a while, granted a little longer than the TTL, replaced when it would expire
// too early. The etcd side is a fake channel here (pure logic); the real grant is exercised by
// test/integration/apiserver-event-ttl.test.ts.
import { describe, expect, it } from 'vitest';
import type { GrpcChannel } from '../../apiserver/storage/etcd-grpc.ts';
import { ProtoReader, ProtoWriter } from '../../apiserver/storage/proto-codec.ts';
import { LeaseManager } from '../../apiserver/storage/lease-manager.ts';

function fakeEtcd() {
  const grants: number[] = [];
  let nextId = 2n ** 62n; // etcd's lease IDs use the high bits: past 2^53
  const channel = {
    async unary(path: string, message: ProtoWriter) {
      expect(path).toBe('/etcdserverpb.Lease/LeaseGrant');
      const r = new ProtoReader(message.finish(), 5);
      r.tag();
      const ttl = r.varint();
      grants.push(ttl);
      nextId += 1n;
      return new ProtoWriter().varint(2 * 8).varintBig(nextId).int(3, ttl).finish();
    },
  } as unknown as GrpcChannel;
  return { grants, channel };
}

describe('LeaseManager', () => {
  it('grants TTL + 5 % (at most a minute) and reuses the lease while it still outlives the TTL', async () => {
    const etcd = fakeEtcd();
    let now = 0;
    const leases = new LeaseManager(() => etcd.channel, () => now);
    const first = await leases.getLease(3600);
    expect(first).toBe(2n ** 62n + 1n); // exact, not rounded to a double
    expect(etcd.grants).toEqual([3660]);
    now = 40_000;
    expect(await leases.getLease(3600)).toBe(first);
    now = 61_000; // the lease ends at 3660 s: no longer enough for a write made now
    expect(await leases.getLease(3600)).not.toBe(first);
    expect(etcd.grants).toEqual([3660, 3660]);
  });

  it('uses 5 % of a short TTL as the reuse window, and a new lease for another TTL', async () => {
    const etcd = fakeEtcd();
    let now = 0;
    const leases = new LeaseManager(() => etcd.channel, () => now);
    await leases.getLease(100);
    expect(etcd.grants).toEqual([105]);
    now = 4_000;
    await leases.getLease(100);
    expect(etcd.grants).toEqual([105]);
    await leases.getLease(200);
    expect(etcd.grants).toEqual([105, 210]);
  });

  it('shares one grant among writes that ask at the same moment', async () => {
    const etcd = fakeEtcd();
    const leases = new LeaseManager(() => etcd.channel, () => 0);
    const ids = await Promise.all([leases.getLease(60), leases.getLease(60), leases.getLease(60)]);
    expect(new Set(ids).size).toBe(1);
    expect(etcd.grants).toEqual([63]);
  });
});
