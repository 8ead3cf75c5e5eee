// The protobuf wire format: tags, varints and length-delimited bytes
// ==================================================================
// CONCEPT   A protobuf message is a flat run of fields. Each field starts with a tag, a varint
//           holding `fieldNumber << 3 | wireType`, followed by its value in one of four shapes:
//             0 VARINT  7 bits a byte, low bits first, high bit = "more bytes follow"
//             1 I64     8 bytes little-endian (double, fixed64)
//             2 LEN     a varint length, then that many bytes (strings, bytes, nested messages,
//                       map entries, packed repeated numbers)
//             5 I32     4 bytes little-endian (float, fixed32)
//           Field names never travel: the reader needs a table of numbers to know what it read,
//           and that table lives in ./schema.ts and the message files. This file only cuts the
//           bytes into (number, wire type, value) triples.
// REAL K8S  Kubernetes uses gogo/protobuf's generated Unmarshal methods (e.g.
//           staging/src/k8s.io/api/core/v1/generated.pb.go); the format itself is
//           https://protobuf.dev/programming-guides/encoding/
// SHIPS     Cutting a telegram into its numbered boxes before anyone reads them.
// EXAMPLE   08 96 01            => field 1, VARINT, 150
//           12 03 61 62 63      => field 2, LEN, "abc"
// SKIPPED   Groups (wire types 3 and 4, deprecated and never used by Kubernetes) and zigzag
//           sint32/sint64 (Kubernetes' .proto files declare no sint fields).

/** A body that is not well-formed protobuf: truncated, an impossible tag, a too-long varint. */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

/** The four wire types Kubernetes messages use. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** One field as it came off the wire: its number and its raw value. */
export type WireField =
  | { field: number; wireType: 0; value: bigint }
  | { field: number; wireType: 1; value: bigint }
  | { field: number; wireType: 2; value: Uint8Array }
  | { field: number; wireType: 5; value: number };

/**
 * A cursor over one message's bytes. Every read checks it stays inside the buffer, so a
 * truncated body fails with a ProtobufError naming the offset instead of reading garbage.
 */
export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  // ## Varints
  // We collect the 7-bit groups into a bigint: int64 fields (resourceVersion-sized numbers,
  // negative int32s, which travel sign-extended to ten bytes) do not fit a double's 53 bits.
  /** Reads an unsigned varint of at most 10 bytes. */
  varint(): bigint {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtobufError(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** Reads `n` bytes as a view (no copy). */
  bytes(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) {
      throw new ProtobufError(`truncated message: ${n} bytes wanted at offset ${this.pos}, ${this.buf.length - this.pos} left`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads one field: the tag, then the value in the shape its wire type says. */
  field(): WireField {
    const tag = this.varint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field === 0 || field > 536_870_911) throw new ProtobufError(`invalid field number ${field} at offset ${this.pos}`);
    switch (wireType) {
      case WireType.VARINT:
        return { field, wireType, value: this.varint() };
      case WireType.I64:
        return { field, wireType, value: littleEndian(this.bytes(8)) };
      case WireType.LEN: {
        const length = this.varint();
        if (length > BigInt(this.buf.length)) throw new ProtobufError(`truncated message: length ${length} at offset ${this.pos} runs past the end`);
        return { field, wireType, value: this.bytes(Number(length)) };
      }
      case WireType.I32:
        return { field, wireType, value: Number(littleEndian(this.bytes(4))) };
      default:
        throw new ProtobufError(`unsupported wire type ${wireType} (field ${field}) at offset ${this.pos}`);
    }
  }

  private byte(): number {
    if (this.pos >= this.buf.length) throw new ProtobufError(`truncated message: varint runs past the end at offset ${this.pos}`);
    return this.buf[this.pos++];
  }
}

function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** Every field of one message, in wire order. */
export function* readFields(buf: Uint8Array): Generator<WireField> {
  const reader = new WireReader(buf);
  while (!reader.done) yield reader.field();
}

/**
 * The varints inside a packed repeated field (`repeated int64 x = 4 [packed=true]`, or any
 * proto3 repeated number). Parsers must accept packed and unpacked forms alike.
 */
export function readPackedVarints(buf: Uint8Array): bigint[] {
  const reader = new WireReader(buf);
  const out: bigint[] = [];
  while (!reader.done) out.push(reader.varint());
  return out;
}

const decoder = new TextDecoder('utf-8');

/**
 * Decodes a LEN value as UTF-8 text. Like gogo's generated code (`string(dAtA[i:j])`), we do
 * not refuse invalid sequences; they become U+FFFD, as in a JSON body read as UTF-8.
 */
export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
