// Pending changes: what the next batch carries, each key once
// ===========================================================
// CONCEPT   Between two flushes the model notes what changed, keyed by what it is
//           ("pod:default/besu-0", "node:node-1", "components"). A key noted twice is sent once,
//           with its latest value, so a flood of watch events costs the page one update per
//           flush, not one per event. Writes (lines for the records office) are a list instead,
//           because each one is an event of its own; a flood of them is cut to the newest 60.
// REAL K8S  client-go/util/workqueue: a key added twice before it is processed is processed once.
// SHIPS     The clerk's notepad: one line per ship however often it radioed, copied out each round.
// EXAMPLE   p.set('pod:default/a', { t: 'pod', key: 'default/a', v: v1 });
//           p.set('pod:default/a', { t: 'pod', key: 'default/a', v: v2 });
//           p.take()  =>  [{ t: 'pod', key: 'default/a', v: v2 }]; p.take() => []
// SKIPPED   Rate limiting: the model's flush timer paces the batches.

import type { Change } from './protocol.ts';

/** Writes sent per batch at most. */
const WRITES_PER_BATCH = 60;

export class PendingChanges {
  private changes = new Map<string, Change>();
  private writes: Change[] = [];

  /** Notes the latest change for `key`, replacing any earlier one. */
  set(key: string, change: Change): void {
    this.changes.set(key, change);
  }

  /** Notes one write; writes are never merged. */
  write(change: Change): void {
    this.writes.push(change);
  }

  /** Everything noted since the last take, and forgets it; [] when nothing changed. */
  take(): Change[] {
    // The page shows the last dozen writes; a flood beyond that only costs bandwidth.
    const changes = [...this.changes.values(), ...this.writes.slice(-WRITES_PER_BATCH)];
    this.changes = new Map();
    this.writes = [];
    return changes;
  }
}
