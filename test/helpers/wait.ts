// Test helper: waiting for what happens asynchronously
// ====================================================
// CONCEPT   A control plane converges: a controller acts a moment after the write, a namespace goes
//           after its contents, a watch event arrives later. Tests therefore poll, in one of two ways:
//           `eventually` retries an assertion until it passes (its last failure is the test's), and
//           `waitFor` polls a probe until it returns a value (not undefined or false) and hands it back.
// REAL K8S  wait.PollUntilContextTimeout in k8s.io/apimachinery/pkg/util/wait, and gomega's
//           Eventually in the e2e framework
// SHIPS     Watching the quay until the ship has docked, and no longer than the tide allows.
// EXAMPLE   await eventually(() => expect(webPods()).toHaveLength(5));
//           const node = await waitFor('node-1 tainted', async () => (await getNode('node-1')).spec.taints);
// SKIPPED   Backoff: every poll waits the same short interval.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Retries `check` (an assertion) until it passes; after `timeoutMs` its last error is thrown.
 * @default timeoutMs 10_000
 */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/**
 * Polls `probe` every 50 ms until it returns something other than undefined or false, and returns
 * that. A probe that throws counts as "not yet"; after `timeoutMs` we fail with `what` and the last error.
 * @default timeoutMs 20_000
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(50);
  }
}

/**
 * Like `waitFor`, but every falsy answer (0, '', null as well) counts as "not yet": the shape the
 * kubelet and Job tests' probes were written in (`return pod.status.podIP && pod`).
 */
export function waitForTruthy<T>(what: string, probe: () => Promise<T | undefined | false | null | 0 | ''>, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, async () => (await probe()) || undefined, timeoutMs) as Promise<T>;
}
