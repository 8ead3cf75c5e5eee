// Transport: one HTTP request to the apiserver, retried when the failure is transient
// =================================================================================
// CONCEPT   Components outlive apiserver restarts. A refused connection, a reset socket, a 503 while
//           the apiserver comes back, a 429 "slow down": all of these are *transient*, so we wait
//           (capped exponential backoff with jitter, or the server's Retry-After) and try again, a
//           bounded number of times. A 4xx answer is the server's considered "no": never retried.
//           One care: a POST or PATCH that may have reached the server (a reset socket, a 500) is not
//           repeated, because it may have been applied; we retry those only when the server surely did
//           nothing (connection refused, 429, 503). GET, PUT (compare-and-swap on resourceVersion)
//           and DELETE are safe to repeat.
// REAL K8S  staging/src/k8s.io/client-go/rest/request.go (Request.request, retry on Retry-After),
//           rest/with_retry.go (IsRetryableFn, maxRetries), rest/config.go (bearer token)
// SHIPS     The radio operator who calls again when the line is dead, but never reorders a shipment twice.
// EXAMPLE   GET /api/v1/pods -> ECONNREFUSED, wait ~200 ms -> ECONNREFUSED, wait ~400 ms -> 200 OK
// SKIPPED   HTTPS client certificates and custom CAs, HTTP/2, client-side rate limiting (client-go's
//           QPS 5 / burst 10 token bucket): a simulator is better served by seeing every request.
//
// Node's fetch (undici) keeps connections alive by default, so requests reuse sockets.

import type { Clock } from './clock.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { ApiError, networkErrorCode, toStatus } from './errors.ts';

/** Options of the HTTP layer; KubeClient passes them through. */
export interface TransportOptions {
  /** Base URL of the apiserver. @example "http://127.0.0.1:6443" */
  server: string;
  /** Bearer token for `Authorization`. @default none */
  token?: string;
  /** Every wait (backoff, timeout) is measured on this clock. */
  clock: Clock;
  /** Retries after the first attempt for transient failures. @default 5 */
  maxRetries?: number;
  /** Delays between retries. @default { initialMs: 200, factor: 2, capMs: 5000, jitter: 0.2 } */
  backoff?: BackoffOptions;
  /** A request (not a watch) is abandoned after this many Kubernetes ms. @default 30000 */
  timeoutMs?: number;
  /** Sent as User-Agent, the way the apiserver's logs name the caller. @default "harbour-k8s/client" */
  userAgent?: string;
}

/** One request: method, path, query string and JSON body. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** @default "application/json" */
  contentType?: string;
  signal?: AbortSignal;
}

/** What went wrong on one attempt: an HTTP code, or a network error code. */
export interface Failure {
  code?: number;
  network?: string;
}

/**
 * Whether a failed attempt may be repeated (a pure rule, unit-tested).
 * Any verb: connection refused, 429, 503. Idempotent verbs (GET, PUT, DELETE): also resets and 5xx.
 */
export function isRetryable(method: HttpRequest['method'], failure: Failure): boolean {
  const surelyNotApplied = failure.network === 'ECONNREFUSED' || failure.code === 429 || failure.code === 503;
  if (surelyNotApplied) return true;
  const idempotent = method === 'GET' || method === 'PUT' || method === 'DELETE';
  return idempotent && (failure.network !== undefined || (failure.code ?? 0) >= 500);
}

/** The Retry-After header (seconds) in ms, or undefined. */
export function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export class Transport {
  readonly server: string;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: TransportOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 5;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Sends `req`, retrying transient failures, and returns the parsed JSON body. Throws ApiError. */
  async json<T>(req: HttpRequest): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchOnce(req, this.timeoutMs);
      } catch (e) {
        const network = networkErrorCode(e);
        if (req.signal?.aborted || !this.shouldRetry(req, { network }, attempt)) throw e;
        await this.options.clock.sleep(this.delay(attempt));
        continue;
      }
      const body = await readBody(res);
      if (res.ok) return body as T;
      if (!this.shouldRetry(req, { code: res.status }, attempt)) throw new ApiError(toStatus(res.status, body));
      await this.options.clock.sleep(retryAfterMs(res.headers.get('retry-after')) ?? this.delay(attempt));
    }
  }

  /** Opens a streaming response (a watch): one attempt, no timeout. Throws ApiError unless 2xx. */
  async open(req: HttpRequest): Promise<Response> {
    const res = await this.fetchOnce(req, 0);
    if (!res.ok) throw new ApiError(toStatus(res.status, await readBody(res)));
    return res;
  }

  private shouldRetry(req: HttpRequest, failure: Failure, attempt: number): boolean {
    return attempt < this.maxRetries && isRetryable(req.method, failure);
  }

  private delay(attempt: number): number {
    return backoffDelay(attempt, this.options.backoff ?? { initialMs: 200, factor: 2, capMs: 5000, jitter: 0.2 });
  }

  private async fetchOnce(req: HttpRequest, timeoutMs: number): Promise<Response> {
    const timeout = new AbortController();
    const timer = timeoutMs > 0 ? this.options.clock.setTimeout(() => timeout.abort(timeoutError()), timeoutMs) : undefined;
    const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
    try {
      const res = await fetch(this.url(req), { method: req.method, headers: this.headers(req), body: encode(req.body), signal });
      // The timeout covers reading the body too, so we only cancel it for streams (timeoutMs 0).
      return timer ? await bufferWithTimer(res, timer) : res;
    } catch (e) {
      timer?.cancel();
      throw timeout.signal.aborted ? timeout.signal.reason : e;
    }
  }

  private url(req: HttpRequest): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return `${this.server}${req.path}${qs ? `?${qs}` : ''}`;
  }

  private headers(req: HttpRequest): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', 'user-agent': this.options.userAgent ?? 'harbour-k8s/client' };
    if (req.body !== undefined) h['content-type'] = req.contentType ?? 'application/json';
    if (this.options.token) h.authorization = `Bearer ${this.options.token}`;
    return h;
  }
}

function encode(body: unknown): string | undefined {
  return body === undefined ? undefined : JSON.stringify(body);
}

function timeoutError(): Error {
  return Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' });
}

// We read the whole body while the timer runs, then hand back an equivalent buffered Response.
async function bufferWithTimer(res: Response, timer: { cancel(): void }): Promise<Response> {
  try {
    const text = await res.text();
    const noBody = res.status === 204 || res.status === 205 || res.status === 304;
    return new Response(noBody ? null : text, { status: res.status, statusText: res.statusText, headers: res.headers });
  } finally {
    timer.cancel();
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
