// The Kubernetes protobuf envelope: "k8s\0" and a runtime.Unknown
// ===============================================================
// CONCEPT   A bare protobuf message does not say what it is, so Kubernetes wraps every object:
//             6b 38 73 00                 the magic "k8s\0"
//             runtime.Unknown {
//               TypeMeta typeMeta = 1 { string apiVersion = 1; string kind = 2; }
//               bytes raw = 2;               the object's own message, e.g. a Namespace
//               string contentEncoding = 3;  always "" from kubectl
//               string contentType = 4;      always "" (meaning: raw is protobuf)
//             }
//           The envelope names the kind; the kind picks the field table for `raw`.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go
//           (Serializer.Decode) and pkg/runtime/generated.proto (Unknown, TypeMeta), v1.32
// SHIPS     The envelope around a telegram: who it is for, then the letter inside.
// EXAMPLE   6b 38 73 00 0a 0f 0a 02 76 31 12 09 4e 61 6d 65 73 70 61 63 65 12 ...
//           => { apiVersion: "v1", kind: "Namespace", raw: <Namespace bytes> }
// SKIPPED   The RawProtobuf serializer (no magic, used for etcd-internal types).

import { ProtobufError, readFields, utf8, WireType } from './wire.ts';

/** The four bytes every Kubernetes protobuf body starts with: "k8s" and a NUL. */
export const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** runtime.Unknown, flattened: the type it names and the bytes it carries. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Checks the magic and reads the runtime.Unknown after it. Throws ProtobufError when malformed. */
export function readEnvelope(body: Uint8Array): Envelope {
  // @doc: protobuf-envelope
  if (body.length === 0) throw new ProtobufError('empty data');
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ("k8s\\0")');
  }
  if (body.length === MAGIC.length) throw new ProtobufError('empty body');
  const envelope: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  for (const f of readFields(body.subarray(MAGIC.length))) {
    if (f.wireType !== WireType.LEN) continue;
    if (f.field === 1) readTypeMeta(f.value, envelope);
    else if (f.field === 2) envelope.raw = f.value;
    else if (f.field === 3) envelope.contentEncoding = utf8(f.value);
    else if (f.field === 4) envelope.contentType = utf8(f.value);
  }
  if (!envelope.kind) throw new ProtobufError('the protobuf envelope names no kind (runtime.Unknown typeMeta.kind is empty)');
  if (!envelope.apiVersion) throw new ProtobufError(`the protobuf envelope names no apiVersion for kind ${envelope.kind}`);
  // An empty contentType means "raw is protobuf"; the apiserver would hand anything else to
  // another decoder, which no client does.
  if (envelope.contentEncoding || (envelope.contentType && envelope.contentType !== 'application/vnd.kubernetes.protobuf')) {
    throw new ProtobufError(`the protobuf envelope carries ${envelope.contentType || 'protobuf'} with contentEncoding "${envelope.contentEncoding}", which we do not decode`);
  }
  return envelope;
}

function readTypeMeta(bytes: Uint8Array, into: Envelope): void {
  for (const f of readFields(bytes)) {
    if (f.wireType !== WireType.LEN) continue;
    if (f.field === 1) into.apiVersion = utf8(f.value);
    if (f.field === 2) into.kind = utf8(f.value);
  }
}
