// kube-apiserver integration: batch/v1 Jobs against a real etcd
// =============================================================
// CONCEPT   Jobs are served under /apis/batch/v1 with the "all" category and a status subresource,
//           defaulted as SetDefaults_Job does, given a generated selector and the controller-uid /
//           job-name labels, validated as ValidateJob does (every refusal proven to store nothing),
//           frozen after creation where Kubernetes freezes them, printed as the real cluster's
//           Table, strategic-merge-patched, and decoded from protobuf bodies.
// REAL K8S  pkg/registry/batch/job/strategy.go, pkg/apis/batch/v1/defaults.go,
//           pkg/apis/batch/validation/validation.go, pkg/printers/internalversion/printers.go (printJob)
// SHIPS     The work order desk, checked by the records clerk.
// EXAMPLE   POST jobs { template.spec.restartPolicy: Always }  =>  422 spec.template.spec.restartPolicy
// SKIPPED   the controller (controllers-job.test.ts runs it).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Obj, useApiServer } from '../helpers/apiserver-http.ts';
import { envelope, msg, num, str } from '../helpers/protobuf-writer.ts';

const { api, ok, refused } = useApiServer({});
const JOBS = '/apis/batch/v1/namespaces/default/jobs';
const AS_TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
const STRATEGIC = { 'content-type': 'application/strategic-merge-patch+json' };
const MERGE = { 'content-type': 'application/merge-patch+json' };
const PROTOBUF = { 'content-type': 'application/vnd.kubernetes.protobuf' };

function job(name: string, spec: Obj = {}, podSpec: Obj = {}): Obj {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'busybox', command: ['sh', '-c', 'echo 3.14'] }], ...podSpec } }, ...spec },
  };
}

describe('batch/v1 in discovery', () => {
  it('lists the group, jobs in the "all" category and jobs/status', async () => {
    expect((await ok('GET', '/apis')).groups.map((g: Obj) => g.name)).toContain('batch');
    expect(await ok('GET', '/apis/batch')).toMatchObject({ kind: 'APIGroup', name: 'batch', preferredVersion: { groupVersion: 'batch/v1' } });
    const list = await ok('GET', '/apis/batch/v1');
    const by = (n: string) => list.resources.find((r: Obj) => r.name === n);
    expect(by('jobs')).toMatchObject({ kind: 'Job', namespaced: true, categories: ['all'], singularName: 'job' });
    expect(by('jobs/status')).toMatchObject({ kind: 'Job', verbs: ['get', 'patch', 'update'] });
  });
});

