// Endpoints, Events and Leases: the records other components write
// ================================================================
// CONCEPT   These kinds have no spec to freeze: controllers and kubelets write them and the
//           apiserver mostly stores them. Endpoints list the pod addresses behind a Service; Events
//           are the cluster's diary; Leases are heartbeats (one per node) and leader-election locks.
// REAL K8S  pkg/registry/core/endpoint/strategy.go, pkg/registry/core/event/strategy.go,
//           pkg/registry/coordination/lease/strategy.go, printers.go (printEndpoints, printEvent)
// SHIPS     The crew lists, the harbour diary, and the "still afloat" signal each ship sends.
// EXAMPLE   kubectl get events  =>  LAST SEEN  TYPE  REASON  OBJECT  MESSAGE
// SKIPPED   events.k8s.io/v1 (kubectl 1.32 reads core/v1 events, which we serve).

import type { Endpoints, Event, KubeObject, Lease } from '../../api/types.ts';
import { cause, required } from '../status.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';

/** "127.244.1.2:8545,127.244.2.3:8545 + 1 more...", as printEndpoints formats it (max 3 shown). */
function endpointsText(ep: Endpoints): string {
  const all: string[] = [];
  for (const subset of ep.subsets ?? []) {
    for (const a of subset.addresses ?? []) {
      for (const p of subset.ports?.length ? subset.ports : [undefined]) all.push(p ? `${a.ip}:${p.port}` : a.ip);
    }
  }
  if (!all.length) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

export const endpointsStrategy: Strategy = {
  tracksGeneration: false,
  table: {
    columns: [NAME_COLUMN, column('Endpoints', 'string', 'Endpoints of the service.'), AGE_COLUMN],
    cells: (obj, now) => [obj.metadata.name, endpointsText(obj as Endpoints), humanAge(obj.metadata.creationTimestamp, now)],
  },
};

const asEvent = (obj: KubeObject) => obj as Event;

export const eventStrategy: Strategy = {
  tracksGeneration: false,
  defaults(obj) {
    const ev = asEvent(obj);
    ev.type ??= 'Normal';
    ev.count ??= 1;
  },
  validate(obj) {
    const ev = asEvent(obj);
    const causes = [];
    if (!ev.involvedObject || typeof ev.involvedObject !== 'object') causes.push(required('involvedObject'));
    else if (ev.involvedObject.namespace && ev.metadata.namespace && ev.involvedObject.namespace !== ev.metadata.namespace) {
      causes.push(cause('involvedObject.namespace', `Invalid value: "${ev.involvedObject.namespace}": does not match event.namespace`));
    }
    if (ev.type && !['Normal', 'Warning'].includes(ev.type)) causes.push(cause('type', `Unsupported value: "${ev.type}": supported values: "Normal", "Warning"`, 'FieldValueNotSupported'));
    return causes;
  },
  fields(obj) {
    const ev = asEvent(obj);
    const io = ev.involvedObject ?? {};
    return {
      'involvedObject.kind': io.kind ?? '',
      'involvedObject.namespace': io.namespace ?? '',
      'involvedObject.name': io.name ?? '',
      'involvedObject.uid': io.uid ?? '',
      'involvedObject.apiVersion': io.apiVersion ?? '',
      'involvedObject.resourceVersion': io.resourceVersion ?? '',
      'involvedObject.fieldPath': io.fieldPath ?? '',
      reason: ev.reason ?? '',
      reportingComponent: ev.reportingComponent ?? '',
      source: ev.source?.component ?? '',
      type: ev.type ?? '',
    };
  },
  selectableFields: [
    'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
    'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type',
  ],
  table: {
    columns: [
      column('Last Seen', 'string', 'Time when last event occurred'),
      column('Type', 'string', 'Type of this event (Normal, Warning).'),
      column('Reason', 'string', 'Reason is why the action was taken.'),
      column('Object', 'string', 'The object that this event is about.'),
      column('Subobject', 'string', 'The subobject that this event is about.', 1),
      column('Source', 'string', 'The component reporting this event.', 1),
      column('Message', 'string', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'string', 'Time when first event occurred', 1),
      column('Count', 'string', 'Number of times this event has occurred.', 1),
      column('Name', 'string', 'Name of the event.', 1, 'name'),
    ],
    cells(obj, now) {
      const ev = asEvent(obj);
      const last = ev.lastTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp ?? undefined;
      const first = ev.firstTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp ?? undefined;
      const io = ev.involvedObject ?? {};
      return [
        humanAge(last ?? undefined, now),
        ev.type ?? '',
        ev.reason ?? '',
        `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
        io.fieldPath ?? '',
        [ev.source?.component, ev.source?.host].filter(Boolean).join(', '),
        ev.message?.trim() ?? '',
        humanAge(first ?? undefined, now),
        ev.count ?? 1,
        ev.metadata.name,
      ];
    },
  },
};

export const leaseStrategy: Strategy = {
  tracksGeneration: false,
  validate(obj) {
    const lease = obj as Lease;
    const d = lease.spec?.leaseDurationSeconds;
    return d !== undefined && (!Number.isInteger(d) || d <= 0) ? [cause('spec.leaseDurationSeconds', `Invalid value: ${d}: must be greater than 0`)] : [];
  },
  table: {
    columns: [NAME_COLUMN, column('Holder', 'string', 'The holder of the lease.'), AGE_COLUMN],
    cells: (obj, now) => [obj.metadata.name, (obj as Lease).spec?.holderIdentity ?? '', humanAge(obj.metadata.creationTimestamp, now)],
  },
};
