// Resource quantities: parsing, canonical printing, rounding and arithmetic, pinned against the
// values Kubernetes' resource.Quantity gives for the same strings.
import { describe, expect, it } from 'vitest';
import {
  addQuantity,
  compareQuantity,
  cpuMillis,
  formatQuantity,
  integerValue,
  isValidQuantity,
  memoryBytes,
  milliValue,
  parseQuantity,
  QuantityError,
  subtractQuantity,
  type Quantity,
} from '../../api/quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['2', 2],
    ['1.5', 1.5],
    ['100m', 0.1],
    ['250m', 0.25],
    ['500u', 0.0005],
    ['10n', 1e-8],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['+1', 1],
    ['-1.5', -1.5],
    ['.5', 0.5],
    ['1.', 1],
    ['007', 7],
    ['0', 0],
  ])('parses decimal SI %s as %d', (input, value) => {
    expect(parseQuantity(input)).toEqual({ value, format: 'DecimalSI' });
  });

  it.each([
    ['1Ki', 1024],
    ['512Mi', 512 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1Ti', 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
  ])('parses binary suffix %s as %d bytes', (input, value) => {
    expect(parseQuantity(input)).toEqual({ value, format: 'BinarySI' });
  });

  it.each([
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e6', 12e6],
    ['1e+3', 1000],
    ['1e-3', 0.001],
    ['1.5e2', 150],
  ])('parses decimal exponent %s as %d', (input, value) => {
    expect(parseQuantity(input)).toEqual({ value, format: 'DecimalExponent' });
  });

  it('reads "300m" and "0.3" as the very same number', () => {
    expect(parseQuantity('300m').value).toBe(parseQuantity('0.3').value);
  });

  it('turns a binary quantity below one into a decimal one', () => {
    expect(parseQuantity('0.0001Ki')).toEqual({ value: 0.1024, format: 'DecimalSI' });
  });

  it.each([
    ['0.1n', 1e-9],
    ['1.5n', 2e-9],
    ['-0.1n', -1e-9],
    ['1e-22', 1e-9],
    ['1e-400', 1e-9],
    ['0.123456789012345678', 0.12345679],
  ])('rounds %s up to the nano grid, giving %d', (input, value) => {
    expect(parseQuantity(input).value).toBe(value);
  });

  it('accepts a bare number, as YAML gives for `cpu: 2`', () => {
    expect(parseQuantity(2)).toEqual({ value: 2, format: 'DecimalSI' });
    expect(parseQuantity(0.5)).toEqual({ value: 0.5, format: 'DecimalSI' });
  });

  it.each([
    ['', 'format'],
    ['abc', 'format'],
    ['1.2.3', 'format'],
    ['5 Gi', 'format'],
    [' 5Gi', 'format'],
    ['1Gb', 'format'],
    ['1GB', 'format'],
    ['1Gi3x', 'format'],
    ['-', 'numeric'],
    ['+', 'numeric'],
    ['.', 'numeric'],
    ['e3', 'numeric'],
    ['1ki', 'suffix'],
    ['1mi', 'suffix'],
    ['1e', 'suffix'],
    ['1Ki3', 'suffix'],
    ['1kM', 'suffix'],
    ['1e99999', 'range'],
  ] as const)('rejects %j (%s)', (input, reason) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    try {
      parseQuantity(input);
    } catch (err) {
      expect(err).toMatchObject({ input, reason, name: 'QuantityError' });
    }
  });

  it('rejects a number that is not finite', () => {
    expect(() => parseQuantity(Number.NaN)).toThrow(QuantityError);
    expect(() => parseQuantity(Number.POSITIVE_INFINITY)).toThrow(QuantityError);
  });

  it("quotes Kubernetes' regular expression and the offending value", () => {
    expect(() => parseQuantity('abc')).toThrow(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got "abc")`,
    );
  });

  it.each([
    ['5 Gi', 'remove the spaces'],
    ['1Gb', 'did you mean "1Gi" (powers of 1024) or "1G" (powers of 1000)?'],
    ['2KB', 'did you mean "2Ki" (powers of 1024) or "2k" (powers of 1000)?'],
    ['1ki', "unable to parse quantity's suffix"],
    ['-', 'unable to parse numeric part of quantity'],
  ])('explains what is wrong with %j', (input, text) => {
    expect(() => parseQuantity(input)).toThrow(text);
  });
});

describe('isValidQuantity', () => {
  it.each([
    ['100m', true],
    ['1Gi', true],
    [3, true],
    ['1Gb', false],
    ['', false],
  ])('says %j is valid: %s', (input, valid) => {
    expect(isValidQuantity(input)).toBe(valid);
  });
});

describe('formatQuantity', () => {
  it.each([
    ['1.5', '1500m'],
    ['1500m', '1500m'],
    ['0.1', '100m'],
    ['4', '4'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1000m', '1'],
    ['1000k', '1M'],
    ['0.5m', '500u'],
    ['10n', '10n'],
    ['0.1n', '1n'],
    ['-1.5', '-1500m'],
    ['0', '0'],
    ['-0', '0'],
    ['0.0', '0'],
    ['1E', '1E'],
    ['1000E', '1e21'],
    ['1.0000000001', '1000000001n'],
  ])('prints decimal %s as %s', (input, out) => {
    expect(formatQuantity(input)).toBe(out);
  });

  it.each([
    ['2Gi', '2Gi'],
    ['1.5Gi', '1536Mi'],
    ['1024Mi', '1Gi'],
    ['1536Ki', '1536Ki'],
    ['1.5Ki', '1536'],
    ['0.5Ki', '512'],
    ['1Ei', '1Ei'],
    ['2048Ei', '2048Ei'],
    ['1.1Ki', '1126400m'],
    ['-2Gi', '-2Gi'],
  ])('prints binary %s as %s', (input, out) => {
    expect(formatQuantity(input)).toBe(out);
  });

  it.each([
    ['1e3', '1e3'],
    ['1e4', '10e3'],
    ['1500e0', '1500'],
    ['0.1e0', '100e-3'],
    ['12e6', '12e6'],
  ])('prints decimal exponent %s as %s', (input, out) => {
    expect(formatQuantity(input)).toBe(out);
  });

  it('prints a Quantity object in its own format', () => {
    expect(formatQuantity({ value: 1024, format: 'DecimalSI' })).toBe('1024');
    expect(formatQuantity({ value: 1024, format: 'BinarySI' })).toBe('1Ki');
    expect(formatQuantity({ value: 1000, format: 'DecimalExponent' })).toBe('1e3');
  });

  it('hides the binary noise of floating point', () => {
    expect(formatQuantity({ value: 0.1 + 0.2, format: 'DecimalSI' })).toBe('300m');
  });

  it('round-trips its own output', () => {
    for (const s of ['1500m', '1536Mi', '2Gi', '100m', '1k', '12e6', '1126400m', '1n']) {
      expect(formatQuantity(formatQuantity(s))).toBe(s);
    }
  });
});

describe('milliValue and integerValue', () => {
  it.each([
    ['1', 1000],
    ['100m', 100],
    ['0.1', 100],
    ['1.5', 1500],
    ['1n', 1],
    ['1500u', 2],
    ['1.0000000001', 1001],
    ['-1n', -1],
    ['1Ki', 1024000],
  ])('gives %s as %d milli-units, rounding up', (input, milli) => {
    expect(milliValue(input)).toBe(milli);
  });

  it.each([
    ['1.5', 2],
    ['1Ki', 1024],
    ['1n', 1],
    ['-1.5', -2],
    ['0', 0],
  ])('gives %s as %d whole units, rounding away from zero', (input, value) => {
    expect(integerValue(input)).toBe(value);
  });
});

describe('cpuMillis and memoryBytes', () => {
  it.each([
    [undefined, 0],
    ['2', 2000],
    ['250m', 250],
    ['0.5', 500],
    [2, 2000],
    ['1n', 1],
  ])('reads cpu %j as %d millicores', (input, out) => {
    expect(cpuMillis(input)).toBe(out);
  });

  it.each([
    [undefined, 0],
    ['1Ki', 1024],
    ['1k', 1000],
    ['512Mi', 536870912],
    ['2Gi', 2147483648],
    ['1.5', 2],
    [1024, 1024],
  ])('reads memory %j as %d bytes', (input, out) => {
    expect(memoryBytes(input)).toBe(out);
  });

  it('gives the same answer from its cache as from a fresh parse', () => {
    for (let i = 0; i < 3; i++) {
      expect(cpuMillis('750m')).toBe(750);
      expect(memoryBytes('3Gi')).toBe(3 * 2 ** 30);
    }
  });

  it('keeps answering correctly after the cache fills up and is cleared', () => {
    for (let i = 0; i < 5000; i++) expect(cpuMillis(`${i}m`)).toBe(i);
    expect(cpuMillis('1')).toBe(1000);
  });

  it('throws for an invalid string every time, never caching a failure', () => {
    expect(() => cpuMillis('lots')).toThrow(QuantityError);
    expect(() => cpuMillis('lots')).toThrow(QuantityError);
    expect(() => memoryBytes('1Gb')).toThrow(QuantityError);
  });
});

describe('compareQuantity', () => {
  it.each([
    ['1', '1000m', 0],
    ['1Gi', '1G', 1],
    ['1G', '1Gi', -1],
    ['100m', '0.1', 0],
    ['1Ki', '1024', 0],
    ['-1', '0', -1],
    ['1e3', '1k', 0],
  ] as const)('compares %s with %s as %d', (a, b, out) => {
    expect(compareQuantity(a, b)).toBe(out);
  });

  it('compares the result of arithmetic with a parsed value exactly', () => {
    expect(compareQuantity(addQuantity('100m', '200m'), '300m')).toBe(0);
  });
});

describe('addQuantity and subtractQuantity', () => {
  it.each([
    ['100m', '200m', '300m'],
    ['1Gi', '512Mi', '1536Mi'],
    ['1', '500m', '1500m'],
    ['1G', '1Gi', '2073741824'],
  ])('adds %s and %s to %s', (a, b, out) => {
    expect(formatQuantity(addQuantity(a, b))).toBe(out);
  });

  it.each([
    ['1Gi', '512Mi', '512Mi'],
    ['1', '1500m', '-500m'],
    ['2', '2', '0'],
  ])('subtracts %s minus %s to %s', (a, b, out) => {
    expect(formatQuantity(subtractQuantity(a, b))).toBe(out);
  });

  it("keeps the first operand's format", () => {
    expect(addQuantity('1Gi', '1k').format).toBe('BinarySI');
    expect(addQuantity('1k', '1Gi').format).toBe('DecimalSI');
  });

  it("takes the second operand's format when the first is zero, as Kubernetes' Add does", () => {
    expect(addQuantity('0', '1Gi')).toEqual({ value: 2 ** 30, format: 'BinarySI' });
    expect(subtractQuantity('0', '1Gi')).toEqual({ value: -(2 ** 30), format: 'BinarySI' });
  });

  it('does not modify its arguments', () => {
    const a: Quantity = { value: 1, format: 'DecimalSI' };
    addQuantity(a, '1');
    expect(a).toEqual({ value: 1, format: 'DecimalSI' });
  });
});
