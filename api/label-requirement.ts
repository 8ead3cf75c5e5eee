// Label requirements: one clause of a label selector
// ==================================================
// CONCEPT   A label selector is a list of requirements that must ALL hold (there is no OR).
//           Each requirement is a key, an operator and a set of values: `app=besu`,
//           `env in (prod,dev)`, `!canary`. This file defines the clause, checks it, matches it
//           against an object's labels, and prints it; labels.ts builds whole selectors from it.
// REAL K8S  staging/src/k8s.io/apimachinery/pkg/labels/selector.go (Requirement, NewRequirement,
//           Matches, String), pkg/selection/operator.go (v1.32)
// SHIPS     One line of the loading order: "only containers stamped cargo=grain".
// EXAMPLE   matchesRequirement({ key: "tier", operator: "!=", values: ["db"] }, {})  => true
// SKIPPED   field.Path prefixes on messages (we name the part: key, values[0], operator)

import { invalidValue, isQualifiedName, isValidLabelValue } from './names.ts';

/** Thrown for a selector Kubernetes would refuse; the message says what was found, and where. */
export class SelectorError extends Error {
  override name = 'SelectorError';
  /**
   * @param selector the whole input string, when there was one
   * @param position 0-based offset of the offending token in it
   */
  constructor(message: string, readonly selector?: string, readonly position?: number) {
    super(message);
  }
}

/**
 * selection.Operator: `=`, `==` and `in` need the label to be present with one of the values;
 * `!=` and `notin` also match when the label is absent; `exists` and `!` (DoesNotExist) look at
 * the key only; `gt` and `lt` compare integers (written `>` and `<` in a selector string).
 */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** labels.Requirement: one clause of a selector. */
export interface Requirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

const OPERATORS: readonly SelectorOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

// Kubernetes joins a list of field errors as "[first, second]", or just "first" when alone.
function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

/**
 * NewRequirement: build one clause and check it the way the apiserver does: a qualified-name
 * key, valid label values, exactly one value for `=` `==` `!=`, at least one for `in` `notin`,
 * none for `exists` `!`, and a single integer for `gt` `lt`.
 * @throws SelectorError listing every problem found, e.g.
 *   `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`
 */
export function newRequirement(key: string, operator: SelectorOperator, values: string[]): Requirement {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalidValue('key', key, keyErrs.join('; ')));
  const countError = (detail: string) => errs.push(invalidValue('values', values, detail));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) countError("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) countError('exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) countError('values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) countError("for 'Gt', 'Lt' operators, exactly one value is required");
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default: {
      const supported = OPERATORS.map((o) => `"${o}"`).join(', ');
      errs.push(`operator: Unsupported value: ${JSON.stringify(operator)}: supported values: ${supported}`);
    }
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(invalidValue(`values[${i}][${key}]`, v, valueErrs.join('; ')));
  });
  if (errs.length > 0) throw new SelectorError(aggregate(errs));
  return { key, operator, values: [...values] };
}

// Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, must fit in 64 bits.
// BigInt keeps 9223372036854775807 exact, where a double would not.
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

// ## Matching
// @doc: label-selector-matches
// Note the asymmetry students trip over: `tier!=db` and `tier notin (db)` match an object that
// has no tier label at all, while `tier=web` and `tier in (web)` require the label to be there.

/** Requirement.Matches: does this one clause hold for these labels? */
export function matchesRequirement(r: Requirement, labels: Record<string, string> | undefined): boolean {
  // Object.hasOwn, not `in`: a label called "constructor" must not be found on every object.
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : '';
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      // A label value that is not an integer simply does not match; it is not an error.
      const actual = has ? parseInt64(value) : undefined;
      const bound = r.values.length === 1 ? parseInt64(r.values[0]) : undefined;
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** Requirement.String: "app=besu", "env in (dev,prod)", "!canary", "replicas>3". */
export function formatRequirement(r: Requirement): string {
  // Several values print sorted, so two selectors that mean the same print the same.
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}
