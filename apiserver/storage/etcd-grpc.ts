// gRPC to etcd, by hand: one HTTP/2 stream per call
// ==================================================
// CONCEPT   etcd speaks gRPC, and gRPC is a thin convention on HTTP/2: a call is one POST stream
//           to /<package.Service>/<Method> with content-type application/grpc; the request and the
//           answer are each one protobuf message behind a 5-byte prefix (a "compressed" flag and
//           a 4-byte length); the outcome comes last, in HTTP/2 trailers: grpc-status (0 is OK)
//           and grpc-message. A watch is the same stream kept open, with messages both ways.
//           Every apiserver write is one such call, so its cost is paid on every `kubectl create`.
//           Measured on this project's machines (bench/apiserver.ts), the general-purpose etcd3
//           client spends ~240 us of CPU per put in its policies, generic protobuf reflection and
//           grpc-js's channel stack; this file spends ~90 us for the same put. That difference is
//           most of what separates a slow apiserver from one that keeps up with etcd.
// REAL K8S  the apiserver links etcd's Go client (go.etcd.io/etcd/client/v3), which sits on
//           grpc-go; the protocol is https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
// SHIPS     The direct telephone line from the radio room to the records office.
// EXAMPLE   await channel.unary('/etcdserverpb.KV/Range', writeRange(new ProtoWriter(5), { key }))
//           => the RangeResponse bytes, or a GrpcError (code 11 "mvcc: required revision has
//              been compacted"), or a plain Error when etcd cannot be reached
// SKIPPED   TLS, authentication tokens, compression, load balancing beyond "next endpoint on
//           failure", and retries (the caller decides: the apiserver answers 503 instead).

import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { ProtoWriter } from './proto-codec.ts';

/** A call etcd answered with a non-zero grpc-status. */
export class GrpcError extends Error {
  override name = 'GrpcError';

  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** gRPC status codes we name: https://grpc.github.io/grpc/core/md_doc_statuscodes.html */
export const GrpcStatus = { OK: 0, CANCELLED: 1, DEADLINE_EXCEEDED: 4, OUT_OF_RANGE: 11, UNAVAILABLE: 14 } as const;

// HTTP/2 flow control: the receiver grants the sender a window of bytes. The default 64 KiB would
// make a 10 MB list of pods stop and wait for window updates 150 times; 16 MiB lets it stream.
const WINDOW = 16 * 1024 * 1024;

export interface GrpcChannelOptions {
  /** Client URLs of the etcd members, as --etcd-servers lists them; we use one and move on when it fails. */
  endpoints: string[];
  /** How long a unary call may take before it fails with DEADLINE_EXCEEDED. @default 5000 */
  deadlineMs?: number;
}

/** One HTTP/2 connection to etcd, opened on first use and again after it breaks. */
export class GrpcChannel {
  private session?: ClientHttp2Session;
  private endpoint = 0;
  private closed = false;
  private readonly deadlineMs: number;

  constructor(private readonly options: GrpcChannelOptions) {
    this.deadlineMs = options.deadlineMs ?? 5000;
  }

  /** The live session, connecting (or reconnecting to the next endpoint) when there is none. */
  connection(): ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    if (this.closed) throw new Error('the etcd channel is closed');
    const url = this.options.endpoints[this.endpoint];
    const session = connect(url, { settings: { initialWindowSize: WINDOW } });
    session.once('connect', () => session.setLocalWindowSize(WINDOW));
    // A failed or broken connection fails the calls on it (each hears it on its own stream); we
    // only forget the session, so the next call dials again - the next endpoint if this one failed.
    const forget = (failed: boolean) => {
      if (this.session !== session) return;
      this.session = undefined;
      if (failed) this.endpoint = (this.endpoint + 1) % this.options.endpoints.length;
    };
    session.on('error', () => forget(true));
    session.on('goaway', () => forget(false));
    session.on('close', () => forget(false));
    this.session = session;
    return session;
  }

  /**
   * Sends one request message and resolves with the answer's message bytes.
   * @param path "/etcdserverpb.KV/Txn" and the like
   * @param message written with 5 reserved bytes (`new ProtoWriter(5)`) for the gRPC prefix
   */
  unary(path: string, message: ProtoWriter): Promise<Buffer> {
    const frame = message.finish();
    frame[0] = 0; // not compressed
    frame.writeUInt32BE(message.length, 1);
    return new Promise((resolve, reject) => {
      let stream: ClientHttp2Stream;
      try {
        stream = this.connection().request({
          [constants.HTTP2_HEADER_METHOD]: 'POST',
          [constants.HTTP2_HEADER_PATH]: path,
          'content-type': 'application/grpc',
          te: 'trailers',
          // etcd stops working on a call the client has given up on.
          'grpc-timeout': `${this.deadlineMs}m`,
        });
      } catch (err) {
        reject(err);
        return;
      }
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let statusMessage = '';
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };
      const timer = setTimeout(() => {
        fail(new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, `etcd did not answer ${path} within ${this.deadlineMs / 1000} s`));
        stream.close(constants.NGHTTP2_CANCEL);
      }, this.deadlineMs);
      // The outcome arrives in trailers, or in the headers of a "trailers-only" error answer.
      const readStatus = (headers: Record<string, unknown>) => {
        if (headers['grpc-status'] === undefined) return;
        status = Number(headers['grpc-status']);
        statusMessage = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      };
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', fail);
      stream.on('close', () => {
        if (settled) return;
        if (status === undefined) return fail(new Error(`etcd closed the call to ${path} without an answer (HTTP/2 code ${stream.rstCode})`));
        if (status !== GrpcStatus.OK) return fail(new GrpcError(status, statusMessage || `gRPC status ${status}`));
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        if (body.length < 5 || body[0] !== 0) return fail(new Error(`etcd answered ${path} with a malformed gRPC message`));
        settled = true;
        clearTimeout(timer);
        resolve(body.subarray(5, 5 + body.readUInt32BE(1)));
      });
      stream.end(frame);
    });
  }

  /** Closes the connection; calls after this fail. */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }
}
