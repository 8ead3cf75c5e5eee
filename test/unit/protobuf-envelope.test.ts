// The Kubernetes envelope: the "k8s\0" magic and the runtime.Unknown that names the kind.
import { describe, expect, it } from 'vitest';
import { readEnvelope } from '../../apiserver/protobuf/envelope.ts';
import { ProtobufError } from '../../apiserver/protobuf/wire.ts';
import { bytes, cat, envelope, hex, msg, str } from '../helpers/protobuf-writer.ts';

describe('readEnvelope', () => {
  it('reads the type and raw bytes kubectl sends for `create namespace lesson`', () => {
    // Captured from kubectl 1.32: magic, typeMeta{ "v1", "Namespace" }, raw, and the two empty
    // strings contentEncoding = 3 and contentType = 4 ("1a 00 22 00") at the end.
    const body = hex(`6b387300 0a0f0a027631 12094e616d657370616365
      121e 0a160a066c6573736f6e12001a0022002a0032003800420012001a020a00 1a00 2200`);
    const got = readEnvelope(body);
    expect(got.apiVersion).toBe('v1');
    expect(got.kind).toBe('Namespace');
    expect(got.contentEncoding).toBe('');
    expect(got.contentType).toBe('');
    expect(Buffer.from(got.raw).toString('hex')).toBe('0a160a066c6573736f6e12001a0022002a0032003800420012001a020a00');
  });

  it('reads a group/version apiVersion', () => {
    expect(readEnvelope(envelope('coordination.k8s.io/v1', 'Lease', new Uint8Array())).apiVersion).toBe('coordination.k8s.io/v1');
  });

  it('refuses a body without the magic, as JSON sent with the protobuf content type', () => {
    expect(() => readEnvelope(Buffer.from('{"kind":"Namespace"}'))).toThrow(/does not appear to be a protobuf message, expected prefix/);
  });

  it('refuses an empty body and a body that is only the magic', () => {
    expect(() => readEnvelope(new Uint8Array())).toThrow('empty data');
    expect(() => readEnvelope(hex('6b387300'))).toThrow('empty body');
  });

  it('refuses an envelope whose kind or apiVersion is missing', () => {
    const noKind = Buffer.from(cat(hex('6b387300'), msg(1, str(1, 'v1')), bytes(2, new Uint8Array())));
    expect(() => readEnvelope(noKind)).toThrow(/names no kind/);
    const noVersion = Buffer.from(cat(hex('6b387300'), msg(1, str(2, 'Pod'))));
    expect(() => readEnvelope(noVersion)).toThrow(/names no apiVersion for kind Pod/);
  });

  it('refuses a truncated envelope', () => {
    const whole = envelope('v1', 'Namespace', msg(1, str(1, 'lesson')));
    expect(() => readEnvelope(whole.subarray(0, whole.length - 3))).toThrow(ProtobufError);
  });

  it('refuses raw bytes in another encoding than plain protobuf', () => {
    const gzipped = envelope('v1', 'Namespace', new Uint8Array(), str(3, 'gzip'));
    expect(() => readEnvelope(gzipped)).toThrow(/contentEncoding "gzip"/);
    const json = envelope('v1', 'Namespace', new Uint8Array(), str(4, 'application/json'));
    expect(() => readEnvelope(json)).toThrow(/carries application\/json/);
  });
});
