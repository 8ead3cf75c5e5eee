// Label selectors: the string grammar kubectl sends, the structured form inside objects,
// matching, printing and label validation.
import { describe, expect, it } from 'vitest';
import {
  describeLabelSelector,
  formatLabelSelector,
  formatRequirement,
  labelSelectorToRequirements,
  matchesLabels,
  matchesLabelSelector,
  newRequirement,
  parseLabelSelector,
  SelectorError,
  selectorFromSet,
  validateLabels,
  type Requirement,
} from '../../api/labels.ts';
import type { LabelSelector } from '../../api/types.ts';

// Runs fn and returns what it threw, so a test can look at the message and the position.
function thrown(fn: () => unknown): SelectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SelectorError);
    return err as SelectorError;
  }
  throw new Error('expected a SelectorError, but nothing was thrown');
}

const req = (key: string, operator: Requirement['operator'], values: string[] = []): Requirement => ({ key, operator, values });

describe('parseLabelSelector', () => {
  it.each<[string, Requirement[]]>([
    ['', []],
    ['app=besu', [req('app', '=', ['besu'])]],
    ['app==besu,tier!=db', [req('app', '==', ['besu']), req('tier', '!=', ['db'])]],
    ['env in (prod, dev)', [req('env', 'in', ['dev', 'prod'])]],
    ['env notin (x)', [req('env', 'notin', ['x'])]],
    ['app', [req('app', 'exists')]],
    ['!app', [req('app', '!')]],
    ['a=b,c in (d,e),!f', [req('a', '=', ['b']), req('c', 'in', ['d', 'e']), req('f', '!')]],
    ['replicas>3', [req('replicas', 'gt', ['3'])]],
    ['replicas<10', [req('replicas', 'lt', ['10'])]],
    ['app.kubernetes.io/name=besu', [req('app.kubernetes.io/name', '=', ['besu'])]],
    ['  app = besu ,  tier  ', [req('app', '=', ['besu']), req('tier', 'exists')]],
    ['app=\tbesu', [req('app', '=', ['besu'])]],
  ])('parses %j', (input, expected) => {
    expect(parseLabelSelector(input)).toEqual(expected);
  });

  it('sorts requirements by key, as Kubernetes does', () => {
    expect(parseLabelSelector('zone=a,app=b,m').map((r) => r.key)).toEqual(['app', 'm', 'zone']);
  });

  it('sorts and de-duplicates the values of a set', () => {
    expect(parseLabelSelector('x in (c,a,b,a)')).toEqual([req('x', 'in', ['a', 'b', 'c'])]);
  });

  it.each<[string, string[]]>([
    ['app=', ['']],
    ['x in ()', ['']],
    ['x in (a,)', ['', 'a']],
    ['x in (,a)', ['', 'a']],
    ['x in (a,,b)', ['', 'a', 'b']],
  ])('reads the empty value in %j, as Kubernetes does', (input, values) => {
    expect(parseLabelSelector(input)[0].values).toEqual(values);
  });

  it('treats "in" and "notin" as plain words where a key or value stands', () => {
    expect(parseLabelSelector('in in (in, notin)')).toEqual([req('in', 'in', ['in', 'notin'])]);
  });

  it.each([
    ['=x', "found '=', expected: !, identifier, or 'end of string' (at column 1 of \"=x\")"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt (at column 3 of \"a b\")"],
    ['in (x', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt (at column 4 of \"in (x\")"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')' (at the end of \"x in (a\")"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')' (at column 9 of \"x in (a b)\")"],
    ['x in (', "unable to parse requirement: found '', expected: ',', ')' or identifier (at the end of \"x in (\")"],
    ['x in a', "unable to parse requirement: found 'a' expected: '(' (at column 6 of \"x in a\")"],
    ['x notin', "unable to parse requirement: found '' expected: '(' (at the end of \"x notin\")"],
    ['app=b c', "found 'c', expected: ',' or 'end of string' (at column 7 of \"app=b c\")"],
    ['a,', "found '', expected: identifier after ',' (at the end of \"a,\")"],
    ['a,,b', "found ',', expected: identifier after ',' (at column 3 of \"a,,b\")"],
    ['!a=b', "found '=', expected: ',' or 'end of string' (at column 3 of \"!a=b\")"],
    ['!', "unable to parse requirement: found '', expected: identifier (at the end of \"!\")"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier (at column 3 of \"a=(b)\")"],
    ['r>x', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer (at column 3 of "r>x")'],
  ])('rejects %j, saying what and where', (input, message) => {
    const err = thrown(() => parseLabelSelector(input));
    expect(err.message).toBe(message);
    expect(err.selector).toBe(input);
  });

  it.each([
    ['-a', 'key: Invalid value: "-a": name part must consist of', 0],
    ['a/b/c=d', 'key: Invalid value: "a/b/c": a qualified name must consist of', 0],
    ['ok=yes,Bad_=1', 'key: Invalid value: "Bad_": name part must', 7],
    ['a=-b', 'values[0][a]: Invalid value: "-b": a valid label must be an empty string', 2],
    [`a=${'v'.repeat(64)}`, 'must be no more than 63 characters', 2],
  ])('rejects the invalid key or value in %j', (input, text, position) => {
    const err = thrown(() => parseLabelSelector(input));
    expect(err.message).toContain(text);
    expect(err).toMatchObject({ selector: input, position });
  });
});

describe('matchesLabels', () => {
  const besu = { app: 'besu', tier: 'node', replicas: '4' };
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ['', besu, true],
    ['', undefined, true],
    ['app=besu', besu, true],
    ['app==besu', besu, true],
    ['app=geth', besu, false],
    ['app=besu', undefined, false],
    ['app=besu,tier=node', besu, true],
    ['app=besu,tier=db', besu, false],
    ['tier!=db', besu, true],
    ['tier!=node', besu, false],
    ['zone!=eu', besu, true],
    ['app in (geth, besu)', besu, true],
    ['app in (geth)', besu, false],
    ['zone in (eu)', besu, false],
    ['app notin (geth)', besu, true],
    ['app notin (besu)', besu, false],
    ['zone notin (eu)', besu, true],
    ['app', besu, true],
    ['zone', besu, false],
    ['!zone', besu, true],
    ['!app', besu, false],
    ['replicas>3', besu, true],
    ['replicas>4', besu, false],
    ['replicas<5', besu, true],
    ['app>3', besu, false],
    ['zone>3', besu, false],
    ['constructor', besu, false],
    ['zone=', { zone: '' }, true],
    ['zone=', besu, false],
  ])('matches %j against %j: %s', (selector, labels, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('compares gt and lt as 64-bit integers, not as text or doubles', () => {
    expect(matchesLabels([req('n', 'gt', ['9'])], { n: '10' })).toBe(true);
    expect(matchesLabels([req('n', 'gt', ['9007199254740992'])], { n: '9007199254740993' })).toBe(true);
    expect(matchesLabels([req('n', 'gt', ['1'])], { n: '99999999999999999999' })).toBe(false);
  });
});

describe('newRequirement', () => {
  it.each<[string, Requirement['operator'], string[], string]>([
    ['a', 'in', [], "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"],
    ['a', '=', ['x', 'y'], 'values: Invalid value: ["x","y"]: exact-match compatibility requires one single value'],
    ['a', 'exists', ['x'], 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'],
    ['a', 'gt', ['1', '2'], "values: Invalid value: [\"1\",\"2\"]: for 'Gt', 'Lt' operators, exactly one value is required"],
    ['a', 'lt', ['1.5'], "values[0]: Invalid value: \"1.5\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ])('rejects %s %s %j', (key, op, values, message) => {
    expect(thrown(() => newRequirement(key, op, values)).message).toBe(message);
  });

  it('lists several problems in brackets, as an aggregate error does', () => {
    expect(() => newRequirement('-a', 'in', [])).toThrow(/^\[key: Invalid value: "-a": .*, values: Invalid value: \[\]: .*\]$/);
  });

  it('rejects an operator it does not know', () => {
    expect(() => newRequirement('a', 'like' as Requirement['operator'], [])).toThrow('operator: Unsupported value: "like"');
  });

  it('copies the values it is given', () => {
    const values = ['x'];
    const r = newRequirement('a', 'in', values);
    values.push('y');
    expect(r.values).toEqual(['x']);
  });
});

describe('formatLabelSelector', () => {
  it.each([
    ['app=besu', 'app=besu'],
    ['tier!=db,app==besu', 'app==besu,tier!=db'],
    ['env in (prod, dev)', 'env in (dev,prod)'],
    ['env notin (x)', 'env notin (x)'],
    [' app ', 'app'],
    ['!canary', '!canary'],
    ['r>3,q<2', 'q<2,r>3'],
    ['app=', 'app='],
    ['', ''],
  ])('prints %j as %j', (input, out) => {
    expect(formatLabelSelector(parseLabelSelector(input))).toBe(out);
  });

  it('prints set values sorted without reordering the requirement', () => {
    const r = req('env', 'in', ['prod', 'dev']);
    expect(formatRequirement(r)).toBe('env in (dev,prod)');
    expect(r.values).toEqual(['prod', 'dev']);
  });

  it('reads back what it prints', () => {
    const reqs = parseLabelSelector('a=b,c in (d,e),!f,g,h!=i,j notin (k),l>1');
    expect(parseLabelSelector(formatLabelSelector(reqs))).toEqual(reqs);
  });
});

describe('selectorFromSet', () => {
  it('makes one sorted = requirement per label', () => {
    expect(selectorFromSet({ tier: 'node', app: 'besu' })).toEqual([req('app', '=', ['besu']), req('tier', '=', ['node'])]);
    expect(formatLabelSelector(selectorFromSet({ tier: 'node', app: 'besu' }))).toBe('app=besu,tier=node');
  });

  it('selects everything from an empty set', () => {
    expect(selectorFromSet({})).toEqual([]);
  });
});

describe('structured LabelSelector', () => {
  const sel: LabelSelector = {
    matchLabels: { app: 'besu' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['node', 'rpc'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'chain', operator: 'Exists' },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  };

  it('converts matchLabels and matchExpressions into sorted requirements', () => {
    expect(labelSelectorToRequirements(sel)).toEqual([
      req('app', '=', ['besu']),
      req('canary', '!'),
      req('chain', 'exists'),
      req('env', 'notin', ['dev']),
      req('tier', 'in', ['node', 'rpc']),
    ]);
  });

  it.each<[LabelSelector | undefined, Record<string, string> | undefined, boolean]>([
    [undefined, { app: 'besu' }, false],
    [undefined, undefined, false],
    [{}, { app: 'besu' }, true],
    [{}, undefined, true],
    [{ matchLabels: {}, matchExpressions: [] }, {}, true],
    [sel, { app: 'besu', tier: 'rpc', chain: 'dev-net' }, true],
    [sel, { app: 'besu', tier: 'rpc', chain: 'x', env: 'dev' }, false],
    [sel, { app: 'besu', tier: 'rpc', chain: 'x', canary: 'true' }, false],
    [sel, { app: 'besu', tier: 'rpc' }, false],
    [{ matchLabels: { app: 'besu' } }, undefined, false],
  ])('matches %j against %j: %s (nil selects nothing, {} selects everything)', (selector, labels, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it.each<[LabelSelector, string]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Gt' as 'In', values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values set must be empty'],
    [{ matchLabels: { 'bad key': 'x' } }, 'key: Invalid value: "bad key"'],
    [{ matchLabels: { app: 'bad value' } }, 'values[0][app]: Invalid value: "bad value"'],
  ])('rejects the invalid selector %j', (selector, message) => {
    expect(() => labelSelectorToRequirements(selector)).toThrow(SelectorError);
    expect(() => matchesLabelSelector(selector, {})).toThrow(message);
  });

  it.each<[LabelSelector | undefined, string]>([
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { app: 'besu' } }, 'app=besu'],
    [sel, 'app=besu,!canary,chain,env notin (dev),tier in (node,rpc)'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, '<error>'],
  ])('describes %j as kubectl describe does: %s', (selector, out) => {
    expect(describeLabelSelector(selector)).toBe(out);
  });
});

describe('validateLabels', () => {
  it('accepts well-formed labels, including an empty value', () => {
    expect(validateLabels({ app: 'besu', 'app.kubernetes.io/name': 'besu-node', empty: '' })).toEqual([]);
  });

  it.each([
    [{ 'bad key': 'x' }, 'Invalid value: "bad key": name part must consist of alphanumeric characters'],
    [{ '/app': 'x' }, 'Invalid value: "/app": prefix part must be non-empty'],
    [{ app: 'besu node' }, 'Invalid value: "besu node": a valid label must be an empty string or consist of'],
    [{ app: 'v'.repeat(64) }, `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ])('reports %j in Kubernetes words', (labels, start) => {
    const errs = validateLabels(labels);
    expect(errs).toHaveLength(1);
    expect(errs[0].startsWith(start)).toBe(true);
  });

  it('reports every problem, key and value alike', () => {
    expect(validateLabels({ 'bad key': 'bad value', ok: 'fine', '-x': '' })).toHaveLength(3);
  });

  it('prefixes the field path when given one', () => {
    expect(validateLabels({ app: 'a b' }, 'metadata.labels')[0]).toMatch(/^metadata\.labels: Invalid value: "a b": /);
  });
});
