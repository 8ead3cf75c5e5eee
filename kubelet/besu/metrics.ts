// Metrics: Prometheus text on podIP:9545/metrics
// ===============================================
// CONCEPT   Prometheus scrapes plain text: for each metric a `# HELP` and a `# TYPE` line, then
//           `name value`. Ethereum clients agreed on a few common names (EIP-2159), so one Grafana
//           dashboard fits Besu, Geth and Nethermind: ethereum_blockchain_height,
//           ethereum_best_known_block_number, ethereum_peer_count, ethereum_peer_limit.
// REAL BESU metrics/core/src/main/java/org/hyperledger/besu/metrics/prometheus/MetricsHttpService.java,
//           ethereum/core/.../chain/DefaultBlockchain.java (blockchain_height, chain_head_* gauges)
// SHIPS     The gauges on the container's door that the harbour inspectors read.
// EXAMPLE   curl -s 127.244.1.2:9545/metrics | grep height
//             ethereum_blockchain_height 42
// SKIPPED   histograms, JVM and RocksDB metrics, push gateway mode.
import http from 'node:http';
import { closeServer, listen } from './rpc.ts';

export { closeServer };

/** The numbers one scrape shows. */
export interface MetricsSnapshot {
  height: number;
  bestKnownBlock: number;
  peers: number;
  maxPeers: number;
  headTimestampSeconds: number;
  headTransactions: number;
  headGasUsed: number;
  startTimeSeconds: number;
  uptimeSeconds: number;
  memoryBytes: number;
  inSync: boolean;
}

const gauge = (name: string, help: string, value: number) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;

/** The /metrics body in Prometheus text format 0.0.4. */
export function renderMetrics(s: MetricsSnapshot): string {
  return [
    gauge('ethereum_blockchain_height', 'The current height of the canonical chain', s.height),
    gauge('ethereum_best_known_block_number', 'The estimated highest block available', s.bestKnownBlock),
    gauge('ethereum_peer_count', 'The current number of peers connected', s.peers),
    gauge('ethereum_peer_limit', 'The maximum number of peers this node allows to connect', s.maxPeers),
    gauge('besu_blockchain_height', 'Alias of ethereum_blockchain_height kept by this simulator', s.height),
    gauge('besu_blockchain_chain_head_timestamp', 'Timestamp from the current chain head', s.headTimestampSeconds),
    gauge('besu_blockchain_chain_head_transaction_count', 'Number of transactions in the current chain head block', s.headTransactions),
    gauge('besu_blockchain_chain_head_gas_used', 'Gas used by the current chain head block', s.headGasUsed),
    gauge('besu_synchronizer_in_sync', 'Whether the node is in sync with its best peer (1) or not (0)', s.inSync ? 1 : 0),
    gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds', s.startTimeSeconds),
    gauge('process_uptime_seconds', 'Wall-clock seconds since the process started', s.uptimeSeconds),
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes (simulated)', s.memoryBytes),
  ].join('');
}

/** Serves GET /metrics on host:port; resolves once listening. */
export async function startMetricsServer(host: string, port: number, snapshot: () => MetricsSnapshot): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://besu').pathname;
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('Not Found\n');
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(renderMetrics(snapshot()));
  });
  await listen(server, host, port);
  return server;
}
