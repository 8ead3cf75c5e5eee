// The service load-balancer controller: an external IP for type LoadBalancer
// ==========================================================================
// CONCEPT   On a cloud, a Service of type LoadBalancer makes the cloud controller manager rent a
//           load balancer and write its address into status.loadBalancer.ingress; clients outside
//           the cluster use that address. Our "cloud" is the loopback range 127.200.0.0/16: we hand
//           each such Service one IP from it. Before we hand one out we put a finalizer
//           (service.kubernetes.io/load-balancer-cleanup) on the Service, so that deleting it only
//           marks it for deletion until we have released the IP - no address can leak, even if we
//           were down when the Service was deleted. A Service that stops being a LoadBalancer
//           loses its IP the same way.
// REAL K8S  staging/src/k8s.io/cloud-provider/controllers/service/controller.go
//           (syncLoadBalancerIfNeeded, wantsLoadBalancer, needsCleanup, addFinalizer, removeFinalizer,
//           patchStatus), k8s.io/cloud-provider/service/helpers (LoadBalancerCleanupFinalizer)
// SHIPS     The harbour's outer signal station: each public service gets its own lamp out at sea.
// EXAMPLE   svc besu-rpc type LoadBalancer  =>  finalizer added, status.loadBalancer.ingress [{ ip: "127.200.0.1" }],
//           Events EnsuringLoadBalancer, EnsuredLoadBalancer
// SKIPPED   node sets and health checks (kube-proxy forwards the IP); loadBalancerClass.

import type { Service } from '../api/types.ts';
import { NETWORK } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import { isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey, splitKey } from '../client/resources.ts';
import { CidrSet } from './cidr-set.ts';
import { loggerFor, OwnWrites, recorderFor, type ControllerClient, type ControllerOptions, type EventSink } from './context.ts';

/** The finalizer that holds a LoadBalancer Service until its address is released. */
export const LB_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

/** Options of the service load-balancer controller. */
export interface ServiceLBOptions extends ControllerOptions {
  /** Where load-balancer IPs come from (our stand-in for a cloud's address pool). @default "127.200.0.0/16" */
  loadBalancerCIDR?: string;
}

const ingressIP = (svc: Service) => svc.status?.loadBalancer?.ingress?.[0]?.ip;

export class ServiceLBController extends Controller {
  private readonly services: Informer<Service>;
  private readonly client: ControllerClient;
  private readonly recorder: EventSink;
  private readonly note: (message: string) => void;
  private readonly pool: CidrSet;
  /** Service key => its IP, as far as we know (cache, or our own write in flight). */
  private readonly held = new Map<string, string>();
  private readonly ownWrites = new OwnWrites();

  constructor(o: ServiceLBOptions) {
    super({ name: 'service-lb-controller', clock: o.clock, workers: o.workers ?? 1, log: o.log });
    this.client = o.client;
    this.recorder = recorderFor(o, 'service-controller');
    this.note = loggerFor(o, 'service-lb');
    this.pool = new CidrSet(o.loadBalancerCIDR ?? NETWORK.loadBalancerRange, 32, { reserveEnds: true });
    this.services = this.watch(o.factory.informer('services'));
  }

  // @doc: service-lb-sync
  protected async sync(key: string): Promise<void> {
    this.occupyFromCache();
    const svc = this.services.get(key);
    if (!svc) return this.release(key);
    if (this.ownWrites.isStale(key, svc)) return; // our status write is on its way to the cache
    const wants = svc.spec.type === 'LoadBalancer' && !svc.metadata.deletionTimestamp;
    const finalizers = svc.metadata.finalizers ?? [];
    if (!wants) {
      if (finalizers.includes(LB_CLEANUP_FINALIZER) || this.held.has(key)) await this.cleanup(svc, key);
      return;
    }
    const ip = this.held.get(key) ?? this.allocate(svc);
    if (!ip) {
      this.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: no addresses left in ${this.pool.cidr}`);
      throw new Error(`no load-balancer IPs left in ${this.pool.cidr}`);
    }
    if (finalizers.includes(LB_CLEANUP_FINALIZER) && ingressIP(svc) === ip) return;
    this.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    // The finalizer first: from now on the Service cannot vanish before we release the IP.
    if (!finalizers.includes(LB_CLEANUP_FINALIZER)) await this.setFinalizers(svc, [...finalizers, LB_CLEANUP_FINALIZER]);
    const written = await this.client.patch('services', svc.metadata.name!, { status: { loadBalancer: { ingress: [{ ip }] } } }, { namespace: svc.metadata.namespace, subresource: 'status' });
    this.ownWrites.record(key, written);
    this.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    this.note(`${key}: load balancer address ${ip}`);
  }

  // spec.loadBalancerIP (deprecated, but still how you ask for a fixed address) wins if it is free.
  private allocate(svc: Service): string | undefined {
    const wanted = svc.spec.loadBalancerIP;
    const ip = wanted && !this.pool.isUsed(wanted) && this.pool.occupy(wanted) ? wanted : this.pool.allocateNext();
    if (ip) this.held.set(objectKey(svc), ip);
    return ip;
  }

  private async cleanup(svc: Service, key: string): Promise<void> {
    this.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    // A Service that merely changed type keeps living: clear the address it no longer has.
    if (!svc.metadata.deletionTimestamp && ingressIP(svc)) {
      await this.client.patch('services', svc.metadata.name!, { status: { loadBalancer: { ingress: null } } }, { namespace: svc.metadata.namespace, subresource: 'status' });
    }
    this.release(key);
    const finalizers = svc.metadata.finalizers ?? [];
    if (finalizers.includes(LB_CLEANUP_FINALIZER)) await this.setFinalizers(svc, finalizers.filter((f) => f !== LB_CLEANUP_FINALIZER));
    this.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
  }

  // Finalizers are a set the apiserver merges on strategic patches, so we send a merge patch with
  // the whole list, guarded by the resourceVersion we read.
  private async setFinalizers(svc: Service, finalizers: string[]): Promise<void> {
    const { namespace, name } = splitKey(objectKey(svc));
    try {
      await this.client.patch('services', name, { metadata: { resourceVersion: svc.metadata.resourceVersion, finalizers: finalizers.length ? finalizers : null } }, { namespace });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // Addresses already in Services' status are taken (so a restarted controller reuses nothing).
  private occupyFromCache(): void {
    for (const svc of this.services.list()) {
      const ip = ingressIP(svc);
      if (!ip || svc.spec.type !== 'LoadBalancer' || svc.metadata.deletionTimestamp || this.held.has(objectKey(svc))) continue;
      if (this.pool.occupy(ip)) this.held.set(objectKey(svc), ip);
    }
  }

  private release(key: string): void {
    const ip = this.held.get(key);
    if (!ip) return;
    this.held.delete(key);
    this.pool.release(ip);
    this.note(`${key}: released load balancer address ${ip}`);
  }
}
