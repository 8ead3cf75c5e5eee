// Objects that expire: etcd leases, shared between writes made close together
// ============================================================================
// CONCEPT   Events are the cluster's diary, and a busy cluster writes thousands an hour. Nobody
//           deletes them: the apiserver stores each Event with an etcd *lease* of one hour
//           (--event-ttl), and when the lease runs out etcd deletes the key by itself - watchers
//           see an ordinary DELETED. Granting a lease per event would double etcd's work, so the
//           apiserver reuses one lease for every such write in a short window: it asks for a
//           little more than the TTL (5 %, at most a minute) and hands the same lease out until
//           it would expire too early. An event therefore lives between TTL and TTL + a minute.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/storage/etcd3/lease_manager.go (GetLease),
//           pkg/registry/core/event/storage/storage.go (TTLFunc: the event TTL on create and update)
// SHIPS     Pages of the harbour diary written in ink that fades after an hour.
// EXAMPLE   getLease(3600) at 12:00:00 => grant 3660 s, lease A (expires 13:01:00)
//           getLease(3600) at 12:00:40 => lease A again (it still outlives 13:00:40)
//           getLease(3600) at 12:01:10 => grant a new lease B: A would expire before 13:01:10
// SKIPPED   The per-lease object cap is kept (1000, as Kubernetes), but not made a flag.

import type { GrpcChannel } from './etcd-grpc.ts';
import { ProtoWriter } from './proto-codec.ts';
import { readLeaseGrant, writeLeaseGrant } from './etcd-proto.ts';

const REUSE_SECONDS = 60;
const REUSE_PERCENT = 0.05;
const MAX_OBJECTS_PER_LEASE = 1000;

/** Hands out etcd leases for objects that must expire `ttlSeconds` after their last write. */
export class LeaseManager {
  private current?: { id: bigint; ttl: number; expires: number; objects: number };
  private granting?: Promise<bigint>;

  /** @param now milliseconds since the epoch (a parameter so tests can move time). */
  constructor(private readonly channel: () => GrpcChannel, private readonly now: () => number = Date.now) {}

  /** A lease that outlives `ttlSeconds` from now, but by no more than the reuse window. */
  async getLease(ttlSeconds: number): Promise<bigint> {
    const reuse = Math.min(REUSE_SECONDS, Math.floor(REUSE_PERCENT * ttlSeconds));
    const now = this.now();
    const lease = this.current;
    if (lease && lease.ttl === ttlSeconds && lease.objects < MAX_OBJECTS_PER_LEASE) {
      const longEnough = now + ttlSeconds * 1000 < lease.expires;
      const notTooLong = now + (ttlSeconds + reuse) * 1000 > lease.expires;
      if (longEnough && notTooLong) {
        lease.objects++;
        return lease.id;
      }
    }
    // Concurrent writes share one grant instead of each asking etcd for a lease.
    if (!this.granting) {
      this.granting = this.grant(ttlSeconds, reuse, now).finally(() => (this.granting = undefined));
      return this.granting;
    }
    const id = await this.granting;
    if (this.current?.id === id) this.current.objects++;
    return id;
  }

  private async grant(ttlSeconds: number, reuse: number, now: number): Promise<bigint> {
    const answer = readLeaseGrant(await this.channel().unary('/etcdserverpb.Lease/LeaseGrant', writeLeaseGrant(new ProtoWriter(5), ttlSeconds + reuse)));
    if (answer.error) throw new Error(`etcd refused a lease: ${answer.error}`);
    this.current = { id: answer.id, ttl: ttlSeconds, expires: now + (ttlSeconds + reuse) * 1000, objects: 1 };
    return answer.id;
  }
}
