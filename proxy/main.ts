// kube-proxy's command line
// =========================
// CONCEPT   Parse flags, start the proxy, stop cleanly on SIGTERM (releasing the VIP Lease so
//           another node's proxy takes the Service IPs at once). Everything else lives in proxy.ts,
//           so tests and the in-process launcher start the same proxy without a process.
// REAL K8S  cmd/kube-proxy/proxy.go, cmd/kube-proxy/app/server.go and options.go (v1.32)
// SHIPS     The communications officer reporting for watch.
// EXAMPLE   tsx proxy/main.ts --kubeconfig .cluster/kubeconfig --node-name node-1 --node-ip 127.0.10.1 --time-scale 0.1
//           curl http://127.0.0.1:10256/healthz    curl http://127.0.10.1:10256/rules
// SKIPPED   --config files, --proxy-mode (always our iptables-shaped forwarder), metrics flags.

import { parseArgs } from 'node:util';
import { startProxy } from './proxy.ts';

const USAGE = 'usage: proxy/main.ts --kubeconfig FILE --node-name NAME --node-ip IP [--time-scale X] [--cluster-cidr CIDR] '
  + '[--healthz-port N] [--iptables-min-sync-period MS] [--iptables-sync-period MS]';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'node-name': { type: 'string' },
    'hostname-override': { type: 'string' },
    'node-ip': { type: 'string' },
    'time-scale': { type: 'string', default: '1' },
    'cluster-cidr': { type: 'string', default: '127.244.0.0/16' },
    'healthz-port': { type: 'string', default: '10256' },
    'iptables-min-sync-period': { type: 'string', default: '1000' },
    'iptables-sync-period': { type: 'string', default: '30000' },
    help: { type: 'boolean', default: false },
  },
});

const nodeName = values['node-name'] ?? values['hostname-override'];
if (values.help || !values.kubeconfig || !nodeName || !values['node-ip']) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const proxy = await startProxy({
  kubeconfig: values.kubeconfig,
  nodeName,
  nodeIP: values['node-ip'],
  timeScale: Number(values['time-scale']),
  clusterCIDR: values['cluster-cidr'],
  healthzPort: Number(values['healthz-port']),
  minSyncPeriodMs: Number(values['iptables-min-sync-period']),
  syncPeriodMs: Number(values['iptables-sync-period']),
});
if (proxy.healthzURL) console.log(`kube-proxy: health at ${proxy.healthzURL}/healthz, rules at ${proxy.healthzURL}/rules`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void proxy.stop().then(() => process.exit(0));
  });
}
