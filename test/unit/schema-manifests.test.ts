// Real manifests pass the strict check clean: examples from kubernetes.io and objects as the
// apiserver, kubelet and kubectl write them. A false "unknown field" here would break kubectl.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindsWithKnownFields } from '../../apiserver/schema/known-fields.ts';
import { checkStrictFields, strictDecodingErrors } from '../../apiserver/schema/strict.ts';
import { docs, podTemplate } from '../helpers/doc-manifests.ts';


describe('real manifests pass clean', () => {
  for (const [what, yamlText] of docs) {
    it(`accepts ${what}`, () => {
      const body = parse(yamlText) as { kind: string };
      expect(strictDecodingErrors(body.kind, body)).toEqual([]);
      expect(() => checkStrictFields(body.kind, body)).not.toThrow();
    });
  }

  it('has a manifest here for every kind with a table', () => {
    const covered = docs.map(([, text]) => (parse(text) as { kind: string }).kind);
    expect(new Set(covered)).toEqual(new Set(kindsWithKnownFields));
  });

  it('notices typos planted deep in the docs pod, so the clean passes above are not vacuous', () => {
    const body = parse(`apiVersion: v1\nkind: Pod\n${podTemplate}`);
    body.spec.containers[0].livenessProbe.httpGet.httpHeaders[0].vaule = 'x';
    body.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologykey = 'x';
    expect(strictDecodingErrors('Pod', body)).toEqual([
      'unknown field "spec.containers[0].livenessProbe.httpGet.httpHeaders[0].vaule"',
      'unknown field "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologykey"',
    ]);
  });

  it('accepts a pod as the apiserver returns it, so kubectl replace of a fetched pod works', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-0', namespace: 'default', uid: 'u1', resourceVersion: '42', generation: 1,
        creationTimestamp: '2024-01-01T00:00:00Z', selfLink: '/api/v1/namespaces/default/pods/web-0',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: 'r1', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/keep'],
        managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }],
      },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
        restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', nodeName: 'node-1',
        serviceAccount: 'default', preemptionPolicy: 'PreemptLowerPriority', priority: 0,
      },
      status: {
        phase: 'Running', qosClass: 'BestEffort', hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }],
        podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], startTime: '2024-01-01T00:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-01-01T00:00:00Z' }],
        containerStatuses: [{
          name: 'nginx', ready: true, restartCount: 0, started: true, image: 'nginx:latest', imageID: 'docker.io/library/nginx@sha256:0', containerID: 'containerd://c1',
          state: { running: { startedAt: '2024-01-01T00:00:00Z' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: null, finishedAt: null, containerID: 'containerd://c0' } },
        }],
      },
    };
    expect(strictDecodingErrors('Pod', pod)).toEqual([]);
  });
});
