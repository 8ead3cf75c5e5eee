// Strategic merge patch: what kubectl apply, cordon, label and the kubelet send, per kind.
import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../apiserver/patch/strategic-merge-patch.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

interface Case {
  name: string;
  kind: string;
  original: object;
  patch: object;
  want: object;
}

const twoContainers = {
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'besu', tier: 'web' } },
  spec: {
    containers: [
      { name: 'a', image: 'besu:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 8545 }] },
      { name: 'b', image: 'old' },
    ],
  },
};

const cases: Case[] = [
  {
    name: 'cordons a node, keeping the rest of its spec',
    kind: 'Node',
    original: { kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '127.244.1.0/24' } },
    patch: { spec: { unschedulable: true } },
    want: { kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '127.244.1.0/24', unschedulable: true } },
  },
  {
    name: 'uncordons a node by deleting unschedulable with null',
    kind: 'Node',
    original: { metadata: { name: 'n1' }, spec: { unschedulable: true, podCIDR: '127.244.1.0/24' } },
    patch: { spec: { unschedulable: null } },
    want: { metadata: { name: 'n1' }, spec: { podCIDR: '127.244.1.0/24' } },
  },
  {
    name: "changes one container's image as kubectl apply sends it, leaving the other untouched",
    kind: 'Pod',
    original: twoContainers,
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ image: 'new', name: 'b' }] } },
    want: { ...twoContainers, spec: { containers: [twoContainers.spec.containers[0], { name: 'b', image: 'new' }] } },
  },
  {
    name: 'deletes a label with null and keeps the others',
    kind: 'Pod',
    original: twoContainers,
    patch: { metadata: { labels: { tier: null } } },
    want: { ...twoContainers, metadata: { name: 'p', labels: { app: 'besu' } } },
  },
  {
    name: 'adds a label as kubectl label does',
    kind: 'Pod',
    original: twoContainers,
    patch: { metadata: { labels: { zone: 'a' } } },
    want: { ...twoContainers, metadata: { name: 'p', labels: { app: 'besu', tier: 'web', zone: 'a' } } },
  },
  {
    name: 'deletes a container with $patch: delete',
    kind: 'Pod',
    original: twoContainers,
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ $patch: 'delete', name: 'b' }] } },
    want: { ...twoContainers, spec: { containers: [twoContainers.spec.containers[0]] } },
  },
  {
    name: 'replaces the containers list with $patch: replace',
    kind: 'Pod',
    original: twoContainers,
    patch: { spec: { containers: [{ name: 'c', image: 'c:1' }, { $patch: 'replace' }] } },
    want: { ...twoContainers, spec: { containers: [{ name: 'c', image: 'c:1' }] } },
  },
  {
    name: 'merges env by name inside the matching container',
    kind: 'Pod',
    original: twoContainers,
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }, { name: 'X', value: '9' }] }] } },
    want: {
      ...twoContainers,
      spec: {
        containers: [
          { ...twoContainers.spec.containers[0], env: [{ name: 'Y', value: '2' }, { name: 'X', value: '9' }] },
          twoContainers.spec.containers[1],
        ],
      },
    },
  },
  {
    name: 'merges container ports by containerPort',
    kind: 'Pod',
    original: twoContainers,
    patch: {
      spec: {
        containers: [
          {
            name: 'a',
            '$setElementOrder/ports': [{ containerPort: 8545 }, { containerPort: 9545 }],
            ports: [{ containerPort: 8545, name: 'rpc' }, { containerPort: 9545, name: 'metrics' }],
          },
        ],
      },
    },
    want: {
      ...twoContainers,
      spec: {
        containers: [
          { ...twoContainers.spec.containers[0], ports: [{ containerPort: 8545, name: 'rpc' }, { containerPort: 9545, name: 'metrics' }] },
          twoContainers.spec.containers[1],
        ],
      },
    },
  },
  {
    name: 'replaces the whole tolerations list when one toleration is added',
    kind: 'Pod',
    original: { spec: { tolerations: [{ key: 'a', operator: 'Exists' }] } },
    patch: { spec: { tolerations: [{ key: 'b', operator: 'Exists', effect: 'NoSchedule' }] } },
    want: { spec: { tolerations: [{ key: 'b', operator: 'Exists', effect: 'NoSchedule' }] } },
  },
  {
    name: 'takes the union of finalizers, new ones first as Go orders them',
    kind: 'Pod',
    original: { metadata: { name: 'p', finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c', 'a'] } },
    want: { metadata: { name: 'p', finalizers: ['c', 'a', 'b'] } },
  },
  {
    name: 'removes a finalizer with $deleteFromPrimitiveList',
    kind: 'Namespace',
    original: { metadata: { name: 'ns', finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: { metadata: { name: 'ns', finalizers: ['a', 'c'] } },
  },
  {
    name: 'adds and removes finalizers in the order kubectl apply asks for',
    kind: 'Pod',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['a', 'c'], '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['c'] } },
    want: { metadata: { finalizers: ['a', 'c'] } },
  },
  {
    name: 'merges ownerReferences by uid',
    kind: 'Pod',
    original: { metadata: { ownerReferences: [{ uid: 'u1', kind: 'ReplicationController', name: 'rc' }] } },
    patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }, { uid: 'u2', kind: 'Node', name: 'n' }] } },
    want: {
      metadata: {
        ownerReferences: [
          { uid: 'u1', kind: 'ReplicationController', name: 'rc', controller: true },
          { uid: 'u2', kind: 'Node', name: 'n' },
        ],
      },
    },
  },
  {
    name: "merges a node's status conditions by type, as a kubelet heartbeat does",
    kind: 'Node',
    original: {
      status: {
        conditions: [{ type: 'Ready', status: 'False' }, { type: 'MemoryPressure', status: 'False' }],
        addresses: [{ type: 'InternalIP', address: '127.0.10.1' }],
      },
    },
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'Hostname', address: 'n1' }] } },
    want: {
      status: {
        conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }],
        addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '127.0.10.1' }],
      },
    },
  },
  {
    name: 'replaces taints whole, since they carry no merge strategy',
    kind: 'Node',
    original: { spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] } },
    patch: { spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] } },
    want: { spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] } },
  },
  {
    name: 'merges pod conditions by type and replaces containerStatuses',
    kind: 'Pod',
    original: { status: { conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [{ name: 'a' }, { name: 'b' }] } },
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'a', ready: true }] } },
    want: {
      status: {
        conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
        containerStatuses: [{ name: 'a', ready: true }],
      },
    },
  },
  {
    name: "merges containers inside a replication controller's pod template",
    kind: 'ReplicationController',
    original: { spec: { replicas: 2, template: { metadata: { labels: { app: 'besu' } }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } },
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'x2' }] } } } },
    want: { spec: { replicas: 2, template: { metadata: { labels: { app: 'besu' } }, spec: { containers: [{ name: 'a', image: 'x2' }, { name: 'b', image: 'y' }] } } } },
  },
  {
    name: 'merges service ports by port',
    kind: 'Service',
    original: { spec: { ports: [{ port: 8545, name: 'rpc' }, { port: 9545, name: 'metrics' }] } },
    patch: { spec: { ports: [{ port: 8545, nodePort: 30545 }] } },
    want: { spec: { ports: [{ port: 8545, name: 'rpc', nodePort: 30545 }, { port: 9545, name: 'metrics' }] } },
  },
  {
    name: 'replaces endpoint subsets whole',
    kind: 'Endpoints',
    original: { subsets: [{ addresses: [{ ip: '127.244.1.2' }] }] },
    patch: { subsets: [{ addresses: [{ ip: '127.244.1.3' }] }] },
    want: { subsets: [{ addresses: [{ ip: '127.244.1.3' }] }] },
  },
  {
    name: 'treats an unknown kind generically: lists replace, finalizers still merge',
    kind: 'Widget',
    original: { metadata: { finalizers: ['a'] }, spec: { items: [{ name: 'a' }], size: { w: 1 } } },
    patch: { metadata: { finalizers: ['b'] }, spec: { items: [{ name: 'b' }], size: { h: 2 } } },
    want: { metadata: { finalizers: ['b', 'a'] }, spec: { items: [{ name: 'b' }], size: { w: 1, h: 2 } } },
  },
];

describe('applyStrategicMergePatch: what clients send', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(applyStrategicMergePatch(deepFreeze(c.original), deepFreeze(c.patch), c.kind)).toEqual(c.want);
    });
  }
});
