// Test helper: a tiny protobuf writer for hand-built fixtures
// ===========================================================
// CONCEPT   Tests build protobuf bodies field by field, so each fixture reads like the .proto it
//           encodes:   msg(1, str(1, 'lesson'), map(11, 'app', 'besu'))  is  ObjectMeta{ name,
//           labels }. Numbers are written as gogo writes them: negative int32/int64 sign-extended
//           to ten bytes. Only tests use this; the apiserver never encodes protobuf.
// REAL K8S  The gogo-generated Marshal methods in staging/src/k8s.io/api/*/generated.pb.go
// SHIPS     Writing a telegram in shorthand by hand, to see the radio room read it.
// EXAMPLE   envelope('v1', 'Namespace', msg(1, str(1, 'lesson')))  =>  6b 38 73 00 0a 0f ...
// SKIPPED   Packed encoding on the writer side (see `packed` for the one test that needs it).

/** Concatenates byte arrays. */
export function cat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** The varint bytes of an unsigned or (sign-extended) negative number. */
export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? low | 0x80 : low);
  } while (v);
  return Uint8Array.from(out);
}

const tag = (field: number, wireType: number) => varint((field << 3) | wireType);

/** A VARINT field: int32, int64, bool, enum. */
export const num = (field: number, value: number | bigint | boolean) =>
  cat(tag(field, 0), varint(typeof value === 'boolean' ? (value ? 1 : 0) : value));

/** A LEN field holding raw bytes. */
export const bytes = (field: number, value: Uint8Array) => cat(tag(field, 2), varint(value.length), value);

/** A LEN field holding UTF-8 text. */
export const str = (field: number, value: string) => bytes(field, new TextEncoder().encode(value));

/** A LEN field holding a nested message made of the given fields. */
export const msg = (field: number, ...fields: Uint8Array[]) => bytes(field, cat(...fields));

/** One entry of a `map<string, string>` field. */
export const map = (field: number, key: string, value: string) => msg(field, str(1, key), str(2, value));

/** One entry of a `map<string, Quantity>` field. */
export const quantityEntry = (field: number, key: string, value: string) => msg(field, str(1, key), msg(2, str(1, value)));

/** A Time or MicroTime field: { int64 seconds = 1; int32 nanos = 2 }. */
export const time = (field: number, iso: string, nanos = 0) => msg(field, num(1, Math.floor(Date.parse(iso) / 1000)), num(2, nanos));

/** An IntOrString field: type 0 with intVal, or type 1 with strVal. */
export const intOrString = (field: number, value: number | string) =>
  typeof value === 'number' ? msg(field, num(1, 0), num(2, value)) : msg(field, num(1, 1), str(3, value));

/** A packed repeated varint field. */
export const packed = (field: number, values: number[]) => bytes(field, cat(...values.map((v) => varint(v))));

/** A fixed 64-bit field (wire type 1), little-endian. */
export const fixed64 = (field: number, value: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, value, true);
  return cat(tag(field, 1), b);
};

/** A fixed 32-bit field (wire type 5), little-endian. */
export const fixed32 = (field: number, value: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  return cat(tag(field, 5), b);
};

/** A whole Kubernetes body: "k8s\0" + runtime.Unknown{ typeMeta{ apiVersion, kind }, raw }. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: Uint8Array = new Uint8Array()): Buffer {
  return Buffer.from(cat(Uint8Array.of(0x6b, 0x38, 0x73, 0x00), msg(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), extra));
}

/** Hex written in groups (as copied from a capture), with whitespace ignored. */
export const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
