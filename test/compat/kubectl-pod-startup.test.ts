// The real kubectl prints what a stuck pod looks like on a real cluster: examples/broken-image.yaml
// applied, a real kubelet runs it, and `kubectl get pods` shows ErrImagePull / ImagePullBackOff for
// the missing tag and Init:0/1 while the init container runs.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { KubeClient } from '../../client/rest.ts';
import { startKubelet, type Kubelet } from '../../kubelet/kubelet.ts';
import { eventually, skipKubectl, useKubectl } from '../helpers/kubectl.ts';

const R = 1 + Math.floor(Math.random() * 250);
const NODE = { name: 'ship-1', ip: `127.0.245.${R}`, podCIDR: `127.245.${R}.0/24` };
let kubelet: Kubelet | undefined;

describe.skipIf(skipKubectl)('kubectl get pods: pods that cannot start yet', () => {
  const k = useKubectl({
    serviceClusterIPRange: `127.96.${R}.0/24`,
    setup: async (s) => {
      kubelet = await startKubelet({ client: new KubeClient({ server: s.cp.url, clock: realClock(0.1) }), nodes: [NODE], port: 0, log: () => {} });
    },
  });
  afterAll(async () => {
    await kubelet?.stop();
  });

  const statusOf = async (name: string) => {
    const out = await k.ok('get', 'pod', name, '--no-headers');
    return out.trim().split(/\s+/)[2];
  };

  it('prints ErrImagePull / ImagePullBackOff and Init:0/1', async () => {
    const manifest = k.manifest('broken.yaml', readFileSync('examples/broken-image.yaml', 'utf8'));
    await k.ok('apply', '-f', manifest);
    await k.bind('besu-typo', NODE.name);
    await k.bind('besu-waits-for-genesis', NODE.name);
    await eventually(async () => expect(await statusOf('besu-waits-for-genesis')).toBe('Init:0/1'));
    const seen = new Set<string>();
    await eventually(async () => {
      seen.add(await statusOf('besu-typo'));
      expect(seen.has('ImagePullBackOff')).toBe(true);
    });
    expect([...seen].every((s) => ['Pending', 'ContainerCreating', 'ErrImagePull', 'ImagePullBackOff'].includes(s))).toBe(true);
    const header = await k.ok('get', 'pods');
    expect(header).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(header).toMatch(/besu-typo\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0\s/);
    const events = await k.ok('get', 'events', '--field-selector', 'involvedObject.name=besu-typo', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}');
    expect(events.split('\n')).toEqual(expect.arrayContaining(['Pulling', 'Failed', 'BackOff']));
    await k.ok('set', 'image', 'pod/besu-typo', 'besu=hyperledger/besu:24.1');
    await eventually(async () => expect(await statusOf('besu-typo')).toBe('Running'));
  });
});
