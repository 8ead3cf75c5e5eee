// Resource quantities: "500m" of cpu, "2Gi" of memory
// ===================================================
// CONCEPT   Requests, limits, capacity and quota are written as quantities: a number and a
//           suffix. Decimal suffixes (m, k, M, G) count in powers of 1000, binary ones (Ki, Mi,
//           Gi) in powers of 1024, and "e3" is plain scientific notation. A quantity remembers
//           which family it was written in so it prints back the same way, in canonical form.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go, suffix.go (v1.32)
// SHIPS     A manifest says "2Gi of hold space": the crane needs that as a number of bytes.
// EXAMPLE   parseQuantity("1.5Gi") => { value: 1610612736, format: "BinarySI" }  => prints "1536Mi"
//           cpuMillis("250m") => 250      memoryBytes("1Ki") => 1024
// SKIPPED   exact decimal arithmetic (we use doubles, see REAL WORLD), the 2^63-1 cap on binary
//           quantities, Quantity.Mul/Neg and the protobuf/CBOR encodings

import { canonicalQuantity } from './quantity-format.ts';

/** Thrown for a string Kubernetes would refuse; the message starts with Kubernetes' own words. */
export class QuantityError extends Error {
  override name = 'QuantityError';
  /**
   * @param input  the offending value, as given
   * @param reason which check failed, mirroring Kubernetes' ErrFormatWrong / ErrNumeric / ErrSuffix
   */
  constructor(
    readonly input: string,
    readonly reason: 'format' | 'numeric' | 'suffix' | 'range',
    hint = '',
  ) {
    super(`${REASONS[reason]} (got ${JSON.stringify(input)}${hint})`);
  }
}

const REASONS = {
  format: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
  range: 'quantity is too large for this simulator (doubles end near 1.8e308)',
};

/**
 * A parsed quantity. `value` is in base units (cores, bytes, pods) and may be fractional:
 * "100m" of cpu is 0.1. `format` is the suffix family it was written in, used when printing.
 */
export interface Quantity {
  value: number;
  format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

// ## Parsing
//
// We follow Kubernetes' hand-written scanner (parseQuantityString), expressed as one regex:
// an optional sign, digits, an optional "." and digits, then a suffix made of suffix letters, an
// optional sign and digits. Kubernetes' error message quotes a looser regex that would let
// "1.2.3" through; its scanner does not, and neither do we.
const SCAN = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/**
 * ParseQuantity: turn "512Mi", "1.5", "100m", "1e3" (or a bare YAML number) into a Quantity.
 * Values finer than a nano are rounded up, away from zero, to the next nano, as Kubernetes does.
 * @throws QuantityError for "", "abc", "1.2.3", "5 Gi", "1Gb", "-", "1ki" and friends.
 */
export function parseQuantity(s: string | number): Quantity {
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) throw new QuantityError(String(s), 'numeric');
    return { value: onNanoGrid(s, 'up'), format: 'DecimalSI' };
  }
  const m = SCAN.exec(s);
  if (s.length === 0 || !m) throw new QuantityError(s, 'format', formatHint(s));
  const [, sign, whole, fraction = '', suffix] = m;
  if (whole.length === 0 && fraction.length === 0) throw new QuantityError(s, 'numeric');
  const digits = `${sign}${whole || '0'}.${fraction || '0'}`;

  // We let Number() read "<digits>e<exponent>" in one go, so "300m" and "0.3" land on the very
  // same double. Multiplying 300 by 0.001 would not.
  let value: number;
  let format: Quantity['format'];
  if (suffix in DECIMAL_SUFFIXES) {
    value = Number(`${digits}e${DECIMAL_SUFFIXES[suffix]}`);
    format = 'DecimalSI';
  } else if (suffix in BINARY_SUFFIXES) {
    value = Number(digits) * 2 ** BINARY_SUFFIXES[suffix];
    // A binary quantity below one ("0.5Ki" is fine, "0.0001Ki" is 0.1024) prints as decimal.
    format = Math.abs(value) < 1 && value !== 0 ? 'DecimalSI' : 'BinarySI';
  } else if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
    value = Number(`${digits}e${suffix.slice(1)}`);
    format = 'DecimalExponent';
  } else {
    throw new QuantityError(s, 'suffix', suffixHint(suffix));
  }
  if (!Number.isFinite(value)) throw new QuantityError(s, 'range');
  // "1e-400" underflows the double to 0, but it is not zero: it rounds up to one nano.
  if (value === 0 && /[1-9]/.test(whole + fraction)) value = sign === '-' ? -1e-9 : 1e-9;
  return { value: onNanoGrid(value, 'up') + 0, format };
}

// The two mistakes people make most are worth a pointer.
function formatHint(s: string): string {
  if (/\s/.test(s)) return '; remove the spaces, e.g. "5Gi"';
  const bytes = /^([+-]?[0-9.]+)([kKMGTPE])i?[bB]$/.exec(s);
  if (bytes) return `; quantities have no "B": did you mean "${bytes[1]}${bytes[2].toUpperCase()}i" (powers of 1024) or "${bytes[1]}${bytes[2] === 'K' ? 'k' : bytes[2]}" (powers of 1000)?`;
  return '';
}

function suffixHint(suffix: string): string {
  return `; known suffixes are n u m k M G T P E, Ki Mi Gi Ti Pi Ei, and e<exponent>, not ${JSON.stringify(suffix)}`;
}

/** True if parseQuantity would accept s. */
export function isValidQuantity(s: string | number): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    return false;
  }
}

