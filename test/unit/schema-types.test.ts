// Field types: a value Go could not decode is refused with Go's own words, naming the field.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { goTimeParseError } from '../../apiserver/schema/go-time.ts';
import { knownFieldsForKind } from '../../apiserver/schema/known-fields.ts';
import { zeroNulls } from '../../apiserver/schema/nulls.ts';
import { checkPatchedObject, goPrint } from '../../apiserver/schema/patched.ts';
import {
  bool, float64, int32, int64, intOrString, listOf, microTime, named, opaque, quantity, resourceList, scalar, str, stringMap,
  strings, struct, time,
} from '../../apiserver/schema/shape.ts';
import { checkTypes, typeErrorIn, typeErrorOf } from '../../apiserver/schema/types.ts';
import { StatusError } from '../../apiserver/status.ts';

/** Runs `run` and returns the StatusError it throws; fails the test if it does not throw. */
function thrown(run: () => void): StatusError {
  try {
    run();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

const pod = (container: object, spec: object = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0' }, spec: { containers: [{ name: 'web', image: 'nginx', ...container }], ...spec },
});

// A table with one field of every leaf type, so each rule is pinned on its own.
const leaves = struct('Leaves', {
  s: str, b: bool, i32: int32, i64: int64, f: float64, ios: intOrString, q: quantity, t: time, mt: microTime,
  m: stringMap, ss: strings, rl: resourceList, p: named('v1.Protocol'), o: opaque('v1.EmptyDirVolumeSource'), any: scalar,
  items: listOf(struct('Item', { n: int32, tags: stringMap })),
});
const leafError = (body: object) => typeErrorIn({ spec: leaves }, { spec: body }, 'Thing');
const err = (word: string, field: string, type: string, struct = 'Leaves') =>
  `json: cannot unmarshal ${word} into Go struct field ${struct}.spec.${field} of type ${type}`;

describe('leaf types, as Go decodes them', () => {
  it('accepts a value of every leaf type', () => {
    expect(leafError({
      s: 'x', b: true, i32: -2147483648, i64: 2 ** 53, f: 0.5, ios: 'http', q: '500m', t: '2024-05-01T10:00:00Z',
      mt: '2024-05-01T10:00:00.123456Z', m: { a: 'b' }, ss: ['a'], rl: { cpu: 1, memory: '1Gi' }, p: 'TCP', o: { medium: 'Memory' },
      any: { whatever: [1] }, items: [{ n: 1, tags: {} }],
    })).toBeUndefined();
    expect(leafError({ ios: 8545, q: 0.5, t: '2024-05-01T10:00:00.5+02:00' })).toBeUndefined();
  });

  it('accepts null for any field, as Go decodes it into the zero value', () => {
    const nulls = Object.fromEntries(Object.keys(leaves).map((k) => [k, null]));
    expect(leafError(nulls)).toBeUndefined();
    expect(leafError({ ss: [null], m: { a: null }, items: [null, { n: null }] })).toBeUndefined();
  });

  it('refuses the wrong JSON type for strings, bools and numbers', () => {
    expect(leafError({ s: 5 })).toBe(err('number', 's', 'string'));
    expect(leafError({ b: 'true' })).toBe(err('string', 'b', 'bool'));
    expect(leafError({ i32: '3' })).toBe(err('string', 'i32', 'int32'));
    expect(leafError({ f: false })).toBe(err('bool', 'f', 'float64'));
    expect(leafError({ p: 6 })).toBe(err('number', 'p', 'v1.Protocol'));
  });

  it('refuses a fraction or an out-of-range number for an integer', () => {
    expect(leafError({ i32: 80.5 })).toBe(err('number 80.5', 'i32', 'int32'));
    expect(leafError({ i32: 2147483648 })).toBe(err('number 2147483648', 'i32', 'int32'));
    expect(leafError({ i64: 1.5 })).toBe(err('number 1.5', 'i64', 'int64'));
    expect(leafError({ i64: 2 ** 63 })).toMatch(/^json: cannot unmarshal number 9223372036854776000 into .* of type int64$/);
    expect(leafError({ ios: 80.5 })).toBe(err('number 80.5', 'ios', 'intstr.IntOrString'));
  });

  it('refuses IntOrString, Quantity and Time values of the wrong JSON type', () => {
    expect(leafError({ ios: true })).toBe(err('bool', 'ios', 'intstr.IntOrString'));
    expect(leafError({ q: [1] })).toBe(err('array', 'q', 'resource.Quantity'));
    expect(leafError({ t: 1714557600 })).toBe(err('number', 't', 'v1.Time'));
    expect(leafError({ mt: {} })).toBe(err('object', 'mt', 'v1.MicroTime'));
    expect(leafError({ rl: { cpu: true } })).toBe(err('bool', 'rl', 'resource.Quantity'));
  });

  it('refuses a timestamp that is not RFC 3339, with Go\'s "parsing time" message', () => {
    expect(leafError({ t: 'yesterday' })).toBe('parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"');
    expect(leafError({ mt: '2024-05-01T10:00:00Z' })).toBe(
      'parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    );
  });

  it('refuses maps, lists and structs of the wrong shape, naming the Go type', () => {
    expect(leafError({ m: 'a=b' })).toBe(err('string', 'm', 'map[string]string'));
    expect(leafError({ m: { a: 1 } })).toBe(err('number', 'm', 'string'));
    expect(leafError({ ss: 'a' })).toBe(err('string', 'ss', '[]string'));
    expect(leafError({ ss: ['a', true] })).toBe(err('bool', 'ss', 'string'));
    expect(leafError({ items: { n: 1 } })).toBe(err('object', 'items', '[]v1.Item'));
    expect(leafError({ o: 'Memory' })).toBe(err('string', 'o', 'v1.EmptyDirVolumeSource'));
    expect(typeErrorIn({ spec: leaves }, { spec: 'x' }, 'Thing')).toBe('json: cannot unmarshal string into Go struct field Thing.spec of type v1.Leaves');
  });

  it('names the innermost struct inside nested lists of objects, and reports only the first error', () => {
    expect(leafError({ items: [{ n: 1 }, { n: 2, tags: { a: 'b', c: 3 } }], s: 1 })).toBe(err('number', 'items.tags', 'string', 'Item'));
    expect(leafError({ s: 1, b: 'x' })).toBe(err('number', 's', 'string'));
  });

  it('leaves untyped leaves and unknown fields alone', () => {
    expect(leafError({ any: [{ deep: true }], unknown: 'x' })).toBeUndefined();
  });
});

describe('the served kinds, typed from the v1.32 Go structs', () => {
  const pfx = 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal';

  it('words a refusal as kube-apiserver does, with 400 BadRequest', () => {
    const e = thrown(() => checkTypes('Pod', pod({ command: [true] })));
    expect(e.code).toBe(400);
    expect(e.status.reason).toBe('BadRequest');
    expect(e.message).toBe(`${pfx} bool into Go struct field Container.spec.containers.command of type string`);
  });

  it('names the field path of pod and container fields', () => {
    const message = (body: object) => thrown(() => checkTypes('Pod', body)).message;
    expect(message(pod({ ports: [{ containerPort: 80.5 }] }))).toBe(`${pfx} number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`);
    expect(message({ ...pod({}), spec: { containers: 'besu' } })).toBe(`${pfx} string into Go struct field PodSpec.spec.containers of type []v1.Container`);
    expect(message({ ...pod({}), metadata: { name: 'a', labels: { a: 1 } } })).toBe(`${pfx} number into Go struct field ObjectMeta.metadata.labels of type string`);
    expect(message({ ...pod({}), metadata: 'x' })).toBe(`${pfx} string into Go struct field Pod.metadata of type v1.ObjectMeta`);
    expect(message(pod({ livenessProbe: { httpGet: { port: {} } } }))).toBe(`${pfx} object into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port of type intstr.IntOrString`);
    expect(message(pod({ livenessProbe: { periodSeconds: '10' } }))).toBe(`${pfx} string into Go struct field Probe.spec.containers.livenessProbe.periodSeconds of type int32`);
    expect(message(pod({}, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } } }))).toBe(
      `${pfx} object into Go struct field PodAntiAffinity.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution of type []v1.PodAffinityTerm`,
    );
    expect(message(pod({}, { volumes: [{ name: 'v', emptyDir: true }] }))).toBe(`${pfx} bool into Go struct field Volume.spec.volumes.emptyDir of type v1.EmptyDirVolumeSource`);
  });

  it('types RCs, Services, Nodes, Leases, Events and the subresource bodies', () => {
    expect(typeErrorOf('ReplicationController', { spec: { replicas: 'three' } })).toBe('json: cannot unmarshal string into Go struct field ReplicationControllerSpec.spec.replicas of type int32');
    expect(typeErrorOf('Service', { spec: { ports: [{ port: 80, targetPort: 'rpc' }, { port: 81, targetPort: 8545.5 }] } })).toBe(
      'json: cannot unmarshal number 8545.5 into Go struct field ServicePort.spec.ports.targetPort of type intstr.IntOrString',
    );
    expect(typeErrorOf('Node', { spec: { unschedulable: 'yes' } })).toBe('json: cannot unmarshal string into Go struct field NodeSpec.spec.unschedulable of type bool');
    expect(typeErrorOf('Node', { status: { daemonEndpoints: { kubeletEndpoint: { Port: '10250' } } } })).toBe('json: cannot unmarshal string into Go struct field DaemonEndpoint.status.daemonEndpoints.kubeletEndpoint.Port of type int32');
    expect(typeErrorOf('Lease', { spec: { leaseDurationSeconds: 'long' } })).toBe('json: cannot unmarshal string into Go struct field LeaseSpec.spec.leaseDurationSeconds of type int32');
    expect(typeErrorOf('Event', { involvedObject: 'x' })).toBe('json: cannot unmarshal string into Go struct field Event.involvedObject of type v1.ObjectReference');
    expect(typeErrorOf('Endpoints', { subsets: 'x' })).toBe('json: cannot unmarshal string into Go struct field Endpoints.subsets of type []v1.EndpointSubset');
    expect(typeErrorOf('Binding', { target: { name: 7 } })).toBe('json: cannot unmarshal number into Go struct field ObjectReference.target.name of type string');
    expect(typeErrorOf('Eviction', { deleteOptions: { gracePeriodSeconds: 'soon' } })).toBe('json: cannot unmarshal string into Go struct field DeleteOptions.deleteOptions.gracePeriodSeconds of type int64');
    expect(typeErrorOf('Scale', { spec: { replicas: 'many' } })).toBe('json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32');
  });

  it('names the spec of a kind whose table is untyped by convention, and judges nothing inside it', () => {
    if (!knownFieldsForKind('Deployment')) return;
    expect(typeErrorOf('Deployment', { spec: 'x' })).toBe('json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec');
    expect(typeErrorOf('Deployment', { spec: { template: { spec: { containers: [{ name: 1 }] } } } })).toBe(
      'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.name of type string',
    );
  });

  it('lets objects as our components, kubectl and the examples write them through', () => {
    const running = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'b', namespace: 'default', uid: 'u', resourceVersion: '5', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'b' }, annotations: {}, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'r', uid: 'u', controller: true, blockOwnerDeletion: true }] },
      spec: { containers: [{ name: 'b', image: 'besu', resources: { requests: { cpu: '100m', memory: 64 } }, ports: [{ containerPort: 8545, protocol: 'TCP' }] }], nodeName: 'n', tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] },
      status: { phase: 'Running', podIP: '127.244.0.2', startTime: '2026-01-01T00:00:01Z', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:02Z' }], containerStatuses: [{ name: 'b', ready: true, restartCount: 0, image: 'besu', imageID: '', state: { running: { startedAt: '2026-01-01T00:00:02Z' } }, lastState: {} }] },
    };
    expect(typeErrorOf('Pod', running)).toBeUndefined();
    expect(typeErrorOf('Pod', { ...running, metadata: { ...running.metadata, creationTimestamp: null } })).toBeUndefined();
    expect(typeErrorOf('Lease', { spec: { holderIdentity: 'n', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:10.000000Z' } })).toBeUndefined();
    for (const file of readdirSync('examples').filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(`examples/${file}`, 'utf8'))) {
        const body = doc.toJS() as { kind?: string } | null;
        if (body?.kind) expect(typeErrorOf(body.kind, body), `${file} ${body.kind}`).toBeUndefined();
      }
    }
  });
});

