// kube-apiserver integration: ClusterIPs and NodePorts
// ====================================================
// CONCEPT   A Service gets a ClusterIP from the service range and, for type NodePort, a port from
//           30000-32767. The allocators never hand the same one out twice, not even to 20
//           concurrent creates; an address asked for explicitly must be free and in range; an
//           update that leaves them out (as kubectl apply does) keeps them; a delete frees them.
// REAL K8S  test/integration/servicenodeport/, pkg/registry/core/service/ipallocator/,
//           pkg/registry/core/service/portallocator/
// SHIPS     The harbour office hands out berth numbers, and never the same one twice.
// EXAMPLE   POST services {type: NodePort}  =>  spec.clusterIP "127.96.1.17", ports[0].nodePort 31234
// SKIPPED   Dual-stack services, LoadBalancer addresses (the service-lb controller's job).

import { describe, expect, it } from 'vitest';
import { type Obj, useApiServer } from '../helpers/apiserver-http.ts';

const { api, ok } = useApiServer({ serviceClusterIPRange: '127.96.1.0/24' });

describe('services', () => {
  const path = '/api/v1/namespaces/default/services';
  const nodePortService = (name: string, nodePort?: number): Obj => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 8545, ...(nodePort ? { nodePort } : {}) }] },
  });
  const inRange = (ip: string) => /^127\.96\.1\.(\d+)$/.test(ip) && Number(ip.split('.')[3]) >= 1 && Number(ip.split('.')[3]) <= 254;

  it('gives a ClusterIP service an address from the service range and defaults its ports', async () => {
    const svc = await ok('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { selector: { app: 'besu' }, ports: [{ port: 8545 }] } });
    expect(inRange(svc.spec.clusterIP)).toBe(true);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports[0]).toEqual({ port: 8545, targetPort: 8545, protocol: 'TCP' });
    await ok('DELETE', `${path}/plain`);
  });

  it('hands 20 concurrent NodePort services distinct ports and addresses', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => ok('POST', path, nodePortService(`np-${i}`))));
    const ports = created.map((s) => s.spec.ports[0].nodePort as number);
    const ips = created.map((s) => s.spec.clusterIP as string);
    expect(new Set(ports).size).toBe(20);
    expect(new Set(ips).size).toBe(20);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(30000), expect(port).toBeLessThanOrEqual(32767);
    for (const ip of ips) expect(inRange(ip)).toBe(true);

    // A port or address in use cannot be asked for again...
    const taken = await api('POST', path, nodePortService('np-clash', ports[0]));
    expect(taken.status).toBe(422);
    expect(taken.body).toMatchObject({ reason: 'Invalid' });
    expect(taken.body.message).toContain('already allocated');
    const ipClash = await api('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ip-clash' }, spec: { clusterIP: ips[0], ports: [{ port: 80 }] } });
    expect(ipClash.status).toBe(422);

    // ...until the service holding it is deleted.
    await ok('DELETE', `${path}/np-0`);
    const reused = await ok('POST', path, nodePortService('np-reuse', ports[0]));
    expect(reused.spec.ports[0].nodePort).toBe(ports[0]);
    const reusedIp = await ok('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ip-reuse' }, spec: { clusterIP: ips[0], ports: [{ port: 80 }] } });
    expect(reusedIp.spec.clusterIP).toBe(ips[0]);

    for (const name of ['np-reuse', 'ip-reuse', ...created.slice(1).map((s) => s.metadata.name)]) await ok('DELETE', `${path}/${name}`);
  });

  it('refuses a ClusterIP outside the range and keeps the address on update', async () => {
    const outside = await api('POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'outside' }, spec: { clusterIP: '10.0.0.1', ports: [{ port: 80 }] } });
    expect(outside.status).toBe(422);
    expect(outside.body.details.causes[0].field).toBe('spec.clusterIPs[0]');

    const svc = await ok('POST', path, nodePortService('keep'));
    // An update that leaves clusterIP and nodePort out (as `kubectl apply` does) keeps them.
    const body = { ...svc, spec: { ...svc.spec, clusterIP: undefined, clusterIPs: undefined, ports: [{ port: 8545 }] } };
    const after = await ok('PUT', `${path}/keep`, body);
    expect(after.spec.clusterIP).toBe(svc.spec.clusterIP);
    expect(after.spec.ports[0].nodePort).toBe(svc.spec.ports[0].nodePort);
    await ok('DELETE', `${path}/keep`);
  });
});
