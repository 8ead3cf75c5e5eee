// Container environment: env, envFrom, and the ConfigMaps and Secrets behind them
// ==============================================================================
// CONCEPT   Just before a container is created, the kubelet works out its environment:
//             1. every `envFrom` source in order: all keys of a ConfigMap or Secret (with `prefix`);
//             2. then every `env` entry in order, overriding: a literal `value`, or `valueFrom` a
//                ConfigMap key, a Secret key (decoded from base64) or a field of the pod itself.
//           A missing ConfigMap, Secret or key is an error unless the reference says
//           `optional: true`. The error does not fail the pod: the container stays Waiting with
//           reason CreateContainerConfigError and the kubelet tries again, so creating the
//           ConfigMap later is enough to start it.
// REAL K8S  pkg/kubelet/kubelet_pods.go (makeEnvironmentVariables, podFieldSelectorRuntimeValue),
//           pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer: generateContainerConfig
//           fails => ErrCreateContainerConfig, event "Failed"), pkg/kubelet/configmap and secret
//           managers (their NotFound errors say `configmap "x" not found`)
// SHIPS     Before a crew sails, the captain copies the posted orders into the crew's logbook.
// EXAMPLE   envFrom [{ configMapRef: { name: besu-config } }], ConfigMap data { BESU_NETWORK_ID: "4242" }
//           => { BESU_NETWORK_ID: "4242" };   configMap missing => CreateContainerConfigError
//           'configmap "besu-config" not found'
// SKIPPED   $(VAR) expansion inside values, resourceFieldRef, service link variables
//           (FOO_SERVICE_HOST ...), the per-object watches the real managers keep (we GET on start).

import type { ConfigMap, Container, EnvVarSource, Pod, Secret } from '../api/types.ts';

/** Where the kubelet reads ConfigMaps and Secrets; undefined means NotFound. Other errors throw. */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** The environment could not be made: the container waits with CreateContainerConfigError. */
export class CreateContainerConfigError extends Error {
  override name = 'CreateContainerConfigError';
}

/** What a warning about skipped keys needs: an Event on the pod. */
export type EnvWarning = (reason: string, message: string) => void;

// utilvalidation.IsEnvVarName: letters, digits, '-', '_', '.', not starting with a digit.
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Reads each object once per container start, as makeEnvironmentVariables' local maps do. */
class Lookups {
  private readonly cms = new Map<string, ConfigMap | undefined>();
  private readonly secrets = new Map<string, Secret | undefined>();
  constructor(private readonly source: ConfigSource, private readonly namespace: string) {}

  async configMap(name: string, optional: boolean): Promise<ConfigMap | undefined> {
    if (!this.cms.has(name)) this.cms.set(name, await this.source.configMap(this.namespace, name));
    const found = this.cms.get(name);
    if (!found && !optional) throw new CreateContainerConfigError(`configmap "${name}" not found`);
    return found;
  }

  async secret(name: string, optional: boolean): Promise<Secret | undefined> {
    if (!this.secrets.has(name)) this.secrets.set(name, await this.source.secret(this.namespace, name));
    const found = this.secrets.get(name);
    if (!found && !optional) throw new CreateContainerConfigError(`secret "${name}" not found`);
    return found;
  }
}

const fromBase64 = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('utf8');

/**
 * makeEnvironmentVariables: the container's env as a name => value map, in Kubernetes' order
 * (envFrom sources first, then env entries, later ones winning).
 * @throws CreateContainerConfigError with the real kubelet's message when a required source is missing.
 */
export async function makeEnvironmentVariables(
  pod: Pod, container: Container, where: { podIP?: string; hostIP?: string }, source: ConfigSource, warn: EnvWarning = () => {},
): Promise<Record<string, string>> {
  const namespace = pod.metadata.namespace ?? 'default';
  const lookups = new Lookups(source, namespace);
  const env: Record<string, string> = {};
  // @doc: kubelet-env-from
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const isSecret = !from.configMapRef;
    const obj = isSecret ? await lookups.secret(ref.name, ref.optional === true) : await lookups.configMap(ref.name, ref.optional === true);
    if (!obj) continue;
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(obj.data ?? {})) {
      const name = `${from.prefix ?? ''}${key}`;
      if (!ENV_NAME.test(name)) invalid.push(name);
      else env[name] = isSecret ? fromBase64(value) : value;
    }
    if (invalid.length) {
      warn('InvalidEnvironmentVariableNames', `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${isSecret ? 'secret' : 'configMap'} ${namespace}/${ref.name} were skipped since they are considered invalid environment variable names.`);
    }
  }
  for (const e of container.env ?? []) {
    const value = e.value ? e.value : e.valueFrom ? await valueFrom(e.valueFrom, pod, where, lookups, namespace) : '';
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}

/** One `valueFrom`; undefined when an optional source or key is missing (the variable is left out). */
async function valueFrom(from: EnvVarSource, pod: Pod, where: { podIP?: string; hostIP?: string }, lookups: Lookups, namespace: string): Promise<string | undefined> {
  if (from.fieldRef) return fieldValue(from.fieldRef.fieldPath, pod, where);
  if (from.configMapKeyRef) {
    const { name, key, optional = false } = from.configMapKeyRef;
    const cm = await lookups.configMap(name, optional);
    if (!cm) return undefined;
    if (cm.data && Object.hasOwn(cm.data, key)) return cm.data[key];
    if (optional) return undefined;
    throw new CreateContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
  }
  if (from.secretKeyRef) {
    const { name, key, optional = false } = from.secretKeyRef;
    const secret = await lookups.secret(name, optional);
    if (!secret) return undefined;
    if (secret.data && Object.hasOwn(secret.data, key)) return fromBase64(secret.data[key]);
    if (optional) return undefined;
    throw new CreateContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
  }
  return '';
}

// ## The downward API, env form
/** podFieldSelectorRuntimeValue: the fields of its own pod a container may read. */
export function fieldValue(path: string, pod: Pod, where: { podIP?: string; hostIP?: string }): string {
  const mapKey = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (mapKey) return pod.metadata[mapKey[1] as 'labels' | 'annotations']?.[mapKey[2]] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return String((pod.spec as { serviceAccountName?: string }).serviceAccountName ?? '');
    case 'status.hostIP': return where.hostIP ?? '';
    case 'status.podIP': case 'status.podIPs': return where.podIP ?? '';
    default: throw new CreateContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}
