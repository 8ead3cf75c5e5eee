// The replication manager and the ReplicaSet controller: one loop, two kinds
// ==========================================================================
// CONCEPT   A ReplicationController and a ReplicaSet ask for the same thing - N copies of a pod -
//           and Kubernetes runs the same code for both: the replication manager *is* the ReplicaSet
//           controller, handed RCs dressed up as ReplicaSets. The only difference is the selector:
//           an RC's is a plain map ({app: besu} means app=besu), a ReplicaSet's is a LabelSelector
//           with matchLabels and matchExpressions (app in (besu, geth), !canary). This file gives
//           the loop in replica-set.ts its two kinds.
// REAL K8S  pkg/controller/replication/replication_controller.go (NewReplicationManager wraps
//           replicaset.NewBaseController), pkg/controller/replication/conversion.go,
//           pkg/controller/replicaset/replica_set.go (NewReplicaSetController)
// SHIPS     The replication office keeps two ledgers, old forms and new, and one clerk for both.
// EXAMPLE   new ReplicaSetManager({ client, factory, clock })  // apps/v1 ReplicaSets
//           new ReplicationManager({ client, factory, clock }) // core/v1 ReplicationControllers
// SKIPPED   the conversion itself (we read both kinds through the `Replicated` shape).

import type { ReplicaSet } from '../api/apps-types.ts';
import { labelSelectorToRequirements, selectorFromSet } from '../api/labels.ts';
import type { ReplicationController } from '../api/types.ts';
import { ReplicaSetController, type ReplicaSetControllerOptions, type ReplicatedKind } from './replica-set.ts';

/** Options of the replication manager (and the ReplicaSet controller). */
export type ReplicationManagerOptions = ReplicaSetControllerOptions;

/** core/v1 ReplicationControllers: the selector is a map of equalities. */
export const REPLICATION_CONTROLLER_KIND: ReplicatedKind = {
  resource: 'replicationcontrollers', apiVersion: 'v1', kind: 'ReplicationController',
  controllerName: 'replicationcontroller-controller', component: 'replication-controller', logName: 'replication',
  selector: (rc) => selectorFromSet((rc as ReplicationController).spec.selector ?? {}),
};

/**
 * apps/v1 ReplicaSets: a LabelSelector. A missing selector selects nothing (the apiserver refuses
 * one anyway); labelSelectorToRequirements throws for an invalid one.
 */
export const REPLICA_SET_KIND: ReplicatedKind = {
  resource: 'replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet',
  controllerName: 'replicaset-controller', component: 'replicaset-controller', logName: 'replicaset',
  selector: (rs) => {
    const sel = (rs as ReplicaSet).spec.selector;
    return sel ? labelSelectorToRequirements(sel) : [];
  },
};

/** The RC manager (NewReplicationManager). */
export class ReplicationManager extends ReplicaSetController {
  constructor(o: ReplicationManagerOptions) {
    super(o, REPLICATION_CONTROLLER_KIND);
  }
}

/** The ReplicaSet controller (NewReplicaSetController). */
export class ReplicaSetManager extends ReplicaSetController {
  constructor(o: ReplicationManagerOptions) {
    super(o, REPLICA_SET_KIND);
  }
}
