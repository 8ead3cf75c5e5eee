// makeEnvironmentVariables without a server: envFrom then env, ConfigMap and Secret keys, optional
// references, the real kubelet's error messages, skipped invalid names, and the downward API fields.
import { describe, expect, it } from 'vitest';
import type { ConfigMap, Container, Pod, Secret } from '../../api/types.ts';
import { CreateContainerConfigError, makeEnvironmentVariables, type ConfigSource } from '../../kubelet/container-env.ts';
import { expandVars } from '../../kubelet/runtime/generic.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A ConfigSource over fixed objects that records every read. */
function source(cms: Record<string, ConfigMap['data']>, secrets: Record<string, Record<string, string>> = {}) {
  const reads: string[] = [];
  const src: ConfigSource = {
    configMap: async (ns, name) => (reads.push(`cm ${ns}/${name}`), cms[name] ? { metadata: { name }, data: cms[name] } : undefined),
    secret: async (ns, name) => (reads.push(`secret ${ns}/${name}`), secrets[name] ? ({ metadata: { name }, data: secrets[name] } as Secret) : undefined),
  };
  return { src, reads };
}

const pod: Pod = {
  metadata: { name: 'besu-0', namespace: 'chain', uid: 'u-1', labels: { app: 'besu' } },
  spec: { nodeName: 'ship-1', containers: [] },
};
const where = { podIP: '127.244.1.7', hostIP: '127.0.10.1' };
const envOf = (container: Partial<Container>, src: ConfigSource, warn?: (r: string, m: string) => void) =>
  makeEnvironmentVariables(pod, { name: 'besu', image: 'hyperledger/besu:24.1', ...container }, where, src, warn);

describe('makeEnvironmentVariables', () => {
  it('takes envFrom sources in order, then env entries, later ones winning', async () => {
    const { src, reads } = source({ base: { A: '1', B: '1' }, over: { B: '2' } }, { keys: { PASSWORD: b64('s3cret') } });
    const env = await envOf({
      envFrom: [{ configMapRef: { name: 'base' } }, { configMapRef: { name: 'over' } }, { secretRef: { name: 'keys' }, prefix: 'NODE_' }],
      env: [
        { name: 'A', value: 'literal' },
        { name: 'NETWORK', valueFrom: { configMapKeyRef: { name: 'base', key: 'B' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'keys', key: 'PASSWORD' } } },
      ],
    }, src);
    expect(env).toEqual({ A: 'literal', B: '2', NODE_PASSWORD: 's3cret', NETWORK: '1', PW: 's3cret' });
    // Each object is read once per container start, even when named twice.
    expect(reads).toEqual(['cm chain/base', 'cm chain/over', 'secret chain/keys']);
  });

  it('fails with the real messages when a required ConfigMap, Secret or key is missing', async () => {
    const { src } = source({ 'besu-config': { other: 'x' } });
    const fail = (container: Partial<Container>) => envOf(container, src);
    await expect(fail({ envFrom: [{ configMapRef: { name: 'missing' } }] })).rejects.toThrow(new CreateContainerConfigError('configmap "missing" not found'));
    await expect(fail({ env: [{ name: 'N', valueFrom: { configMapKeyRef: { name: 'besu-config', key: 'network' } } }] }))
      .rejects.toThrow('couldn\'t find key network in ConfigMap chain/besu-config');
    await expect(fail({ env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 'keys', key: 'k' } } }] })).rejects.toThrow('secret "keys" not found');
    await expect(fail({ envFrom: [{ secretRef: { name: 'keys' } }] })).rejects.toBeInstanceOf(CreateContainerConfigError);
  });

  it('leaves out what is optional and missing', async () => {
    const { src } = source({ present: { a: '1' } }, { keys: {} });
    const env = await envOf({
      envFrom: [{ configMapRef: { name: 'absent', optional: true } }, { secretRef: { name: 'gone', optional: true } }],
      env: [
        { name: 'X', valueFrom: { configMapKeyRef: { name: 'present', key: 'nope', optional: true } } },
        { name: 'Y', valueFrom: { secretKeyRef: { name: 'keys', key: 'nope', optional: true } } },
        { name: 'Z', valueFrom: { configMapKeyRef: { name: 'absent', key: 'a', optional: true } } },
        { name: 'EMPTY' },
      ],
    }, src);
    expect(env).toEqual({ EMPTY: '' });
  });

  it('skips keys that are not valid env names, with the InvalidEnvironmentVariableNames warning', async () => {
    const { src } = source({ cfg: { '1st': 'a', 'genesis.json': '{}', ok: 'b' } });
    const warnings: string[] = [];
    const env = await envOf({ envFrom: [{ configMapRef: { name: 'cfg' } }] }, src, (reason, message) => warnings.push(`${reason}: ${message}`));
    expect(env).toEqual({ 'genesis.json': '{}', ok: 'b' });
    expect(warnings).toEqual(['InvalidEnvironmentVariableNames: Keys [1st] from the EnvFrom configMap chain/cfg were skipped since they are considered invalid environment variable names.']);
  });

  it('reads the pod\'s own fields through fieldRef', async () => {
    const { src } = source({});
    const ref = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
    const env = await envOf({ env: [ref('NAME', 'metadata.name'), ref('NS', 'metadata.namespace'), ref('IP', 'status.podIP'), ref('HOST', 'status.hostIP'), ref('NODE', 'spec.nodeName'), ref('APP', "metadata.labels['app']")] }, src);
    expect(env).toEqual({ NAME: 'besu-0', NS: 'chain', IP: '127.244.1.7', HOST: '127.0.10.1', NODE: 'ship-1', APP: 'besu' });
    await expect(envOf({ env: [ref('BAD', 'spec.nope')] }, src)).rejects.toThrow('unsupported fieldPath: spec.nope');
  });
});

describe('echo in the generic container', () => {
  it('expands $VAR and ${VAR} from the env, unset ones to nothing', () => {
    expect(expandVars('network=$NETWORK id=${ID} missing=[$NOPE] cost=$5', { NETWORK: 'harbour', ID: '7' })).toBe('network=harbour id=7 missing=[] cost=$5');
  });
});
