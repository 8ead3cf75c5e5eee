// Durations as Kubernetes writes them: "30s", "1m30s", "500ms", "1h0m0s"
// =====================================================================
// CONCEPT   Kubernetes flags and fields that take a length of time (--event-ttl, a probe's period,
//           a Go time.Duration in a config file) spell it the way Go prints durations: numbers
//           with units, largest first. One parser serves every component that reads them.
// REAL K8S  Go's time.ParseDuration (src/time/format.go), which every Kubernetes flag of type
//           duration goes through (e.g. kube-apiserver --event-ttl=1h0m0s)
// SHIPS     Reading a watch bill: "four hours on, eight off".
// EXAMPLE   parseDuration("1m30s") => 90000;  parseDuration("1h") => 3600000;  parseDuration("soon") => undefined
// SKIPPED   Units below a millisecond (ns, us), and negative durations.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration, or undefined when the text is not one. "0" is zero. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}
