// Compatibility: the run-to-completion lesson with the real kubectl - batch/v1 Jobs
// ==================================================================================
// CONCEPT   The classic Job lesson, command by command, with the real kubectl 1.32 against our
//           apiserver, kube-controller-manager (job controller, garbage collector), scheduler and
//           a real kubelet whose generic container runs `echo hello` and exits: create a Job,
//           see it Complete 1/1, wait for it, read its pod's log, watch a failing Job give up with
//           BackoffLimitExceeded, delete a Job and its pods.
// REAL K8S  staging/src/k8s.io/kubectl/pkg/cmd/create/create_job.go (a typed client: protobuf
//           body, restartPolicy Never), cmd/wait/, polymorphichelpers/logsforobject.go (job/NAME
//           => its first pod), cmd/delete (propagationPolicy Background)
// SHIPS     The visiting captain hands in a work order and watches it done.
// EXAMPLE   kubectl create job hello --image=busybox -- echo hello  =>  "job.batch/hello created"
//           kubectl get jobs  =>  hello   Complete   1/1   2s   5s
// SKIPPED   CronJobs (`kubectl create cronjob`): not served.

import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../client/clock.ts';
import { eventually, skipKubectl, useKubectl, type Obj } from '../helpers/kubectl.ts';
import { startJobCluster, type JobCluster } from '../helpers/job-cluster.ts';

const clock = realClock(0.05);
let cluster: JobCluster | undefined;

/** The table kubectl printed, as rows of cells split on runs of spaces. */
const rows = (text: string) => text.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));

describe.skipIf(skipKubectl)('kubectl and batch/v1 Jobs', () => {
  const { kubectl, ok, api, manifest } = useKubectl({
    serviceClusterIPRange: '127.96.84.0/24',
    setup: async (k) => void (cluster = await startJobCluster({ clock, controlPlane: k.cp })),
  });
  afterAll(() => cluster?.stop());
  const podsOf = async (job: string) => (await api('GET', `/api/v1/namespaces/default/pods?labelSelector=batch.kubernetes.io/job-name=${job}`)).items as Obj[];

  it('create job (protobuf), then wait --for=condition=complete', async () => {
    expect(await ok('create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hello')).toBe('job.batch/hello created\n');
    expect(await ok('wait', '--for=condition=complete', 'job/hello', '--timeout=60s')).toBe('job.batch/hello condition met\n');
  });

  it('get jobs prints STATUS Complete and COMPLETIONS 1/1, as a real cluster does', async () => {
    const table = rows(await ok('get', 'jobs'));
    expect(table[0]).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    expect(table[1].slice(0, 3)).toEqual(['hello', 'Complete', '1/1']);
    expect(table[1][3]).toMatch(/^\d+s$/);
    const wide = rows(await ok('get', 'job', 'hello', '-o', 'wide'));
    expect(wide[0]).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(wide[1].slice(5, 7)).toEqual(['hello', 'busybox']);
    expect(wide[1][7]).toMatch(/^batch\.kubernetes\.io\/controller-uid=[0-9a-f-]{36}$/);
    expect(rows(await ok('get', 'all')).some((r) => r[0] === 'job.batch/hello')).toBe(true);
  });

  it('logs job/hello reads the log of the Job\'s pod', async () => {
    expect(await ok('logs', 'job/hello')).toBe('hello\n');
  });

  it('a failing Job retries with back-off and ends Failed with BackoffLimitExceeded', async () => {
    const path = manifest('fail.yaml', [
      'apiVersion: batch/v1', 'kind: Job', 'metadata: {name: fail}',
      'spec:', '  backoffLimit: 1', '  template:', '    spec:', '      restartPolicy: Never',
      '      containers: [{name: fail, image: busybox, command: ["sh", "-c", "echo oops; exit 3"]}]', '',
    ].join('\n'));
    expect(await ok('create', '-f', path)).toBe('job.batch/fail created\n');
    expect(await ok('wait', '--for=condition=failed', 'job/fail', '--timeout=60s')).toBe('job.batch/fail condition met\n');
    expect(rows(await ok('get', 'job', 'fail'))[1].slice(0, 3)).toEqual(['fail', 'Failed', '0/1']);
    const reason = await ok('get', 'job', 'fail', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}');
    expect(reason).toBe('BackoffLimitExceeded');
    expect((await podsOf('fail')).map((p) => p.status.phase)).toEqual(['Failed', 'Failed']);
  });

  it('delete job removes the Job and its pods', async () => {
    expect(await podsOf('hello')).toHaveLength(1);
    expect(await ok('delete', 'job', 'hello')).toBe('job.batch "hello" deleted\n');
    await eventually(async () => expect(await podsOf('hello')).toHaveLength(0), 20_000);
    const run = await kubectl(['get', 'job', 'hello']);
    expect(run.stderr).toContain('jobs.batch "hello" not found');
  });
});
