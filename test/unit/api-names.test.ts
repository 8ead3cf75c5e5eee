// Name validation: DNS names, qualified names, label values and generated names, with
// Kubernetes' exact messages.
import { describe, expect, it } from 'vitest';
import {
  generateName,
  generateNameSuffix,
  invalidValue,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  maxLenError,
  NAME_SUFFIX_ALPHABET,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
} from '../../api/names.ts';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('message helpers', () => {
  it('builds messages exactly as validation.go does, double space and all', () => {
    expect(maxLenError(63)).toBe('must be no more than 63 characters');
    expect(regexError('msg', 're')).toBe("msg (regex used for validation is 're')");
    expect(regexError('msg', 're', 'a', 'b')).toBe("msg (e.g. 'a',  or 'b', regex used for validation is 're')");
  });

  it('prints field.Invalid with and without a path', () => {
    expect(invalidValue('metadata.name', 'Besu', 'bad')).toBe('metadata.name: Invalid value: "Besu": bad');
    expect(invalidValue('', 'Besu', 'bad')).toBe('Invalid value: "Besu": bad');
  });
});

describe('isDNS1123Subdomain', () => {
  it.each(['a', 'besu-0', 'besu.default.svc', '0', 'a-b.c-d', '123', 'a'.repeat(253)])('accepts %j', (name) => {
    expect(isDNS1123Subdomain(name)).toEqual([]);
  });

  it.each(['', 'Besu', 'besu_0', '-besu', 'besu-', 'besu..svc', '.besu', 'besu.', 'bé', 'a b'])('rejects %j with the RFC 1123 subdomain message', (name) => {
    expect(isDNS1123Subdomain(name)).toEqual([SUBDOMAIN_MSG]);
  });

  it('rejects a name longer than 253 characters', () => {
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });

  it('gives both messages when a name is too long and malformed', () => {
    expect(isDNS1123Subdomain('A'.repeat(254))).toEqual(['must be no more than 253 characters', SUBDOMAIN_MSG]);
  });
});

describe('isDNS1123Label', () => {
  it.each(['a', 'besu-0', '0abc', 'a'.repeat(63)])('accepts %j', (name) => {
    expect(isDNS1123Label(name)).toEqual([]);
  });

  it.each(['', 'Besu', 'besu_0', '-a', 'a-', 'a b'])('rejects %j with the RFC 1123 label message', (name) => {
    expect(isDNS1123Label(name)).toEqual([LABEL_MSG]);
  });

  it('says only "must not contain dots" for a valid subdomain', () => {
    expect(isDNS1123Label('besu.default')).toEqual(['must not contain dots']);
  });

  it('rejects a label longer than 63 characters', () => {
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('counts length in bytes, like Go', () => {
    expect(isDNS1123Label('é'.repeat(32))[0]).toBe('must be no more than 63 characters');
  });
});

describe('isDNS1035Label', () => {
  it.each(['a', 'besu-rpc', 'a1'])('accepts %j', (name) => {
    expect(isDNS1035Label(name)).toEqual([]);
  });

  it.each(['1besu', '', 'Besu', 'a-', 'a.b'])('rejects %j, which must start with a letter', (name) => {
    expect(isDNS1035Label(name)).toEqual([DNS1035_MSG]);
  });
});

describe('nameIsDNSSubdomain and nameIsDNSLabel for generateName prefixes', () => {
  it.each([
    ['besu-', true, []],
    ['besu-', false, [SUBDOMAIN_MSG]],
    ['a-', true, []],
    ['-', true, [SUBDOMAIN_MSG]],
    ['Besu-', true, [SUBDOMAIN_MSG]],
  ] as const)('checks %j (prefix %s)', (name, prefix, errs) => {
    expect(nameIsDNSSubdomain(name, prefix)).toEqual(errs);
  });

  it('validates a namespace prefix as a label', () => {
    expect(nameIsDNSLabel('team-', true)).toEqual([]);
    expect(nameIsDNSLabel('team.a')).toEqual(['must not contain dots']);
  });
});

describe('isQualifiedName', () => {
  it.each([
    'app',
    'App_Name',
    'app.kubernetes.io/name',
    'kubernetes.io/hostname',
    'node-role.kubernetes.io/control-plane',
    'a',
    '1',
    'a'.repeat(63),
    `${'a'.repeat(253)}/x`,
  ])('accepts %j', (key) => {
    expect(isQualifiedName(key)).toEqual([]);
  });

  it.each([
    ['', ['name part must be non-empty', NAME_PART_MSG]],
    ['-app', [NAME_PART_MSG]],
    ['app_', [NAME_PART_MSG]],
    ['bad key', [NAME_PART_MSG]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
    ['/app', ['prefix part must be non-empty']],
    ['example.com/', ['name part must be non-empty', NAME_PART_MSG]],
    ['Example.com/app', [`prefix part ${SUBDOMAIN_MSG}`]],
  ])('rejects %j', (key, errs) => {
    expect(isQualifiedName(key)).toEqual(errs);
  });

  it('describes the whole shape when there are two slashes', () => {
    expect(isQualifiedName('a/b/c')).toEqual([
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });
});

describe('isValidLabelValue', () => {
  it.each(['', 'besu', 'Besu_1.2-rc', '1', 'a'.repeat(63)])('accepts %j', (value) => {
    expect(isValidLabelValue(value)).toEqual([]);
  });

  it.each(['besu node', '-besu', 'besu.', 'a/b', 'é'])('rejects %j', (value) => {
    expect(isValidLabelValue(value)).toEqual([LABEL_VALUE_MSG]);
  });

  it('rejects a value longer than 63 characters', () => {
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('generated names', () => {
  it('draws 5 characters from the vowel-free alphabet', () => {
    for (let i = 0; i < 200; i++) {
      expect(generateNameSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
  });

  it('is deterministic with a given random source', () => {
    const zero = () => 0;
    const almostOne = () => 0.9999;
    expect(generateNameSuffix(zero)).toBe('bbbbb');
    expect(generateNameSuffix(almostOne)).toBe('99999');
    expect(NAME_SUFFIX_ALPHABET).toHaveLength(27);
  });

  it('appends the suffix to the base', () => {
    expect(generateName('besu-', () => 0)).toBe('besu-bbbbb');
  });

  it('cuts a long base to 58 characters so the name fits in 63', () => {
    const name = generateName('a'.repeat(100), () => 0);
    expect(name).toHaveLength(63);
    expect(isDNS1123Label(name)).toEqual([]);
  });
});
