// ConfigMap and Secret field tables
// =================================
// CONCEPT   `kubectl create configmap` and `kubectl create secret generic|tls|docker-registry`
//           build the object themselves and send it with the typed client, as protobuf. Both
//           kinds are flat: metadata beside the data bags. A Secret's `data` and a ConfigMap's
//           `binaryData` are `map<string, bytes>` on the wire and base64 text in JSON, so the
//           decoder turns the raw bytes into base64 and the rest of the apiserver sees exactly what
//           a JSON body would have carried.
// REAL K8S  staging/src/k8s.io/api/core/v1/generated.proto (message ConfigMap, message Secret) and
//           the `protobuf:"..."` tags in core/v1/types.go (v1.32)
// SHIPS     The harbour's notice board and its sealed envelopes, read off the wire.
// EXAMPLE   Secret { 1: metadata{ name: "keys" }, 2: { "password": 73 33 63 72 65 74 }, 3: "Opaque" }
//           =>  { metadata: { name: "keys" }, data: { password: "czNjcmV0" }, type: "Opaque" }
// SKIPPED   Nothing: every field of both messages is here.

import { ObjectMeta } from './meta.ts';
import { bool, bytesMap, message, obj, ptr, str, stringMap } from './schema.ts';

/** core/v1 ConfigMap; `immutable` is a *bool, so an explicit false is kept. */
export const ConfigMap = message('ConfigMap', {
  1: obj('metadata', ObjectMeta),
  4: ptr(bool('immutable')),
  2: stringMap('data'),
  3: bytesMap('binaryData'),
});

/** core/v1 Secret: `stringData` is write-only, merged into `data` by the apiserver. */
export const Secret = message('Secret', {
  1: obj('metadata', ObjectMeta),
  5: ptr(bool('immutable')),
  2: bytesMap('data'),
  4: stringMap('stringData'),
  3: str('type'),
});
