// Patch metadata: which lists merge, and by which key
// ===================================================
// CONCEPT   A strategic merge patch needs to know, for every list in an object, whether to merge
//           it element by element (and which field identifies an element) or to replace it whole.
//           Go reads that from struct tags; we write the same facts down as a table per kind.
// REAL K8S  The `patchStrategy:"merge" patchMergeKey:"name"` tags in
//           staging/src/k8s.io/api/core/v1/types.go, api/apps/v1/types.go and
//           staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go (v1.32), read by
//           apimachinery/third_party/forked/golang/json (LookupPatchMetadata).
// SHIPS     The harbour's filing rules: containers on a manifest are filed by name, ports by number.
// EXAMPLE   patchMetaForKind("Pod").spec.fields.containers
//             => { patchStrategy: "merge", patchMergeKey: "name", fields: { env: ..., ports: ... } }
// SKIPPED   fields our kinds never carry (ephemeral volume claims, DRA resource claim statuses).

/**
 * How one field takes a strategic merge patch: the Go struct tag, written as data.
 * A field without an entry (or without `patchStrategy`) gets the default: a list is replaced
 * whole, a map is merged key by key, a scalar is overwritten.
 */
export interface FieldPatchMeta {
  /**
   * `merge`: merge a list element by element (by `patchMergeKey` for lists of objects, by value
   * for lists of strings, which take the union). `replace`: replace even a map whole.
   * @default undefined (lists replace, maps merge)
   */
  readonly patchStrategy?: 'merge' | 'replace';
  /** The field that identifies an element of a merging list of objects, e.g. "name" for containers. */
  readonly patchMergeKey?: string;
  /**
   * The `retainKeys` strategy: the patch may carry `$retainKeys` listing the only fields to keep
   * (for PodSpec.volumes, so switching a volume from emptyDir to hostPath drops emptyDir).
   * @default false
   */
  readonly retainKeys?: boolean;
  /** The fields of the struct inside: of the map itself, or of each element of a list. */
  readonly fields?: StructPatchMeta;
}

/** The patch metadata of one Go struct: field JSON name => how that field merges. */
export type StructPatchMeta = { readonly [jsonField: string]: FieldPatchMeta };

// ## ObjectMeta (meta/v1 types.go), shared by every kind
// Finalizers is a list of strings with strategy merge: a patch adds to the set, never replaces it.
const objectMeta: StructPatchMeta = {
  ownerReferences: { patchStrategy: 'merge', patchMergeKey: 'uid' },
  finalizers: { patchStrategy: 'merge' },
};

// ## Container: ports by containerPort, env by name, volumeMounts by mountPath
const container: StructPatchMeta = {
  ports: { patchStrategy: 'merge', patchMergeKey: 'containerPort' },
  env: { patchStrategy: 'merge', patchMergeKey: 'name' },
  volumeMounts: { patchStrategy: 'merge', patchMergeKey: 'mountPath' },
  volumeDevices: { patchStrategy: 'merge', patchMergeKey: 'devicePath' },
};

// ## PodSpec
// Note what is NOT here: `tolerations` carries no strategy tag in types.go, so a patch that
// adds one toleration replaces the whole tolerations list (kubectl apply sends the full list).
const podSpec: StructPatchMeta = {
  volumes: { patchStrategy: 'merge', patchMergeKey: 'name', retainKeys: true },
  initContainers: { patchStrategy: 'merge', patchMergeKey: 'name', fields: container },
  containers: { patchStrategy: 'merge', patchMergeKey: 'name', fields: container },
  ephemeralContainers: { patchStrategy: 'merge', patchMergeKey: 'name', fields: container },
  imagePullSecrets: { patchStrategy: 'merge', patchMergeKey: 'name' },
  hostAliases: { patchStrategy: 'merge', patchMergeKey: 'ip' },
  topologySpreadConstraints: { patchStrategy: 'merge', patchMergeKey: 'topologyKey' },
  schedulingGates: { patchStrategy: 'merge', patchMergeKey: 'name' },
  resourceClaims: { patchStrategy: 'merge', patchMergeKey: 'name', retainKeys: true },
};

