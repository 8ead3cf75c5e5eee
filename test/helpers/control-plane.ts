// Test harness: a real etcd and a real kube-apiserver on free ports
// =================================================================
// CONCEPT   Integration tests run against the real thing: an etcd child process with its own
//           temporary data directory and an apiserver listening on a free loopback port. Each test
//           file gets its own pair, and `stop()` ends exactly the processes it started.
// REAL K8S  test/integration/framework/controlplane_utils.go (StartTestServer)
// SHIPS     A practice harbour for each lesson, built and cleared away afterwards.
// EXAMPLE   const cp = await startControlPlane(); await fetch(`${cp.url}/api/v1/pods`); await cp.stop();
// SKIPPED   Running the apiserver as a separate process (tests host it in-process, which the
//           design allows; it still talks to etcd over the network and to clients over HTTP).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type EtcdProcess } from '../../cluster/etcd.ts';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../apiserver/server.ts';
import { kubeconfigText } from '../../cluster/kubeconfig.ts';

export { kubeconfigText };

export interface ControlPlane {
  /** The apiserver URL, e.g. http://127.0.0.1:41234 */
  url: string;
  etcdUrl: string;
  etcd: EtcdProcess;
  apiserver: ApiServer;
  /** A kubeconfig file pointing at this apiserver (for kubectl and client libraries). */
  kubeconfig: string;
  /** A scratch directory that stop() removes. */
  dir: string;
  /** Stops the apiserver and starts a new one on the same port, against the same etcd. */
  restartApiServer(): Promise<void>;
  /** Stops only the apiserver (a later restartApiServer brings it back). */
  stopApiServer(): Promise<void>;
  /** Compacts etcd's history up to its current revision. */
  compact(): Promise<void>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** ClusterIP range, so parallel test files never hand out the same addresses. */
  serviceClusterIPRange?: string;
  quiet?: boolean;
  /**
   * More kube-apiserver flags, given the plane's scratch directory for any file they name.
   * @example (dir) => ({ eventTTLSeconds: 3 })
   */
  apiserver?: (dir: string) => Partial<ApiServerOptions>;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'harbour-test-'));
  const etcd = await startEtcd({ dataDir: join(dir, 'etcd'), clientPort: 0, peerPort: 0 });
  const log = options.quiet === false ? console.log : () => {};
  const flags = options.apiserver?.(dir) ?? {};
  const start = (port = 0) =>
    startApiServer({ ...flags, etcdServers: [etcd.url], port, log, serviceClusterIPRange: options.serviceClusterIPRange });
  let apiserver: ApiServer | undefined = await start();
  const port = apiserver.port;
  const url = apiserver.url;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText(url));
  const plane: ControlPlane = {
    url,
    etcdUrl: etcd.url,
    etcd,
    get apiserver() {
      return apiserver!;
    },
    kubeconfig,
    dir,
    async stopApiServer() {
      await apiserver?.close();
      apiserver = undefined;
    },
    async restartApiServer() {
      await apiserver?.close();
      apiserver = await start(port);
    },
    async compact() {
      const res = await fetch(`${etcd.url}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from('/').toString('base64') }) });
      const revision = ((await res.json()) as { header: { revision: string } }).header.revision;
      await fetch(`${etcd.url}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision, physical: true }) });
    },
    async stop() {
      await apiserver?.close();
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return plane;
}
