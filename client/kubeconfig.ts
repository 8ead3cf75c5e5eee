// Kubeconfig: where the apiserver is and who we are
// ================================================
// CONCEPT   A kubeconfig file lists *clusters* (a server URL), *users* (credentials) and *contexts*
//           (a cluster + a user + a default namespace); `current-context` picks one. The same file
//           drives `kubectl` and every component (`--kubeconfig`), so we read the real format.
// REAL K8S  staging/src/k8s.io/client-go/tools/clientcmd/api/v1/types.go (Config, Cluster, AuthInfo,
//           Context) and clientcmd/client_config.go (resolving the current context)
// SHIPS     The card by the radio: which frequency the harbour master listens on, and our call sign.
// EXAMPLE   loadKubeconfig('~/.kube/config') => { server: 'http://127.0.0.1:6443', token: 'abc',
//           namespace: 'default', context: 'harbour' }
// SKIPPED   client certificates, exec/auth-provider plugins, certificate-authority (Node's fetch
//           cannot take a custom CA without the undici package), merging several files ($KUBECONFIG).

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { parse } from 'yaml';

/** What a client needs from a kubeconfig context. */
export interface ClientConfig {
  /** The apiserver URL, e.g. "http://127.0.0.1:6443". */
  server: string;
  /** A bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** The context's default namespace. @default "default" */
  namespace: string;
  /** The name of the context that was used. */
  context?: string;
  /** The cluster says `insecure-skip-tls-verify: true`. */
  insecureSkipTLSVerify?: boolean;
}

interface RawKubeconfig {
  'current-context'?: string;
  clusters?: ({ name: string; cluster?: { server?: string; 'insecure-skip-tls-verify'?: boolean } })[];
  users?: ({ name: string; user?: { token?: string; tokenFile?: string } })[];
  contexts?: ({ name: string; context?: { cluster?: string; user?: string; namespace?: string } })[];
}

function find<T extends { name: string }>(list: T[] | undefined, name: string | undefined, what: string): T {
  const hit = list?.find((entry) => entry.name === name);
  if (!hit) throw new Error(`kubeconfig: ${what} "${name ?? ''}" not found`);
  return hit;
}

/**
 * Reads a kubeconfig file and resolves one context to a server, token and namespace.
 * @param path the file; a leading "~" is the home directory.
 * @param contextName the context to use. @default the file's current-context
 * @example const cfg = loadKubeconfig(flags.kubeconfig); new KubeClient(cfg)
 */
export function loadKubeconfig(path: string, contextName?: string): ClientConfig {
  const file = path.startsWith('~') ? homedir() + path.slice(1) : path;
  return resolveKubeconfig(readFileSync(file, 'utf8'), contextName);
}

/** The same as `loadKubeconfig`, from the file's text (tests use it). */
export function resolveKubeconfig(text: string, contextName?: string): ClientConfig {
  const raw = (parse(text) ?? {}) as RawKubeconfig;
  const name = contextName ?? raw['current-context'];
  const context = find(raw.contexts, name, 'context').context ?? {};
  const cluster = find(raw.clusters, context.cluster, 'cluster').cluster ?? {};
  if (!cluster.server) throw new Error(`kubeconfig: cluster "${context.cluster}" has no server`);
  // A context may have no user at all: an unauthenticated local cluster.
  const user = context.user ? find(raw.users, context.user, 'user').user ?? {} : {};
  const token = user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    token,
    namespace: context.namespace ?? 'default',
    context: name,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'],
  };
}
