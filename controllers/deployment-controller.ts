// The Deployment controller: roll pods from one template version to the next
// ==========================================================================
// CONCEPT   A Deployment never touches pods. It owns ReplicaSets - one per version of its pod
//           template - and only ever changes their sizes; the ReplicaSet controller makes the pods.
//           Each sync reads the Deployment and its ReplicaSets from the cache and takes one step:
//             deleting       only report status;
//             paused         only follow `replicas` (kubectl scale), never roll out;
//             scaling event  `replicas` changed: resize the ReplicaSets in proportion (sync.go);
//             otherwise      one step of RollingUpdate or Recreate (deployment-rolling.ts).
//           Status is written last (deployment-status.ts). Handlers enqueue the Deployment that
//           owns the ReplicaSet (or pod) an event is about; orphans go to every Deployment whose
//           selector matches, which may adopt them.
// REAL K8S  pkg/controller/deployment/deployment_controller.go (NewDeploymentController,
//           addReplicaSet, updateReplicaSet, deleteReplicaSet, deletePod, getReplicaSetsForDeployment,
//           getPodMapForDeployment, syncDeployment), sync.go (sync, isScalingEvent,
//           checkPausedConditions, syncStatusOnly)
// SHIPS     The refit office: it issues and resizes standing orders, never a container itself.
// EXAMPLE   kubectl set image deployment/web besu=hyperledger/besu:24.7
//           => rs web-7c5ddbdf54 created (revision 2), scaled up 0->1, web-5d4f8c6b9 scaled down 3->2 ...
// SKIPPED   spec.rollbackTo (gone in apps/v1; `kubectl rollout undo` rewrites the template instead).

import type { Deployment, ReplicaSet } from '../api/apps-types.ts';
import { labelSelectorToRequirements, matchesLabels, type Requirement } from '../api/labels.ts';
import type { Pod } from '../api/types.ts';
import { Controller } from '../client/controller.ts';
import type { Informer } from '../client/informer.ts';
import { objectKey } from '../client/resources.ts';
import { loggerFor, OwnWrites, recorderFor, type ControllerOptions } from './context.ts';
import { claimObjects } from './controller-ref-manager.ts';
import { activeReplicaSets, DESIRED_REPLICAS_ANNOTATION } from './deployment-util.ts';
import { calculateStatus, getCondition, newCondition, REASONS, setCondition, stuckRequeueAfter } from './deployment-status.ts';
import { cleanupDeployment, getAllReplicaSets, scale, writeStatus, type DeploymentActions, type WorkingDeployment } from './deployment-sync.ts';
import { rolloutRecreate, rolloutRolling } from './deployment-rolling.ts';
import { controllerRefOf, newControllerRef } from './pod-util.ts';

export class DeploymentController extends Controller {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly dc: DeploymentActions;

  constructor(o: ControllerOptions) {
    super({ name: 'deployment-controller', clock: o.clock, workers: o.workers ?? 5, log: o.log });
    this.dc = { client: o.client, recorder: recorderFor(o, 'deployment-controller'), clock: o.clock, note: loggerFor(o, 'deployment'), ownWrites: new OwnWrites() };
    this.deployments = this.watch(o.factory.informer('deployments'));
    this.replicaSets = this.watch(o.factory.informer('replicasets'), {
      onAdd: (rs) => this.replicaSetChanged(undefined, rs),
      onUpdate: (old, rs) => this.replicaSetChanged(old, rs),
      onDelete: (rs) => this.enqueueOwner(rs),
    });
    this.pods = this.watch(o.factory.informer('pods'), { onDelete: (pod) => this.podDeleted(pod) });
  }

  // ## Handlers

