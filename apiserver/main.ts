// kube-apiserver entry point: flags in, server up
// ===============================================
// CONCEPT   Parses the flags kube-apiserver is known by and calls startApiServer; nothing else.
// REAL K8S  cmd/kube-apiserver/apiserver.go and app/options/options.go
// SHIPS     Opening the radio room for the day.
// EXAMPLE   tsx apiserver/main.ts --etcd-servers http://127.0.0.1:2379 --bind-address 127.0.0.1 --port 6443
// SKIPPED   Every flag about TLS, auth and admission plugins.

import { parseArgs } from 'node:util';
import { parseDuration } from '../api/duration.ts';
import { startApiServer } from './server.ts';

const USAGE = `usage: tsx apiserver/main.ts --etcd-servers URL[,URL] [--bind-address 127.0.0.1] [--port 6443]
       [--service-cluster-ip-range 127.96.0.0/16] [--service-node-port-range 30000-32767]
       [--event-ttl 1h0m0s] [--time-scale 1] [--token-auth-file tokens.csv]`;

function fail(message: string): never {
  console.error(`kube-apiserver: ${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      'etcd-servers': { type: 'string' },
      'bind-address': { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '6443' },
      'secure-port': { type: 'string' },
      'service-cluster-ip-range': { type: 'string', default: '127.96.0.0/16' },
      'service-node-port-range': { type: 'string', default: '30000-32767' },
      'time-scale': { type: 'string', default: '1' },
      'event-ttl': { type: 'string', default: '1h0m0s' },
      'token-auth-file': { type: 'string' },
      'etcd-channels': { type: 'string', default: '4' },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}
if (!values['etcd-servers']) fail('--etcd-servers is required (e.g. --etcd-servers http://127.0.0.1:2379)');
const port = Number(values['secure-port'] ?? values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
if (!/^\d+-\d+$/.test(values['service-node-port-range']!)) fail('--service-node-port-range must look like 30000-32767');
const timeScale = Number(values['time-scale']);
if (!(timeScale > 0)) fail(`--time-scale must be a number above 0, got "${values['time-scale']}"`);
const eventTTL = parseDuration(values['event-ttl']!);
if (!eventTTL) fail(`--event-ttl must be a duration such as 1h0m0s or 30m, got "${values['event-ttl']}"`);

const server = await startApiServer({
  etcdServers: values['etcd-servers'].split(','),
  bindAddress: values['bind-address'],
  port,
  serviceClusterIPRange: values['service-cluster-ip-range'],
  serviceNodePortRange: values['service-node-port-range'],
  etcdChannels: Number(values['etcd-channels']),
  tokenAuthFile: values['token-auth-file'],
  // Events expire an hour of cluster time after their last write: at time scale 0.1, 6 minutes.
  eventTTLSeconds: Math.max(1, Math.round((eventTTL / 1000) * timeScale)),
}).catch((err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') fail(`port ${port} is already in use; choose another with --port`);
  fail(err.message);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.close().then(() => process.exit(0)));
}
