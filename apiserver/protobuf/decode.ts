// Decoding a protobuf request body into the object a JSON body would have been
// ============================================================================
// CONCEPT   kubectl's typed clients (`kubectl create namespace`, `create service`, `debug`)
//           send bodies as `application/vnd.kubernetes.protobuf`. We unwrap the envelope, pick
//           the field table for its apiVersion/kind and decode the object into plain JSON, so
//           the handlers see exactly what `kubectl create -f` would have sent. Answers stay
//           JSON: kubectl's Accept header lists application/json after protobuf.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go and the
//           CodecFactory in runtime/serializer/codec_factory.go, which picks the decoder by
//           Content-Type. The real apiserver decodes into Go structs; we decode into JSON.
// SHIPS     The radio room's clerk who reads a telegram in shorthand back into plain words.
// EXAMPLE   decodeProtobuf(<"k8s\0" Unknown{ v1 Namespace, raw: metadata{ name: "lesson" } }>)
//           => { apiVersion: "v1", kind: "Namespace", metadata: { name: "lesson" }, spec: {}, status: {} }
// SKIPPED   Encoding responses as protobuf, and kinds this apiserver does not serve.
//
// Interface:
//   decodeProtobuf(body)      the JSON-shaped object, or throws ProtobufError / UnsupportedKindError
//   PROTOBUF_MEDIA_TYPE       "application/vnd.kubernetes.protobuf"

import { readEnvelope } from './envelope.ts';
import { KINDS } from './messages.ts';
import { decodeMessage } from './schema.ts';

export { ProtobufError } from './wire.ts';

/** The Content-Type of a Kubernetes protobuf body. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** A well-formed envelope naming a kind we have no field table for. */
export class UnsupportedKindError extends Error {
  override name = 'UnsupportedKindError';
}

/** The kinds with a field table, for error messages: "Namespace, Service, Pod, ...". */
export const DECODED_KINDS = [...new Set([...KINDS.keys()].map((key) => key.slice(key.lastIndexOf('/') + 1)))];

/**
 * Decodes a whole protobuf request body ("k8s\0" + runtime.Unknown) into the object the JSON
 * API would have received, with `apiVersion` and `kind` taken from the envelope.
 * Throws ProtobufError for a malformed body, UnsupportedKindError for a kind we cannot decode.
 */
export function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  const envelope = readEnvelope(body);
  const { apiVersion, kind } = envelope;
  const table = KINDS.get(`${apiVersion}/${kind}`);
  if (!table) {
    throw new UnsupportedKindError(
      `protobuf bodies are decoded for ${DECODED_KINDS.join(', ')} only, not ${apiVersion} ${kind}; ` +
        'send JSON instead (with kubectl: write the object to a file and run `kubectl create -f FILE`, ' +
        'which sends JSON; --output json only changes what kubectl prints)',
    );
  }
  // @doc: protobuf-decode
  return { apiVersion, kind, ...decodeMessage(envelope.raw, table, kind) };
}
