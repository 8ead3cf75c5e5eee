// A keyed binary heap: the data structure under activeQ and backoffQ
// =================================================================
// CONCEPT   The scheduling queue must hand out "the most important pod" quickly and also find a
//           pod by key to update or delete it when an informer event arrives. A binary heap plus
//           a key -> position map does both in O(log n).
// REAL K8S  pkg/scheduler/backend/heap/heap.go (v1.32: pkg/scheduler/internal/heap/heap.go)
// SHIPS     The dock's priority board, where any container's card can be found and moved.
// EXAMPLE   const h = new Heap<Pod>(p => p.uid, (a, b) => a.priority > b.priority);
//           h.push(low); h.push(high); h.pop() === high
// SKIPPED   metrics recorder.

/** A min-heap under `less`, with lookup, update and delete by key. */
export class Heap<T> {
  private items: T[] = [];
  private index = new Map<string, number>();

  /**
   * @param keyOf the identity of an item (a pod uid)
   * @param less  true when `a` must come out before `b`
   */
  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly less: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item, or replaces the item with the same key and restores the order. */
  push(item: T): void {
    const key = this.keyOf(item);
    const i = this.index.get(key);
    if (i !== undefined) {
      this.items[i] = item;
      this.fix(i);
      return;
    }
    this.items.push(item);
    this.index.set(key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    if (this.items.length === 0) return undefined;
    const top = this.items[0]!;
    this.removeAt(0);
    return top;
  }

  delete(key: string): T | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const item = this.items[i]!;
    this.removeAt(i);
    return item;
  }

  /** Every item, in no particular order. */
  list(): T[] {
    return [...this.items];
  }

  private removeAt(i: number): void {
    const last = this.items.pop()!;
    this.index.delete(this.keyOf(i === this.items.length ? last : this.items[i]!));
    if (i < this.items.length) {
      this.items[i] = last;
      this.index.set(this.keyOf(last), i);
      this.fix(i);
    }
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private up(i: number): boolean {
    const start = i;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i !== start;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && this.less(this.items[l]!, this.items[smallest]!)) smallest = l;
      if (r < n && this.less(this.items[r]!, this.items[smallest]!)) smallest = r;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const x = this.items[a]!;
    const y = this.items[b]!;
    this.items[a] = y;
    this.items[b] = x;
    this.index.set(this.keyOf(y), a);
    this.index.set(this.keyOf(x), b);
  }
}
