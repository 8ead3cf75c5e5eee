// Secrets: credentials, kept apart from pods and images
// ====================================================
// CONCEPT   A Secret is a ConfigMap for credentials: keys and key files, passwords, registry logins.
//           Its `data` values are base64 (they may be binary). For convenience a client may write
//           plain text in `stringData` instead: the apiserver base64-encodes it into `data` on every
//           create and update and never stores `stringData` itself, so a read never shows it.
//           `type` says what the Secret holds and which keys it must have; it defaults to Opaque
//           (anything goes) and can never change afterwards.
// REAL K8S  pkg/registry/core/secret/strategy.go, pkg/apis/core/v1/conversion.go
//           (Convert_v1_Secret_To_core_Secret merges stringData), pkg/apis/core/v1/defaults.go
//           (SetDefaults_Secret), pkg/apis/core/validation/validation.go (ValidateSecret, ValidateSecretUpdate)
// SHIPS     The sealed envelope in the harbour master's safe: handed to the crews that need it.
// EXAMPLE   { stringData: { password: "s3cret" } }  =>  stored { type: "Opaque", data: { password: "czNjcmV0" } }
//           { type: "kubernetes.io/tls", data: { "tls.crt": "..." } }  =>  422 data[tls.key]: Required value
// SKIPPED   Encryption at rest (EncryptionConfiguration): etcd holds the base64 text as it came.
//           Checking that a TLS key matches its certificate (Kubernetes does not either; kubectl does).

import type { KubeObject, Secret, StatusCause } from '../../api/types.ts';
import { cause, required } from '../status.ts';
import { base64Bytes, checkBase64Map, checkStringMap, immutableCauses, keyCauses, MAX_CONFIG_BYTES, tooLarge } from './config-data.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';

const asSecret = (obj: KubeObject) => obj as Secret;

// ## stringData becomes data
// The real apiserver does this while converting the request from v1 to its internal type, so
// every path (create, update, patch) sees it, and validation only ever sees `data`.
/** Checks what Go would refuse to decode, then merges stringData into data (base64) and drops it. */
export function mergeStringData(obj: KubeObject): void {
  const secret = asSecret(obj);
  checkBase64Map('Secret', 'data', secret.data);
  checkStringMap('Secret', 'stringData', secret.stringData);
  if (secret.stringData) {
    secret.data ??= {};
    for (const [key, value] of Object.entries(secret.stringData)) secret.data[key] = Buffer.from(value ?? '').toString('base64');
  }
  delete secret.stringData;
}

// ## The typed secrets and the keys they need
const decoded = (secret: Secret, key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
const has = (secret: Secret, key: string) => !!secret.data && Object.hasOwn(secret.data, key);

/** A docker config must be a JSON object; the message mirrors Go's json.Unmarshal where it can. */
function jsonObjectCauses(secret: Secret, key: string): StatusCause[] {
  let problem: string | undefined;
  try {
    const value: unknown = JSON.parse(decoded(secret, key));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem = `json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type map[string]interface {}`;
    }
  } catch (err) {
    problem = (err as Error).message;
  }
  return problem ? [cause(`data[${key}]`, `Invalid value: "<secret contents redacted>": ${problem}`)] : [];
}

/** The per-type rules of ValidateSecret's switch. */
function typeCauses(secret: Secret): StatusCause[] {
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      return secret.metadata.annotations?.['kubernetes.io/service-account.name'] ? [] : [required('metadata.annotations[kubernetes.io/service-account.name]')];
    case 'kubernetes.io/dockercfg':
      return has(secret, '.dockercfg') ? jsonObjectCauses(secret, '.dockercfg') : [required('data[.dockercfg]')];
    case 'kubernetes.io/dockerconfigjson':
      return has(secret, '.dockerconfigjson') ? jsonObjectCauses(secret, '.dockerconfigjson') : [required('data[.dockerconfigjson]')];
    // Either may be empty, but one of the two must be there.
    case 'kubernetes.io/basic-auth':
      return has(secret, 'username') || has(secret, 'password') ? [] : [required('data[username]'), required('data[password]')];
    case 'kubernetes.io/ssh-auth':
      return decoded(secret, 'ssh-privatekey') ? [] : [required('data[ssh-privatekey]')];
    case 'kubernetes.io/tls':
      return ['tls.crt', 'tls.key'].filter((k) => !has(secret, k)).map((k) => required(`data[${k}]`));
    default:
      return [];
  }
}

/** ValidateSecret: keys, at most 1 MiB of decoded bytes, and the keys the type requires. */
export function validateSecret(obj: KubeObject): StatusCause[] {
  const secret = asSecret(obj);
  const causes = keyCauses('data', secret.data);
  const total = Object.values(secret.data ?? {}).reduce((n, v) => n + base64Bytes(v), 0);
  if (total > MAX_CONFIG_BYTES) causes.push(tooLarge('data'));
  return [...causes, ...typeCauses(secret)];
}

/** ValidateSecretUpdate: the type never changes; an immutable Secret's data never changes. */
export function validateSecretUpdate(obj: KubeObject, old: KubeObject): StatusCause[] {
  const [next, before] = [asSecret(obj), asSecret(old)];
  const causes: StatusCause[] = [];
  if (next.type !== before.type) causes.push(cause('type', `Invalid value: ${JSON.stringify(next.type)}: field is immutable`));
  return [...causes, ...immutableCauses(obj, old, ['data']), ...validateSecret(obj)];
}

export const secretStrategy: Strategy = {
  tracksGeneration: false,
  prepareForCreate: mergeStringData,
  prepareForUpdate: mergeStringData,
  defaults(obj) {
    const secret = asSecret(obj);
    if (!secret.type) secret.type = 'Opaque';
  },
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
  fields: (obj) => ({ type: asSecret(obj).type ?? '' }),
  selectableFields: ['type'],
  table: {
    columns: [
      NAME_COLUMN,
      column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
      column('Data', 'string', 'Data contains the secret data.'),
      AGE_COLUMN,
    ],
    cells(obj, now) {
      const secret = asSecret(obj);
      return [secret.metadata.name, secret.type ?? '', Object.keys(secret.data ?? {}).length, humanAge(secret.metadata.creationTimestamp, now)];
    },
  },
};

// REAL WORLD
// Production clusters encrypt Secrets in etcd (an EncryptionConfiguration with a KMS provider) and
// limit who may read them with RBAC; base64 is an encoding for binary data, not protection.
