// The endpoints controller: keep each Service's Endpoints in step with its pods
// ============================================================================
// CONCEPT   For every Service with a selector there is an Endpoints object of the same name listing
//           the pods behind it (endpoints-subsets.ts computes the list). We recompute it whenever the
//           Service or one of its pods changes - a pod turning ready moves it from notReadyAddresses
//           to addresses within one watch event, which is how a Service "follows readiness" - and
//           write only when the result differs. A Service without a selector is left alone: its
//           Endpoints are written by hand. When the Service goes, so do its Endpoints.
// REAL K8S  pkg/controller/endpoint/endpoints_controller.go (syncService, addPod, updatePod,
//           getPodServiceMemberships, onEndpointsDelete, checkLeftoverEndpoints)
// SHIPS     The service desk clerk who rewrites the crew list whenever a sailor comes or goes.
// EXAMPLE   svc besu (selector app=besu) + 3 ready pods  =>  Endpoints besu: 3 addresses, port 8545
// SKIPPED   the last-change-trigger-time annotation and the stale-informer tracker (a stale write
//           here gets 409 Conflict and is retried).

import { produce } from 'immer';
import type { Endpoints, Pod, Service } from '../api/types.ts';
import { matchesLabels, selectorFromSet } from '../api/labels.ts';
import { Controller } from '../client/controller.ts';
import { isAlreadyExists, isNotFound } from '../client/errors.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey, splitKey } from '../client/resources.ts';
import { loggerFor, OwnWrites, recorderFor, type ControllerClient, type ControllerOptions, type EventSink } from './context.ts';
import { computeSubsets } from './endpoints-subsets.ts';
import { message } from './pod-control.ts';

/** The label on Endpoints of a headless Service (clusterIP: None). */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export class EndpointsController extends Controller {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly client: ControllerClient;
  private readonly recorder: EventSink;
  private readonly note: (message: string) => void;
  private readonly ownWrites = new OwnWrites();

  constructor(o: ControllerOptions) {
    super({ name: 'endpoints-controller', clock: o.clock, workers: o.workers ?? 5, log: o.log });
    this.client = o.client;
    this.recorder = recorderFor(o, 'endpoint-controller');
    this.note = loggerFor(o, 'endpoints');
    this.services = this.watch(o.factory.informer('services'));
    this.pods = this.watch(o.factory.informer('pods'), {
      onAdd: (pod) => this.enqueueServicesOf(pod),
      onUpdate: (old, pod) => {
        if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
        this.enqueueServicesOf(pod);
        // A relabelled pod may have left services it used to be in.
        if (JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels)) this.enqueueServicesOf(old);
      },
      onDelete: (pod) => this.enqueueServicesOf(pod),
    });
    // Our own writes coming back and others' edits or deletes make us look again. Endpoints without
    // a Service are cleaned up once, at start (checkLeftoverEndpoints); later ones are left alone.
    const ofService = (ep: Endpoints) => Boolean(this.services.get(objectKey(ep)));
    this.endpoints = this.watch(o.factory.informer('endpoints'), {
      onAdd: (ep, initial) => {
        if (initial || ofService(ep)) this.enqueue(ep);
      },
      onUpdate: (_old, ep) => {
        if (ofService(ep)) this.enqueue(ep);
      },
      onDelete: (ep) => this.enqueue(ep),
    });
  }

  // getPodServiceMemberships: the services in the pod's namespace whose selector matches it.
  private enqueueServicesOf(pod: Pod): void {
    for (const svc of this.services.byIndex('namespace', pod.metadata.namespace ?? '')) {
      if (svc.spec.selector && matchesLabels(selectorFromSet(svc.spec.selector), pod.metadata.labels)) this.enqueue(svc);
    }
  }

  // @doc: endpoints-sync
  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(key);
    if (!svc) return this.deleteLeftover(key, namespace!, name);
    // ExternalName services and services without a selector get no endpoints from us.
    if (svc.spec.type === 'ExternalName' || !svc.spec.selector) return;
    const selector = selectorFromSet(svc.spec.selector);
    const pods = this.pods.byIndex('namespace', namespace!).filter((p) => matchesLabels(selector, p.metadata.labels));
    const subsets = computeSubsets(svc, pods);
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';

    const current = this.endpoints.get(key);
    if (this.ownWrites.isStale(key, current)) return; // our last write is on its way to the cache
    if (current && same(current.subsets ?? [], subsets) && same(current.metadata.labels ?? {}, labels)) return;
    const count = (k: 'addresses' | 'notReadyAddresses') => subsets.reduce((n, s) => n + (s[k]?.length ?? 0), 0);
    try {
      const written = current
        ? await this.client.update('endpoints', produce(current, (d) => {
          d.subsets = subsets.length ? subsets : undefined;
          d.metadata.labels = labels;
        }))
        : await this.client.create('endpoints', {
          apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, ...(subsets.length ? { subsets } : {}),
        });
      this.ownWrites.record(key, written);
    } catch (e) {
      // Created meanwhile (by our previous sync, not yet in the cache): its ADDED event brings us back.
      if (!current && isAlreadyExists(e)) return;
      const reason = current ? 'FailedToUpdateEndpoint' : 'FailedToCreateEndpoint';
      this.recorder.event(current ?? svc, 'Warning', reason, `Failed to ${current ? 'update' : 'create'} endpoint ${key}: ${message(e)}`);
      throw e;
    }
    this.note(`${key}: ${count('addresses')} ready and ${count('notReadyAddresses')} not-ready addresses`);
  }

  private async deleteLeftover(key: string, namespace: string, name: string): Promise<void> {
    if (!this.endpoints.get(key)) return;
    try {
      await this.client.delete('endpoints', name, { namespace });
      this.note(`${key}: service is gone, deleted its endpoints`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

// Deep equality through JSON: our subsets are built in a canonical order, so this is exact.
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
