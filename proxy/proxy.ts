// kube-proxy: the communications officer of each node
// ===================================================
// CONCEPT   kube-proxy watches Services and Endpoints (and its own Node) through informers and,
//           whenever they change, rewrites the whole rule table from the caches (syncProxyRules):
//           rules.ts builds it, the forwarder serves it. Syncs are rate-limited: at most one per
//           --iptables-min-sync-period (1 s), changes that arrive meanwhile are folded into the next
//           one, and a full resync runs every --iptables-sync-period (30 s) anyway. Nothing is kept
//           across restarts: a restarted proxy lists everything, waits for the caches to sync, and
//           rebuilds from scratch, which is how the real one recovers too.
//           Each proxy serves its node's NodePorts on the node IP. The virtual IPs (ClusterIPs,
//           external IPs, load-balancer IPs) live on the one loopback interface all nodes share, so
//           one elected proxy serves them (vip-owner.ts).
// REAL K8S  cmd/kube-proxy/app/server.go (ProxyServer.Run: informers, healthz, the Starting event),
//           pkg/proxy/iptables/proxier.go (OnServiceAdd/Update/Delete, OnEndpoints...,
//           syncProxyRules, the BoundedFrequencyRunner behind Sync), pkg/proxy/config/config.go
// SHIPS     The ship's communications officer: keeps the switchboard chart current and patches calls.
// EXAMPLE   const p = await startProxy({ kubeconfig: '.cluster/kubeconfig', nodeName: 'node-1', nodeIP: '127.0.10.1' });
//           await fetch(`${p.healthzURL}/rules`); await p.stop();
// SKIPPED   EndpointSlices, topology-aware routing, conntrack cleanup for UDP, --masquerade-all,
//           the partial sync that rewrites only changed chains (we rebuild; tables are small).
//
// REAL WORLD kube-proxy reads EndpointSlices (v1 Endpoints stop at 1000 addresses), syncs only the
// chains of changed services, and runs one instance per node as a DaemonSet with host networking.

import type { Node } from '../api/types.ts';
import { realClock, type Clock } from '../client/clock.ts';
import { EventRecorder } from '../client/events.ts';
import { InformerFactory } from '../client/informer-factory.ts';
import { KubeClient } from '../client/rest.ts';
import { Forwarder } from './forwarder.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import { renderIptables } from './iptables-save.ts';
import { buildRuleTable, type Frontend, type RuleTable } from './rules.ts';
import { describeChanges, serviceViews, type ServiceView } from './service-log.ts';
import { SyncRunner } from './sync-runner.ts';
import { VipOwnerElection } from './vip-owner.ts';

/** Options of startProxy; main.ts fills them from flags. */
export interface ProxyOptions {
  /** An API client. Else `kubeconfig` or `url`. */
  client?: KubeClient;
  /** --kubeconfig */
  kubeconfig?: string;
  /** The apiserver URL, when there is no kubeconfig. @example "http://127.0.0.1:6443" */
  url?: string;
  /** --hostname-override: the Node this proxy runs for. @example "node-1" */
  nodeName: string;
  /** --node-ip: NodePorts and the health server bind here; pods see connections come from it. @example "127.0.10.1" */
  nodeIP: string;
  /** @default the client's clock, else realClock(timeScale) */
  clock?: Clock;
  /** --time-scale, used when no clock is given. @default 1 */
  timeScale?: number;
  /** --cluster-cidr: pod addresses (for the masquerade rule). @default "127.244.0.0/16" */
  clusterCIDR?: string | null;
  /** --healthz-bind-address port; 0 picks a free one; null serves nothing. @default 10256 */
  healthzPort?: number | null;
  /** Compete to serve the Service VIPs. @default true */
  serveVIPs?: boolean;
  /** VIP-owner Lease timings, Kubernetes seconds. @default 15 / 10 / 2 */
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  /** --iptables-min-sync-period, Kubernetes ms. @default 1000 */
  minSyncPeriodMs?: number;
  /** --iptables-sync-period: full resync this often, Kubernetes ms. @default 30000 */
  syncPeriodMs?: number;
  /** Retry binding a busy address this often (wall-clock through the clock). @default 1000 */
  listenRetryMs?: number;
  /** Random 31-bit integers for the statistic walk. @default Math.random */
  random31?: () => number;
  /** @default console.log */
  log?: (line: string) => void;
}

/** A running kube-proxy. */
export interface KubeProxy {
  readonly nodeName: string;
  readonly nodeIP: string;
  /** "http://nodeIP:10256" when the health server runs. */
  readonly healthzURL?: string;
  readonly forwarder: Forwarder;
  /** The current rule table, iptables-save format (or "restore"). "" before the first sync. */
  rules(format?: 'save' | 'restore'): string;
  /** The current table; undefined before the first sync. */
  table(): RuleTable | undefined;
  isVipOwner(): boolean;
  /** Runs a sync now (ignoring the min sync period) and waits for it. */
  sync(): Promise<void>;
  /** Stops everything; `release: false` keeps the VIP Lease held, as a crash would. @default release */
  stop(options?: { release?: boolean }): Promise<void>;
}

