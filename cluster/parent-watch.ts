// Noticing that whoever started us is gone
// ========================================
// CONCEPT   `npm run cluster` is a chain of processes: npm, then the tsx wrapper, then the launcher.
//           Ctrl-C in a terminal reaches all of them, but a SIGTERM sent to npm alone (by CI, by
//           `timeout`, by a test runner) kills npm and nothing else: the launcher would live on,
//           an orphan holding every port. So we remember the chain of parents up to npm, and if
//           one of them disappears we shut down as if we had been sent SIGTERM ourselves.
// REAL K8S  The kubelet and kube-proxy are started by systemd, which kills the whole cgroup; Linux
//           offers prctl(PR_SET_PDEATHSIG) for this, which Node does not expose.
// SHIPS     If the harbour master's office burns down, the harbour closes.
// EXAMPLE   watchParents(() => shutdown('parent gone'))   // chain e.g. [tsx 4242, npm 4240]
// SKIPPED   platforms without /proc: we then watch only our direct parent (process.ppid).

import { readFileSync } from 'node:fs';
import { pidAlive, pidCommandLine } from './process.ts';

/** Our parents, nearest first, up to and including the first npm process (at most 4 levels). */
export function parentChain(): number[] {
  const chain: number[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    chain.push(pid);
    if (/(^|[/ ])npm( |$)|npm-cli/.test(pidCommandLine(pid))) return chain;
    pid = parentOf(pid);
  }
  // No npm above us (started with `node --import tsx cluster/main.ts`): only the direct parent counts.
  return chain.slice(0, 1);
}

/**
 * Calls `onGone` once when any process of the parent chain has exited. Checks twice a second;
 * the timer does not keep the launcher alive. Returns a function that stops watching.
 */
export function watchParents(onGone: (pid: number) => void, chain = parentChain()): () => void {
  const timer = setInterval(() => {
    const gone = chain.find((pid) => !pidAlive(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
}

function parentOf(pid: number): number {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so we split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}
