// Paging a list: limit and continue
// =================================
// CONCEPT   A list of 10,000 pods is 10 MB. Clients may ask for it in chunks: `?limit=500` answers
//           the first 500 and a `continue` token; the next request sends the token back and gets
//           the next 500. Every chunk is read from etcd *at the revision of the first one*, so the
//           pages together form one consistent snapshot, as if the list had been read at once. The
//           token is opaque to clients but simple inside: base64 of
//             {"v":"meta.k8s.io/v1","rv":1042,"start":"default/besu-17\u0000"}
//           - the revision, and the key to start from (just after the last one sent). When etcd
//           has compacted that revision away, the list cannot stay consistent: 410 Expired, with
//           a token that continues at the newest revision for a client willing to accept that.
//           `kubectl get` asks for chunks of 500 (--chunk-size) and follows the tokens itself.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/storage/continue.go (EncodeContinue, DecodeContinue),
//           apiserver/pkg/storage/etcd3/store.go (GetList: the paging loop, remainingItemCount,
//           handleCompactedErrorForPaging)
// SHIPS     Reading the manifest ledger page by page, always from the same day's edition.
// EXAMPLE   GET /api/v1/pods?limit=2 => items [a, b], metadata { continue: "eyJ2Ijo...", remainingItemCount: 3 }
// SKIPPED   Paging served from the watch cache (resourceVersion=0 lists come whole, as they do
//           from Kubernetes' cache), and resourceVersionMatch.

import type { KubeObject } from '../../api/types.ts';
import type { EtcdStore } from '../storage/etcd-store.ts';
import { badRequest, expired, StatusError } from '../status.ts';

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

/** The token for "the rest of this list, at `revision`, from `key` on". */
export function encodeContinue(key: string, keyPrefix: string, revision: number): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: revision, start: key.slice(keyPrefix.length) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The etcd key to start from and the revision to read at; a 400 for a token we did not make. */
export function decodeContinue(value: string, keyPrefix: string): { fromKey: string; revision: number } {
  const invalid = (why: string) => badRequest(`continue key is not valid: ${why}`);
  let token: Partial<ContinueToken>;
  try {
    token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch (err) {
    throw invalid((err as Error).message);
  }
  if (token?.v !== 'meta.k8s.io/v1') throw invalid(`server does not recognize this encoded version ${String(token?.v)}`);
  if (!Number.isInteger(token.rv) || token.rv === 0) throw invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof token.start !== 'string' || !token.start) throw invalid('encoded start key empty (version meta.k8s.io/v1)');
  // The start key is appended to this list's prefix; one that climbs out of it ("../secrets/")
  // would read another resource's keys, so, as path.Clean does in Kubernetes, we refuse it.
  const start = token.start.replace(/\0$/, '');
  if (start.split('/').some((part) => part === '..' || part === '.') || start.startsWith('/')) throw invalid(token.start);
  return { fromKey: keyPrefix + token.start, revision: token.rv! };
}

export interface Page {
  items: KubeObject[];
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * Reads up to `limit` matching objects under `keyPrefix` (@doc: list-paging). With a selector,
 * Kubernetes keeps reading chunks until it has `limit` matches or runs out, so a page is never
 * short only because the filter threw items away; only without one is remainingItemCount exact.
 */
export async function listPage(
  etcd: EtcdStore, keyPrefix: string, limit: number, filter: { test: (o: KubeObject) => boolean; selective: boolean }, token?: string,
): Promise<Page> {
  let { fromKey, revision } = token ? decodeContinue(token, keyPrefix) : { fromKey: keyPrefix, revision: 0 };
  // rv -1: the client accepted an inconsistent continuation after a compaction: read the newest.
  if (revision < 0) revision = 0;
  const items: KubeObject[] = [];
  let remaining: number | undefined;
  for (;;) {
    const chunk = await readChunk(etcd, keyPrefix, fromKey, revision, limit, token);
    // The first read fixes the snapshot; etcd's header names its newest revision, not the one read.
    revision ||= chunk.revision;
    remaining ??= chunk.count;
    for (let i = 0; i < chunk.items.length; i++) {
      remaining--;
      if (!filter.test(chunk.items[i])) continue;
      items.push(chunk.items[i]);
      if (items.length < limit) continue;
      if (!chunk.more && i === chunk.items.length - 1) return { items, revision };
      const next = encodeContinue(`${chunk.keys[i]}\0`, keyPrefix, revision);
      return { items, revision, continue: next, ...(filter.selective ? {} : { remainingItemCount: remaining }) };
    }
    if (!chunk.more) return { items, revision };
    fromKey = `${chunk.keys[chunk.keys.length - 1]}\0`;
  }
}

async function readChunk(etcd: EtcdStore, keyPrefix: string, fromKey: string, revision: number, limit: number, token?: string) {
  try {
    return await etcd.listFrom(keyPrefix, fromKey, limit, revision || undefined);
  } catch (err) {
    if (!(token && err instanceof StatusError && err.code === 410)) throw err;
    // The snapshot the first page came from is gone. Offer the rest at the newest revision.
    const status = expired(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list ' +
        'without the continue parameter, or use the continue token in this response to retrieve the remainder of the ' +
        'results. Continuing with the provided token results in an inconsistent list - objects that were created, ' +
        'modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
    (status.status.metadata as { continue?: string }).continue = encodeContinue(fromKey, keyPrefix, -1);
    throw status;
  }
}
