// What the apiserver answers besides objects: Status, watch events, Tables
// ========================================================================
// CONCEPT   Not every answer is an object. An error is a Status (a reason, a code and a message a
//           person can read); a watch is a stream of {type, object} events; `kubectl get` asks for
//           a Table, rows already formatted by the server.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (Status, StatusCause,
//           WatchEvent, Table), v1.32
// SHIPS     The radio room's replies: "received", "refused, and why", and the running log.
// EXAMPLE   { kind: "Status", status: "Failure", reason: "NotFound", code: 404, message: 'pods "x" not found' }
// SKIPPED   StatusDetails.retryAfterSeconds, PartialObjectMetadata as its own type.

import type { KubeObject, ListMeta } from './types.ts';

// ## What the apiserver answers besides objects

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** metav1.Status: every error the apiserver returns, and the answer to some deletes. */
export interface Status {
  apiVersion: 'v1';
  kind: 'Status';
  metadata: ListMeta;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One line of a watch stream. An ERROR event carries a Status (e.g. 410 Expired). */
export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

// ## Tables: what `kubectl get` prints

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 = always shown; 1 = only with `-o wide`. */
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

/** meta.k8s.io/v1 Table, served when the client asks with `Accept: ...;as=Table`. */
export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}