describe("Go's time.Parse errors for metav1.Time and MicroTime", () => {
  const layout = '"2006-01-02T15:04:05Z07:00"';
  it('accepts RFC 3339, with or without a fraction, in UTC or with an offset', () => {
    for (const t of ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123Z', '2024-05-01T10:00:00-07:00', '2024-02-29T23:59:59Z']) {
      expect(goTimeParseError(t, 'time'), t).toBeUndefined();
    }
    expect(goTimeParseError('2024-05-01T10:00:00.000000Z', 'microTime')).toBeUndefined();
  });

  it('says which element did not fit, or which value is out of range', () => {
    expect(goTimeParseError('2024-05-01', 'time')).toBe(`parsing time "2024-05-01" as ${layout}: cannot parse "" as "T"`);
    expect(goTimeParseError('2024-05-01 10:00:00Z', 'time')).toBe(`parsing time "2024-05-01 10:00:00Z" as ${layout}: cannot parse " 10:00:00Z" as "T"`);
    expect(goTimeParseError('2024-5-01T10:00:00Z', 'time')).toBe(`parsing time "2024-5-01T10:00:00Z" as ${layout}: cannot parse "5-01T10:00:00Z" as "01"`);
    expect(goTimeParseError('2024-05-01T10:00:00', 'time')).toBe(`parsing time "2024-05-01T10:00:00" as ${layout}: cannot parse "" as "Z07:00"`);
    expect(goTimeParseError('2024-13-01T10:00:00Z', 'time')).toBe('parsing time "2024-13-01T10:00:00Z": month out of range');
    expect(goTimeParseError('2023-02-29T10:00:00Z', 'time')).toBe('parsing time "2023-02-29T10:00:00Z": day out of range');
    expect(goTimeParseError('2024-05-01T25:00:00Z', 'time')).toBe('parsing time "2024-05-01T25:00:00Z": hour out of range');
    expect(goTimeParseError('2024-05-01T10:00:00Zjunk', 'time')).toBe('parsing time "2024-05-01T10:00:00Zjunk": extra text: "junk"');
    expect(goTimeParseError('"é"', 'time')).toBe(`parsing time "\\"\\xc3\\xa9\\"" as ${layout}: cannot parse "\\"\\xc3\\xa9\\"" as "2006"`);
  });
});

