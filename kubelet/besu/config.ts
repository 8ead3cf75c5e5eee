// Besu configuration: what a pod's manifest tells the simulated Besu
// ====================================================================
// CONCEPT   A real Besu takes its options as flags, a TOML file or BESU_* environment variables
//           (`BESU_NETWORK_ID=2018` is `--network-id=2018`), and its genesis file fixes the chain
//           id, the consensus protocol (QBFT here), the block period and the validator set. Our
//           pods have no files, so a manifest says the same things with annotations and env, and
//           this module turns them into one typed, defaulted config.
// REAL BESU besu/src/main/java/org/hyperledger/besu/cli/BesuCommand.java (options and BESU_* env),
//           config/src/main/java/org/hyperledger/besu/config/JsonBftConfigOptions.java
//           (blockperiodseconds, requesttimeoutseconds)
// SHIPS     The label on the container: which fleet's ledger this clerk keeps, and whether they may sign pages.
// EXAMPLE   annotations { "besu.harbour.dev/network": "ledger", "besu.harbour.dev/validator": "true" }
//             => { network: "ledger", role: "validator", chainId: 1337, blockPeriodMs: 2000, ... }
// SKIPPED   genesis files, TOML, node keys, every Besu flag we do not simulate.
//
// An annotation wins over the matching env variable; a value we cannot parse becomes a warning
// (logged by the container as a WARN line) and the default is used, so a typo never stops the pod.

import { parseDuration } from '../../api/duration.ts';

/** Every annotation this workload reads starts with this prefix. */
export const ANNOTATION_PREFIX = 'besu.harbour.dev/';

/**
 * What part a node plays in its network.
 * - `validator`: takes part in QBFT and proposes blocks in turn (annotation `validator: "true"`).
 * - `full`: never proposes; follows the highest peer (`validator: "false"`).
 * - `auto`: no annotation. Follows validators when the network has any; in a network with none it
 *   behaves like Besu's `--network=dev` and the node with the lowest id produces the blocks, so a
 *   lone unannotated pod still has a growing chain.
 */
export type BesuRole = 'validator' | 'full' | 'auto';

/** The parsed configuration of one simulated Besu node. */
export interface BesuConfig {
  /** Peers are only found among nodes of the same network. @default "harbour" */
  network: string;
  /** EIP-155 chain id, answered by eth_chainId. @default 1337 */
  chainId: number;
  /** The P2P network id, answered by net_version. @default the chain id */
  networkId: number;
  role: BesuRole;
  /** The genesis validator-set size, if the manifest declares it. @default learned from peers */
  validatorCount?: number;
  /** Kubernetes ms between blocks (QBFT `blockperiodseconds`). @default 2000 */
  blockPeriodMs: number;
  /** Kubernetes ms before a QBFT round times out and the next proposer takes over. @default 2 * blockPeriodMs */
  roundTimeoutMs: number;
  /** Stable identity of the node: annotation `node-id`, else env HOSTNAME (the pod name), else the pod IP. */
  nodeId: string;
  /** Values we could not parse, one sentence each. */
  warnings: string[];
}

// Durations in annotations are Go-style, as Kubernetes writes them: "30s", "1m30s" (api/duration.ts).
export { parseDuration };

/** Reads annotation `besu.harbour.dev/<key>`, then the env variable, trimming both. */
function setting(annotations: Record<string, string>, env: Record<string, string>, key: string, envName?: string) {
  const a = annotations[ANNOTATION_PREFIX + key];
  if (a !== undefined) return { value: a.trim(), from: `annotation ${ANNOTATION_PREFIX}${key}` };
  const e = envName ? env[envName] : undefined;
  return e !== undefined ? { value: e.trim(), from: `env ${envName}` } : undefined;
}

function positiveInt(s: string): number | undefined {
  return /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : undefined;
}

/**
 * Builds the node's config from its pod's annotations and container env.
 * @param podIP the fallback identity when neither annotation `node-id` nor env HOSTNAME is set
 * @example parseBesuConfig({ 'besu.harbour.dev/validator': 'true' }, { HOSTNAME: 'besu-0' }, '127.244.1.2')
 */
export function parseBesuConfig(annotations: Record<string, string>, env: Record<string, string>, podIP: string): BesuConfig {
  const warnings: string[] = [];
  const bad = (s: { value: string; from: string }, want: string) =>
    warnings.push(`Ignoring ${s.from}="${s.value}": expected ${want}`);

  const network = setting(annotations, env, 'network', 'BESU_NETWORK_ID')?.value || 'harbour';

  let chainId = 1337;
  const chain = setting(annotations, env, 'chain-id', 'BESU_CHAIN_ID');
  if (chain) chainId = positiveInt(chain.value) ?? (bad(chain, 'a positive integer'), chainId);

  // net_version answers the P2P network id; Besu defaults it to the chain id. BESU_NETWORK_ID
  // doubles as our network *name*, so only a numeric one is also a network id.
  const envNetworkId = env.BESU_NETWORK_ID !== undefined ? positiveInt(env.BESU_NETWORK_ID.trim()) : undefined;
  const networkId = envNetworkId ?? chainId;

  let role: BesuRole = 'auto';
  const v = setting(annotations, env, 'validator', 'BESU_VALIDATOR');
  if (v) {
    if (/^(true|yes|1)$/i.test(v.value)) role = 'validator';
    else if (/^(false|no|0)$/i.test(v.value)) role = 'full';
    else bad(v, '"true" or "false"');
  }

  let validatorCount: number | undefined;
  const count = setting(annotations, env, 'validators', 'BESU_VALIDATOR_COUNT');
  if (count) validatorCount = positiveInt(count.value) ?? (bad(count, 'a positive integer'), undefined);

  let blockPeriodMs = 2000;
  const period = setting(annotations, env, 'block-period');
  if (period) {
    const ms = parseDuration(period.value);
    if (ms !== undefined && ms > 0) blockPeriodMs = ms;
    else bad(period, 'a duration such as "2s"');
  }

  const nodeId = setting(annotations, env, 'node-id')?.value || env.HOSTNAME?.trim() || podIP;
  return { network, chainId, networkId, role, validatorCount, blockPeriodMs, roundTimeoutMs: 2 * blockPeriodMs, nodeId, warnings };
}