  // The Deployment a controller reference names, if it still is that object.
  private ownerOf(rs: ReplicaSet): Deployment | undefined {
    const ref = controllerRefOf(rs);
    if (ref?.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(`${rs.metadata.namespace}/${ref.name}`);
    return d?.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueOwner(rs: ReplicaSet): void {
    const d = this.ownerOf(rs);
    if (d) this.enqueue(d);
  }

  // addReplicaSet / updateReplicaSet: the owner, the old owner if it changed, or any Deployment
  // that could adopt an orphan.
  private replicaSetChanged(old: ReplicaSet | undefined, rs: ReplicaSet): void {
    if (old && old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    if (old && controllerRefOf(old)?.uid !== controllerRefOf(rs)?.uid) this.enqueueOwner(old);
    if (controllerRefOf(rs)) return this.enqueueOwner(rs);
    if (rs.metadata.deletionTimestamp) return;
    for (const d of this.deployments.byIndex('namespace', rs.metadata.namespace ?? '')) {
      const selector = selectorOf(d);
      if (selector?.length && matchesLabels(selector, rs.metadata.labels)) this.enqueue(d);
    }
  }

  // deletePod: a Recreate rollout waits for the last old pod to be gone.
  private podDeleted(pod: Pod): void {
    const ref = controllerRefOf(pod);
    const rs = ref?.kind === 'ReplicaSet' ? this.replicaSets.get(`${pod.metadata.namespace}/${ref.name}`) : undefined;
    const d = rs && this.ownerOf(rs);
    if (d?.spec.strategy?.type === 'Recreate') this.enqueue(d);
  }

  // ## sync

  // @doc: deployment-sync
  protected async sync(key: string): Promise<void> {
    const cached = this.deployments.get(key);
    if (!cached || this.dc.ownWrites.isStale(key, cached)) return;
    const d = structuredClone(cached) as WorkingDeployment;
    d.status ??= {};
    const selector = selectorOf(d);
    if (!selector?.length) return this.selectingAll(d);
    const rsList = await this.replicaSetsFor(d, selector);
    // One of them changed by us and not yet seen: its watch event brings us back.
    if (rsList.some((rs) => this.dc.ownWrites.isStale(objectKey(rs), rs))) return;
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    await this.checkPausedConditions(d);
    if (d.spec.paused || (await this.isScalingEvent(d, rsList))) await this.syncScaling(d, rsList);
    else if (d.spec.strategy?.type === 'Recreate') await rolloutRecreate(this.dc, d, rsList, this.podsByReplicaSet(d, rsList));
    else await rolloutRolling(this.dc, d, rsList);
    const after = stuckRequeueAfter(d, d.status, this.clock);
    if (after !== undefined) this.queue.addAfter(key, after);
  }

  // An empty selector would claim every ReplicaSet and pod of the namespace: refuse to act.
  private async selectingAll(d: WorkingDeployment): Promise<void> {
    this.dc.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await writeStatus(this.dc, d, { ...d.status, observedGeneration: d.metadata.generation });
  }

  /** getReplicaSetsForDeployment: claim the ReplicaSets the selector matches (adopt, release). */
  private async replicaSetsFor(d: Deployment, selector: Requirement[]): Promise<ReplicaSet[]> {
    const all = this.replicaSets.byIndex('namespace', d.metadata.namespace ?? '');
    return claimObjects(all, {
      client: this.dc.client, resource: 'replicasets', controllerRef: newControllerRef(d, 'apps/v1', 'Deployment'),
      selector, ownerDeleting: Boolean(d.metadata.deletionTimestamp), log: (m) => this.dc.note(`${objectKey(d)}: ${m}`),
      canAdopt: async () => {
        const fresh = await this.dc.client.get('deployments', d.metadata.name!, d.metadata.namespace);
        if (fresh.metadata.uid !== d.metadata.uid || fresh.metadata.deletionTimestamp) throw new Error(`${objectKey(d)} is gone or being deleted`);
      },
    });
  }

  /** getPodMapForDeployment: the pods of each of our ReplicaSets, by ReplicaSet uid. */
  private podsByReplicaSet(d: Deployment, rsList: ReplicaSet[]): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata.uid!, []]));
    for (const pod of this.pods.byIndex('namespace', d.metadata.namespace ?? '')) map.get(controllerRefOf(pod)?.uid ?? '')?.push(pod);
    return map;
  }

  private async syncStatusOnly(d: WorkingDeployment, rsList: ReplicaSet[]): Promise<void> {
    const [newRS, oldRSs] = await getAllReplicaSets(this.dc, d, rsList, false);
    await this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different `replicas` than today's. */
  private async isScalingEvent(d: WorkingDeployment, rsList: ReplicaSet[]): Promise<boolean> {
    const [newRS, oldRSs] = await getAllReplicaSets(this.dc, d, rsList, false);
    return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return desired !== undefined && Number(desired) !== (d.spec.replicas ?? 1);
    });
  }

  /** sync: follow `replicas` without rolling out (paused, or a scaling event). */
  private async syncScaling(d: WorkingDeployment, rsList: ReplicaSet[]): Promise<void> {
    const [newRS, oldRSs] = await getAllReplicaSets(this.dc, d, rsList, false);
    await scale(this.dc, d, newRS, oldRSs);
    if (d.spec.paused) await cleanupDeployment(this.dc, oldRSs, d);
    // Sizes just changed: the ReplicaSets' watch events bring the next sync with fresh counts.
    await this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  /** syncDeploymentStatus: counts and Available, Progressing left as it is. */
  private async syncDeploymentStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: WorkingDeployment): Promise<void> {
    const status = calculateStatus(allRSs, newRS, d, this.clock);
    if (JSON.stringify(status) !== JSON.stringify(d.status)) await writeStatus(this.dc, d, status);
  }

  /** checkPausedConditions: Progressing Unknown while paused, so the deadline does not run. */
  private async checkPausedConditions(d: WorkingDeployment): Promise<void> {
    if (d.spec.progressDeadlineSeconds === undefined) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === REASONS.TimedOut) return;
    const pausedNoted = cond?.reason === REASONS.Paused;
    if (d.spec.paused && !pausedNoted) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', REASONS.Paused, 'Deployment is paused', this.clock));
    } else if (!d.spec.paused && pausedNoted) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', REASONS.Resumed, 'Deployment is resumed', this.clock));
    } else return;
    await writeStatus(this.dc, d, d.status);
  }
}

/** The Deployment's selector as requirements; undefined when it is invalid. */
function selectorOf(d: Deployment): Requirement[] | undefined {
  try {
    return d.spec.selector ? labelSelectorToRequirements(d.spec.selector) : undefined;
  } catch {
    return undefined;
  }
}

