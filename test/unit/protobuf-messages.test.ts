// Field tables: hand-built protobuf bodies decode into the JSON the API would have received.
// Each fixture is written field by field, numbered as in the real generated.proto files.
import { describe, expect, it } from 'vitest';
import { decodeProtobuf, ProtobufError, UnsupportedKindError } from '../../apiserver/protobuf/decode.ts';
import { cat, envelope, fixed32, fixed64, intOrString, map, msg, num, packed, quantityEntry, str, time } from '../helpers/protobuf-writer.ts';

/** ObjectMeta{ name } plus whatever else a test adds. */
const meta = (name: string, ...more: Uint8Array[]) => msg(1, str(1, name), ...more);

// gogo writes every non-pointer field, so real bodies carry empty strings and zeros.
const zeroMeta = cat(str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), num(7, 0), msg(8));

describe('metadata (meta/v1 ObjectMeta)', () => {
  it('decodes labels and annotations maps, finalizers, owner references and timestamps', () => {
    const body = envelope('v1', 'Namespace', meta('lesson',
      str(3, ''),
      time(8, '2024-05-01T10:00:00Z'),
      num(10, 30),
      map(11, 'app', 'besu'),
      map(11, 'tier', 'rpc'),
      map(12, 'note', 'hello'),
      msg(13, str(5, 'v1'), str(1, 'ReplicationController'), str(3, 'crew'), str(4, 'uid-1'), num(6, true), num(7, false)),
      str(14, 'kubernetes'),
      str(14, 'example.com/keep'),
    ));
    expect(decodeProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'lesson',
        creationTimestamp: '2024-05-01T10:00:00Z',
        deletionGracePeriodSeconds: 30,
        labels: { app: 'besu', tier: 'rpc' },
        annotations: { note: 'hello' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'crew', uid: 'uid-1', controller: true, blockOwnerDeletion: false }],
        finalizers: ['kubernetes', 'example.com/keep'],
      },
    });
  });

  it('drops zero values of plain fields, as JSON omitempty does', () => {
    const got = decodeProtobuf(envelope('v1', 'Namespace', meta('quiet', zeroMeta)));
    expect(got).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quiet' } });
  });

  it('decodes managedFields with their embedded JSON', () => {
    const entry = msg(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), str(6, 'FieldsV1'), msg(7, str(1, '{"f:spec":{}}')));
    const got = decodeProtobuf(envelope('v1', 'Namespace', meta('x', entry))) as { metadata: unknown };
    expect(got.metadata).toEqual({ name: 'x', managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }] });
  });
});

describe('Service', () => {
  it('decodes ports with int and named targetPorts, selector and type', () => {
    const spec = msg(2,
      msg(1, str(1, 'rpc'), str(2, 'TCP'), num(3, 8545), intOrString(4, 8545), num(5, 30545)),
      msg(1, str(1, 'ws'), str(2, 'TCP'), num(3, 8546), intOrString(4, 'ws')),
      map(2, 'app', 'besu'),
      str(4, 'NodePort'),
      str(3, ''),
      num(12, 0),
      num(13, false),
    );
    expect(decodeProtobuf(envelope('v1', 'Service', cat(meta('besu'), spec)))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'besu' },
      spec: {
        ports: [
          { name: 'rpc', protocol: 'TCP', port: 8545, targetPort: 8545, nodePort: 30545 },
          { name: 'ws', protocol: 'TCP', port: 8546, targetPort: 'ws' },
        ],
        selector: { app: 'besu' },
        type: 'NodePort',
      },
    });
  });

  it('leaves a zero targetPort out, so the server defaults it to the port', () => {
    const spec = msg(2, msg(1, num(3, 80), intOrString(4, 0), num(5, 0)));
    const got = decodeProtobuf(envelope('v1', 'Service', cat(meta('web'), spec))) as { spec: unknown };
    expect(got.spec).toEqual({ ports: [{ port: 80 }] });
  });
});

