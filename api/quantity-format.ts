// Canonical form: how Kubernetes prints a quantity back
// =====================================================
// CONCEPT   Write "1.5" or "1500m" or "1.5e0" in a manifest and `kubectl get -o yaml` shows
//           "1500m". The apiserver stores every quantity in one canonical form: no fractional
//           digits, no lost precision, and the largest suffix of the family it was written in.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go (CanonicalizeBytes),
//           amount.go (AsCanonicalBytes, AsCanonicalBase1024Bytes) (v1.32)
// SHIPS     Every hold is logged as "1536Mi", whether the shipper wrote 1.5Gi or 1610612736.
// EXAMPLE   { value: 1.5, DecimalSI } => "1500m"     { value: 1610612736, BinarySI } => "1536Mi"
//           { value: 1000, DecimalSI } => "1k"       { value: 1500, DecimalExponent } => "1500"
// SKIPPED   nothing of the rules; precision is limited to ~15 digits (see quantity.ts REAL WORLD)

import type { Quantity } from './quantity.ts';

const SI_SUFFIXES: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * CanonicalizeBytes for our double-based Quantity.
 *  - DecimalSI: the largest of n u m k M G T P E that leaves a whole mantissa ("1500m", "1k").
 *  - DecimalExponent: the same search in steps of 3, written "12e6".
 *  - BinarySI: the largest of Ki..Ei that divides the value exactly ("1536Mi"); but values
 *    between -1024 and 1024, or with a fractional part, print as DecimalSI ("1.1Ki" => "1126400m").
 */
export function canonicalQuantity(q: Quantity): string {
  if (q.value === 0) return '0';
  if (q.format === 'BinarySI' && Math.abs(q.value) >= 1024) {
    const bytes = exactInteger(q.value);
    if (bytes !== undefined) return base1024(bytes);
    // Not a whole number of bytes: binary suffixes would have to round, so fall through to decimal.
  }
  const { digits, exp } = decimalDigits(q.value);
  // @doc: quantity-canonical-exponent
  // The exponent must be a multiple of 3 and no larger than the digits allow: 1.5 is 15e-1,
  // the largest multiple of 3 not above -1 is -3, so the mantissa becomes 1500 and we print 1500m.
  const e3 = Math.floor(exp / 3) * 3;
  const mantissa = digits * 10n ** BigInt(exp - e3);
  if (q.format === 'DecimalExponent' || !(e3 in SI_SUFFIXES)) {
    // DecimalSI has no suffix above E (10^18); Kubernetes falls back to "e" notation there.
    return e3 === 0 ? `${mantissa}` : `${mantissa}e${e3}`;
  }
  return `${mantissa}${SI_SUFFIXES[e3]}`;
}

// Repeatedly divide by 1024 while it divides evenly: 1610612736 = 1536 * 1024^2 => "1536Mi".
function base1024(n: bigint): string {
  let power = 0;
  while (power < BINARY_SUFFIXES.length - 1 && n % 1024n === 0n) {
    n /= 1024n;
    power++;
  }
  return `${n}${BINARY_SUFFIXES[power]}`;
}

// A double that is a whole number converts to BigInt exactly, however large, and that is how
// "1Ei" (2^60, 19 digits) survives. A fractional double may still be a whole number that
// arithmetic blurred (1023.9999999999999), so we also accept a whole 15-digit decimal reading.
function exactInteger(v: number): bigint | undefined {
  if (Number.isInteger(v)) return BigInt(v);
  const { digits, exp } = decimalDigits(v);
  return exp >= 0 ? digits * 10n ** BigInt(exp) : undefined;
}

/**
 * v as digits * 10^exp with no trailing zeros in digits, rounded up (away from zero) to the nano.
 * Safe integers are read exactly; anything else through its 15 significant digits, which hides
 * the binary noise of doubles (0.30000000000000004 reads as 3e-1).
 */
function decimalDigits(v: number): { digits: bigint; exp: number } {
  let digits: bigint;
  let exp: number;
  if (Number.isSafeInteger(v)) {
    digits = BigInt(v);
    exp = 0;
  } else {
    const [mantissa, e = '0'] = v.toPrecision(15).split('e');
    const [whole, fraction = ''] = mantissa.split('.');
    digits = BigInt(whole + fraction);
    exp = Number(e) - fraction.length;
  }
  ({ digits, exp } = stripZeros(digits, exp));
  if (exp < -9) {
    const divisor = 10n ** BigInt(-9 - exp);
    let nanos = digits / divisor;
    if (nanos * divisor !== digits) nanos += digits < 0n ? -1n : 1n;
    ({ digits, exp } = stripZeros(nanos, -9));
  }
  return { digits, exp };
}

function stripZeros(digits: bigint, exp: number): { digits: bigint; exp: number } {
  while (digits !== 0n && digits % 10n === 0n) {
    digits /= 10n;
    exp++;
  }
  return { digits, exp };
}
