// The cluster config: defaults, the example file, and errors that name the field (cluster/config.ts),
// plus the preflight checks a newcomer meets first (cluster/preflight.ts).
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { podCIDRFor } from '../../cluster/components.ts';
import { ConfigError, loadClusterConfig, validateClusterConfig, withShipCount } from '../../cluster/config.ts';
import { checkPorts, PreflightError } from '../../cluster/preflight.ts';

const problemsOf = (raw: unknown): string[] => {
  try {
    validateClusterConfig(raw, 'test.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('cluster config', () => {
  it('reads the default example: three ships of growing size on 127.0.10.N', () => {
    const config = loadClusterConfig(resolve(import.meta.dirname, '../../examples/cluster.yaml'));
    expect(config.ships.map((s) => [s.name, s.cpu, s.memory, s.ip])).toEqual([
      ['node-1', '2', '4Gi', '127.0.10.1'],
      ['node-2', '4', '8Gi', '127.0.10.2'],
      ['node-3', '8', '16Gi', '127.0.10.3'],
    ]);
    expect(config.timeScale).toBe(0.1);
    expect(config.ports.apiserver).toBe(6443);
  });

  it('fills in names, pod counts, ports and ranges that are left out', () => {
    const config = validateClusterConfig({ ships: [{ cpu: 2, memory: '4Gi' }] });
    expect(config.ships[0]).toEqual({ name: 'node-1', cpu: '2', memory: '4Gi', pods: 110, ip: '127.0.10.1' });
    expect(config.ports.etcd).toBe(2379);
    expect(config.network.clusterCIDR).toBe('127.244.0.0/16');
  });

  it('names each bad field and says what is allowed, all at once', () => {
    const problems = problemsOf({
      timeScale: -1,
      ports: { apiserver: 70000 },
      ships: [{ cpu: '2', memory: '4Gi' }, { name: 'node-1', cpu: 'lots', memory: '8GB', cpus: 4 }],
    });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^timeScale: must be a number above 0/),
      expect.stringMatching(/^ports\.apiserver: must be a port number 1-65535 \(or 0/),
      expect.stringMatching(/^ships\[1\]\.name: "node-1" is used by two ships/),
      expect.stringMatching(/^ships\[1\]\.cpu: "lots" is not a Kubernetes quantity; use "4" or "2500m"/),
      expect.stringMatching(/^ships\[1\]\.memory: "8GB" is not a Kubernetes quantity \(did you mean 8Gi\?\); use 8Gi or 8192Mi/),
      expect.stringMatching(/^ships\[1\]\.cpus: unknown field; allowed here: name, cpu, memory, pods/),
    ]));
    expect(problems).toHaveLength(6);
  });

  it('requires at least one ship, and addresses inside loopback', () => {
    expect(problemsOf({ ships: [] })).toEqual([expect.stringMatching(/^ships: must be a list of at least one ship/)]);
    expect(problemsOf({ ships: [{ cpu: 1, memory: '1Gi' }], network: { nodeIPPrefix: '10.0.0' } }))
      .toEqual([expect.stringMatching(/^network\.nodeIPPrefix: must be three octets inside 127\.0\.0\.0\/8/)]);
  });

  it('--nodes keeps the first ships and repeats their sizes beyond the list', () => {
    const config = validateClusterConfig({ ships: [{ cpu: 2, memory: '4Gi' }, { cpu: 4, memory: '8Gi' }] });
    const five = withShipCount(config, 5);
    expect(five.ships.map((s) => `${s.name}:${s.cpu}:${s.ip}`)).toEqual([
      'node-1:2:127.0.10.1', 'node-2:4:127.0.10.2', 'node-3:2:127.0.10.3', 'node-4:4:127.0.10.4', 'node-5:2:127.0.10.5',
    ]);
    expect(withShipCount(config, 1).ships).toHaveLength(1);
    expect(() => withShipCount(config, 0)).toThrow(/--nodes: must be a whole number 1-250/);
  });

  it('cuts one /24 per ship out of the cluster CIDR when there is no controller-manager', () => {
    expect(podCIDRFor('127.244.0.0/16', 0)).toBe('127.244.1.0/24');
    expect(podCIDRFor('127.244.0.0/16', 2)).toBe('127.244.3.0/24');
  });
});

describe('preflight', () => {
  it('names the port in use, its component, and the flag and field that change it', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
    const port = (squatter.address() as { port: number }).port;
    const config = validateClusterConfig({ ships: [{ cpu: 1, memory: '1Gi' }], network: { nodeIPPrefix: '127.0.251' } });
    config.ports = { ...config.ports, etcd: 0, etcdPeer: 0, scheduler: 0, kubelet: 0, proxyHealthz: 0, launcher: 0, apiserver: port };
    try {
      const error = await checkPorts(config).then(() => undefined, (e: Error) => e);
      expect(error).toBeInstanceOf(PreflightError);
      expect(error!.message).toContain(`port ${port} on 127.0.0.1 (kube-apiserver) is already in use`);
      expect(error!.message).toContain('--apiserver-port PORT, or set ports.apiserver');
    } finally {
      squatter.close();
    }
  });
});
