// What the scheduler writes to a pod besides the binding
// ======================================================
// CONCEPT   Three best-effort writes explain an attempt: the compact explanation annotation, the
//           PodScheduled=False condition with the FailedScheduling message (on pods/status, and
//           only when it changed, so a pod retried every 10 s does not rewrite it every 10 s), and,
//           when preemption found room, the victims' deletion and the pod's nominatedNodeName.
//           A failed write is logged and dropped: the scheduling loop never waits on it.
// REAL K8S  pkg/scheduler/schedule_one.go (updatePod, handleSchedulingFailure),
//           pkg/scheduler/framework/preemption/preemption.go (prepareCandidate) (v1.32)
// SHIPS     The crane's chalk marks on a container, and the notice pinned to the ones left behind.
// EXAMPLE   writes.condition(pod, "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu. ...")
//           => PATCH pods/besu-0/status {"status":{"conditions":[{"type":"PodScheduled","status":"False",...}]}}
// SKIPPED   Nothing.

import type { Pod } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import type { EventRecorder } from '../client/events.ts';
import type { KubeClient } from '../client/rest.ts';
import { explanationAnnotation, SCHEDULING_RESULT_ANNOTATION } from './explanation.ts';
import type { PostFilterResult } from './framework/interfaces.ts';
import type { Explanation } from './explanation.ts';

export interface PodWritesDeps {
  client: Pick<KubeClient, 'patch' | 'delete'>;
  clock: Clock;
  recorder: EventRecorder;
  /** Returns a rejection handler that logs "what: error". */
  warn: (what: string) => (e: unknown) => void;
}

const podRef = (pod: Pod) => ({ namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name! });

export function podWrites({ client, clock, recorder, warn }: PodWritesDeps) {
  return {
    /** The compact explanation annotation (a merge patch of metadata.annotations). */
    async annotate(pod: Pod, e: Explanation): Promise<void> {
      const { namespace, name } = podRef(pod);
      const patch = { metadata: { annotations: { [SCHEDULING_RESULT_ANNOTATION]: explanationAnnotation(e) } } };
      await client.patch('pods', name, patch, { namespace }).catch(warn(`annotating ${namespace}/${name}`));
    },

    /** updatePod: PodScheduled=False with reason and message; lastTransitionTime moves only on a flip. */
    async condition(pod: Pod, reason: string, message: string): Promise<void> {
      const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (old && old.status === 'False' && old.reason === reason && old.message === message) return;
      const lastTransitionTime = old?.status === 'False' ? old.lastTransitionTime : clock.nowISO();
      const condition = { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime };
      const { namespace, name } = podRef(pod);
      const options = { namespace, type: 'strategic' as const, subresource: 'status' };
      await client.patch('pods', name, { status: { conditions: [condition] } }, options).catch(warn(`updating ${namespace}/${name} status`));
    },

    /** prepareCandidate: delete the victims (uid-guarded) and nominate the node. */
    async preempt(pod: Pod, nominated: PostFilterResult): Promise<void> {
      for (const v of nominated.victims) {
        recorder.event(v.pod, 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.uid} on node ${nominated.nominatedNodeName}`);
        const { namespace, name } = podRef(v.pod);
        await client.delete('pods', name, { namespace, preconditions: { uid: v.pod.metadata.uid } }).catch(warn(`preempting ${namespace}/${name}`));
      }
      const { namespace, name } = podRef(pod);
      const patch = { status: { nominatedNodeName: nominated.nominatedNodeName } };
      await client.patch('pods', name, patch, { namespace, subresource: 'status' }).catch(warn(`nominating ${namespace}/${name}`));
    },
  };
}
