// The protobuf wire reader: tags, varints, fixed-width and length-delimited values, and the
// errors a truncated or malformed body produces.
import { describe, expect, it } from 'vitest';
import { ProtobufError, readFields, readPackedVarints, WireReader } from '../../apiserver/protobuf/wire.ts';
import { bytes, cat, fixed32, fixed64, num, packed, str, varint } from '../helpers/protobuf-writer.ts';

const fields = (b: Uint8Array) => [...readFields(b)];

describe('varints', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [150, '9601'],
    [300, 'ac02'],
    [16384, '808001'],
  ])('reads %i from %s', (value, hexBytes) => {
    expect(Buffer.from(varint(value)).toString('hex')).toBe(hexBytes);
    expect(new WireReader(Buffer.from(hexBytes, 'hex')).varint()).toBe(BigInt(value));
  });

  it('reads the largest 64-bit value from ten bytes', () => {
    expect(new WireReader(Buffer.from('ffffffffffffffffff01', 'hex')).varint()).toBe(2n ** 64n - 1n);
  });

  it('refuses a varint longer than ten bytes', () => {
    expect(() => new WireReader(Buffer.from('ffffffffffffffffffff01', 'hex')).varint()).toThrow(/longer than 10 bytes/);
  });

  it('refuses a varint cut off by the end of the body', () => {
    expect(() => new WireReader(Buffer.from('9696', 'hex')).varint()).toThrow(ProtobufError);
  });
});

describe('fields', () => {
  it('splits a message into (number, wire type, value) triples in wire order', () => {
    const got = fields(cat(num(1, 150), str(2, 'abc'), fixed64(3, 0x0102030405060708n), fixed32(4, 0xdeadbeef)));
    expect(got).toEqual([
      { field: 1, wireType: 0, value: 150n },
      { field: 2, wireType: 2, value: new TextEncoder().encode('abc') },
      { field: 3, wireType: 1, value: 0x0102030405060708n },
      { field: 4, wireType: 5, value: 0xdeadbeef },
    ]);
  });

  it('reads the textbook example 08 96 01 as field 1 = 150', () => {
    expect(fields(Buffer.from('089601', 'hex'))).toEqual([{ field: 1, wireType: 0, value: 150n }]);
  });

  it('handles field numbers above 15 (two-byte tags)', () => {
    expect(fields(num(40, 7))).toEqual([{ field: 40, wireType: 0, value: 7n }]);
  });

  it('reads an empty length-delimited field (an empty string or empty message)', () => {
    expect(fields(Uint8Array.of(0x12, 0x00))).toEqual([{ field: 2, wireType: 2, value: new Uint8Array() }]);
  });

  it('refuses a length that runs past the end', () => {
    expect(() => fields(Buffer.from('0a05616263', 'hex'))).toThrow(/truncated message: 5 bytes wanted at offset 2, 3 left/);
  });

  it('refuses a fixed64 value cut short', () => {
    expect(() => fields(Buffer.from('090102', 'hex'))).toThrow(/truncated/);
  });

  it('refuses groups (wire types 3 and 4), which Kubernetes never sends', () => {
    expect(() => fields(Buffer.from('0b', 'hex'))).toThrow(/unsupported wire type 3/);
  });

  it('refuses field number 0', () => {
    expect(() => fields(Buffer.from('0001', 'hex'))).toThrow(/invalid field number 0/);
  });

  it('reads a packed run of varints', () => {
    const [packedField] = fields(packed(4, [1, 150, 300]));
    expect(readPackedVarints(packedField.value as Uint8Array)).toEqual([1n, 150n, 300n]);
  });

  it('keeps nested bytes as a view for the next table to read', () => {
    const [outer] = fields(bytes(1, str(1, 'x')));
    expect(fields(outer.value as Uint8Array)).toEqual([{ field: 1, wireType: 2, value: new TextEncoder().encode('x') }]);
  });
});