describe('Pod', () => {
  const container = msg(2,
    str(1, 'besu'),
    str(2, 'hyperledger/besu:24.1'),
    str(4, '--rpc-http-enabled'),
    msg(6, str(1, 'rpc'), num(3, 8545), str(4, 'TCP')),
    msg(7, str(1, 'NETWORK'), str(2, 'dev')),
    msg(7, str(1, 'POD'), msg(3, msg(1, str(2, 'metadata.name')))),
    msg(7, str(1, 'KEY'), msg(3, msg(4, msg(1, str(1, 'keys')), str(2, 'node'), num(3, false)))),
    msg(8, quantityEntry(1, 'cpu', '1'), quantityEntry(2, 'cpu', '500m'), quantityEntry(2, 'memory', '1Gi')),
    msg(11, msg(1, msg(2, str(1, '/liveness'), intOrString(2, 'rpc'))), num(4, 5), num(6, 3)),
    msg(10, msg(1, msg(3, intOrString(1, 8545))), num(2, 10)),
    msg(15, num(2, false), num(4, 1000)),
  );

  it('decodes containers: ports, env (value, fieldRef, secretKeyRef), resources and probes', () => {
    const got = decodeProtobuf(envelope('v1', 'Pod', cat(meta('besu-0'), msg(2, container)))) as { spec: { containers: unknown[] } };
    expect(got.spec.containers[0]).toEqual({
      name: 'besu',
      image: 'hyperledger/besu:24.1',
      args: ['--rpc-http-enabled'],
      ports: [{ name: 'rpc', containerPort: 8545, protocol: 'TCP' }],
      env: [
        { name: 'NETWORK', value: 'dev' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        // SecretKeySelector inlines LocalObjectReference, and `optional` is a *bool: false is kept.
        { name: 'KEY', valueFrom: { secretKeyRef: { name: 'keys', key: 'node', optional: false } } },
      ],
      resources: { limits: { cpu: '1' }, requests: { cpu: '500m', memory: '1Gi' } },
      // Probe inlines ProbeHandler: httpGet sits beside periodSeconds.
      readinessProbe: { httpGet: { path: '/liveness', port: 'rpc' }, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: 8545 }, initialDelaySeconds: 10 },
      securityContext: { privileged: false, runAsUser: 1000 },
    });
  });

  it('decodes tolerations, nodeSelector and pointer fields set to zero', () => {
    const spec = msg(2,
      container,
      num(4, 0),
      map(7, 'disk', 'ssd'),
      msg(22, str(1, 'dedicated'), str(2, 'Equal'), str(3, 'besu'), str(4, 'NoExecute'), num(5, 30)),
      msg(22, str(2, 'Exists')),
      num(25, 0),
      num(11, false),
    );
    const got = decodeProtobuf(envelope('v1', 'Pod', cat(meta('besu-0'), spec))) as { spec: Record<string, unknown> };
    expect(got.spec.terminationGracePeriodSeconds).toBe(0);
    expect(got.spec.priority).toBe(0);
    expect(got.spec).not.toHaveProperty('hostNetwork');
    expect(got.spec.nodeSelector).toEqual({ disk: 'ssd' });
    expect(got.spec.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'besu', effect: 'NoExecute', tolerationSeconds: 30 },
      { operator: 'Exists' },
    ]);
  });

  it('decodes volumes with their source inlined, and packed supplementalGroups', () => {
    const spec = msg(2,
      msg(1, str(1, 'data'), msg(2, msg(2, str(1, ''), msg(2, str(1, '1Gi'))))),
      msg(1, str(1, 'root'), msg(2, msg(1, str(1, '/')))),
      msg(14, packed(4, [1, 2]), num(5, 2000)),
    );
    const got = decodeProtobuf(envelope('v1', 'Pod', cat(meta('p'), spec))) as { spec: Record<string, unknown> };
    expect(got.spec.volumes).toEqual([{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }, { name: 'root', hostPath: { path: '/' } }]);
    expect(got.spec.securityContext).toEqual({ supplementalGroups: [1, 2], fsGroup: 2000 });
  });
});

