// Field tables: from protobuf field numbers to the JSON the API speaks
// ====================================================================
// CONCEPT   The wire only carries numbers, so every message gets a table saying, for each field
//           number, the JSON name and the type, as the real generated.proto declares it:
//             message ServicePort { optional string name = 1; optional int32 port = 3; ... }
//           becomes   message('ServicePort', { 1: str('name'), 3: int32('port'), ... })
//           One table-driven function walks any message and builds the object the JSON API would
//           have received, so everything after decoding (defaulting, validation, storage) is the
//           same code path for JSON and protobuf bodies.
// REAL K8S  gogo-generated Unmarshal methods in staging/src/k8s.io/api/*/generated.pb.go, with the
//           tables in the matching generated.proto files; the JSON names come from types.go tags.
// SHIPS     The shorthand key itself: box number, then what the box holds.
// EXAMPLE   bytes 0a 04 68 74 74 70 18 50  with ServicePort  =>  { name: "http", port: 80 }
// SKIPPED   double/float fields: no kind we decode has them.
//
// ## Why zero values disappear
// Go structs cannot say "unset" for a plain string or int32, so gogo writes every non-pointer
// field, zero or not: kubectl's Namespace carries `generateName: ""`, `generation: 0` and an
// empty creationTimestamp. The JSON encoder drops those through `omitempty`. We do the same:
// a zero scalar is dropped unless the Go field is a pointer (`replicas *int32`), where 0 on the
// wire means "explicitly 0" (gogo writes pointers only when they are set).

import { ProtobufError, readFields, readPackedVarints, utf8, WireType, type WireField } from './wire.ts';

/** Leaf types: how one value becomes JSON. */
export type Scalar =
  | 'string'
  | 'int32'
  | 'int64'
  | 'bool'
  /** meta/v1 Time { int64 seconds = 1; int32 nanos = 2 } => "2024-05-01T10:00:00Z" */
  | 'time'
  /** meta/v1 MicroTime, same message => "2024-05-01T10:00:00.123456Z" */
  | 'microTime'
  /** util/intstr IntOrString { int64 type = 1; int32 intVal = 2; string strVal = 3 } => 8545 or "rpc" */
  | 'intOrString'
  /** api/resource Quantity { string string = 1 } => "500m" */
  | 'quantity'
  /** meta/v1 FieldsV1 { bytes Raw = 1 }, the JSON of a managedFields entry => its object */
  | 'fieldsV1'
  /** Go []byte (Secret data, ConfigMap binaryData): JSON carries it as base64 text */
  | 'bytes';

/** A protobuf message: its name (for error messages) and its fields by number. */
export interface Message {
  name: string;
  fields: Record<number, Field>;
}

/** One field of a message table. */
export interface Field {
  /** The JSON name, exactly as the types.go `json:"..."` tag spells it. */
  json: string;
  type: Scalar | Message;
  /** `repeated`: the JSON value is an array. */
  repeated?: boolean;
  /** `map<string, X>`: the JSON value is an object; `type` is X. */
  map?: boolean;
  /** A Go pointer (`*int32`, `*bool`): a zero value on the wire is kept, not dropped. */
  pointer?: boolean;
  /** `json:",inline"`: the nested message's fields sit in the parent's JSON object. */
  inline?: boolean;
}

// ## Table helpers
// Short constructors keep the tables one line per field, in the order of generated.proto.
export const message = (name: string, fields: Record<number, Field>): Message => ({ name, fields });
export const str = (json: string): Field => ({ json, type: 'string' });
export const int32 = (json: string): Field => ({ json, type: 'int32' });
export const int64 = (json: string): Field => ({ json, type: 'int64' });
export const bool = (json: string): Field => ({ json, type: 'bool' });
export const time = (json: string): Field => ({ json, type: 'time' });
export const microTime = (json: string): Field => ({ json, type: 'microTime' });
export const intOrString = (json: string): Field => ({ json, type: 'intOrString' });
export const quantity = (json: string): Field => ({ json, type: 'quantity' });
export const strings = (json: string): Field => ({ json, type: 'string', repeated: true });
export const obj = (json: string, type: Message): Field => ({ json, type });
export const list = (json: string, type: Message): Field => ({ json, type, repeated: true });
export const inline = (type: Message): Field => ({ json: '', type, inline: true });
export const stringMap = (json: string): Field => ({ json, type: 'string', map: true });
export const quantityMap = (json: string): Field => ({ json, type: 'quantity', map: true });
/** `map<string, bytes>`, whose values become base64 text, as Go's JSON encoder writes []byte. */
export const bytesMap = (json: string): Field => ({ json, type: 'bytes', map: true });
/** Marks a Go pointer field: `ptr(int32('replicas'))` keeps `replicas: 0`. */
export const ptr = (field: Field): Field => ({ ...field, pointer: true });

// ## Walking a message
type Json = Record<string, unknown>;

/**
 * Decodes one message's bytes with its table into a JSON-shaped object. Unknown field numbers
 * are skipped, as protobuf readers do; a field whose wire type contradicts the table is an error.
 * `path` names the message in errors, e.g. "Service.spec.ports[0]".
 */