// ## PodStatus: conditions by type, pod and host IPs by ip.
// containerStatuses has no tag: the kubelet always sends the whole list.
const podStatus: StructPatchMeta = {
  conditions: { patchStrategy: 'merge', patchMergeKey: 'type' },
  podIPs: { patchStrategy: 'merge', patchMergeKey: 'ip' },
  hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip' },
};

/** A PodTemplateSpec: what a ReplicationController stamps pods from. */
const podTemplateSpec: FieldPatchMeta = { fields: { metadata: { fields: objectMeta }, spec: { fields: podSpec } } };

// ## Node: taints carry no tag (replace); podCIDRs is a merging list of strings.
const nodeSpec: StructPatchMeta = { podCIDRs: { patchStrategy: 'merge' } };
const nodeStatus: StructPatchMeta = {
  conditions: { patchStrategy: 'merge', patchMergeKey: 'type' },
  addresses: { patchStrategy: 'merge', patchMergeKey: 'type' },
};

/** Conditions merged by type: the status shape of RCs, Namespaces and Services. */
const conditionsByType: StructPatchMeta = { conditions: { patchStrategy: 'merge', patchMergeKey: 'type' } };

/** Builds a kind's top-level table: metadata always, plus the kind's own fields. */
function kind(fields: StructPatchMeta = {}): StructPatchMeta {
  return { metadata: { fields: objectMeta }, ...fields };
}

// ## The table, per built-in kind
// Endpoints' subsets, Event and Lease carry no tags at all: only their metadata merges lists.
// Namespace.spec.finalizers has no tag either (unlike metadata.finalizers), so it replaces.
const PATCH_META: Readonly<Record<string, StructPatchMeta>> = {
  Pod: kind({ spec: { fields: podSpec }, status: { fields: podStatus } }),
  Node: kind({ spec: { fields: nodeSpec }, status: { fields: nodeStatus } }),
  ReplicationController: kind({
    spec: { fields: { template: podTemplateSpec } },
    status: { fields: conditionsByType },
  }),
  Service: kind({
    spec: { fields: { ports: { patchStrategy: 'merge', patchMergeKey: 'port' } } },
    status: { fields: conditionsByType },
  }),
  Endpoints: kind(),
  Namespace: kind({ status: { fields: conditionsByType } }),
  Event: kind(),
  Lease: kind(),
  // Flat maps of user keys, no lists: the defaults (maps merge key by key) are all they need.
  ConfigMap: kind(),
  Secret: kind(),
  // apps/v1: the template merges like an RC's; `strategy` carries retainKeys, so `kubectl apply`
  // switching RollingUpdate to Recreate can drop the rollingUpdate block in the same patch.
  Deployment: kind({
    spec: { fields: { template: podTemplateSpec, strategy: { retainKeys: true } } },
    status: { fields: conditionsByType },
  }),
  ReplicaSet: kind({
    spec: { fields: { template: podTemplateSpec } },
    status: { fields: conditionsByType },
  }),
  // batch/v1 (api/batch/v1/types.go): JobStatus.conditions merges by type; podFailurePolicy.rules is atomic.
  Job: kind({
    spec: { fields: { template: podTemplateSpec } },
    status: { fields: conditionsByType },
  }),
};

/** What we use for a kind with no table: ObjectMeta's tags, and the defaults everywhere else. */
export const GENERIC_OBJECT_PATCH_META: StructPatchMeta = kind();

/**
 * The strategic-merge-patch table of a built-in kind ("Pod", "Node", "ReplicationController",
 * "Service", "Endpoints", "Namespace", "Event", "Lease", "ConfigMap", "Secret", "Deployment", "ReplicaSet", "Job"), or undefined for a kind we have no Go
 * struct for. The real apiserver refuses strategic merge patches for such kinds (custom resources)
 * with 415 UnsupportedMediaType; the caller decides, and may fall back to GENERIC_OBJECT_PATCH_META.
 */
export function patchMetaForKind(kindName: string): StructPatchMeta | undefined {
  return Object.hasOwn(PATCH_META, kindName) ? PATCH_META[kindName] : undefined;
}
