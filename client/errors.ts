// API errors: the apiserver's Status, as a typed error
// ===================================================
// CONCEPT   When the apiserver refuses a request it answers a `Status` object: a code (404), a reason
//           ("NotFound") and a message (`pods "x" not found`). We throw it as an `ApiError` so callers
//           branch on the *reason*, never on message text: "already exists" means someone created it
//           first, "conflict" means we wrote from a stale read and must re-read and retry.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go (StatusError, IsNotFound, ...)
// SHIPS     The harbour master's rejection slip: a stamped code and reason, not a shrug.
// EXAMPLE   try { await client.create('pods', pod) } catch (e) { if (isAlreadyExists(e)) return; throw e }
// SKIPPED   IsUnexpectedServerError and friends; suggested client delays beyond Retry-After.

import type { Status, StatusReason } from '../api/types.ts';

/** A request the apiserver answered with a Status of failure (apierrors.StatusError). */
export class ApiError extends Error {
  /** The HTTP status code: 404, 409, 410 ... */
  readonly code: number;
  /** The machine-readable reason: NotFound, Conflict, Expired ... */
  readonly reason: StatusReason | string;
  /** The whole Status object, for details such as field causes on 422 Invalid. */
  readonly status: Status;

  constructor(status: Status) {
    super(status.message || `${status.code} ${status.reason ?? 'Unknown'}`);
    this.name = 'ApiError';
    this.code = status.code;
    this.reason = status.reason ?? reasonForCode(status.code);
    this.status = status;
  }
}

// The reason a bare HTTP code implies, for answers that were not a Status (a proxy's 502, say).
const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError',
  503: 'ServiceUnavailable', 504: 'Timeout',
};

function reasonForCode(code: number): StatusReason | string {
  return REASONS[code] ?? (code >= 500 ? 'InternalError' : 'Unknown');
}

/** Whether `body` looks like a metav1.Status. */
export function isStatus(body: unknown): body is Status {
  return typeof body === 'object' && body !== null && (body as { kind?: string }).kind === 'Status';
}

/** Builds the Status for a failed response, whether or not its body was one. */
export function toStatus(code: number, body: unknown): Status {
  if (isStatus(body)) return { ...body, code: body.code || code };
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return {
    apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code,
    reason: reasonForCode(code) as StatusReason, message: text.slice(0, 500) || `HTTP ${code}`,
  };
}

const hasReason = (e: unknown, ...reasons: string[]) => e instanceof ApiError && reasons.includes(e.reason);

/** 404: the object (or its namespace) does not exist. */
export const isNotFound = (e: unknown) => hasReason(e, 'NotFound');
/** 409 AlreadyExists: a create found the name taken. */
export const isAlreadyExists = (e: unknown) => hasReason(e, 'AlreadyExists');
/** 409 Conflict: an update carried a stale resourceVersion (compare-and-swap lost); re-read, retry. */
export const isConflict = (e: unknown) => hasReason(e, 'Conflict');
/** 410 Gone/Expired: a watch or list asked for a resourceVersion etcd has compacted away; relist. */
export const isGone = (e: unknown) => e instanceof ApiError && (e.code === 410 || e.reason === 'Gone' || e.reason === 'Expired');
/** 422 Invalid: validation failed; `e.status.details.causes` names the fields. */
export const isInvalid = (e: unknown) => hasReason(e, 'Invalid');
/** 429 TooManyRequests: the server asks us to slow down (also what a PodDisruptionBudget answers). */
export const isTooManyRequests = (e: unknown) => hasReason(e, 'TooManyRequests');

// Node's fetch (undici) reports socket failures as a TypeError whose `cause` has a code.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EHOSTUNREACH']);

/** The code of a network-level failure (ECONNREFUSED, ECONNRESET ...), or undefined for anything else. */
export function networkErrorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when a request never reached the server (connection refused): safe to retry any verb. */
export const isConnectionRefused = (e: unknown) => networkErrorCode(e) === 'ECONNREFUSED';
