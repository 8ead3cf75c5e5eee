// Status errors: how the apiserver says no
// ========================================
// CONCEPT   Every failed request is answered with a metav1.Status object carrying a machine-readable
//           `reason` (NotFound, AlreadyExists, Invalid...) and the HTTP code, so kubectl can print
//           `Error from server (NotFound): pods "x" not found` and clients can branch on the reason.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go (NewNotFound, NewInvalid, ...)
// SHIPS     The harbour master's printed refusal slips: one form, a box for the reason.
// EXAMPLE   throw notFound({ group: '', resource: 'pods' }, 'besu-0')
//           => 404 { kind: "Status", reason: "NotFound", message: 'pods "besu-0" not found' }
// SKIPPED   retryAfterSeconds on most errors; the protobuf encoding.

import type { Status, StatusCause, StatusReason } from '../api/types.ts';

/** Group and plural resource name, as errors.go's schema.GroupResource. */
export interface GroupResource {
  group: string;
  /** The plural resource name; a ResourceDef passes as one through `plural`. */
  resource?: string;
  plural?: string;
}

/** An error that becomes a Status response. Handlers throw it; the server's error hook sends it. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

function qualified(gr: GroupResource): string {
  const resource = gr.resource ?? gr.plural ?? '';
  return gr.group ? `${resource}.${gr.group}` : resource;
}
const kindOf = (gr: GroupResource) => gr.resource ?? gr.plural;

/** Builds a Failure Status; the one constructor every helper below uses. */
export function failure(
  code: number,
  reason: StatusReason,
  message: string,
  details?: Status['details'],
): StatusError {
  return new StatusError({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

export const badRequest = (message: string) => failure(400, 'BadRequest', message);

export const notFound = (gr: GroupResource, name: string) =>
  failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, group: gr.group || undefined, kind: kindOf(gr) });

export const alreadyExists = (gr: GroupResource, name: string) =>
  failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, { name, group: gr.group || undefined, kind: kindOf(gr) });

/** 409 Conflict: the object changed since the client read it (a stale resourceVersion). */
export const conflict = (gr: GroupResource, name: string, why: string) =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
    name,
    group: gr.group || undefined,
    kind: kindOf(gr),
  });

/** 422 Invalid with field causes, e.g. `Pod "x" is invalid: spec.containers: Required value`. */
export function invalid(kind: string, name: string, causes: StatusCause[], group = ''): StatusError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : `${c.message}`));
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, {
    name,
    group: group || undefined,
    kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

/** A cause for `invalid`; the reason names follow field/errors.go (FieldValueRequired, ...). */
export function cause(field: string, message: string, reason = 'FieldValueInvalid'): StatusCause {
  return { field, message, reason };
}

export const required = (field: string) => cause(field, 'Required value', 'FieldValueRequired');

/** 410 Expired: a watch or list asked for a resourceVersion etcd has compacted away. */
export const expired = (message: string) => failure(410, 'Expired', message);

export const gone = (message: string) => failure(410, 'Gone', message);

export const methodNotAllowed = (verb: string, what: string) =>
  failure(405, 'MethodNotAllowed', `${verb} is not supported on ${what}`);

export const unsupportedMediaType = (contentType: string) =>
  failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json (got "${contentType}")`);

export const tooLarge = (limitBytes: number) =>
  failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes} bytes`);

export const serviceUnavailable = (message: string) => failure(503, 'ServiceUnavailable', message);

export const internalError = (message: string) =>
  failure(500, 'InternalError', `Internal error occurred: ${message}`);

/** The Success Status that some deletes return. */
export function success(details?: Status['details']): Status {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', ...(details ? { details } : {}), code: 200 };
}
