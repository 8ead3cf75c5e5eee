// Step failures: how a scenario says what went wrong, and where
// =============================================================
// CONCEPT   A lesson is a list of named steps, so every failure names the step it happened in:
//           the context wraps whatever a step throws in a StepFailure carrying that step's title,
//           and the runner prints it as the lesson's verdict. A check that is merely "not done
//           yet" throws NotYet with a reason instead; `until` keeps polling, and shows the last
//           reason only if the deadline passes.
// REAL K8S  test/e2e/framework (framework.Failf, ginkgo's By("...") naming the step that failed).
// SHIPS     The instructor's note in the log: which manoeuvre went wrong, and what was seen.
// EXAMPLE   throw notYet(`node-2 is still ${readyStatus(node)}`)
//           => on timeout: "timed out after 64.2 s ... waiting for: node-2 is NotReady (...); last seen: node-2 is still True"
// SKIPPED   Stack traces in the verdict: a student needs the step and the message.

/** A failure, with the step it happened in. */
export class StepFailure extends Error {
  constructor(readonly step: string, message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** Thrown by a check to say "not yet, because ..."; the last reason shows if the wait times out. */
export class NotYet extends Error {}

/** @example throw notYet(`node-2 is still ${readyStatus(node)}`) */
export function notYet(reason: string): NotYet {
  return new NotYet(reason);
}
