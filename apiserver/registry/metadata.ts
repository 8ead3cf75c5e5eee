// Object metadata validation: labels, annotations, owners, finalizers
// ===================================================================
// CONCEPT   Whatever the kind, an object's metadata follows the same rules: label keys and values
//           are short qualified names, annotations may be long but not huge, every owner reference
//           names its owner fully. Checking them here keeps every strategy short.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMeta)
// SHIPS     The stamp box on every form: same boxes, same rules, whatever the form is for.
// EXAMPLE   labels { "app": "besu node" }  =>  metadata.labels: Invalid value: "besu node": a valid
//           label must be an empty string or consist of alphanumeric characters, '-', '_' or '.' ...
// SKIPPED   managedFields.

import type { KubeObject, StatusCause } from '../../api/types.ts';
import { validateLabels } from '../../api/labels.ts';
import { isQualifiedName } from '../../api/names.ts';
import { cause, required } from '../status.ts';

const TOTAL_ANNOTATION_BYTES = 256 * 1024;

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

export function validateMetadata(obj: KubeObject): StatusCause[] {
  const meta = obj.metadata;
  const causes: StatusCause[] = [];
  if (meta.labels !== undefined) {
    if (!isStringMap(meta.labels)) causes.push(cause('metadata.labels', 'Invalid value: label values must be strings'));
    else for (const message of validateLabels(meta.labels)) causes.push(cause('metadata.labels', message));
  }
  if (meta.annotations !== undefined) {
    if (!isStringMap(meta.annotations)) causes.push(cause('metadata.annotations', 'Invalid value: annotation values must be strings'));
    else {
      for (const key of Object.keys(meta.annotations)) {
        for (const m of isQualifiedName(key.toLowerCase())) causes.push(cause('metadata.annotations', `Invalid value: "${key}": ${m}`));
      }
      const size = Object.entries(meta.annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (size > TOTAL_ANNOTATION_BYTES) causes.push(cause('metadata.annotations', `Too long: must have at most ${TOTAL_ANNOTATION_BYTES} bytes`, 'FieldValueTooLong'));
    }
  }
  (meta.ownerReferences ?? []).forEach((ref, i) => {
    for (const f of ['apiVersion', 'kind', 'name', 'uid'] as const) {
      if (!ref?.[f]) causes.push(required(`metadata.ownerReferences[${i}].${f}`));
    }
  });
  if ((meta.ownerReferences ?? []).filter((r) => r?.controller).length > 1) {
    causes.push(cause('metadata.ownerReferences', 'Invalid value: only one reference can have Controller set to true'));
  }
  (meta.finalizers ?? []).forEach((f, i) => {
    for (const m of isQualifiedName(String(f))) causes.push(cause(`metadata.finalizers[${i}]`, `Invalid value: "${f}": ${m}`));
  });
  return causes;
}
