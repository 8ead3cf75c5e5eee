// kube-apiserver's flags, as options
// ==================================
// CONCEPT   One function from the command line to ApiServerOptions, shared by main.ts (a process
//           of its own) and the launcher's --in-process mode, so both run the same apiserver.
// REAL K8S  cmd/kube-apiserver/app/options/options.go (v1.32)
// SHIPS     The radio room's standing orders.
// EXAMPLE   apiServerOptionsFromFlags(['--etcd-servers', 'http://127.0.0.1:2379', '--port', '6443'])
//             => { etcdServers: ['http://127.0.0.1:2379'], bindAddress: '127.0.0.1', port: 6443, ... }
// SKIPPED   Every flag about TLS, auth and admission plugins.

import { parseArgs } from 'node:util';
import { parseDuration } from '../api/duration.ts';
import type { ApiServerOptions } from './server.ts';

export const APISERVER_USAGE = `usage: tsx apiserver/main.ts --etcd-servers URL[,URL] [--bind-address 127.0.0.1] [--port 6443]
       [--service-cluster-ip-range 127.96.0.0/16] [--service-node-port-range 30000-32767]
       [--event-ttl 1h0m0s] [--time-scale 1] [--token-auth-file tokens.csv]`;

/** Parses kube-apiserver flags. @throws Error with a one-line reason (main.ts adds the usage) */
export function apiServerOptionsFromFlags(args: string[]): ApiServerOptions & { port: number } {
  const { values } = parseArgs({
    args,
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
  });
  if (!values['etcd-servers']) throw new Error('--etcd-servers is required (e.g. --etcd-servers http://127.0.0.1:2379)');
  const port = Number(values['secure-port'] ?? values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  if (!/^\d+-\d+$/.test(values['service-node-port-range']!)) throw new Error('--service-node-port-range must look like 30000-32767');
  const timeScale = Number(values['time-scale']);
  if (!(timeScale > 0)) throw new Error(`--time-scale must be a number above 0, got "${values['time-scale']}"`);
  const eventTTL = parseDuration(values['event-ttl']!);
  if (!eventTTL) throw new Error(`--event-ttl must be a duration such as 1h0m0s or 30m, got "${values['event-ttl']}"`);
  return {
    etcdServers: values['etcd-servers'].split(','),
    bindAddress: values['bind-address'],
    port,
    serviceClusterIPRange: values['service-cluster-ip-range'],
    serviceNodePortRange: values['service-node-port-range'],
    etcdChannels: Number(values['etcd-channels']),
    tokenAuthFile: values['token-auth-file'],
    // Events expire an hour of cluster time after their last write: at time scale 0.1, 6 minutes.
    eventTTLSeconds: Math.max(1, Math.round((eventTTL / 1000) * timeScale)),
  };
}
