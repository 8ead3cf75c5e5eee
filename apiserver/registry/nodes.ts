// Nodes and namespaces: the ships and the berths
// ==============================================
// CONCEPT   A Node is registered by its kubelet and describes one machine: capacity, conditions,
//           taints, whether it takes new pods. A Namespace is a folder for namespaced objects;
//           deleting one puts it in phase Terminating until everything inside it is gone.
// REAL K8S  pkg/registry/core/node/strategy.go, pkg/registry/core/namespace/strategy.go,
//           pkg/printers/internalversion/printers.go (printNode, printNamespace)
// SHIPS     A Node is a cargo ship's registration papers; a Namespace is a berth in the harbour.
// EXAMPLE   kubectl get nodes  =>  node-1   Ready,SchedulingDisabled   <none>   5m   v1.32.0-harbour
// SKIPPED   Node config sources, namespace finalizers other than "kubernetes".

import type { KubeObject, Namespace, Node } from '../../api/types.ts';
import { cause } from '../status.ts';
import { AGE_COLUMN, column, humanAge, NAME_COLUMN, type Strategy } from './strategy.ts';

const asNode = (obj: KubeObject) => obj as Node;

/**
 * STATUS as printNode prints it: Ready when the Ready condition is True, NotReady when it is False
 * *or Unknown* (a lost node), Unknown only with no Ready condition at all; plus SchedulingDisabled.
 */
export function nodeStatusText(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function roles(node: Node): string {
  const found = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return found.length ? found.sort().join(',') : '<none>';
}

function address(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodeStrategy: Strategy = {
  tracksGeneration: false,
  defaults(obj) {
    const node = asNode(obj);
    node.spec ??= {};
  },
  prepareForUpdate(obj, old) {
    asNode(obj).status = asNode(old).status;
  },
  validate(obj) {
    const node = asNode(obj);
    const causes = [];
    for (const [i, t] of (node.spec?.taints ?? []).entries()) {
      if (!t.key) causes.push(cause(`spec.taints[${i}].key`, 'Required value', 'FieldValueRequired'));
      if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
        causes.push(cause(`spec.taints[${i}].effect`, `Unsupported value: "${t.effect}": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`, 'FieldValueNotSupported'));
      }
    }
    return causes;
  },
  fields: (obj) => ({ 'spec.unschedulable': String(asNode(obj).spec?.unschedulable ?? false) }),
  selectableFields: ['spec.unschedulable'],
  table: {
    columns: [
      NAME_COLUMN,
      column('Status', 'string', 'The status of the node'),
      column('Roles', 'string', 'The roles of the node'),
      AGE_COLUMN,
      column('Version', 'string', 'Kubelet Version reported by the node.'),
      column('Internal-IP', 'string', 'List of internal IPs for the node.', 1),
      column('External-IP', 'string', 'List of external IPs for the node.', 1),
      column('OS-Image', 'string', 'OS image reported by the node.', 1),
      column('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
      column('Container-Runtime', 'string', 'Container runtime reported by the node.', 1),
    ],
    cells(obj, now) {
      const node = asNode(obj);
      const info = node.status?.nodeInfo;
      return [
        node.metadata.name,
        nodeStatusText(node),
        roles(node),
        humanAge(node.metadata.creationTimestamp, now),
        info?.kubeletVersion ?? '',
        address(node, 'InternalIP'),
        address(node, 'ExternalIP'),
        info?.osImage ?? '<unknown>',
        info?.kernelVersion ?? '<unknown>',
        info?.containerRuntimeVersion ?? '<unknown>',
      ];
    },
  },
};

const asNamespace = (obj: KubeObject) => obj as Namespace;

export const namespaceStrategy: Strategy = {
  tracksGeneration: false,
  nameIsLabel: true,
  defaults(obj) {
    const ns = asNamespace(obj);
    ns.spec ??= {};
    ns.spec.finalizers ??= ['kubernetes'];
    // Every namespace carries its own name as a label, so selectors can pick namespaces by name.
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name! };
  },
  prepareForCreate(obj) {
    asNamespace(obj).status = { phase: 'Active' };
  },
  prepareForUpdate(obj, old) {
    asNamespace(obj).status = asNamespace(old).status;
  },
  fields: (obj) => ({ 'status.phase': asNamespace(obj).status?.phase ?? '' }),
  selectableFields: ['status.phase'],
  table: {
    columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
    cells: (obj, now) => [obj.metadata.name, asNamespace(obj).status?.phase ?? 'Active', humanAge(obj.metadata.creationTimestamp, now)],
  },
};