describe('a PATCH result that does not decode: 422 Invalid on "patch", as patch.go answers', () => {
  const current = pod({});
  it('quotes the patched object for a merge or JSON patch', () => {
    const patched = { ...current, spec: { ...current.spec, nodeName: 5 } };
    const e = thrown(() => checkPatchedObject('Pod', patched, { type: 'merge', patch: { spec: { nodeName: 5 } }, strict: false }));
    expect(e.code).toBe(422);
    expect(e.status.reason).toBe('Invalid');
    const value = JSON.stringify(JSON.stringify(patched));
    const detail = 'json: cannot unmarshal number into Go struct field PodSpec.spec.nodeName of type string';
    expect(e.message).toBe(` "" is invalid: patch: Invalid value: ${value}: ${detail}`);
    expect(e.status.details).toEqual({ causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${detail}`, field: 'patch' }] });
  });

  it('prints the patch as a Go map for a strategic merge patch, and reports unknown fields only under Strict', () => {
    const patch = { spec: { foo: 'bar', activeDeadlineSeconds: 10 } };
    const patched = { ...current, spec: { ...current.spec, ...patch.spec } };
    expect(() => checkPatchedObject('Pod', patched, { type: 'strategic', patch, strict: false })).not.toThrow();
    const e = thrown(() => checkPatchedObject('Pod', patched, { type: 'strategic', patch, strict: true }));
    expect(e.message).toBe(' "" is invalid: patch: Invalid value: "map[spec:map[activeDeadlineSeconds:10 foo:bar]]": strict decoding error: unknown field "spec.foo"');
  });

  it('prints values as Go fmt does', () => {
    expect(goPrint({ b: [1, 'x', true], a: null, c: { z: 0.5, y: 1500000.5 } })).toBe('map[a:<nil> b:[1 x true] c:map[y:1.5000005e+06 z:0.5]]');
  });
});

describe('null decodes as the zero value Go would store', () => {
  it('drops null typed fields, fills nulls in typed lists and maps, and keeps null times', () => {
    const body: Record<string, any> = {
      metadata: { name: 'p', labels: null, annotations: { a: null, b: 'x' }, creationTimestamp: null },
      spec: {
        nodeSelector: null,
        containers: [{ name: 'c', args: ['--rpc', null], resources: { requests: { cpu: null } }, ports: [null], securityContext: null }],
      },
      status: { conditions: [{ type: 'Ready', lastProbeTime: null }] },
    };
    zeroNulls('Pod', body);
    expect(body).toEqual({
      metadata: { name: 'p', annotations: { a: '', b: 'x' }, creationTimestamp: null },
      spec: { containers: [{ name: 'c', args: ['--rpc', ''], resources: { requests: { cpu: '0' } }, ports: [{}] }] },
      status: { conditions: [{ type: 'Ready', lastProbeTime: null }] },
    });
  });

  it('leaves kinds without a table, and untyped leaves, alone', () => {
    const body = { spec: { anything: null } };
    zeroNulls('StatefulSet', body);
    expect(body).toEqual({ spec: { anything: null } });
  });
});
