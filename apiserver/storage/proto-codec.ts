// Protobuf by hand: a writer and a reader for the wire format
// ============================================================
// CONCEPT   A protobuf message is a run of fields, each a tag (field number << 3 | wire type)
//           and a value: a varint (7 bits a byte, low bits first), 8 or 4 fixed bytes, or a
//           length and that many bytes (strings, bytes, nested messages). Field names never
//           travel; both sides know the numbers from the .proto file. These two small classes are
//           all the apiserver's etcd client needs to speak that format (./etcd-proto.ts holds the
//           etcd messages themselves). kubectl's protobuf request bodies have their own reader,
//           ../protobuf/wire.ts, which keeps every int64 exact as a bigint; this one reads numbers
//           as JS numbers, fast for the revisions and counts etcd sends, and bigints only where
//           etcd uses all 64 bits (lease IDs).
// REAL K8S  etcd's generated gogo/protobuf Marshal and Unmarshal methods (api/etcdserverpb/rpc.pb.go);
//           the format is https://protobuf.dev/programming-guides/encoding/
// SHIPS     The records office's shorthand: numbered boxes, no labels.
// EXAMPLE   new ProtoWriter().bytes(1, "/registry/pods/").finish()  =>  0a 0f 2f 72 65 67 ...
//           new ProtoReader(Buffer.from("9601", "hex")).varint()      =>  150
// SKIPPED   Groups, zigzag signed ints and packed repeated fields: etcd's messages use none.

// ## Writing
// A growable buffer. Nested messages are written into their own writer and copied in with their
// length, which is how protobuf nests: a LEN field whose bytes are another message.
export class ProtoWriter {
  private buf: Buffer;
  private pos: number;

  /** @param reserve bytes left free at the start (the gRPC frame header goes there). @default 0 */
  constructor(private readonly reserve = 0) {
    this.buf = Buffer.allocUnsafe(256 + reserve);
    this.pos = reserve;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** A varint: 7 bits a byte, low bits first. Division, not shifts: revisions pass 2^31. */
  varint(n: number): this {
    this.room(10);
    while (n > 127) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** A 64-bit varint kept exact: etcd's lease IDs use all 63 bits, past what a JS number holds. */
  varintBig(n: bigint): this {
    this.room(10);
    while (n > 127n) {
      this.buf[this.pos++] = Number(n & 127n) | 128;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
    return this;
  }

  /** An int64 or enum field; proto3 leaves zero out unless `always` (a oneof member must be sent). */
  int(field: number, n: number, always = false): this {
    if (n === 0 && !always) return this;
    return this.varint(field * 8).varint(n);
  }

  bool(field: number, b: boolean): this {
    return b ? this.varint(field * 8).varint(1) : this;
  }

  bytes(field: number, b: string | Buffer): this {
    const length = typeof b === 'string' ? Buffer.byteLength(b) : b.length;
    this.varint(field * 8 + 2).varint(length);
    this.room(length);
    if (typeof b === 'string') this.buf.write(b, this.pos);
    else b.copy(this.buf, this.pos);
    this.pos += length;
    return this;
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  /** The bytes written, including the reserved head. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** The message length, not counting the reserved head. */
  get length(): number {
    return this.pos - this.reserve;
  }
}

// ## Reading
/** A cursor over one message, reading numbers as JS numbers (exact for revisions below 2^53). */
export class ProtoReader {
  pos: number;

  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('etcd sent a truncated message');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error('etcd sent a varint longer than 10 bytes');
  }

  /** A varint as a bigint, exact to 64 bits (lease IDs). */
  varintBig(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new Error('etcd sent a truncated message');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    throw new Error('etcd sent a varint longer than 10 bytes');
  }

  /** The next field's tag: its number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t % 8 };
  }

  /** A LEN field's bounds, for a nested reader or a slice. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new Error('etcd sent a truncated message');
    return [start, this.pos];
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.span();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`etcd sent an unknown wire type ${wire}`);
  }
}

/** Reads the fields of the message at [start, end), calling `onField` for each. */
export function readMessage(buf: Buffer, start: number, end: number, onField: (r: ProtoReader, field: number, wire: number) => boolean): void {
  const r = new ProtoReader(buf, start, end);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (!onField(r, field, wire)) r.skip(wire);
  }
}
