// Field selectors: =, == and != terms, backslash escapes, matching absent fields as "".
import { describe, expect, it } from 'vitest';
import {
  escapeFieldValue,
  fieldSelectorFromSet,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
  requiresExactMatch,
  unescapeFieldValue,
  type FieldRequirement,
} from '../../api/fields.ts';
import { SelectorError } from '../../api/labels.ts';

const eq = (field: string, value: string): FieldRequirement => ({ field, operator: '=', value });
const ne = (field: string, value: string): FieldRequirement => ({ field, operator: '!=', value });

function thrown(fn: () => unknown): SelectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SelectorError);
    return err as SelectorError;
  }
  throw new Error('expected a SelectorError, but nothing was thrown');
}

describe('parseFieldSelector', () => {
  it.each<[string, FieldRequirement[]]>([
    ['', []],
    ['spec.nodeName=ship-1', [eq('spec.nodeName', 'ship-1')]],
    ['spec.nodeName==ship-1', [eq('spec.nodeName', 'ship-1')]],
    ['status.phase!=Failed', [ne('status.phase', 'Failed')]],
    ['spec.nodeName=', [eq('spec.nodeName', '')]],
    ['metadata.name=a,metadata.namespace=b', [eq('metadata.name', 'a'), eq('metadata.namespace', 'b')]],
    ['a=b,', [eq('a', 'b')]],
    [',a=b', [eq('a', 'b')]],
    ['a=b,,c=d', [eq('a', 'b'), eq('c', 'd')]],
    ['a= b ', [eq('a', ' b ')]],
  ])('parses %j', (input, expected) => {
    expect(parseFieldSelector(input)).toEqual(expected);
  });

  it('sorts the terms, as Kubernetes does', () => {
    expect(parseFieldSelector('status.phase!=Failed,spec.nodeName=ship-1')).toEqual([
      eq('spec.nodeName', 'ship-1'),
      ne('status.phase', 'Failed'),
    ]);
  });

  it('splits at the first operator, trying != before == before =', () => {
    expect(parseFieldSelector('a==b')).toEqual([eq('a', 'b')]);
    expect(parseFieldSelector('a!=b')).toEqual([ne('a', 'b')]);
    expect(parseFieldSelector('a!b=c')).toEqual([eq('a!b', 'c')]);
  });

  it.each([
    ['x=a\\,b', 'a,b'],
    ['x=a\\=b', 'a=b'],
    ['x=a\\\\b', 'a\\b'],
    ['x=\\,\\=\\\\', ',=\\'],
  ])('unescapes the value in %j', (input, value) => {
    expect(parseFieldSelector(input)).toEqual([eq('x', value)]);
  });

  it('does not split on an escaped comma', () => {
    expect(parseFieldSelector('x=a\\,b,y=c')).toEqual([eq('x', 'a,b'), eq('y', 'c')]);
  });

  it('accepts an empty field name, as Kubernetes does; the apiserver then rejects the field', () => {
    expect(parseFieldSelector('=x')).toEqual([eq('', 'x')]);
  });

  it.each([
    ['abc', "invalid field selector: 'abc'; can't understand 'abc' (expected field=value, field==value or field!=value)"],
    ['a=b,c', "invalid field selector: 'a=b,c'; can't understand 'c' (expected field=value, field==value or field!=value)"],
    ['x=a=b', "invalid field selector: unescaped character in value: '=', write \\= to match it (in 'x=a=b')"],
    ['x=a\\nb', "invalid field selector: invalid escape sequence: \\n (in 'x=a\\nb')"],
    ['x=a\\', "invalid field selector: invalid escape sequence: \\ (in 'x=a\\')"],
  ])('rejects %j', (input, message) => {
    const err = thrown(() => parseFieldSelector(input));
    expect(err.message).toBe(message);
    expect(err.selector).toBe(input);
  });

  it('points at the offending term', () => {
    expect(thrown(() => parseFieldSelector('a=b,oops')).position).toBe(4);
  });
});

describe('escapeFieldValue and unescapeFieldValue', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
    ['', ''],
  ])('escapes %j as %j and back', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it.each(['a,b', 'a=b', 'a\\x', 'a\\'])('refuses to unescape %j', (value) => {
    expect(() => unescapeFieldValue(value)).toThrow(SelectorError);
  });
});

describe('matchesFields', () => {
  const pod = { 'metadata.name': 'besu-0', 'spec.nodeName': 'ship-1', 'status.phase': 'Running' };
  it.each<[string, Record<string, string>, boolean]>([
    ['', pod, true],
    ['spec.nodeName=ship-1', pod, true],
    ['spec.nodeName=ship-2', pod, false],
    ['spec.nodeName!=ship-2', pod, true],
    ['spec.nodeName!=ship-1', pod, false],
    ['spec.nodeName=ship-1,status.phase=Running', pod, true],
    ['spec.nodeName=ship-1,status.phase!=Running', pod, false],
    ['spec.nodeName=', { 'metadata.name': 'pending' }, true],
    ['spec.nodeName=', { 'spec.nodeName': '' }, true],
    ['spec.nodeName=', pod, false],
    ['spec.nodeName!=', pod, true],
    ['spec.nodeName!=', {}, false],
    ['constructor=', {}, true],
  ])('matches %j against %j: %s', (selector, fields, expected) => {
    expect(matchesFields(parseFieldSelector(selector), fields)).toBe(expected);
  });
});

describe('building and printing field selectors', () => {
  it('prints requirements with escaped values, readable back', () => {
    const reqs = [eq('metadata.name', 'a,b'), ne('status.phase', 'x=y')];
    const text = formatFieldSelector(reqs);
    expect(text).toBe('metadata.name=a\\,b,status.phase!=x\\=y');
    expect(parseFieldSelector(text)).toEqual(reqs);
  });

  it('builds a sorted selector from a set', () => {
    expect(fieldSelectorFromSet({ 'spec.nodeName': 'ship-1', 'metadata.namespace': 'default' })).toEqual([
      eq('metadata.namespace', 'default'),
      eq('spec.nodeName', 'ship-1'),
    ]);
  });

  it.each<[string, string, string | undefined]>([
    ['spec.nodeName=ship-1', 'spec.nodeName', 'ship-1'],
    ['spec.nodeName==ship-1,status.phase=Running', 'spec.nodeName', 'ship-1'],
    ['spec.nodeName!=ship-1', 'spec.nodeName', undefined],
    ['status.phase=Running', 'spec.nodeName', undefined],
    ['spec.nodeName=', 'spec.nodeName', ''],
  ])('finds in %j the exact value required of %s: %j', (selector, field, value) => {
    expect(requiresExactMatch(parseFieldSelector(selector), field)).toBe(value);
  });
});
