// Answering: JSON objects, or the Table that `kubectl get` prints
// ===============================================================
// CONCEPT   kubectl does not know how to print a Pod; the server does. `kubectl get` asks with
//             Accept: application/json;as=Table;v=v1;g=meta.k8s.io, application/json
//           and the apiserver answers a meta.k8s.io/v1 Table: column definitions plus one row of
//           cells per object. Columns with priority 1 appear only under `-o wide`. Each row carries
//           the object's metadata (includeObject=Metadata, the default) so kubectl can name it.
// REAL K8S  staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go (transformResponseObject),
//           apiserver/pkg/registry/rest/table.go, pkg/printers/tablegenerator.go
// SHIPS     The harbour board: the same records, chalked up in columns anyone can read.
// EXAMPLE   Accept: application/json;as=Table;g=meta.k8s.io;v=v1
//           => { kind: "Table", columnDefinitions: [Name, Ready, Status, ...], rows: [{ cells: [...] }] }
// SKIPPED   Protobuf; column definitions per API version.

import type { KubeObject, Table, TableRow } from '../../api/types.ts';
import type { ResourceDef } from '../registry/strategy.ts';
import { failure } from '../status.ts';

export type OutputFormat = { as: 'object' } | { as: 'table'; version: string; include: 'None' | 'Metadata' | 'Object' } | { as: 'metadata'; version: string };

/** Reads the Accept header (and includeObject) the way the apiserver's negotiation does. */
export function outputFormat(accept: string | undefined, includeObject?: string): OutputFormat {
  if (!accept) return { as: 'object' };
  let sawJson = false;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim())));
    if (type === 'application/json' || type === 'application/*' || type === '*/*') {
      if (!p.as) sawJson = true;
      if (p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) {
        const include = includeObject === 'None' || includeObject === 'Object' ? includeObject : 'Metadata';
        return { as: 'table', version: p.v, include };
      }
      if ((p.as === 'PartialObjectMetadataList' || p.as === 'PartialObjectMetadata') && p.g === 'meta.k8s.io') {
        return { as: 'metadata', version: p.v ?? 'v1' };
      }
    }
    if (type === 'application/yaml' || type === 'application/vnd.kubernetes.protobuf') continue;
  }
  if (!sawJson && !/application\/json|\*\/\*|application\/\*/.test(accept)) {
    throw failure(406, 'NotAcceptable', `only application/json is served here; the Accept header asked for "${accept}"`);
  }
  return { as: 'object' };
}

function partial(obj: KubeObject, version: string) {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** One table row for one object, with the object embedded as includeObject asks. */
export function tableRow(def: ResourceDef, obj: KubeObject, format: Extract<OutputFormat, { as: 'table' }>, now: number): TableRow {
  const row: TableRow = { cells: def.strategy.table.cells(obj, now) };
  if (format.include === 'Object') row.object = obj;
  else if (format.include === 'Metadata') row.object = partial(obj, format.version);
  return row;
}

/** A whole Table: columns, then a row per object. `withColumns` is false for later watch events. */
export function toTable(def: ResourceDef, objects: KubeObject[], format: Extract<OutputFormat, { as: 'table' }>, resourceVersion?: string, withColumns = true): Table {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${format.version}` as 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: withColumns ? def.strategy.table.columns : [],
    rows: objects.map((o) => tableRow(def, o, format, now)),
  };
}

/** Shapes a single object for the format the client asked for. */
export function render(def: ResourceDef, obj: KubeObject, format: OutputFormat): unknown {
  if (format.as === 'table') return toTable(def, [obj], format, obj.metadata.resourceVersion);
  if (format.as === 'metadata') return partial(obj, format.version);
  return obj;
}

/** What a list carries besides its items: a page's continue token and the count left after it. */
export interface ListMeta {
  continue?: string;
  remainingItemCount?: number;
}

/** Shapes a list for the format the client asked for. */
export function renderList(def: ResourceDef, items: KubeObject[], revision: number, format: OutputFormat, page: ListMeta = {}): unknown {
  const resourceVersion = String(revision);
  const metadata = { resourceVersion, ...(page.continue ? { continue: page.continue } : {}), ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}) };
  if (format.as === 'table') return { ...toTable(def, items, format, resourceVersion), metadata };
  if (format.as === 'metadata') {
    return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${format.version}`, metadata, items: items.map((o) => partial(o, format.version)) };
  }
  const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
  return { kind: `${def.kind}List`, apiVersion, metadata, items };
}
