// Strict field validation: every unknown field is reported, with its path, in Kubernetes' words.
import { describe, expect, it } from 'vitest';
import { knownFieldsForKind } from '../../apiserver/schema/known-fields.ts';
import { checkStrictFields, MAX_STRICT_ERRORS, strictDecodingErrors, strictDecodingMessage } from '../../apiserver/schema/strict.ts';
import { StatusError } from '../../apiserver/status.ts';

/** Runs the check and returns the StatusError it throws; fails the test if it does not throw. */
function refusal(kind: string, body: unknown): StatusError {
  try {
    checkStrictFields(kind, body);
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error(`expected ${kind} to be refused`);
}

const pod = (spec: object, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec },
  ...extra,
});

describe('checkStrictFields', () => {
  it('lets a clean pod through', () => {
    expect(() => checkStrictFields('Pod', pod({}))).not.toThrow();
  });

  it('refuses a typo with 400 BadRequest worded as kube-apiserver words it', () => {
    const err = refusal('Pod', pod({ containers: [{ name: 'web', imagee: 'nginx' }] }));
    expect(err.code).toBe(400);
    expect(err.status.reason).toBe('BadRequest');
    expect(err.status.status).toBe('Failure');
    expect(err.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"',
    );
  });

  it('names the version from the body apiVersion', () => {
    const err = refusal('Eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' }, deleteOption: {} });
    expect(err.message).toBe('Eviction in version "v1" cannot be handled as a Eviction: strict decoding error: unknown field "deleteOption"');
  });

  it('does not check a kind it has no table for', () => {
    expect(() => checkStrictFields('StatefulSet', { spec: { anything: true } })).not.toThrow();
    expect(strictDecodingErrors('PersistentVolumeClaim', { whatever: 1 })).toEqual([]);
    expect(knownFieldsForKind('toString')).toBeUndefined();
  });
});

