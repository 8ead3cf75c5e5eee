// Timestamps as Go parses them: metav1.Time and metav1.MicroTime
// ===============================================================
// CONCEPT   A timestamp in a Kubernetes object is a string in RFC 3339 form. metav1.Time's
//           UnmarshalJSON hands it to Go's time.Parse with the layout "2006-01-02T15:04:05Z07:00";
//           MicroTime uses "2006-01-02T15:04:05.000000Z07:00", six fraction digits exactly (a lease
//           heartbeat needs the precision). A string that does not fit fails the whole decode with
//           Go's own words, which we reproduce so a student can search for them:
//             parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/time.go and micro_time.go
//           (UnmarshalJSON), and Go's src/time/format.go (parse, getnum, ParseError.Error).
// SHIPS     The harbour clock's one accepted way of writing the time in the log.
// EXAMPLE   goTimeParseError('2024-13-01T00:00:00Z', 'time')
//           => 'parsing time "2024-13-01T00:00:00Z": month out of range'
// SKIPPED   Layouts other than these two; Go's errors for them follow the same walk.

/** Go's layouts for metav1.Time (time.RFC3339) and metav1.MicroTime (metav1.RFC3339Micro). */
export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339Micro = '2006-01-02T15:04:05.000000Z07:00';

// ## The layout, chunk by chunk
// Go walks the layout as (literal prefix, element) pairs; we write the pairs down. Each element
// reads a number off the front of the value or fails, naming the element ("2006") and the rest.
type Element = '2006' | '01' | '02' | '15' | '04' | '05' | '.000000' | 'Z07:00';
const chunks = (micro: boolean): [string, Element][] => [
  ['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'],
  ...(micro ? [['', '.000000'] as [string, Element]] : []), ['', 'Z07:00'],
];

const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

/** Go's getnum: one or two digits (exactly two when `fixed`), or undefined. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

interface Parsed { year: number; month: number; day: number }

/** One element: [rest of value, range error or ''], or undefined when the value does not fit. */
function element(el: Element, value: string, got: Parsed, layoutRest: string): [string, string] | undefined {
  const num = (fixed: boolean, range: (n: number) => string): [string, string] | undefined => {
    const r = getnum(value, fixed);
    return r && [r[1], range(r[0])];
  };
  switch (el) {
    case '2006':
      if (value.length < 4 || !/^\d{4}/.test(value)) return undefined;
      got.year = Number(value.slice(0, 4));
      return [value.slice(4), ''];
    case '01': return num(true, (n) => ((got.month = n) < 1 || n > 12 ? 'month' : ''));
    case '02': return num(true, (n) => ((got.day = n), ''));
    case '15': return num(false, (n) => (n >= 24 ? 'hour' : ''));
    case '04': return num(true, (n) => (n >= 60 ? 'minute' : ''));
    case '05': return seconds(value, layoutRest);
    case '.000000': return value.length >= 7 && (value[0] === '.' || value[0] === ',') && /^\d{6}/.test(value.slice(1)) ? [value.slice(7), ''] : undefined;
    case 'Z07:00': return zone(value);
  }
}

// Seconds may carry a fraction even when the layout has none ("...:05.123Z" fits RFC 3339).
function seconds(value: string, layoutRest: string): [string, string] | undefined {
  const r = getnum(value, true);
  if (!r) return undefined;
  if (r[0] >= 60) return [r[1], 'second'];
  let rest = r[1];
  if (!layoutRest.startsWith('.') && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let n = 2;
    while (isDigit(rest, n)) n++;
    rest = rest.slice(n);
  }
  return [rest, ''];
}

// "Z", or a numeric offset "+hh:mm" / "-hh:mm".
function zone(value: string): [string, string] | undefined {
  if (value[0] === 'Z') return [value.slice(1), ''];
  if (value.length < 6 || value[3] !== ':' || (value[0] !== '+' && value[0] !== '-')) return undefined;
  const hh = getnum(value.slice(1, 3), true);
  const mm = getnum(value.slice(4, 6), true);
  if (!hh || !mm) return undefined;
  const range = hh[0] > 24 ? 'time zone offset hour' : mm[0] > 60 ? 'time zone offset minute' : '';
  return [value.slice(6), range];
}

const daysIn = (month: number, year: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

// ## The walk
/**
 * Go's error for time.Parse(layout, value), or undefined when the value parses.
 * @param kind 'time' for metav1.Time (RFC 3339), 'microTime' for metav1.MicroTime
 */
export function goTimeParseError(value: string, kind: 'time' | 'microTime'): string | undefined {
  const layout = kind === 'microTime' ? RFC3339Micro : RFC3339;
  const fail = (valueElem: string, layoutElem: string) =>
    `parsing time ${goTimeQuote(value)} as ${goTimeQuote(layout)}: cannot parse ${goTimeQuote(valueElem)} as ${goTimeQuote(layoutElem)}`;
  const got: Parsed = { year: 0, month: 1, day: 1 };
  let rest = value;
  const list = chunks(kind === 'microTime');
  for (let i = 0; i < list.length; i++) {
    const [prefix, el] = list[i];
    if (prefix && !rest.startsWith(prefix)) return fail(rest, prefix);
    rest = rest.slice(prefix.length);
    const layoutRest = list.slice(i + 1).map(([p, e]) => p + e).join('');
    const r = element(el, rest, got, layoutRest);
    if (!r) return fail(rest, el);
    if (r[1]) return `parsing time ${goTimeQuote(value)}: ${r[1]} out of range`;
    rest = r[0];
  }
  if (rest !== '') return `parsing time ${goTimeQuote(value)}: extra text: ${goTimeQuote(rest)}`;
  if (got.day < 1 || got.day > daysIn(got.month, got.year)) return `parsing time ${goTimeQuote(value)}: day out of range`;
  return undefined;
}

/** time.quote: double quotes, `"` and `\` escaped, bytes outside printable ASCII as \xNN. */
function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code >= 0x80) for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}