export function decodeMessage(bytes: Uint8Array, table: Message, path = table.name): Json {
  const out: Json = {};
  for (const wire of readFields(bytes)) {
    const field = table.fields[wire.field];
    if (!field) continue;
    const where = field.inline ? path : `${path}.${field.json}`;
    if (field.map) {
      const [key, value] = mapEntry(wire, field, where);
      ((out[field.json] ??= {}) as Json)[key] = value;
    } else if (field.repeated) {
      const items = (out[field.json] ??= []) as unknown[];
      items.push(...repeatedValues(wire, field, `${where}[${items.length}]`));
    } else if (field.inline) {
      Object.assign(out, decodeMessage(expectLen(wire, where), field.type as Message, where));
    } else {
      const value = decodeValue(wire, field.type, where);
      if (value === undefined || (!field.pointer && isZero(value))) delete out[field.json];
      else out[field.json] = value;
    }
  }
  return out;
}

/** `map<string, X>` travels as repeated entry messages { string key = 1; X value = 2 }. */
function mapEntry(wire: WireField, field: Field, where: string): [string, unknown] {
  let key = '';
  // An empty string or []byte value travels as an entry without field 2.
  let value: unknown = field.type === 'string' || field.type === 'bytes' ? '' : undefined;
  for (const part of readFields(expectLen(wire, where))) {
    if (part.field === 1) key = utf8(expectLen(part, `${where} key`));
    if (part.field === 2) value = decodeValue(part, field.type, `${where}[${JSON.stringify(key)}]`);
  }
  return [key, value ?? null];
}

function repeatedValues(wire: WireField, field: Field, where: string): unknown[] {
  const numeric = field.type === 'int32' || field.type === 'int64' || field.type === 'bool';
  if (numeric && wire.wireType === WireType.LEN) {
    return readPackedVarints(wire.value).map((v) => varintAs(field.type as Scalar, v));
  }
  return [decodeValue(wire, field.type, where) ?? null];
}

function decodeValue(wire: WireField, type: Scalar | Message, where: string): unknown {
  if (typeof type !== 'string') return decodeMessage(expectLen(wire, where), type, where);
  switch (type) {
    case 'int32':
    case 'int64':
    case 'bool':
      if (wire.wireType !== WireType.VARINT) throw wrongWireType(wire, where, 'a varint');
      return varintAs(type, wire.value);
    case 'string':
      return utf8(expectLen(wire, where));
    case 'quantity':
      return utf8(oneField(expectLen(wire, where), 1) ?? new Uint8Array());
    case 'bytes':
      return Buffer.from(expectLen(wire, where)).toString('base64');
    case 'fieldsV1':
      return parseJson(oneField(expectLen(wire, where), 1), where);
    case 'time':
    case 'microTime':
      return timestamp(expectLen(wire, where), type === 'microTime', where);
    case 'intOrString':
      return intOrStringValue(expectLen(wire, where), where);
  }
}

function varintAs(type: Scalar, v: bigint): number | boolean {
  if (type === 'bool') return v !== 0n;
  // Negative int32 values travel sign-extended to 64 bits, so both read as a signed int64.
  const n = BigInt.asIntN(type === 'int32' ? 32 : 64, v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufError(`${n} does not fit a JSON number exactly`);
  }
  return Number(n);
}

// ## The small well-known messages
/** Time and MicroTime: seconds since the epoch plus nanoseconds; the zero time is "unset". */
function timestamp(bytes: Uint8Array, micro: boolean, where: string): string | undefined {
  let seconds = 0n;
  let nanos = 0;
  for (const f of readFields(bytes)) {
    if (f.field === 1) seconds = BigInt(varintAs('int64', expectVarint(f, where)) as number);
    if (f.field === 2) nanos = varintAs('int32', expectVarint(f, where)) as number;
  }
  if (seconds === 0n && nanos === 0) return undefined;
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  // Time is RFC 3339 to the second (Go's time.RFC3339); MicroTime keeps six fraction digits.
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

function intOrStringValue(bytes: Uint8Array, where: string): number | string {
  let kind = 0;
  let intVal = 0;
  let strVal = '';
  for (const f of readFields(bytes)) {
    if (f.field === 1) kind = varintAs('int64', expectVarint(f, where)) as number;
    if (f.field === 2) intVal = varintAs('int32', expectVarint(f, where)) as number;
    if (f.field === 3) strVal = utf8(expectLen(f, where));
  }
  return kind === 1 ? strVal : intVal;
}

function parseJson(bytes: Uint8Array | undefined, where: string): unknown {
  if (!bytes || bytes.length === 0) return {};
  try {
    return JSON.parse(utf8(bytes));
  } catch {
    throw new ProtobufError(`${where}: the embedded JSON is not valid`);
  }
}

// ## Helpers
function oneField(bytes: Uint8Array, number: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (const f of readFields(bytes)) if (f.field === number && f.wireType === WireType.LEN) found = f.value;
  return found;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function expectLen(wire: WireField, where: string): Uint8Array {
  if (wire.wireType !== WireType.LEN) throw wrongWireType(wire, where, 'length-delimited');
  return wire.value;
}

function expectVarint(wire: WireField, where: string): bigint {
  if (wire.wireType !== WireType.VARINT) throw wrongWireType(wire, where, 'a varint');
  return wire.value;
}

function wrongWireType(wire: WireField, where: string, wanted: string): ProtobufError {
  return new ProtobufError(`${where} (field ${wire.field}) has wire type ${wire.wireType}, but the table says ${wanted}`);
}
