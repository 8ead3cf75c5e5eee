// ConfigMaps: settings kept apart from the image
// ==============================================
// CONCEPT   A ConfigMap holds named settings (`data`, text) and files (`binaryData`, base64) that
//           pods read as environment variables or mounted files, so one image runs anywhere with
//           different settings. There is no spec and no status: the object *is* the data. Once
//           marked `immutable: true` its data can never change again (delete and recreate instead).
// REAL K8S  pkg/registry/core/configmap/strategy.go, pkg/apis/core/validation/validation.go
//           (ValidateConfigMap, ValidateConfigMapUpdate), pkg/printers/internalversion/printers.go
//           (printConfigMap)
// SHIPS     The sailing orders pinned in the harbour office, read by every crew that sails.
// EXAMPLE   { data: { network: "harbour", "genesis.json": "{...}" } }
//           => kubectl get cm:  NAME  DATA  AGE  /  besu-config  2  5s
// SKIPPED   Nothing: ConfigMaps are stored and checked exactly; how pods use them lives in the kubelet.

import type { ConfigMap, KubeObject } from '../../api/types.ts';
import { cause } from '../status.ts';
import { base64Bytes, checkBase64Map, checkStringMap, immutableCauses, keyCauses, MAX_CONFIG_BYTES, textBytes, tooLarge } from './config-data.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';

const asConfigMap = (obj: KubeObject) => obj as ConfigMap;

/** ValidateConfigMap: keys, no key in both bags, and at most 1 MiB in all. */
export function validateConfigMap(obj: KubeObject): ReturnType<NonNullable<Strategy['validate']>> {
  const cm = asConfigMap(obj);
  const causes = keyCauses('data', cm.data);
  for (const key of Object.keys(cm.data ?? {})) {
    if (cm.binaryData && Object.hasOwn(cm.binaryData, key)) {
      causes.push(cause(`data[${key}]`, `Invalid value: "${key}": duplicate of key present in binaryData`));
    }
  }
  causes.push(...keyCauses('binaryData', cm.binaryData));
  const total = Object.values(cm.data ?? {}).reduce((n, v) => n + textBytes(v), 0)
    + Object.values(cm.binaryData ?? {}).reduce((n, v) => n + base64Bytes(v), 0);
  // Kubernetes names the whole object here (field path ""), not one of the bags.
  if (total > MAX_CONFIG_BYTES) causes.push(tooLarge(''));
  return causes;
}

// What Go's decoder would refuse before any strategy runs: a 400, not a 422. binaryData is
// []byte in Go, so text that is not base64 fails here too.
function decodeCheck(obj: KubeObject): void {
  checkStringMap('ConfigMap', 'data', asConfigMap(obj).data);
  checkBase64Map('ConfigMap', 'binaryData', asConfigMap(obj).binaryData);
}

export const configMapStrategy: Strategy = {
  tracksGeneration: false,
  prepareForCreate: decodeCheck,
  prepareForUpdate: decodeCheck,
  validate: validateConfigMap,
  validateUpdate: (obj, old) => [...immutableCauses(obj, old, ['data', 'binaryData']), ...validateConfigMap(obj)],
  table: {
    columns: [NAME_COLUMN, column('Data', 'string', 'Data contains the configuration data.'), AGE_COLUMN],
    cells(obj, now) {
      const cm = asConfigMap(obj);
      const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
      return [cm.metadata.name, count, humanAge(cm.metadata.creationTimestamp, now)];
    },
  },
};
