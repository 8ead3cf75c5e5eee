// The statistic match: how the kernel walks a KUBE-SVC chain
// =========================================================
// CONCEPT   A KUBE-SVC chain with n endpoints has n rules. Rule i matches with probability
//           1/(n-i), *given that no rule above it matched*; the last rule always matches. So the
//           first endpoint is chosen with 1/n, the second with (1-1/n) * 1/(n-1) = 1/n, and so on:
//           every endpoint gets 1/n of the new connections, with no shared state and no counter.
//           The kernel stores each probability as a 31-bit integer, lround(p * 2^31), draws a fresh
//           random number per rule, and matches when the number is below it. That is also why a
//           real `iptables-save` prints 0.33333333349 where kube-proxy wrote 0.3333333333: it prints
//           the stored integer divided back by 2^31.
//           Only the *first* packet of a connection walks the chain; conntrack remembers the
//           choice for the rest of the connection. Our forwarder does the same per accepted socket.
// REAL K8S  net/netfilter/xt_statistic.c (statistic_mt, XT_STATISTIC_MODE_RANDOM) and
//           iptables/extensions/libxt_statistic.c (parse: lround(0x80000000 * prob); print: %.11f)
// SHIPS     Each container on the list gets a fair toss of the coin, top to bottom.
// EXAMPLE   pickBackend([{p: 1/3}, {p: 1/2}, {p: 1}], rnd)  // each returned 1/3 of the time
//           statisticThreshold(1/3) => 715827883;  kernelProbability(1/3) => "0.33333333349"
// SKIPPED   --mode nth (round robin by packet count), which kube-proxy never uses.

/** The kernel's stored form of a probability: lround(p * 2^31). */
export function statisticThreshold(probability: number): number {
  return Math.round(probability * 0x80000000);
}

/** What `iptables-save` prints for a probability: the stored integer divided back, "%.11f". */
export function kernelProbability(probability: number): string {
  return (statisticThreshold(probability) / 0x80000000).toFixed(11);
}

/**
 * Picks the endpoint for one new connection exactly as the kernel walks a KUBE-SVC chain: each
 * rule draws its own random number; the first that matches wins; a rule with probability 1 (the
 * last, written without a statistic match) always matches. Returns undefined for an empty chain
 * (the REJECT case): the packet falls off the end.
 * @param random31 a random integer in [0, 2^31). @default Math.random based
 */
export function pickBackend<B extends { probability: number }>(backends: readonly B[], random31: () => number = defaultRandom31): B | undefined {
  // @doc: proxy-walk-chain
  for (const b of backends) {
    if (b.probability >= 1 || random31() < statisticThreshold(b.probability)) return b;
  }
  return undefined;
}

function defaultRandom31(): number {
  return Math.floor(Math.random() * 0x80000000);
}
