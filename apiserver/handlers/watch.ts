// Watch: a long response that streams every change as one JSON line
// =================================================================
// CONCEPT   `GET /api/v1/pods?watch=true&resourceVersion=120` never finishes: the apiserver sends
//           headers at once, then one `{"type":"MODIFIED","object":{...}}` line per change after
//           revision 120, for as long as the client stays. This is how every controller, kubelet
//           and `kubectl get -w` learns about changes without polling. With no resourceVersion (or
//           "0") the watch starts with a synthetic ADDED for each existing object. A version too
//           old for the cache's memory gets an ERROR event carrying a 410 Expired Status, and the
//           client lists again.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/watch.go (serveWatch),
//           apiserver/pkg/storage/cacher/cacher.go (Watch), cacher/cache_watcher.go
// SHIPS     Keeping the radio on: the harbour master reads out each change as it is filed.
// EXAMPLE   {"type":"ADDED","object":{"kind":"Pod",...}}\n{"type":"MODIFIED",...}\n
// SKIPPED   WebSocket upgrades of this endpoint (the dashboard has its own socket), watch-list streaming.

import type { ServerResponse } from 'node:http';
import type { KubeObject, WatchEventType } from '../../api/types.ts';
import type { RegistryStore } from '../registry/store.ts';
import { withTypeMeta } from '../registry/store.ts';
import type { ResourceDef } from '../registry/strategy.ts';
import { eventLine, type CacheEvent, type CacheWatcher } from '../storage/watch-cache.ts';
import { StatusError } from '../status.ts';
import { toTable, type OutputFormat } from './output.ts';
import { selects, type ListOptions } from './request.ts';

/** Bookmarks tell an idle watcher how far the cache has got, so a resume never starts too far back. */
const BOOKMARK_INTERVAL_MS = 30_000;
/** A watcher that stops reading is cut off rather than let the apiserver buffer without end. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export async function serveWatch(
  store: RegistryStore,
  def: ResourceDef,
  namespace: string | undefined,
  name: string | undefined,
  options: ListOptions,
  format: OutputFormat,
  raw: ServerResponse,
): Promise<void> {
  const cache = store.cache(def);
  await cache.ready;
  const base = selects(def, namespace, options);
  const filter = name ? (o: KubeObject) => o.metadata.name === name && base(o) : base;
  const rv = options.resourceVersion;
  // Unset or "0" means "from now, starting with the current state" (synthetic ADDED events).
  const initialEvents = options.sendInitialEvents ?? (rv === undefined || rv === '0');

  raw.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  raw.flushHeaders();

  let firstTable = true;
  const write = (line: string) => {
    if (raw.writableLength > MAX_BUFFERED_BYTES) return void finish();
    raw.write(line);
  };
  const encode = (type: WatchEventType, event: CacheEvent): string => {
    if (format.as === 'object') return eventLine(type, event);
    const table = toTable(def, [withTypeMeta(def, event.object)], format.as === 'table' ? format : { as: 'table', version: 'v1', include: 'Metadata' }, undefined, firstTable);
    firstTable = false;
    return `${JSON.stringify({ type, object: table })}\n`;
  };

  let unsubscribe = () => {};
  const timers: NodeJS.Timeout[] = [];
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    timers.forEach(clearTimeout);
    raw.end();
  };

  const watcher: CacheWatcher = {
    fromRevision: Number(rv ?? 0),
    filter,
    send: (type, event) => write(encode(type, event)),
    close: (reason, isExpired) => {
      if (isExpired) write(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: reason, reason: 'Expired', code: 410 } }) + '\n');
      finish();
    },
  };
  try {
    unsubscribe = cache.watch(watcher, initialEvents);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    raw.write(JSON.stringify({ type: 'ERROR', object: err.status }) + '\n');
    return void raw.end();
  }
  if (options.sendInitialEvents && options.allowWatchBookmarks) sendBookmark(write, def, cache.revision, true);

  raw.on('close', finish);
  if (options.timeoutSeconds) timers.push(setTimeout(finish, options.timeoutSeconds * 1000));
  if (options.allowWatchBookmarks) {
    const tick = () => {
      sendBookmark(write, def, cache.revision, false);
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
    };
    timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
  }
}

function sendBookmark(write: (line: string) => void, def: ResourceDef, revision: number, initialEventsEnd: boolean): void {
  const object = {
    kind: def.kind,
    apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
    metadata: { resourceVersion: String(revision), ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
  };
  write(JSON.stringify({ type: 'BOOKMARK', object }) + '\n');
}
