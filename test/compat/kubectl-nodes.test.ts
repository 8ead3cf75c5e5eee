// Compatibility: the real kubectl cordons and drains nodes
// ========================================================
// CONCEPT   `kubectl cordon` marks a node unschedulable (a patch to spec.unschedulable) and
//           `kubectl drain` cordons it and then evicts every pod bound to it through the policy/v1
//           Eviction subresource, waiting until each is gone. There is no kubelet here, so the test
//           plays its part: once the eviction marks the pod, it deletes it for good.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/drain/, staging/src/k8s.io/kubectl/pkg/drain/
// SHIPS     A ship closed to new cargo, then emptied container by container before it sails for repair.
// EXAMPLE   kubectl drain node-2 --force  =>  "node/node-2 cordoned ... pod/cargo evicted ... node/node-2 drained"
// SKIPPED   PodDisruptionBudgets (every eviction is allowed), DaemonSets (not served).

import { describe, expect, it } from 'vitest';
import { eventually, nodeBody, podYaml, skipKubectl, useKubectl } from '../helpers/kubectl.ts';

describe.skipIf(skipKubectl)('the real kubectl', () => {
  const { ok, manifest, api, getPod, bind, background } = useKubectl({ serviceClusterIPRange: '127.96.68.0/24' });

  it('cordon and uncordon a node', async () => {
    await api('POST', '/api/v1/nodes', nodeBody('node-1'));
    expect(await ok('get', 'nodes')).toMatch(/^node-1\s+Ready\s+<none>\s+\d+s\s*/m);

    expect(await ok('cordon', 'node-1')).toBe('node/node-1 cordoned\n');
    expect(await ok('get', 'nodes')).toMatch(/^node-1\s+Ready,SchedulingDisabled\s+<none>\s+\d+s/m);
    expect((await api('GET', '/api/v1/nodes/node-1')).spec.unschedulable).toBe(true);
    expect(await ok('cordon', 'node-1')).toBe('node/node-1 already cordoned\n');

    expect(await ok('uncordon', 'node-1')).toBe('node/node-1 uncordoned\n');
    expect(await ok('get', 'nodes', 'node-1')).toMatch(/^node-1\s+Ready\s+<none>\s+\d+s/m);
    expect((await api('GET', '/api/v1/nodes/node-1')).spec.unschedulable).toBeFalsy();
  });

  it('drain evicts the pods bound to a node', async () => {
    await api('POST', '/api/v1/nodes', nodeBody('node-2'));
    await ok('create', '-f', manifest('cargo.yaml', podYaml('cargo')));
    await bind('cargo', 'node-2');
    await ok('create', '-f', manifest('elsewhere.yaml', podYaml('elsewhere')));
    await bind('elsewhere', 'node-1');

    const drain = background(['drain', 'node-2', '--force', '--timeout=40s']);
    // Play the kubelet: once the eviction marks the pod, stop it and delete it for good.
    await eventually(async () => expect((await getPod('cargo')).metadata.deletionTimestamp).toEqual(expect.any(String)), 20_000);
    await api('DELETE', '/api/v1/namespaces/default/pods/cargo?gracePeriodSeconds=0');
    const code = await drain.exited;
    const out = drain.output();
    expect(code, out).toBe(0);
    expect(out).toContain('node/node-2 cordoned');
    expect(out).toContain('evicting pod default/cargo');
    expect(out).toContain('pod/cargo evicted');
    expect(out).toContain('node/node-2 drained');
    expect(out).not.toContain('elsewhere');
    expect(await ok('get', 'node', 'node-2')).toMatch(/^node-2\s+Ready,SchedulingDisabled/m);
    expect((await getPod('elsewhere')).metadata.deletionTimestamp).toBeUndefined();
    await api('DELETE', '/api/v1/namespaces/default/pods/elsewhere?gracePeriodSeconds=0');
  });
});
