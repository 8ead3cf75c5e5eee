// `npm run cluster`: bring up the harbour
// =======================================
// CONCEPT   The launcher starts the control plane as separate processes, in dependency order:
//           etcd first (the records office), then the kube-apiserver (the radio room) pointed at
//           it. It waits for each to be healthy, writes .cluster/kubeconfig, and prints how to use
//           kubectl. Ctrl-C stops everything, leaving etcd's data in .cluster/etcd for next time.
// REAL K8S  kubeadm init (cmd/kubeadm/app/cmd/init.go) and kind's node bootstrap play this role.
// SHIPS     Opening the harbour in the morning: records office first, then the radio room.
// EXAMPLE   npm run cluster            # resumes from .cluster/ if it exists
//           npm run cluster -- --fresh # wipes .cluster/ first
// SKIPPED   This first version starts etcd and the apiserver only; the scheduler, controllers,
//           kubelets and proxies join as their components land (issue 8 grows this file).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ETCD_INSTALL_HINT, etcdVersion, startEtcd } from './etcd.ts';

const USAGE = 'usage: npm run cluster [-- --fresh] [--etcd-port 2379] [--apiserver-port 6443]';

function fail(message: string): never {
  console.error(`cluster: ${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      fresh: { type: 'boolean', default: false },
      'etcd-port': { type: 'string', default: '2379' },
      'etcd-peer-port': { type: 'string', default: '2380' },
      'apiserver-port': { type: 'string', default: '6443' },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}

const root = resolve('.cluster');
const pidFile = join(root, 'launcher.pid');
if (!etcdVersion()) fail(`etcd is not installed. Install it with:\n  ${ETCD_INSTALL_HINT}`);
if (existsSync(pidFile)) {
  const pid = Number(readFileSync(pidFile, 'utf8'));
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    // stale pid file from a launcher that died
  }
  if (alive) fail(`a cluster is already running from this folder (launcher pid ${pid}); stop it with Ctrl-C in its terminal or: kill ${pid}`);
}
if (values.fresh) rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
writeFileSync(pidFile, String(process.pid));

const t0 = Date.now();
const tick = (what: string, since: number) => console.log(`  \u2714 ${what.padEnd(28)} ${((Date.now() - since) / 1000).toFixed(1)} s`);
console.log('Bringing up the harbour:');

let etcd;
try {
  etcd = await startEtcd({ dataDir: join(root, 'etcd'), clientPort: Number(values['etcd-port']), peerPort: Number(values['etcd-peer-port']) });
} catch (err) {
  rmSync(pidFile, { force: true });
  fail(`${(err as Error).message}\n  (choose other ports with --etcd-port and --etcd-peer-port)`);
}
tick(`etcd (records office)`, t0);

const t1 = Date.now();
const port = values['apiserver-port']!;
const apiserver = spawn(process.execPath, ['--import', 'tsx', 'apiserver/main.ts', '--etcd-servers', etcd.url, '--port', port], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stopping = false;
apiserver.stderr!.on('data', (b: Buffer) => process.stderr.write(`[apiserver] ${b}`));
await new Promise<void>((ok) => {
  apiserver.stdout!.on('data', (b: Buffer) => {
    for (const line of b.toString().split('\n').filter(Boolean)) {
      if (line.includes('serving')) ok();
      else console.log(`[apiserver] ${line}`);
    }
  });
  apiserver.once('exit', (code) => {
    if (!stopping) {
      console.error(`cluster: kube-apiserver exited with code ${code}; is port ${port} in use? (change it with --apiserver-port)`);
      void etcd.stop().then(() => process.exit(1));
    }
  });
});
tick(`kube-apiserver (radio room)`, t1);

const kubeconfig = join(root, 'kubeconfig');
writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: harbour
  cluster:
    server: http://127.0.0.1:${port}
    insecure-skip-tls-verify: true
contexts:
- name: harbour
  context: {cluster: harbour, user: student, namespace: default}
current-context: harbour
users:
- name: student
  user: {}
`);
console.log(`\nThe harbour is open (${((Date.now() - t0) / 1000).toFixed(1)} s). Use kubectl with:\n  export KUBECONFIG=${kubeconfig}\n  kubectl get namespaces\n\nCtrl-C stops everything; etcd's data stays in .cluster/etcd.`);

const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the harbour...');
  apiserver.kill('SIGTERM');
  await new Promise((r) => (apiserver.exitCode !== null ? r(null) : apiserver.once('exit', r)));
  await etcd.stop();
  rmSync(pidFile, { force: true });
  console.log('Stopped. etcd data kept in .cluster/etcd');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
