// PodControl: how a controller creates and deletes its pods, and says so
// ======================================================================
// CONCEPT   A workload controller stamps pods out of its template: the template's labels,
//           annotations and spec, a name made of the owner's name and five random characters
//           (generateName "besu-" => "besu-x7k2p", chosen by the apiserver), and a controller
//           ownerReference pointing back at the owner, so the garbage collector can find them. Every
//           create and delete is recorded as an Event on the owner, in Kubernetes' own words, so
//           `kubectl describe rc besu` tells the story: "Created pod: besu-x7k2p".
// REAL K8S  pkg/controller/controller_utils.go (RealPodControl.CreatePods, DeletePod,
//           GetPodFromTemplate, getPodsPrefix, SuccessfulCreate/FailedCreate/SuccessfulDelete/
//           FailedDelete reasons)
// SHIPS     The replication office's order form, and its line in the log book for each container.
// EXAMPLE   createPod(rc besu) => POST pods { generateName: "besu-", labels {app: besu},
//             ownerReferences [{ kind: ReplicationController, name: besu, controller: true }] }
//           Event on rc/besu: Normal SuccessfulCreate "Created pod: besu-x7k2p"
// SKIPPED   CreatePodsOnNode (DaemonSets), the legacy created-by annotation.

import type { KubeObject, OwnerReference, Pod, PodTemplateSpec } from '../api/types.ts';
import { nameIsDNSSubdomain } from '../api/names.ts';
import type { ControllerClient, EventSink } from './context.ts';

/** Reasons of the Events a workload controller records (controller_utils.go). */
export const REASONS = {
  SuccessfulCreate: 'SuccessfulCreate',
  FailedCreate: 'FailedCreate',
  SuccessfulDelete: 'SuccessfulDelete',
  FailedDelete: 'FailedDelete',
} as const;

/** "besu-" if that is a valid name prefix, else the bare name (getPodsPrefix). */
export function podsPrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  return nameIsDNSSubdomain(prefix, true).length === 0 ? prefix : ownerName;
}

/** The pod a template describes, owned by `controllerRef` (GetPodFromTemplate). */
export function podFromTemplate(template: PodTemplateSpec, owner: KubeObject, controllerRef: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: podsPrefix(owner.metadata.name!),
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(template.spec) as Pod['spec'],
  };
}

/** Creates and deletes pods for `owner`, recording an Event for each (RealPodControl). */
export class PodControl {
  constructor(private readonly client: ControllerClient, private readonly recorder: EventSink) {}

  /** Creates one pod from the template; returns it as stored. Throws (after a FailedCreate Event) on error. */
  async createPod(template: PodTemplateSpec, owner: KubeObject, controllerRef: OwnerReference): Promise<Pod> {
    if (Object.keys(template.metadata?.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
    try {
      const pod = await this.client.create('pods', podFromTemplate(template, owner, controllerRef));
      this.recorder.event(owner, 'Normal', REASONS.SuccessfulCreate, `Created pod: ${pod.metadata.name}`);
      return pod;
    } catch (e) {
      this.recorder.event(owner, 'Warning', REASONS.FailedCreate, `Error creating: ${message(e)}`);
      throw e;
    }
  }

  /** Deletes one pod (gracefully: its kubelet stops it). Throws (after a FailedDelete Event) on error. */
  async deletePod(namespace: string, name: string, owner: KubeObject): Promise<void> {
    try {
      await this.client.delete('pods', name, { namespace });
      this.recorder.event(owner, 'Normal', REASONS.SuccessfulDelete, `Deleted pod: ${name}`);
    } catch (e) {
      this.recorder.event(owner, 'Warning', REASONS.FailedDelete, `Error deleting: ${message(e)}`);
      throw e;
    }
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
