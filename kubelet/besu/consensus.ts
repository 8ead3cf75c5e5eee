// Consensus: who may seal the next block, and when the chain must halt
// =====================================================================
// CONCEPT   QBFT (and its older sibling IBFT 2.0) is Byzantine-fault-tolerant proof of authority:
//           a fixed set of *validators* takes turns proposing blocks, and a block is sealed only
//           when a *quorum* of them commits to it: ceil(2n/3) of n validators. With 4 validators
//           the quorum is 3, so the network survives one stopped validator and halts when two are
//           down; it resumes by itself as soon as a third is back. When the proposer whose turn it
//           is does not deliver, the round times out and the next validator in turn proposes.
// REAL BESU consensus/common/src/main/java/org/hyperledger/besu/consensus/common/bft/BftHelpers.java
//           (calculateRequiredValidatorQuorum), consensus/qbft/.../statemachine/QbftBlockHeightManager.java
//           (block timer, round expiry), consensus/common/.../bft/blockcreation/ProposerSelector.java
// SHIPS     A ledger page is sealed only while two thirds of the fleet's notaries are at their desks.
// EXAMPLE   quorumSize(4) => 3
//           decide({ self: v0, online validators v0 v1, 4 known, ... }) => { kind: 'halt', online: 2, needed: 3, total: 4 }
// SKIPPED   Prepare/Commit messages and seals: we count who is running and reachable instead of
//           collecting signatures. Round timeouts stay fixed (Besu doubles them each round), so a
//           halted network resumes within a few block periods of regaining quorum. Validator
//           votes (adding/removing validators) do not exist: the set is declared or learned.
//
// Everything here is pure: the node (node.ts) gathers what it sees and asks `decide` what to do.
import type { BesuRole } from './config.ts';

/** The number of validators that must take part to seal a block: BftHelpers.calculateRequiredValidatorQuorum. */
export function quorumSize(validatorCount: number): number {
  return Math.ceil((2 * validatorCount) / 3);
}

/**
 * The QBFT round at this moment of a block height: round 0 starts when the block is due, and each
 * round lasts `roundTimeoutMs`. Every node computes it from the same parent timestamp, so they
 * agree on the round without messages.
 */
export function roundAt(msSinceDue: number, roundTimeoutMs: number): number {
  return msSinceDue < 0 ? 0 : Math.floor(msSinceDue / roundTimeoutMs);
}

/**
 * The proposer of (height, round): round-robin over the sorted validator set, shifted by the round,
 * as ProposerSelector does (Besu starts from the previous block's proposer; we from the height).
 */
export function proposerFor(height: number, round: number, validators: readonly string[]): string | undefined {
  if (validators.length === 0) return undefined;
  return validators[(height + round) % validators.length];
}

/** What a node knows about one member of its network (itself or a reachable peer). */
export interface Member {
  id: string;
  role: BesuRole;
  /** Within the sync tolerance of the best head: only such a validator can vote on the next block. */
  inSync: boolean;
}

/** Everything `decide` needs; the node assembles it once per tick. */
export interface ConsensusInput {
  self: Member;
  /** Reachable peers of the same network. */
  peers: readonly Member[];
  /** The validator set as far as this node knows it: declared, seen or gossiped. Sticky: a stopped validator stays in it. */
  knownValidators: ReadonlySet<string>;
  /** The genesis validator-set size, when declared; it then overrides the count of known validators. */
  declaredCount?: number;
  /** The number of the block to seal next (head + 1). */
  height: number;
  /** The current round at that height (see roundAt). */
  round: number;
}

/**
 * The decision for this tick:
 * - `produce`: seal the next block now;
 * - `wait`: quorum is there, but another validator (`proposer`) has the turn;
 * - `halt`: fewer than `needed` of `total` validators are online: no block can be sealed;
 * - `follow`: we are not a block producer here; import what peers produce;
 * - `sync`: we are a validator that is still behind; catch up first.
 */
export type ConsensusDecision =
  | { kind: 'produce'; round: number }
  | { kind: 'wait'; proposer: string }
  | { kind: 'halt'; online: number; needed: number; total: number }
  | { kind: 'follow' }
  | { kind: 'sync' };

/** Decides whether this node seals the block at `input.height`. @doc: besu-quorum */
export function decide(input: ConsensusInput): ConsensusDecision {
  const { self, peers, knownValidators, declaredCount, height, round } = input;
  const everyone = [self, ...peers];

  // A network nobody declared validators for runs like `besu --network=dev`: the unannotated
  // node with the lowest id produces, the rest follow. One lone pod thus still has a live chain.
  if (knownValidators.size === 0 && declaredCount === undefined) {
    if (self.role !== 'auto') return { kind: 'follow' };
    const producers = everyone.filter((m) => m.role === 'auto' && m.inSync).map((m) => m.id).sort();
    return producers[0] === self.id ? { kind: 'produce', round: 0 } : { kind: 'follow' };
  }
  if (self.role !== 'validator') return { kind: 'follow' };
  if (!self.inSync) return { kind: 'sync' };

  // @doc: besu-quorum-count
  const online = everyone.filter((m) => m.role === 'validator' && m.inSync && knownValidators.has(m.id)).length;
  const total = declaredCount ?? knownValidators.size;
  const needed = quorumSize(total);
  if (online < needed) return { kind: 'halt', online, needed, total };

  const proposer = proposerFor(height, round, [...knownValidators].sort());
  return proposer === self.id ? { kind: 'produce', round } : { kind: 'wait', proposer: proposer ?? '' };
}

// REAL WORLD
// A QBFT validator proves its vote: the proposer broadcasts a signed Proposal, validators answer
// Prepare and then Commit messages, and the block carries 2n/3 commit seals in its extraData that
// every node verifies on import. The validator set lives on chain and changes by votes
// (qbft_proposeValidatorVote) or a validator smart contract. Round timers double with each round.
