// The STATUS column of `kubectl get nodes`, as printNode (pkg/printers/internalversion/printers.go)
// words it: a lost node (Ready=Unknown) is NotReady, and "Unknown" means no Ready condition at all.
import { expect, it } from 'vitest';
import type { Node } from '../../api/types.ts';
import { nodeStatusText } from '../../apiserver/registry/nodes.ts';

const node = (ready: string | undefined, unschedulable = false): Node => ({
  metadata: { name: 'n' },
  spec: { unschedulable },
  status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
}) as Node;

it.each([
  ['True', false, 'Ready'],
  ['False', false, 'NotReady'],
  ['Unknown', false, 'NotReady'],
  [undefined, false, 'Unknown'],
  ['True', true, 'Ready,SchedulingDisabled'],
  ['Unknown', true, 'NotReady,SchedulingDisabled'],
])('Ready=%s, cordoned %s => %s', (ready, cordoned, text) => {
  expect(nodeStatusText(node(ready, cordoned))).toBe(text);
});
