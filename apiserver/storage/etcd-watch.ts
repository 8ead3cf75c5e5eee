// An etcd watch: one long-lived gRPC stream of changes under a key prefix
// ========================================================================
// CONCEPT   A watch is a gRPC call that never ends: we send one WatchRequest ("everything under
//           /registry/pods/, from revision 1042, with each key's previous value") and etcd answers
//           with a stream of WatchResponses, each a batch of PUT and DELETE events in revision
//           order. If the connection breaks we open a new stream from the revision after the last
//           one we saw, so no change is lost or seen twice. If etcd has compacted that revision
//           away, it cancels the watch and says so (compact_revision): the caller must list
//           again - the same 410 story the apiserver tells its own watchers.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/storage/etcd3/watcher.go (startWatching, the
//           compaction error), over go.etcd.io/etcd/client/v3/watch.go; messages from
//           etcd's api/etcdserverpb/rpc.proto (WatchRequest, WatchResponse) and mvccpb.Event
// SHIPS     The radio room's standing line to the records office: every new entry is read out.
// EXAMPLE   watchPrefix(channel, { prefix: '/registry/pods/', fromRevision: 1042, onEvents, onCompacted })
//           => onEvents([{ type: 'put', kv: { key: '/registry/pods/default/a', modRevision: 1043, ... } }])
// SKIPPED   Progress notifications, fragmented responses (etcd splits only events over its
//           request limit), and sharing one stream between several watches.

import { constants, type ClientHttp2Stream } from 'node:http2';
import type { GrpcChannel } from './etcd-grpc.ts';
import { ProtoWriter, readMessage } from './proto-codec.ts';
import { prefixEnd, readKeyValue, type KeyValue } from './etcd-proto.ts';

export interface WatchEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface WatchOptions {
  prefix: string;
  /** The first revision to deliver. */
  fromRevision: number;
  /** Called with each batch of events, in revision order. */
  onEvents(events: WatchEvent[]): void;
  /** Called once when etcd can no longer resume the watch (its revision was compacted); the watch has ended. */
  onCompacted(compactRevision: number): void;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2000;

/** Starts a watch that resumes by itself after broken connections; `cancel` ends it. */
export function watchPrefix(channel: GrpcChannel, options: WatchOptions): { cancel(): void } {
  let next = options.fromRevision;
  let stream: ClientHttp2Stream | undefined;
  let cancelled = false;
  let delay = RECONNECT_MIN_MS;
  let retry: NodeJS.Timeout | undefined;

  const open = () => {
    retry = undefined;
    if (cancelled) return;
    try {
      stream = channel.connection().request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: '/etcdserverpb.Watch/Watch',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
    } catch {
      return reconnect();
    }
    const own = stream;
    let pending: Buffer = Buffer.alloc(0);
    own.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      // Cut whole gRPC messages (flag byte, 4-byte length, message) off the front.
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const end = 5 + pending.readUInt32BE(1);
        if (!handle(pending.subarray(5, end))) return own.close(constants.NGHTTP2_CANCEL);
        pending = pending.subarray(end);
      }
    });
    own.on('error', () => undefined); // the close that follows decides what to do
    own.on('close', () => {
      if (stream === own) reconnect();
    });
    own.write(createRequest(options.prefix, next));
  };

  // A response: created (nothing to do), events (deliver, remember where we are), or canceled.
  const handle = (message: Buffer): boolean => {
    const res = readWatchResponse(message);
    if (res.canceled && res.compactRevision > 0) {
      cancelled = true;
      stream = undefined;
      options.onCompacted(res.compactRevision);
      return false;
    }
    // Cancelled for another reason (a member shutting down): close, and the close resumes.
    if (res.canceled) return false;
    delay = RECONNECT_MIN_MS; // a healthy answer: the next outage starts backing off afresh
    if (res.events.length) {
      next = res.events[res.events.length - 1].kv.modRevision + 1;
      options.onEvents(res.events);
    }
    return true;
  };

  const reconnect = () => {
    stream = undefined;
    if (cancelled || retry) return;
    retry = setTimeout(open, delay);
    delay = Math.min(RECONNECT_MAX_MS, delay * 2);
  };

  open();
  return {
    cancel() {
      cancelled = true;
      clearTimeout(retry);
      const s = stream;
      stream = undefined;
      s?.close(constants.NGHTTP2_CANCEL);
    },
  };
}

// WatchRequest { create_request = 1: WatchCreateRequest { key = 1, range_end = 2,
// start_revision = 3, prev_kv = 6 } }, framed for gRPC.
function createRequest(prefix: string, fromRevision: number): Buffer {
  const inner = new ProtoWriter().bytes(1, prefix).bytes(2, prefixEnd(prefix)).int(3, fromRevision).bool(6, true);
  const w = new ProtoWriter(5).message(1, inner);
  const frame = w.finish();
  frame[0] = 0;
  frame.writeUInt32BE(w.length, 1);
  return frame;
}

// WatchResponse: canceled = 4, compact_revision = 5, events = 11.
// mvccpb.Event: type = 1 (PUT 0, DELETE 1), kv = 2, prev_kv = 3.
export function readWatchResponse(buf: Buffer): { canceled: boolean; compactRevision: number; events: WatchEvent[] } {
  const out = { canceled: false, compactRevision: 0, events: [] as WatchEvent[] };
  readMessage(buf, 0, buf.length, (r, field, wire) => {
    if (field === 4 && wire === 0) out.canceled = r.varint() !== 0;
    else if (field === 5 && wire === 0) out.compactRevision = r.varint();
    else if (field === 11 && wire === 2) {
      const [start, end] = r.span();
      const event: WatchEvent = { type: 'put', kv: undefined as unknown as KeyValue };
      readMessage(buf, start, end, (e, f, w) => {
        if (f === 1 && w === 0) event.type = e.varint() === 1 ? 'delete' : 'put';
        else if (f === 2 && w === 2) event.kv = readKeyValue(buf, e.span());
        else if (f === 3 && w === 2) event.prevKv = readKeyValue(buf, e.span());
        else return false;
        return true;
      });
      out.events.push(event);
    } else return false;
    return true;
  });
  return out;
}
