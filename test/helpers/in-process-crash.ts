// Test helper: a component that crashes inside the launcher's process
// ===================================================================
// CONCEPT   Run by test/unit/cluster-in-process.test.ts as its own process (vitest traps uncaught
//           errors itself): a hosted component throws from a timer and leaves a rejection unhandled;
//           each must crash only that component, and the "launcher" (this process) must live on.
// REAL K8S  none: real components are always separate processes (see cluster/in-process.ts)
// SHIPS     One office catching fire in a shared building, and the rest working on.
// EXAMPLE   node --import tsx test/helpers/in-process-crash.ts  =>  "[kubelet] crashed ..." lines, exit 0
// SKIPPED   Everything but the crash.
import { hostComponent } from '../../cluster/in-process.ts';

const p = hostComponent('kubelet/main.ts', [], (line) => console.log(`[kubelet] ${line.split('\n')[0]}`), async () => {
  setTimeout(() => {
    throw new Error('boom in a timer');
  }, 10);
  // crash() runs as the component, so its console line lands in the component's log too.
  return { stop: async () => {}, crash: async () => console.log('crash() called') };
});
const other = hostComponent('proxy/main.ts', [], () => {}, async () => ({ stop: async () => {}, crash: async () => {} }));
console.log(`kubelet exited ${JSON.stringify(await p.exited)}`);
setTimeout(() => {
  console.log(`launcher alive; kube-proxy still running: ${other.exitStatus() === undefined}`);
  void other.stop();
}, 50);
