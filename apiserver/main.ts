// kube-apiserver entry point: flags in, server up
// ===============================================
// CONCEPT   Parses the flags kube-apiserver is known by and calls startApiServer; nothing else.
// REAL K8S  cmd/kube-apiserver/apiserver.go and app/options/options.go
// SHIPS     Opening the radio room for the day.
// EXAMPLE   tsx apiserver/main.ts --etcd-servers http://127.0.0.1:2379 --bind-address 127.0.0.1 --port 6443
// SKIPPED   Every flag about TLS, auth and admission plugins.

import { APISERVER_USAGE, apiServerOptionsFromFlags } from './flags.ts';
import { startApiServer } from './server.ts';

function fail(message: string): never {
  console.error(`kube-apiserver: ${message}\n${APISERVER_USAGE}`);
  process.exit(2);
}

let options;
try {
  options = apiServerOptionsFromFlags(process.argv.slice(2));
} catch (err) {
  fail((err as Error).message);
}
const port = options.port;

const server = await startApiServer(options).catch((err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') fail(`port ${port} is already in use; choose another with --port`);
  fail(err.message);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.close().then(() => process.exit(0)));
}
