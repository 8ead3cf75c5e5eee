// Watch: a stream of changes, resumed when it drops
// ================================================
// CONCEPT   Instead of polling, a client asks the apiserver to *watch* a collection from a
//           resourceVersion on: `GET /api/v1/pods?watch=true&resourceVersion=1234`. The answer never
//           ends; each line is one JSON event `{"type":"MODIFIED","object":{...}}`. Because every
//           event carries the object's resourceVersion, a client whose stream drops (apiserver
//           restart, network blip, server timeout) reconnects from the last version it saw and misses
//           nothing. BOOKMARK events carry only a newer resourceVersion, so a quiet watch's position
//           keeps moving forward too. If the version we resume from is so old that etcd has compacted
//           it away, the apiserver answers 410 Expired (as the HTTP status, or as an ERROR event whose
//           object is a Status with code 410): then only a fresh list can tell us the state, and that
//           is the Reflector's job (see reflector.ts), so we throw it to our caller.
// REAL K8S  staging/src/k8s.io/client-go/rest/request.go (Request.Watch),
//           apimachinery/pkg/watch/streamwatcher.go (decoding the stream),
//           client-go/tools/watch/retrywatcher.go (resume from the last resourceVersion)
// SHIPS     Listening to the harbour radio; if the set crackles out, tune back in and ask
//           "repeat everything since message 1234".
// EXAMPLE   for await (const ev of watchWithResume(client, 'pods', { resourceVersion: '1234', clock }))
//             console.log(ev.type, ev.object.metadata.name)   // ADDED besu-0, MODIFIED besu-0 ...
// SKIPPED   protobuf and WebSocket framings; the chunked-JSON framing is what client-go speaks to JSON.

import type { KubeObject, WatchEvent } from '../api/types.ts';
import type { Clock } from './clock.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { ApiError, isGone, toStatus } from './errors.ts';
import { resourcePath } from './resources.ts';
import type { Transport } from './transport.ts';

/** What to watch and from where. */
export interface WatchOptions {
  /** Only this namespace. @default all namespaces */
  namespace?: string;
  /** @example "app=besu,tier!=cache" */
  labelSelector?: string;
  /** @example "spec.nodeName=node-1" */
  fieldSelector?: string;
  /**
   * Start after this version (usually a list's metadata.resourceVersion). Without it the server
   * starts "now"; "0" asks for synthetic ADDED events for the current state first.
   */
  resourceVersion?: string;
  /** Ask for BOOKMARK events. @default true */
  allowWatchBookmarks?: boolean;
  /** The server ends the stream after this many seconds (the client then resumes). @default server's */
  timeoutSeconds?: number;
  /** Aborting it ends the stream; the iterator then finishes without an error. */
  signal?: AbortSignal;
}

/** Anything that can open one watch stream: a KubeClient, or a fake in tests. */
export interface Watcher {
  watch<T extends KubeObject = KubeObject>(resource: string, options?: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

/**
 * One watch stream as an async iterator of events. Ends when the server closes the stream or the
 * signal aborts; throws ApiError for an HTTP error or an ERROR event (410 => `isGone(e)`).
 */
export async function* openWatch<T extends KubeObject = KubeObject>(
  transport: Transport, resource: string, options: WatchOptions = {},
): AsyncGenerator<WatchEvent<T>> {
  // Our own controller closes the socket when the consumer stops early (break / return()).
  const local = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, local.signal]) : local.signal;
  try {
    const res = await transport.open({
      method: 'GET', path: resourcePath(resource, { namespace: options.namespace }), signal,
      query: {
        watch: true, resourceVersion: options.resourceVersion, labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector, timeoutSeconds: options.timeoutSeconds,
        allowWatchBookmarks: options.allowWatchBookmarks ?? true,
      },
    });
    for await (const line of lines(res.body as AsyncIterable<Uint8Array> | null)) {
      const event = JSON.parse(line) as WatchEvent<T>;
      // @doc: watch-error-event
      if (event.type === 'ERROR') throw new ApiError(toStatus(500, event.object));
      yield event;
    }
  } catch (e) {
    if (signal.aborted) return;
    throw e;
  } finally {
    local.abort();
  }
}

// Newline-delimited JSON: we split the byte stream into lines, keeping partial lines for later.
async function* lines(body: AsyncIterable<Uint8Array> | null): AsyncGenerator<string> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield line;
    }
  }
  const rest = (buffer + decoder.decode()).trim();
  if (rest) yield rest;
}

/** Options of a resuming watch. */
export interface ResumeOptions extends WatchOptions {
  /** Backoff waits are slept on this clock. */
  clock: Clock;
  /** Delays between reconnects after an error. @default { initialMs: 800, capMs: 30000, jitter: 1 } (the Reflector's) */
  backoff?: BackoffOptions;
  /** Pass BOOKMARK events on to the consumer (they always move the resume point). @default false */
  emitBookmarks?: boolean;
  /** Told about every error that leads to a reconnect (for logs). @default none */
  onError?: (error: unknown) => void;
}

/**
 * A watch that survives dropped streams: it reconnects from the last resourceVersion it saw, after a
 * backoff if the drop was an error. It throws 410 Expired (`isGone`) and other 4xx errors: the
 * caller must relist (see Reflector). Ends without error when `signal` aborts.
 */
export async function* watchWithResume<T extends KubeObject = KubeObject>(
  client: Watcher, resource: string, options: ResumeOptions,
): AsyncGenerator<WatchEvent<T>> {
  const { clock, signal } = options;
  const backoff = new Backoff(options.backoff ?? { initialMs: 800, factor: 2, capMs: 30_000, jitter: 1 });
  let resourceVersion = options.resourceVersion;
  while (!signal?.aborted) {
    try {
      for await (const event of client.watch<T>(resource, { ...options, resourceVersion })) {
        backoff.reset();
        // openWatch already throws ERROR events; a fake or another Watcher may hand them over as events.
        if (event.type === 'ERROR') throw new ApiError(toStatus(500, event.object));
        // @doc: watch-resume-point
        resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
        if (event.type !== 'BOOKMARK' || options.emitBookmarks) yield event;
      }
    } catch (e) {
      if (signal?.aborted) return;
      if (isGone(e) || isPermanent(e)) throw e;
      options.onError?.(e);
      await clock.sleep(backoff.next());
    }
  }
}

// A 4xx other than 429 will not get better by asking again (403, 404 of a namespace ...).
function isPermanent(e: unknown): boolean {
  return e instanceof ApiError && e.code >= 400 && e.code < 500 && e.code !== 429;
}