describe('ReplicationController', () => {
  it('keeps replicas: 0 (a *int32) but drops minReadySeconds: 0 (an int32)', () => {
    const spec = msg(2, num(1, 0), num(4, 0), map(2, 'app', 'crew'), msg(3, msg(1, map(11, 'app', 'crew')), msg(2, msg(2, str(1, 'c'), str(2, 'nginx')))));
    expect(decodeProtobuf(envelope('v1', 'ReplicationController', cat(meta('crew'), spec)))).toMatchObject({
      spec: {
        replicas: 0,
        selector: { app: 'crew' },
        template: { metadata: { labels: { app: 'crew' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
  });
});

describe('the small kinds', () => {
  it('Node: podCIDR, unschedulable and taints with timeAdded', () => {
    const spec = msg(2, str(1, '10.0.1.0/24'), num(4, true), msg(5, str(1, 'dedicated'), str(2, 'besu'), str(3, 'NoSchedule'), time(4, '2024-05-01T10:00:00Z')));
    expect(decodeProtobuf(envelope('v1', 'Node', cat(meta('node-1'), spec)))).toMatchObject({
      spec: { podCIDR: '10.0.1.0/24', unschedulable: true, taints: [{ key: 'dedicated', value: 'besu', effect: 'NoSchedule', timeAdded: '2024-05-01T10:00:00Z' }] },
    });
  });

  it('Lease: renewTime is a MicroTime with six fraction digits', () => {
    const spec = msg(2, str(1, 'node-1'), num(2, 40), time(4, '2024-05-01T10:00:00Z', 123_456_789), num(5, 0));
    expect(decodeProtobuf(envelope('coordination.k8s.io/v1', 'Lease', cat(meta('node-1'), spec)))).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.123456Z', leaseTransitions: 0 },
    });
  });

  it('Eviction carries DeleteOptions: gracePeriodSeconds 0 is kept, dryRun is a list', () => {
    const options = msg(2, num(1, 0), msg(2, str(1, 'uid-1')), str(4, 'Foreground'), str(5, 'All'));
    expect(decodeProtobuf(envelope('policy/v1', 'Eviction', cat(meta('besu-0', str(3, 'default')), options)))).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'besu-0', namespace: 'default' },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, propagationPolicy: 'Foreground', dryRun: ['All'] },
    });
  });

  it('DeleteOptions on its own, under meta.k8s.io/v1', () => {
    expect(decodeProtobuf(envelope('meta.k8s.io/v1', 'DeleteOptions', cat(num(1, 30), num(3, false))))).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 30,
      orphanDependents: false,
    });
  });

  it('Binding, Scale, Endpoints and Event', () => {
    expect(decodeProtobuf(envelope('v1', 'Binding', cat(meta('besu-0'), msg(2, str(1, 'Node'), str(3, 'node-1')))))).toMatchObject({ target: { kind: 'Node', name: 'node-1' } });
    expect(decodeProtobuf(envelope('autoscaling/v1', 'Scale', cat(meta('crew'), msg(2, num(1, 3)))))).toMatchObject({ spec: { replicas: 3 } });
    const subset = msg(2, msg(1, str(1, '10.0.0.5'), msg(2, str(1, 'Pod'), str(3, 'besu-0'))), msg(3, str(1, 'rpc'), num(2, 8545), str(3, 'TCP')));
    expect(decodeProtobuf(envelope('v1', 'Endpoints', cat(meta('besu'), subset)))).toMatchObject({
      subsets: [{ addresses: [{ ip: '10.0.0.5', targetRef: { kind: 'Pod', name: 'besu-0' } }], ports: [{ name: 'rpc', port: 8545, protocol: 'TCP' }] }],
    });
    const event = cat(meta('besu-0.1'), msg(2, str(1, 'Pod'), str(3, 'besu-0')), str(3, 'Scheduled'), num(8, 1), str(9, 'Normal'), msg(10));
    expect(decodeProtobuf(envelope('v1', 'Event', event))).toEqual({
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'besu-0.1' }, involvedObject: { kind: 'Pod', name: 'besu-0' }, reason: 'Scheduled', count: 1, type: 'Normal',
    });
  });
});

describe('what we skip and what we refuse', () => {
  it('skips unknown fields of every wire type', () => {
    const ns = cat(meta('x', num(99, 1), fixed64(98, 1n), fixed32(97, 1), str(96, 'later'), msg(95, str(1, 'x'))), msg(2, str(1, 'kubernetes')));
    expect(decodeProtobuf(envelope('v1', 'Namespace', ns))).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: { finalizers: ['kubernetes'] } });
  });

  it('decodes negative numbers sent sign-extended', () => {
    const got = decodeProtobuf(envelope('v1', 'ReplicationController', cat(meta('neg'), msg(2, num(1, -1))))) as { spec: unknown };
    expect(got.spec).toEqual({ replicas: -1 });
  });

  it('names the field whose wire type contradicts the table', () => {
    const bad = envelope('v1', 'Service', msg(2, num(1, 5)));
    expect(() => decodeProtobuf(bad)).toThrow(ProtobufError);
    expect(() => decodeProtobuf(bad)).toThrow('Service.spec.ports[0] (field 1) has wire type 0, but the table says length-delimited');
  });

  it('refuses a kind without a field table, and says what to do instead', () => {
    const body = envelope('apps/v1', 'StatefulSet', meta('d'));
    expect(() => decodeProtobuf(body)).toThrow(UnsupportedKindError);
    expect(() => decodeProtobuf(body)).toThrow(/^protobuf bodies are decoded for Namespace, Service, Pod, .* only, not apps\/v1 StatefulSet; send JSON instead .*kubectl create -f FILE/);
  });
});