/** Starts informers, waits for the first sync, serves NodePorts, then competes for the VIPs. */
export async function startProxy(options: ProxyOptions): Promise<KubeProxy> {
  const clock = options.clock ?? options.client?.clock ?? realClock(options.timeScale ?? 1);
  const client = options.client ?? (options.kubeconfig ? KubeClient.fromKubeconfig(options.kubeconfig, { clock })
    : options.url ? new KubeClient({ server: options.url, clock }) : undefined);
  if (!client) throw new Error('startProxy needs a client, a kubeconfig or a url');
  const { nodeName, nodeIP } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const forwarder = new Forwarder({ clock, sourceIP: nodeIP, listenRetryMs: options.listenRetryMs, random31: options.random31, log });
  const recorder = new EventRecorder({ client, clock, component: 'kube-proxy', host: nodeName, log });
  const nodeRef = { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeName }; // kube-proxy's NodeRef

  // ## Informers: every change asks for a sync (OnServiceUpdate -> proxier.Sync)
  const factory = new InformerFactory(client, { clock, log });
  const services = factory.informer('services');
  const endpoints = factory.informer('endpoints');
  const nodes = factory.informer('nodes', { fieldSelector: `metadata.name=${nodeName}` });
  const runner = new SyncRunner(() => syncProxyRules(), {
    clock, minIntervalMs: options.minSyncPeriodMs, maxIntervalMs: options.syncPeriodMs,
    onError: (e) => log(`sync failed, retrying on the next change or resync: ${e instanceof Error ? e.message : String(e)}`),
  });
  for (const inf of [services, endpoints]) inf.addEventHandler({ onAdd: () => runner.run(), onUpdate: () => runner.run(), onDelete: () => runner.run() });

  let current: RuleTable | undefined;
  let views = new Map<string, ServiceView>();
  let lastSynced: number | undefined;
  let vip: VipOwnerElection | undefined; // started after the first sync

  // @doc: proxy-sync
  async function syncProxyRules(): Promise<void> {
    const svcs = services.list();
    const eps = endpoints.list();
    const table = buildRuleTable({ services: svcs, endpoints: eps, nodeName, nodeIP, clusterCIDR: options.clusterCIDR });
    const owner = vip?.isOwner() ?? false;
    const wanted = table.frontends.filter((f) => f.kind === 'node port' || owner);
    const result = await forwarder.update(wanted);
    current = table;
    lastSynced = clock.now();
    const next = serviceViews(svcs, eps);
    for (const line of describeChanges(views, next)) log(line);
    views = next;
    const label = (key: string) => { const f = wanted.find((w) => `${w.ip}:${w.port}` === key); return f ? `${key} (${f.service} ${f.kind})` : key; };
    if (result.opened.length) log(`now serving ${result.opened.map(label).join(', ')}`);
    if (result.closed.length) log(`stopped serving ${result.closed.join(', ')}`);
  }

  // ## Start: the health server (503 until the first sync), caches (no rules from half a
  // picture), the rules, then the VIP election
  const health: HealthServer | undefined = options.healthzPort === null ? undefined : await startHealthServer(nodeIP, options.healthzPort ?? 10256, {
    lastSynced: () => lastSynced,
    nodeEligible: () => !(nodes.list()[0] as Node | undefined)?.metadata.deletionTimestamp,
    vipOwner: () => vip?.isOwner() ?? false,
    rules: (format) => (current ? renderIptables(current, { format, generatedAt: new Date(clock.now()).toUTCString() }) : ''),
    frontends: () => describeFrontends(current, forwarder),
    now: () => clock.now(),
  });

  factory.start();
  await factory.waitForSync();
  runner.start();
  await runner.runNow();
  log(`kube-proxy on ${nodeName} (${nodeIP}): in sync with ${services.size} Services and ${endpoints.size} Endpoints`);
  recorder.event(nodeRef, 'Normal', 'Starting', 'Starting kube-proxy.');
  if (options.serveVIPs ?? true) {
    vip = new VipOwnerElection({
      client, clock, identity: nodeName, log,
      leaseDurationSeconds: options.leaseDurationSeconds, renewDeadlineSeconds: options.renewDeadlineSeconds, retryPeriodSeconds: options.retryPeriodSeconds,
      onChange: (owner) => {
        const what = owner ? 'now serves' : 'stops serving';
        log(`${nodeName} ${what} the Service VIPs (ClusterIPs, external and load-balancer IPs)`);
        recorder.event(nodeRef, 'Normal', owner ? 'VIPOwnerAcquired' : 'VIPOwnerLost', `${nodeName} ${what} the Service virtual IPs`);
        void runner.runNow();
      },
    });
    vip.start();
  }

  return {
    nodeName, nodeIP, forwarder,
    healthzURL: health?.url,
    rules: (format = 'save') => (current ? renderIptables(current, { format }) : ''),
    table: () => current,
    isVipOwner: () => vip?.isOwner() ?? false,
    sync: () => runner.runNow(),
    async stop(stopOptions = {}) {
      await runner.stop();
      await vip?.stop(stopOptions);
      factory.stop();
      await forwarder.close();
      await health?.close();
    },
  };
}

// What /frontends shows: each address, served or not, with its endpoints and connection counts.
function describeFrontends(table: RuleTable | undefined, forwarder: Forwarder) {
  const served = new Set(forwarder.listening());
  return (table?.frontends ?? []).map((f: Frontend) => {
    const key = `${f.ip}:${f.port}`;
    const picks = forwarder.picks(key);
    return {
      address: key, kind: f.kind, service: f.service, served: served.has(key),
      endpoints: f.backends.map((b) => ({ address: `${b.ip}:${b.port}`, node: b.nodeName, pod: b.podName, probability: b.probability, connections: picks.get(`${b.ip}:${b.port}`) ?? 0 })),
    };
  });
}