// ## Rounding without surprises
//
// Doubles carry about 16 significant digits and most decimal fractions are not exact in binary:
// 0.1 + 0.2 is 0.30000000000000004. We therefore treat a number within a part in 10^12 of an
// integer as that integer, and only round *up* (as Kubernetes does) when a real remainder is left.
function nearInteger(x: number): boolean {
  return Math.abs(x - Math.round(x)) <= 1e-12 * Math.max(1, Math.abs(x));
}

function ceilAwayFromZero(x: number): number {
  if (nearInteger(x)) return Math.round(x) + 0; // + 0 turns -0 into 0
  return (x > 0 ? Math.ceil(x) : Math.floor(x)) + 0;
}

// Kubernetes keeps nothing finer than a nano (10^-9). Parsing rounds *up* to the nano grid:
// "if you want some resources, you should get some resources, even if you asked for way too
// small of an amount" (quantity.go), so 0.1n becomes 1n, never 0. Arithmetic snaps to the
// *nearest* nano, so "100m" + "200m" compares equal to "300m". Above ~9e6 a double cannot hold a
// nano anyway, and we leave the number alone.
function onNanoGrid(v: number, mode: 'up' | 'nearest'): number {
  if (v === 0 || Number.isInteger(v) || Math.abs(v) >= 2 ** 53 / 1e9) return v;
  const nanos = v * 1e9;
  let n = mode === 'up' ? ceilAwayFromZero(nanos) : Math.round(nanos);
  if (n === 0 && mode === 'up') n = Math.sign(v);
  return n / 1e9 + 0;
}

function toQuantity(q: Quantity | string | number): Quantity {
  return typeof q === 'object' ? q : parseQuantity(q);
}

// ## Reading values: what the scheduler and kubelet actually use

/**
 * MilliValue: the quantity in thousandths, rounded up (away from zero). 1 core => 1000,
 * "1n" => 1, because any non-zero request must count for something.
 */
export function milliValue(q: Quantity | string | number): number {
  return ceilAwayFromZero(toQuantity(q).value * 1000);
}

/** Value: the quantity in whole base units, rounded up (away from zero). "1.5" => 2. */
export function integerValue(q: Quantity | string | number): number {
  return ceilAwayFromZero(toQuantity(q).value);
}

// The scheduler asks for the same few strings ("500m", "1Gi") thousands of times a second,
// once per pod per node per plugin. We remember the answers. The map is bounded so a stream
// of unique strings cannot grow it forever; clearing it wholesale is crude but never wrong.
// @doc: quantity-cache
const CACHE_LIMIT = 4096;
const milliCache = new Map<string | number, number>();
const byteCache = new Map<string | number, number>();

function cached(cache: Map<string | number, number>, s: string | number, read: (s: string | number) => number): number {
  let v = cache.get(s);
  if (v === undefined) {
    v = read(s); // throws for invalid input, and we cache only successes
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(s, v);
  }
  return v;
}

/**
 * A cpu quantity in millicores, the unit the scheduler sums: "2" => 2000, "250m" => 250.
 * Accepts a bare number too, because YAML turns `cpu: 2` into one.
 * @returns 0 when the quantity is absent (no request means no reservation).
 * @throws QuantityError for an invalid string.
 */
export function cpuMillis(s?: string | number): number {
  return s === undefined ? 0 : cached(milliCache, s, milliValue);
}

/**
 * A memory (or any byte-sized) quantity in whole bytes, rounded up: "1Ki" => 1024, "1k" => 1000.
 * @returns 0 when the quantity is absent.
 * @throws QuantityError for an invalid string.
 */
export function memoryBytes(s?: string | number): number {
  return s === undefined ? 0 : cached(byteCache, s, integerValue);
}

// ## Comparing and adding

/** Cmp: -1 if a < b, 0 if equal, 1 if a > b. Strings are parsed first. */
export function compareQuantity(a: Quantity | string | number, b: Quantity | string | number): -1 | 0 | 1 {
  const x = onNanoGrid(toQuantity(a).value, 'nearest');
  const y = onNanoGrid(toQuantity(b).value, 'nearest');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Add: a + b, keeping a's format, unless a is zero, in which case b's (as Kubernetes does). */
export function addQuantity(a: Quantity | string | number, b: Quantity | string | number): Quantity {
  const x = toQuantity(a);
  const y = toQuantity(b);
  return { value: onNanoGrid(x.value + y.value, 'nearest'), format: x.value === 0 ? y.format : x.format };
}

/** Sub: a - b, with the same format rule as addQuantity. The result may be negative. */
export function subtractQuantity(a: Quantity | string | number, b: Quantity | string | number): Quantity {
  const y = toQuantity(b);
  return addQuantity(a, { value: -y.value, format: y.format });
}

/**
 * String: the canonical form Kubernetes prints, in the quantity's own suffix family.
 * "1.5" => "1500m", "1.5Gi" => "1536Mi", "1000" => "1k", "1000m" => "1", "0" => "0".
 */
export function formatQuantity(q: Quantity | string | number): string {
  return canonicalQuantity(toQuantity(q));
}

// REAL WORLD
// Kubernetes never stores a quantity as a floating-point number ("That is the whole point of
// this exercise", says quantity.go): it keeps an int64 with a decimal scale, or an arbitrary-
// precision decimal when that overflows. We use doubles, which are exact for every whole number
// of bytes up to 8 PiB and for cpu down to the nano; beyond about 15 significant digits our
// printed form may differ in the last digits where Kubernetes' would not.
