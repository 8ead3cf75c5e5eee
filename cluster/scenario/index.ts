// What a scenario file imports
// ============================
// CONCEPT   Scenario authors need one import: `scenario` to declare the lesson, the helpers that
//           read pods and nodes the way kubectl does, `notYet` to explain a wait, and the timings
//           Kubernetes uses, to write deadlines that say where they come from.
// REAL K8S  test/e2e/framework's packages (e2epod, e2enode) play this role for Kubernetes' own e2e tests.
// SHIPS     The instructor's kit bag.
// EXAMPLE   import { scenario, isReady, nodeReady, notYet, TIMINGS } from '../../cluster/scenario/index.ts';
// SKIPPED   nothing: everything else lives on the context `s`.

export { scenario, type Scenario, type ScenarioContext, type ScenarioMeta, type Prediction, type EventFilter } from './api.ts';
export { notYet } from './step-failure.ts';
export {
  isReady, isActive, readyStatus, nodeReady, hasTaint, restarts, waitingReason, requested, fullestThatFits, fillAfter, fillText,
} from './helpers.ts';
export { TIMINGS, human, parseDuration } from '../chaos/timings.ts';
