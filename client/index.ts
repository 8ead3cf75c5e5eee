// client/: the client-go of this project
// ======================================
// CONCEPT   Every component (scheduler, controllers, kubelet, kube-proxy, launcher, dashboard) talks to
//           the apiserver through this library. Read it in this order:
//             clock.ts -> backoff.ts -> resources.ts -> errors.ts -> transport.ts -> rest.ts (KubeClient)
//             -> watch.ts -> reflector.ts -> store.ts -> informer.ts -> informer-factory.ts
//             -> rate-limiters.ts -> workqueue.ts -> controller.ts -> leader-election.ts -> events.ts
// REAL K8S  staging/src/k8s.io/client-go (rest, dynamic, tools/cache, util/workqueue,
//           tools/leaderelection, tools/record)
// SHIPS     The radio set, the register copy and the in-tray every office of the harbour shares.
// EXAMPLE   import { KubeClient, InformerFactory, Controller, realClock } from '../client/index.ts';
// SKIPPED   see each module's header.

export { realClock, FakeClock, type Clock, type Timer } from './clock.ts';
export { Backoff, backoffDelay, type BackoffOptions } from './backoff.ts';
export {
  resourceInfo, resourcePath, registerResource, apiVersionOf, objectKey, splitKey,
  type ResourceInfo, type ResourceTypes, type ResourceName, type ObjectOf, type PathParts,
} from './resources.ts';
export {
  ApiError, isNotFound, isAlreadyExists, isConflict, isGone, isInvalid, isTooManyRequests,
  isConnectionRefused, networkErrorCode, isStatus, toStatus,
} from './errors.ts';
export { loadKubeconfig, resolveKubeconfig, type ClientConfig } from './kubeconfig.ts';
export { isRetryable, retryAfterMs, type TransportOptions, type HttpRequest } from './transport.ts';
export { KubeClient, PATCH_TYPES, type KubeClientOptions, type ListOptions, type DeleteCallOptions } from './rest.ts';
export { openWatch, watchWithResume, type WatchOptions, type ResumeOptions, type Watcher } from './watch.ts';
export { Reflector, type ListWatchClient, type ReflectorSink, type ReflectorOptions } from './reflector.ts';
export { Store, BUILTIN_INDEXERS, type IndexFunc, type Lister } from './store.ts';
export { Informer, isNewer, type EventHandlers, type InformerOptions } from './informer.ts';
export { InformerFactory, type InformerFactoryOptions, type InformerSelection } from './informer-factory.ts';
export {
  ItemExponentialFailureRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter,
  type RateLimiter,
} from './rate-limiters.ts';
export { WorkQueue, type WorkQueueOptions } from './workqueue.ts';
export { Controller, type ControllerOptions } from './controller.ts';
export { LeaderElector, microTime, type LeaderElectionOptions, type LeaseClient } from './leader-election.ts';
export { EventRecorder, referenceTo, type EventRecorderOptions } from './events.ts';
