// The scenario API: what an instructor writes a lesson with
// =========================================================
// CONCEPT   A scenario is a TypeScript module whose default export is `scenario(meta, body)`. The
//           body receives a context `s` with a handful of verbs, each of which prints a line on the
//           timeline:
//             s.step(title, fn)              a named stage; a failure inside names this step
//             s.apply(yaml) / s.delete(...)  objects, in the scenario's own namespace
//             s.until(what, check, within)   wait for the cluster to do something, with a deadline
//             s.holds(what, check, during)   ... or to keep *not* doing something for a while
//             s.assert(ok, what)             a plain check
//             s.predict(question, choices)   pause for the class; later `.reveal(answer, why)`
//             s.chaos.sink('node-2') ...     every chaos action (../chaos/chaos.ts)
//             s.pods() s.nodes() s.events() s.rpc() s.blockNumber() s.why()   reading the cluster
//           Durations (`within`, `during`, `sleep`) are Kubernetes time, like every timing in a
//           lesson ("NotReady within 40s"): the runner scales them by the cluster's time scale and
//           adds a little wall-clock slack for processes that start and stop.
// REAL K8S  test/e2e/framework in kubernetes/kubernetes plays this role (ginkgo specs, framework.Poll,
//           e2epod.WaitForPodRunning); sigs.k8s.io/e2e-framework has steps (features.New().Assess).
// SHIPS     The lesson plan: what the instructor does, what the class guesses, what the harbour shows.
// EXAMPLE   export default scenario({ name: 'hello', title: 'A pod runs', lesson: '...' }, async (s) => {
//             await s.step('Create it', () => s.apply(POD));
//             await s.until('it is Running', async () => isReady(await s.pod('hello')), '60s');
//           });
// SKIPPED   parallel steps and sub-steps: a lesson is read top to bottom.

import type { Event, KubeObject, Node, Pod } from '../../api/types.ts';
import type { KubeClient } from '../../client/rest.ts';
import type { Chaos } from '../chaos/chaos.ts';

/** What the runner needs to know about a scenario before it starts it. */
export interface ScenarioMeta {
  /** Short name, also the namespace the scenario's objects live in. @example "ship-sinks" */
  name: string;
  /** One line for the timeline's header. @example "A ship sinks" */
  title: string;
  /** The lesson, a few sentences: what the class should take home. */
  lesson: string;
  /** Ships the scenario needs at least. @default 1 */
  minShips?: number;
  /** For a fresh cluster: the time scale to start it with. @default 0.1 */
  timeScale?: number;
}

/** A scenario as a module exports it. */
export interface Scenario {
  meta: ScenarioMeta;
  body: (s: ScenarioContext) => Promise<void>;
}

/** An answer to wait for: a truthy value when done; false, undefined or a thrown error when not yet. */
export type Check<T> = () => Promise<T | false | undefined | null> | T | false | undefined | null;

/** A prediction the class made; reveal it once the cluster has shown the answer. */
export interface Prediction {
  /** The question as asked. */
  question: string;
  /** What someone typed at the pause, if anyone did. */
  guess?: string;
  /** Prints the answer (and whether the guess was right). */
  reveal(answer: string, why?: string): void;
}

/** Which events to find; every field is optional and all must match. */
export interface EventFilter {
  reason?: string | RegExp;
  /** involvedObject.name */
  object?: string;
  /** involvedObject.kind */
  kind?: string;
  /** Only events seen (lastTimestamp) at or after this wall-clock ms. */
  since?: number;
  /** Only events whose message matches. */
  message?: RegExp;
}

/** The verbs a scenario body uses. Every one of them prints a line on the timeline. */
export interface ScenarioContext {
  /** The namespace for this scenario's objects (its meta.name), created fresh for the run. */
  readonly ns: string;
  /** Kubernetes durations take this many times as long on the wall clock. */
  readonly timeScale: number;
  /** The chaos API, its reports printed on the timeline. */
  readonly chaos: Chaos;
  /** A client for anything the helpers do not cover. */
  readonly client: KubeClient;
  /** The ships at the start, in the launcher's order: name, ip, cpu, memory. */
  readonly ships: readonly { name: string; ip: string; cpu: string; memory: string }[];

  /** Runs one named stage. A failure inside fails the scenario, naming this step. */
  step<T>(title: string, fn: () => Promise<T> | T): Promise<T>;
  /** Prints a line of narration. */
  say(text: string): void;
  /**
   * Asks the class a question and pauses (unless --no-pause) until Enter is pressed; a typed
   * answer is kept as the guess. @param choices printed as the options, e.g. the ship names
   */
  predict(question: string, choices?: readonly string[]): Promise<Prediction>;

  /** Creates every object of a YAML (or JSON) text, or objects, in `ns` unless they name another. */
  apply(manifest: string | KubeObject | KubeObject[]): Promise<KubeObject[]>;
  /** Deletes one object. @param options.force grace period 0 (`kubectl delete --force --grace-period=0`) */
  delete(resource: string, name: string, options?: { force?: boolean; namespace?: string }): Promise<void>;

  /**
   * Waits until `check` answers something truthy, and returns it; fails the step when `within`
   * (Kubernetes time, plus the runner's slack) passes first, naming `what` and the last answer.
   * @example const node = await s.until('the pod is bound', async () => (await s.pod('a')).spec.nodeName, '30s')
   */
  until<T>(what: string, check: Check<T>, within: string | number): Promise<T>;
  /** Checks `check` stays truthy for `during` (Kubernetes time); fails at the first falsy answer. */
  holds(what: string, check: Check<unknown>, during: string | number): Promise<void>;
  /** Passes (and prints ✔ what) when `ok` is true; fails the step otherwise. */
  assert(ok: unknown, what: string): void;
  /** Waits a Kubernetes duration ("5s" takes 0.5 s at time scale 0.1). */
  sleep(duration: string | number): Promise<void>;
  /** Wall-clock ms now (to measure with `elapsed`). */
  mark(): number;
  /** Kubernetes time since a mark, as a person says it: "41 s". */
  elapsed(since: number): string;

  /** Pods in `ns` (or `namespace`), optionally filtered by a label selector "app=besu". */
  pods(selector?: string, namespace?: string): Promise<Pod[]>;
  /** One pod in `ns`. @throws NotFound */
  pod(name: string, namespace?: string): Promise<Pod>;
  nodes(): Promise<Node[]>;
  node(name: string): Promise<Node>;
  /** Events from every namespace matching the filter, oldest first. */
  events(filter?: EventFilter): Promise<Event[]>;
  /** A JSON-RPC call to a Besu pod on podIP:8545 (or to a URL); resolves with `result`. */
  rpc<T = unknown>(target: Pod | string, method: string, params?: unknown[]): Promise<T>;
  /** eth_blockNumber of a Besu pod, as a number. */
  blockNumber(target: Pod | string): Promise<number>;
  /** Why the scheduler put a pod where it did, in one line (its /explanations endpoint). */
  why(pod: string, namespace?: string): Promise<string>;
  /** Runs the real kubectl against this cluster; resolves with its stdout. */
  kubectl(...args: string[]): Promise<string>;
}

/**
 * Declares a scenario: the default export of every file in examples/scenarios/.
 * @example export default scenario({ name: 'crash-loop', title: '...', lesson: '...' }, async (s) => { ... })
 */
export function scenario(meta: ScenarioMeta, body: (s: ScenarioContext) => Promise<void>): Scenario {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(meta.name)) {
    throw new Error(`scenario name "${meta.name}" must be lower-case letters, digits and dashes (it is also a namespace)`);
  }
  return { meta, body };
}
