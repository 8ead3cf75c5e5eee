// Field selectors: "spec.nodeName=ship-1,status.phase!=Succeeded"
// =================================================================
// CONCEPT   Where label selectors look at labels, field selectors look at a few chosen fields
//           of an object (each kind lists which: pods offer spec.nodeName, status.phase, ...).
//           They are much simpler: only =, == and !=, joined by commas, all of which must hold.
//           The famous one is how every kubelet watches only its own pods:
//           ?fieldSelector=spec.nodeName%3Dship-1, and how the scheduler finds unscheduled pods:
//           spec.nodeName= (the empty value).
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/fields/selector.go, fields.go (v1.32)
// SHIPS     The harbour radio: "all containers assigned to berth 4, please report".
// EXAMPLE   parseFieldSelector("status.phase!=Failed,spec.nodeName=ship-1")
//             => [{ field: "spec.nodeName", operator: "=", value: "ship-1" },
//                 { field: "status.phase", operator: "!=", value: "Failed" }]
// SKIPPED   the per-kind lists of selectable fields (the apiserver owns those), Transform

import { SelectorError } from './label-requirement.ts';

/**
 * fields.Requirement: `field = value` or `field != value`. Kubernetes reads `==` as `=`,
 * so only two operators remain after parsing.
 */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

// ## Splitting
//
// A value may contain a comma or an equals sign if it is escaped with a backslash, so we cannot
// simply split on ",". We walk the string and skip whatever follows a backslash. The escapes
// stay in the terms; unescapeFieldValue removes them once we know which part is the value.
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// The first operator found splits the term. At each position we try "!=" before "==" before
// "=", so "a==b" is a = "b" and not a = "=b". Field names cannot be escaped, so this is safe.
function splitTerm(term: string): { field: string; op: string; rest: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), op, rest: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * EscapeValue: make any string safe as a field selector value: `\` `,` `=` get a backslash.
 * @example escapeFieldValue("a,b=c") => "a\\,b\\=c"
 */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * UnescapeValue: the reverse of escapeFieldValue.
 * @throws SelectorError for an unknown escape (`\n`), a lone trailing backslash, or an
 *   unescaped `,` or `=` inside the value.
 */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value; // the common case: nothing to do
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      // Kubernetes prints the character's code here ("61"); we print the character itself.
      throw new SelectorError(`invalid field selector: unescaped character in value: '${c}', write \\${c} to match it`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

// ## Parsing and matching

/**
 * ParseSelector: the string `kubectl --field-selector` sends as ?fieldSelector=.
 * "" (and empty terms, as in "a=b,") select everything. Terms are sorted, as Kubernetes sorts
 * them, so equal selectors print equally.
 * @throws SelectorError "invalid field selector: ..." for a term with no operator or a bad escape.
 */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s).sort()) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) {
      // Kubernetes says "invalid selector: '<all>'; can't understand '<term>'".
      throw new SelectorError(
        `invalid field selector: '${s}'; can't understand '${term}' (expected field=value, field==value or field!=value)`,
        s,
        s.indexOf(term),
      );
    }
    let value: string;
    try {
      value = unescapeFieldValue(parts.rest);
    } catch (err) {
      throw new SelectorError(`${(err as Error).message} (in '${term}')`, s, s.indexOf(term));
    }
    reqs.push({ field: parts.field, operator: parts.op === '!=' ? '!=' : '=', value });
  }
  return reqs;
}

/**
 * Selector.Matches against an object's selectable fields. A field the object does not offer
 * reads as "" (fields.Set.Get), which is why `spec.nodeName=` finds the pods not yet scheduled.
 */
export function matchesFields(reqs: FieldRequirement[], fields: Record<string, string>): boolean {
  for (const r of reqs) {
    const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
    if (r.operator === '=' ? actual !== r.value : actual === r.value) return false;
  }
  return true;
}

/** Selector.String: "spec.nodeName=ship-1,status.phase!=Failed", values escaped. */
export function formatFieldSelector(reqs: FieldRequirement[]): string {
  return reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/** SelectorFromSet: one `=` requirement per entry, sorted by field. */
export function fieldSelectorFromSet(set: Record<string, string>): FieldRequirement[] {
  return Object.keys(set)
    .sort()
    .map((field) => ({ field, operator: '=' as const, value: set[field] }));
}

/**
 * RequiresExactMatch: if the selector pins `field` to one value with `=`, that value.
 * A watch cache uses this to serve `spec.nodeName=ship-1` from an index instead of a scan.
 */
export function requiresExactMatch(reqs: FieldRequirement[], field: string): string | undefined {
  return reqs.find((r) => r.field === field && r.operator === '=')?.value;
}
