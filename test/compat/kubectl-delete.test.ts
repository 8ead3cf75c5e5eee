// Compatibility: the real kubectl deletes objects and namespaces
// ==============================================================
// CONCEPT   `kubectl delete` must print what a real cluster makes it print, for a pod, an RC and a
//           Service, and NotFound afterwards; deleting a namespace removes everything in it before
//           the namespace itself goes (kubectl waits for that). The objects to delete are made in
//           setup, with kubectl itself, the way a student would have made them.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/delete/, pkg/controller/namespace/deletion/
// SHIPS     Striking ships off the register, and closing a whole quay with everything moored at it.
// EXAMPLE   kubectl delete pod besu-0  =>  'pod "besu-0" deleted'
// SKIPPED   --cascade=orphan and foreground deletion (no garbage collector options here).

import { describe, expect, it } from 'vitest';
import { podYaml, rcYaml, serviceYaml, skipKubectl, useKubectl } from '../helpers/kubectl.ts';

describe.skipIf(skipKubectl)('the real kubectl', () => {
  const { kubectl, ok, manifest, api } = useKubectl({
    serviceClusterIPRange: '127.96.69.0/24',
    // What the tests delete: a pod, an rc and a service, made with kubectl as a student would.
    setup: async (k) => {
      await k.ok('create', '-f', k.manifest('besu-0.yaml', podYaml('besu-0')));
      await k.ok('create', '-f', k.manifest('rc.yaml', rcYaml('besu', 3, 'hyperledger/besu:24.2')));
      await k.ok('create', '-f', k.manifest('svc.yaml', serviceYaml('web', 80)));
    },
  });

  it('delete a pod, an rc and a service', async () => {
    expect(await ok('delete', 'pod', 'besu-0')).toBe('pod "besu-0" deleted\n');
    expect(await ok('delete', 'rc', 'besu')).toBe('replicationcontroller "besu" deleted\n');
    expect(await ok('delete', 'svc', 'web')).toBe('service "web" deleted\n');
    for (const [kind, name, plural] of [['pod', 'besu-0', 'pods'], ['rc', 'besu', 'replicationcontrollers'], ['svc', 'web', 'services']]) {
      const gone = await kubectl(['get', kind, name]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`Error from server (NotFound): ${plural} "${name}" not found`);
    }
    const missing = await kubectl(['delete', 'pod', 'besu-0']);
    expect(missing.stderr).toContain('Error from server (NotFound): pods "besu-0" not found');
  });

  it('delete ns removes the namespace and everything in it', async () => {
    await ok('create', '-f', manifest('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: lesson\n'));
    await ok('create', '-n', 'lesson', '-f', manifest('lesson-pod.yaml', podYaml('deckhand')));
    await ok('create', '-n', 'lesson', '-f', manifest('lesson-rc.yaml', rcYaml('crew', 1, 'hyperledger/besu:24.1')));
    await ok('expose', 'rc', 'crew', '-n', 'lesson', '--port=8545', '--name=crew-rpc');
    const all = await ok('get', 'all', '-n', 'lesson');
    expect(all).toMatch(/^pod\/deckhand\s+0\/1\s+Pending/m);
    expect(all).toMatch(/^replicationcontroller\/crew\s+1\s+0\s+0/m);
    expect(all).toMatch(/^service\/crew-rpc\s+ClusterIP\s+127\.96\.69\.\d+\s+<none>\s+8545\/TCP/m);

    expect(await ok('delete', 'ns', 'lesson')).toBe('namespace "lesson" deleted\n');
    const gone = await kubectl(['get', 'ns', 'lesson']);
    expect(gone.stderr).toContain('Error from server (NotFound): namespaces "lesson" not found');
    expect((await kubectl(['get', 'all', '-n', 'lesson'])).stderr).toContain('No resources found in lesson namespace.');
    expect((await api('GET', '/api/v1/namespaces/lesson/pods')).items).toEqual([]);
  });
});
