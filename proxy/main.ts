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

import { PROXY_USAGE, proxyOptionsFromFlags } from './flags.ts';
import { startProxy, type ProxyOptions } from './proxy.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.error(PROXY_USAGE);
  process.exit(0);
}
let options: ProxyOptions;
try {
  options = proxyOptionsFromFlags(argv);
} catch (err) {
  console.error(`kube-proxy: ${(err as Error).message}\n${PROXY_USAGE}`);
  process.exit(2);
}

const proxy = await startProxy(options);
if (proxy.healthzURL) console.log(`kube-proxy: health at ${proxy.healthzURL}/healthz, rules at ${proxy.healthzURL}/rules`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void proxy.stop().then(() => process.exit(0));
  });
}
