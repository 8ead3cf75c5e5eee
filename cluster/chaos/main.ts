// `npm run chaos`: one failure, from the command line
// ===================================================
// CONCEPT   Parses `<action> [target]`, connects to the running harbour (launcher.json in --dir),
//           calls the matching Chaos method (chaos.ts) and prints what it did and what the cluster
//           should do next. Exits 2 on a usage mistake, 1 when the action failed.
// REAL K8S  None; the closest are `kubectl drain`/`cordon` and chaos-mesh's CLI.
// SHIPS     The instructor's whistle.
// EXAMPLE   npm run chaos -- sink node-2
//           npm run chaos -- slow node-3 5s        (Kubernetes time; `slow node-3 0` ends it)
//           npm run chaos -- crash besu-rpc-x7k2p -n default
// SKIPPED   interactive mode; every action is one command.

import { parseArgs } from 'node:util';
import { Chaos, type ChaosReport } from './chaos.ts';

const USAGE = `usage: npm run chaos -- <action> [target] [options]

  status                                 components and node links
  kill | stop | start | restart NAME     NAME: etcd, apiserver, scheduler, controller-manager,
                                         kubelet/node-1, kube-proxy/node-1 (kill = SIGKILL, a crash)
  pause | resume NAME                    SIGSTOP / SIGCONT
  sink | restore NODE                    kill (start) the node's kubelet and kube-proxy
  partition | heal NODE                  cut (restore) the node's link to the apiserver; pods keep running
  slow NODE DELAY                        delay every API call of the node (Kubernetes time: 5s; 0 ends it)
  crash POD [-n NS] [--container C] [--signal KILL|TERM]
                                         kill the container's main process (exit 137); restartPolicy acts
  add-node [--cpu 4] [--memory 8Gi] [--pods 110] [--name node-4]
  remove-node NODE                       stop its processes and delete the Node
  cordon | uncordon | drain NODE

  --dir DIR   the harbour's state folder (default .cluster)`;

function fail(message: string, code = 2): never {
  console.error(`chaos: ${message}`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: '.cluster' },
      namespace: { type: 'string', short: 'n', default: 'default' },
      container: { type: 'string', short: 'c' },
      signal: { type: 'string', default: 'KILL' },
      cpu: { type: 'string' }, memory: { type: 'string' }, pods: { type: 'string' }, name: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}
const { values, positionals } = parsed;
const [action, target, extra] = positionals;
if (values.help || !action) {
  console.log(USAGE);
  process.exit(action || values.help ? 0 : 2);
}

const needsTarget = !['status', 'add-node'].includes(action);
if (needsTarget && !target) fail(`${action} needs a target\n${USAGE}`);

function print(r: ChaosReport): void {
  console.log(`\u26a1 ${r.did}`);
  if (r.next.length) console.log('What the cluster should do next:');
  for (const line of r.next) console.log(`  - ${line}`);
}

async function main(): Promise<void> {
  const chaos = await Chaos.connect({ dir: values.dir, onReport: print });
  const t = target!;
  switch (action) {
    case 'status': {
      const [components, links] = await Promise.all([chaos.control.components(), chaos.control.links()]);
      console.log(`time scale ${chaos.timeScale} (Kubernetes durations take ${chaos.timeScale}x as long on the wall clock)`);
      for (const c of components) console.log(`  ${c.name.padEnd(28)} ${c.state.padEnd(10)} ${c.pid ? `pid ${c.pid}` : ''}${c.message ? `  ${c.message}` : ''}`);
      for (const l of links) console.log(`  link ${l.node.padEnd(23)} ${l.mode.padEnd(10)} ${l.listen}${l.delayMs ? ` +${l.delayMs} ms` : ''}`);
      return;
    }
    case 'kill': case 'stop': case 'start': case 'restart': case 'pause': case 'resume':
      await chaos[action](t);
      return;
    case 'sink': case 'restore': case 'partition': case 'heal': case 'cordon': case 'uncordon': case 'drain':
      await chaos[action](t);
      return;
    case 'slow':
      if (extra === undefined) fail('slow needs a delay, e.g. `slow node-2 5s` (Kubernetes time; 0 ends it)');
      await chaos.slow(t, extra);
      return;
    case 'crash': {
      const signal = values.signal.toUpperCase().replace(/^SIG/, '');
      if (signal !== 'KILL' && signal !== 'TERM') fail('--signal must be KILL or TERM');
      await chaos.crash(t, { namespace: values.namespace, container: values.container, signal });
      return;
    }
    case 'add-node':
      await chaos.addNode({ name: values.name, cpu: values.cpu, memory: values.memory, pods: values.pods === undefined ? undefined : Number(values.pods) });
      return;
    case 'remove-node':
      await chaos.removeNode(t);
      return;
    default:
      fail(`unknown action "${action}"\n${USAGE}`);
  }
}

main().then(() => process.exit(0), (err: Error) => fail(err.message, 1));