describe('creating Jobs', () => {
  it('defaults completions, parallelism, backoffLimit and generates the selector from the uid', async () => {
    const j = await ok('POST', JOBS, job('defaults'));
    const uid = j.metadata.uid;
    expect(j.spec).toMatchObject({
      completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    });
    const labels = { 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid, 'batch.kubernetes.io/job-name': 'defaults', 'job-name': 'defaults' };
    expect(j.spec.template.metadata.labels).toEqual(labels);
    expect(j.metadata.labels).toEqual(labels); // copied from the template, as SetDefaults_Job does
    expect(j.status).toEqual({});
    expect(j.spec.template.spec).toMatchObject({ restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
  });

  it('keeps parallelism without completions, and a manual selector as given', async () => {
    expect((await ok('POST', JOBS, job('work-queue', { parallelism: 3 }))).spec).not.toHaveProperty('completions');
    const manual = await ok('POST', JOBS, job('manual', { manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: { metadata: { labels: { app: 'pi' } }, spec: job('x').spec.template.spec } }));
    expect(manual.spec.selector).toEqual({ matchLabels: { app: 'pi' } });
    expect(manual.spec.template.metadata.labels).toEqual({ app: 'pi' });
  });

  it('refuses what ValidateJob refuses, storing nothing', async () => {
    await refused('POST', JOBS, job('bad', {}, { restartPolicy: 'Always' }), {
      code: 422, reason: 'Invalid', message: 'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"', field: 'spec.template.spec.restartPolicy',
    });
    // No restartPolicy means the pod default, Always: refused the same way.
    const { restartPolicy: _, ...noPolicy } = job('x').spec.template.spec;
    await refused('POST', JOBS, job('bad', {}, { ...noPolicy, restartPolicy: undefined }), { code: 422, reason: 'Invalid', message: 'Unsupported value: "Always"' });
    await refused('POST', JOBS, job('bad', { backoffLimit: -1 }), { code: 422, reason: 'Invalid', message: 'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0' });
    await refused('POST', JOBS, job('bad', { completionMode: 'Random' }), { code: 422, reason: 'Invalid', message: 'supported values: "NonIndexed", "Indexed"', field: 'spec.completionMode' });
    await refused('POST', JOBS, job('bad', { completionMode: 'Indexed', completions: undefined, parallelism: 2 }), { code: 422, reason: 'Invalid', message: 'when completion mode is Indexed', field: 'spec.completions' });
    await refused('POST', JOBS, job('bad', { manualSelector: true, selector: { matchLabels: { app: 'x' } } }), { code: 422, reason: 'Invalid', message: '`selector` does not match template `labels`' });
    await refused('POST', JOBS, job('bad', { manualSelector: true }), { code: 422, reason: 'Invalid', message: 'spec.selector: Required value', field: 'spec.selector' });
    await refused('POST', JOBS, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'bad' }, spec: {} }, { code: 422, reason: 'Invalid', field: 'spec.template' });
  });

  it('refuses a wrong type with 400 and an unknown field under Strict', async () => {
    await refused('POST', JOBS, job('bad', { completions: 'three' }), { code: 400, reason: 'BadRequest', message: 'cannot unmarshal string into Go struct field JobSpec.spec.completions of type int32' });
    await refused('POST', `${JOBS}?fieldValidation=Strict`, job('bad', { backofflimit: 2 }), { code: 400, reason: 'BadRequest', message: 'unknown field "spec.backofflimit"' });
  });

  it('accepts examples/job.yaml under strict field validation', async () => {
    const manifest = parse(readFileSync(new URL('../../examples/job.yaml', import.meta.url), 'utf8')) as Obj;
    const j = await ok('POST', `${JOBS}?fieldValidation=Strict`, manifest);
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('decodes a protobuf Job, as `kubectl create job` sends it', async () => {
    const body = envelope('batch/v1', 'Job', new Uint8Array([
      ...msg(1, str(1, 'pb')),
      ...msg(2,
        num(7, 0), // backoffLimit 0, explicitly: a pointer, so kept
        msg(6, msg(2, msg(2, str(1, 'pb'), str(2, 'busybox'), str(3, 'echo'), str(4, 'hello')), str(3, 'Never'))),
      ),
    ]));
    const j = await ok('POST', JOBS, body, 201, PROTOBUF);
    expect(j.spec).toMatchObject({ backoffLimit: 0, completions: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pb', image: 'busybox', command: ['echo'], args: ['hello'] }] } } });
  });
});

describe('updating Jobs', () => {
  it('freezes the template, selector and completions; parallelism may change', async () => {
    const j = await ok('POST', JOBS, job('frozen', { parallelism: 2, completions: 4 }));
    const path = `${JOBS}/frozen`;
    await refused('PATCH', path, { spec: { template: { spec: { containers: [{ name: 'pi', image: 'busybox:2' }] } } } }, { code: 422, reason: 'Invalid', message: 'field is immutable', field: 'spec.template' }, STRATEGIC);
    await refused('PATCH', path, { spec: { completions: 5 } }, { code: 422, reason: 'Invalid', message: 'field is immutable', field: 'spec.completions' }, MERGE);
    await refused('PATCH', path, { spec: { selector: { matchLabels: { other: 'x' } } } }, { code: 422, reason: 'Invalid', field: 'spec.selector' }, MERGE);
    const scaled = await ok('PATCH', path, { spec: { parallelism: 3 } }, 200, MERGE);
    expect(scaled.spec.parallelism).toBe(3);
    expect(scaled.metadata.generation).toBe(j.metadata.generation + 1);
  });

  it('lets a suspended Job that never started move its pods (nodeSelector), nothing else', async () => {
    await ok('POST', JOBS, job('parked', { suspend: true }));
    const moved = await ok('PATCH', `${JOBS}/parked`, { spec: { template: { spec: { nodeSelector: { disk: 'ssd' } } } } }, 200, STRATEGIC);
    expect(moved.spec.template.spec.nodeSelector).toEqual({ disk: 'ssd' });
    await refused('PATCH', `${JOBS}/parked`, { spec: { template: { spec: { containers: [{ name: 'pi', image: 'busybox:2' }] } } } }, { code: 422, reason: 'Invalid', field: 'spec.template' }, STRATEGIC);
  });

  it('keeps status out of main-resource writes; jobs/status merges conditions by type', async () => {
    await ok('POST', JOBS, job('status'));
    const path = `${JOBS}/status`;
    await ok('PATCH', `${path}/status`, { status: { conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] } }, 200, STRATEGIC);
    const both = await ok('PATCH', `${path}/status`, { status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }, 200, STRATEGIC);
    expect(both.status.conditions.map((c: Obj) => c.type).sort()).toEqual(['Complete', 'SuccessCriteriaMet']);
    const main = await ok('PATCH', path, { status: { succeeded: 9 } }, 200, MERGE);
    expect(main.status.succeeded).toBe(1);
  });
});

describe('printing Jobs', () => {
  it('prints NAME STATUS COMPLETIONS DURATION AGE, and wide adds CONTAINERS IMAGES SELECTOR', async () => {
    await ok('POST', JOBS, job('printed', { completions: 3, parallelism: 2 }));
    await ok('PATCH', `${JOBS}/printed/status`, { status: { startTime: '2026-01-01T00:00:00Z', completionTime: '2026-01-01T00:01:05Z', succeeded: 3, conditions: [{ type: 'Complete', status: 'True' }] } }, 200, MERGE);
    const table = await ok('GET', `${JOBS}/printed`, undefined, 200, AS_TABLE);
    expect(table.columnDefinitions.map((c: Obj) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Status:0', 'Completions:0', 'Duration:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1']);
    const cells = table.rows[0].cells;
    expect(cells.slice(0, 4)).toEqual(['printed', 'Complete', '3/3', '65s']);
    expect(cells.slice(5, 7)).toEqual(['pi', 'busybox']);
    expect(cells[7]).toMatch(/^batch\.kubernetes\.io\/controller-uid=[0-9a-f-]{36}$/);
    await ok('POST', JOBS, job('queue', { parallelism: 3 }));
    const queue = await ok('GET', `${JOBS}/queue`, undefined, 200, AS_TABLE);
    expect(queue.rows[0].cells.slice(0, 4)).toEqual(['queue', 'Running', '0/1 of 3', '']);
    const answer = await api('GET', `${JOBS}?fieldSelector=status.successful=3`);
    expect(answer.body.items.map((i: Obj) => i.metadata.name)).toEqual(['printed']);
  });
});
