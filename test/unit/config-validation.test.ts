// ConfigMap and Secret rules, without a server: keys, base64 as Go reads it, stringData, types,
// immutability, and the protobuf tables kubectl's typed commands need.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types.ts';
import { base64Error, isConfigMapKey } from '../../apiserver/registry/config-data.ts';
import { configMapStrategy, validateConfigMap } from '../../apiserver/registry/configmaps.ts';
import { mergeStringData, secretStrategy, validateSecret, validateSecretUpdate } from '../../apiserver/registry/secrets.ts';
import { decodeProtobuf } from '../../apiserver/protobuf/decode.ts';
import { StatusError } from '../../apiserver/status.ts';
import { bytes, cat, envelope, map, msg, num, str } from '../helpers/protobuf-writer.ts';

const obj = (rest: Record<string, unknown>): KubeObject => ({ metadata: { name: 'x', namespace: 'default' }, ...rest });
const fields = (causes: { field?: string }[]) => causes.map((c) => c.field);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('isConfigMapKey', () => {
  it('accepts letters, digits, dash, underscore and dot', () => {
    for (const key of ['network', 'BESU_CHAIN_ID', 'genesis.json', '.hidden', 'a-b_c.d', 'x'.repeat(253)]) expect(isConfigMapKey(key)).toEqual([]);
  });

  it('refuses other characters, . and .., a leading .., and more than 253 bytes', () => {
    expect(isConfigMapKey('a/b')).toEqual([
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    expect(isConfigMapKey('.')).toEqual(["must not be '.'"]);
    expect(isConfigMapKey('..')).toEqual(["must not be '..'"]);
    expect(isConfigMapKey('..data')).toEqual(["must not start with '..'"]);
    expect(isConfigMapKey('x'.repeat(254))).toEqual(['must be no more than 253 characters']);
    expect(isConfigMapKey('')).toHaveLength(1);
  });
});

describe('base64Error: what Go encoding/base64 StdEncoding would say', () => {
  it('accepts padded base64 and skips newlines', () => {
    for (const ok of ['', 'aGVsbG8=', 'aGk=', 'YWJj', 'aGVs\nbG8=', 'aGk=\r\n']) expect(base64Error(ok)).toBeUndefined();
  });

  it('names the byte offset Go names', () => {
    expect(base64Error('abc')).toBe('illegal base64 data at input byte 0');
    expect(base64Error('not base64!')).toBe('illegal base64 data at input byte 3');
    expect(base64Error('aGk')).toBe('illegal base64 data at input byte 0');
    expect(base64Error('a===')).toBe('illegal base64 data at input byte 1');
    expect(base64Error('aG=')).toBe('illegal base64 data at input byte 3');
    expect(base64Error('aGk=x')).toBe('illegal base64 data at input byte 4');
    expect(base64Error('aGVsbG8')).toBe('illegal base64 data at input byte 4');
  });
});

describe('ConfigMap validation', () => {
  it('lists a bad key per bag and a key in both bags', () => {
    const causes = validateConfigMap(obj({ data: { 'a b': '1', k: 'v' }, binaryData: { k: b64('x'), '..': '' } }));
    expect(fields(causes)).toEqual(['data[a b]', 'data[k]', 'binaryData[..]']);
    expect(causes[1].message).toBe('Invalid value: "k": duplicate of key present in binaryData');
  });

  it('counts decoded bytes of both bags against 1 MiB', () => {
    const half = 'x'.repeat(512 * 1024);
    expect(validateConfigMap(obj({ data: { a: half }, binaryData: { b: b64(half) } }))).toEqual([]);
    expect(validateConfigMap(obj({ data: { a: half, c: 'y' }, binaryData: { b: b64(half) } }))).toEqual([
      { field: '', message: 'Too long: may not be more than 1048576 bytes', reason: 'FieldValueTooLong' },
    ]);
  });

  it('freezes data, binaryData and the flag once immutable, but allows the first freeze', () => {
    const frozen = obj({ immutable: true, data: { a: '1' } });
    expect(configMapStrategy.validateUpdate!(obj({ immutable: true, data: { a: '1' } }), frozen)).toEqual([]);
    expect(fields(configMapStrategy.validateUpdate!(obj({ data: { a: '2' }, binaryData: { b: '' } }), frozen))).toEqual(['immutable', 'data', 'binaryData']);
    expect(configMapStrategy.validateUpdate!(obj({ immutable: true, data: { a: '2' } }), obj({ data: { a: '1' } }))).toEqual([]);
  });
});

describe('Secret: stringData, defaults and types', () => {
  it('merges stringData into data as base64, over existing keys, and drops it', () => {
    const s = obj({ data: { a: b64('old'), b: b64('kept') }, stringData: { a: 'new', c: 'üñí' } });
    mergeStringData(s);
    expect(s).toEqual(obj({ data: { a: b64('new'), b: b64('kept'), c: Buffer.from('üñí').toString('base64') } }));
  });

  it('refuses data that is not base64 before anything else, as a 400', () => {
    let err: unknown;
    try {
      mergeStringData(obj({ data: { a: 'abc' } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0' });
  });

  it('defaults type to Opaque', () => {
    const s = obj({});
    secretStrategy.defaults!(s);
    expect(s.type).toBe('Opaque');
  });

  it('requires the keys of each typed secret', () => {
    const req = (type: string, data: Record<string, string> = {}, annotations?: Record<string, string>) =>
      fields(validateSecret({ metadata: { name: 'x', annotations }, type, data }));
    expect(req('kubernetes.io/tls', { 'tls.crt': '' })).toEqual(['data[tls.key]']);
    expect(req('kubernetes.io/tls', { 'tls.crt': '', 'tls.key': '' })).toEqual([]);
    expect(req('kubernetes.io/basic-auth')).toEqual(['data[username]', 'data[password]']);
    expect(req('kubernetes.io/basic-auth', { password: '' })).toEqual([]);
    expect(req('kubernetes.io/ssh-auth', { 'ssh-privatekey': '' })).toEqual(['data[ssh-privatekey]']);
    expect(req('kubernetes.io/dockerconfigjson')).toEqual(['data[.dockerconfigjson]']);
    expect(req('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('{"auths":{}}') })).toEqual([]);
    expect(req('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('"text"') })).toEqual(['data[.dockerconfigjson]']);
    expect(req('kubernetes.io/service-account-token')).toEqual(['metadata.annotations[kubernetes.io/service-account.name]']);
    expect(req('kubernetes.io/service-account-token', {}, { 'kubernetes.io/service-account.name': 'default' })).toEqual([]);
    expect(req('example.com/anything')).toEqual([]);
  });

  it('keeps type immutable and an immutable secret frozen', () => {
    const old = obj({ type: 'Opaque', immutable: true, data: { a: b64('1') } });
    const causes = validateSecretUpdate(obj({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': b64('k') } }), old);
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'type: Invalid value: "kubernetes.io/ssh-auth": field is immutable',
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe('protobuf bodies of kubectl create configmap / secret', () => {
  it('decodes a Secret: data bytes become base64, stringData and type stay text', () => {
    const body = envelope('v1', 'Secret', cat(
      msg(1, str(1, 'node-key')),
      bytes(2, cat(str(1, 'password'), str(2, 's3cret'))),
      bytes(2, cat(str(1, 'empty'))),
      map(4, 'note', 'plain'),
      str(3, 'Opaque'),
      num(5, false),
    ));
    expect(decodeProtobuf(body)).toEqual({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'node-key' },
      data: { password: b64('s3cret'), empty: '' }, stringData: { note: 'plain' }, type: 'Opaque', immutable: false,
    });
  });

  it('decodes a ConfigMap: data text, binaryData base64, immutable', () => {
    const body = envelope('v1', 'ConfigMap', cat(msg(1, str(1, 'besu-config')), map(2, 'network', 'harbour'), bytes(3, cat(str(1, 'blob'), bytes(2, Uint8Array.from([0, 255])))), num(4, true)));
    expect(decodeProtobuf(body)).toEqual({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'besu-config' },
      data: { network: 'harbour' }, binaryData: { blob: 'AP8=' }, immutable: true,
    });
  });
});