describe('strictDecodingErrors: the path of each unknown field', () => {
  const cases: [string, string, object, string][] = [
    ['at the top level', 'Pod', pod({}, { sepc: {} }), 'sepc'],
    ['in metadata', 'Pod', pod({}, { metadata: { name: 'x', lables: { a: 'b' } } }), 'metadata.lables'],
    ['in an owner reference', 'Pod', pod({}, { metadata: { ownerReferences: [{ kind: 'RC', name: 'r', uid: 'u', apiVersion: 'v1', controler: true }] } }), 'metadata.ownerReferences[0].controler'],
    ['in spec', 'Pod', pod({ foo: 1 }), 'spec.foo'],
    ['in the second container', 'Pod', pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', Image: 'z' }] }), 'spec.containers[1].Image'],
    ['in a port of a container', 'Pod', pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerport: 80 }] }] }), 'spec.containers[0].ports[0].containerport'],
    ['in a probe handler', 'Pod', pod({ containers: [{ name: 'a', image: 'x', readinessProbe: { httpGet: { port: 80, paht: '/' } } }] }), 'spec.containers[0].readinessProbe.httpGet.paht'],
    ['in an env var source', 'Pod', pod({ containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldref: {} } }] }] }), 'spec.containers[0].env[1].valueFrom.fieldref'],
    ['in a volume source name', 'Pod', pod({ volumes: [{ name: 'cache', emptydir: {} }] }), 'spec.volumes[0].emptydir'],
    ['deep in node affinity', 'Pod', pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', value: ['v'] }] }] } } } }), 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].value'],
    ['in a toleration', 'Pod', pod({ tolerations: [{ key: 'k', operator: 'Exists', efect: 'NoSchedule' }] }), 'spec.tolerations[0].efect'],
    ['in an RC pod template', 'ReplicationController', { spec: { template: { spec: { containers: [{ name: 'a', imagePullPolicy: 'Always', image: 'x', cmd: [] }] } } } }, 'spec.template.spec.containers[0].cmd'],
    ['where a template carries apiVersion (templates have no TypeMeta)', 'ReplicationController', { spec: { template: { apiVersion: 'v1', spec: {} } } }, 'spec.template.apiVersion'],
    ['in a Service port', 'Service', { spec: { ports: [{ port: 80, targetport: 8080 }] } }, 'spec.ports[0].targetport'],
    ['in a Node kubelet endpoint (the Go field really is "Port")', 'Node', { status: { daemonEndpoints: { kubeletEndpoint: { port: 10250 } } } }, 'status.daemonEndpoints.kubeletEndpoint.port'],
    ['in an Endpoints address', 'Endpoints', { subsets: [{ addresses: [{ ip: '10.0.0.1', targetref: {} }] }] }, 'subsets[0].addresses[0].targetref'],
    ['in an Event source', 'Event', { involvedObject: { kind: 'Pod' }, source: { componant: 'kubelet' } }, 'source.componant'],
    ['in a Lease spec', 'Lease', { spec: { holder: 'node-1' } }, 'spec.holder'],
    ['in a Binding target', 'Binding', { target: { kind: 'Node', nodeName: 'node-1' } }, 'target.nodeName'],
    ['in an Eviction delete options', 'Eviction', { deleteOptions: { gracePeriod: 30 } }, 'deleteOptions.gracePeriod'],
    ['in a Scale spec', 'Scale', { spec: { replica: 3 } }, 'spec.replica'],
    ['in DeleteOptions', 'DeleteOptions', { propagation: 'Foreground' }, 'propagation'],
    ['in a Namespace status', 'Namespace', { status: { phaze: 'Active' } }, 'status.phaze'],
  ];
  for (const [where, kind, body, path] of cases) {
    it(`reports an unknown field ${where}`, () => {
      expect(strictDecodingErrors(kind, body)).toEqual([`unknown field "${path}"`]);
    });
  }

  it('lists several unknown fields, in document order, comma-separated', () => {
    const body = {
      metadata: { name: 'p' },
      spec: { foo: 1, containers: [{ name: 'a', imagee: 'x', ports: [{ port: 80 }] }], bar: { baz: 1 } },
      extra: true,
    };
    const errors = strictDecodingErrors('Pod', body);
    expect(errors).toEqual([
      'unknown field "spec.foo"',
      'unknown field "spec.containers[0].imagee"',
      'unknown field "spec.containers[0].ports[0].port"',
      'unknown field "spec.bar"',
      'unknown field "extra"',
    ]);
    expect(refusal('Pod', body).message).toBe(`Pod in version "v1" cannot be handled as a Pod: ${strictDecodingMessage(errors)}`);
    expect(strictDecodingMessage(errors)).toBe(
      'strict decoding error: unknown field "spec.foo", unknown field "spec.containers[0].imagee", ' +
        'unknown field "spec.containers[0].ports[0].port", unknown field "spec.bar", unknown field "extra"',
    );
  });

  it('reports an unknown subtree once and does not look inside it', () => {
    expect(strictDecodingErrors('Pod', pod({ extras: { a: { b: 1 }, c: [{ d: 1 }] } }))).toEqual(['unknown field "spec.extras"']);
  });

  it('treats keys named like Object.prototype members as unknown', () => {
    const body = JSON.parse('{"spec":{"constructor":1,"toString":2,"__proto__":{"x":1}}}');
    expect(strictDecodingErrors('Pod', body)).toEqual([
      'unknown field "spec.constructor"',
      'unknown field "spec.toString"',
      'unknown field "spec.__proto__"',
    ]);
  });

  it('quotes odd keys the way Go strconv.Quote does', () => {
    expect(strictDecodingErrors('Pod', { 'say "hi"\n': 1 })).toEqual(['unknown field "say \\"hi\\"\\n"']);
  });

  it(`stops after ${MAX_STRICT_ERRORS} errors, as the Go decoder does`, () => {
    const body = { spec: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, i])) };
    const errors = strictDecodingErrors('Pod', body);
    expect(errors).toHaveLength(MAX_STRICT_ERRORS);
    expect(errors.at(-1)).toBe('unknown field "spec.f99"');
  });

  it('leaves values of the wrong JSON type to the decoder, which reports those differently', () => {
    expect(strictDecodingErrors('Pod', { spec: { containers: { name: 'a' }, volumes: 'none' }, metadata: null })).toEqual([]);
  });
});

describe('free-form maps and unchecked subtrees accept any key', () => {
  it('accepts any label, annotation, node selector and resource name', () => {
    const body = pod(
      {
        nodeSelector: { 'kubernetes.io/os': 'linux', whatever: 'x' },
        overhead: { cpu: '250m' },
        containers: [{ name: 'a', image: 'x', resources: { requests: { 'nvidia.com/gpu': '1', 'hugepages-2Mi': '1Gi' }, limits: { imagee: '1' } } }],
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'x', spec: 'y' } } }] } },
      },
      { metadata: { name: 'p', labels: { 'example.com/any': 'v', imagee: 'v' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } },
    );
    expect(strictDecodingErrors('Pod', body)).toEqual([]);
  });

  it("accepts any key in an RC's selector, a plain map rather than a LabelSelector", () => {
    expect(strictDecodingErrors('ReplicationController', { spec: { selector: { matchLabels: 'not special here' } } })).toEqual([]);
  });

  it('accepts anything inside managedFields[].fieldsV1 and inside a volume source', () => {
    const body = pod(
      { volumes: [{ name: 'v', hostPath: { path: '/data', type: 'Directory', anything: true } }] },
      { metadata: { managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:anything': {} } } }] } },
    );
    expect(strictDecodingErrors('Pod', body)).toEqual([]);
  });
});
