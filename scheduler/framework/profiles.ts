// Profiles: which plugins run, at which extension point, with which weight
// =======================================================================
// CONCEPT   One kube-scheduler process can act as several schedulers. Each *profile* has a
//           schedulerName and a plugin list; a pod picks one with spec.schedulerName (empty means
//           "default-scheduler"). We ship two: `default-scheduler` packs pods onto the fullest
//           node (NodeResourcesMostAllocated), `spread-scheduler` spreads them onto the emptiest
//           (NodeResourcesLeastAllocated). A `--config` file in the KubeSchedulerConfiguration
//           shape can replace them.
// REAL K8S  pkg/scheduler/apis/config/v1/default_plugins.go (getDefaultPlugins, mergePlugins),
//           pkg/scheduler/framework/runtime/framework.go (multiPoint expansion),
//           pkg/scheduler/profile/profile.go (v1.32)
// SHIPS     Two crane crews with different habits: one stacks ships full, one spreads the load.
// EXAMPLE   profiles:
//             - schedulerName: spread-scheduler
//               plugins:
//                 multiPoint:
//                   enabled:  [{ name: NodeResourcesLeastAllocated, weight: 1 }]
//                   disabled: [{ name: NodeResourcesMostAllocated }]
// SKIPPED   percentageOfNodesToScore (we always score every node; Kubernetes scores a sample on
//           clusters over 100 nodes), queueSort/reserve/permit sections, plugin order overrides.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One entry of an enabled/disabled list. `name: "*"` in `disabled` means every default plugin. */
export interface PluginRef {
  name: string;
  /** Score weight; only meaningful for Score (and multiPoint). @default 1 */
  weight?: number;
}

/** config.PluginSet. */
export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

/** The extension points a config may list (config.Plugins). */
export const EXTENSION_POINTS = ['preFilter', 'filter', 'postFilter', 'preScore', 'score', 'bind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** config.Plugins: per extension point, plus multiPoint ("wherever this plugin fits"). */
export type Plugins = Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;

/** config.KubeSchedulerProfile. */
export interface KubeSchedulerProfile {
  schedulerName: string;
  plugins?: Plugins;
  pluginConfig?: { name: string; args?: Record<string, unknown> }[];
}

/** kubescheduler.config.k8s.io/v1 KubeSchedulerConfiguration, the parts we read. */
export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  profiles?: KubeSchedulerProfile[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const SPREAD_SCHEDULER_NAME = 'spread-scheduler';

/**
 * Our getDefaultPlugins: every profile starts from this multiPoint list, in Kubernetes' filter
 * order (cheap, decisive checks first) and with Kubernetes' default score weights
 * (TaintToleration 3, NodeAffinity 2, resources 1, balance 1).
 */
export const DEFAULT_PLUGINS: Plugins = {
  multiPoint: {
    enabled: [
      { name: 'NodeUnschedulable' },
      { name: 'NodeName' },
      { name: 'TaintToleration', weight: 3 },
      { name: 'NodeAffinity', weight: 2 },
      { name: 'NodeResourcesFit' },
      { name: 'InterPodAffinity' },
      { name: 'NodeResourcesMostAllocated', weight: 1 },
      { name: 'NodeResourcesBalancedAllocation', weight: 1 },
      { name: 'DefaultPreemption' },
      { name: 'DefaultBinder' },
    ],
  },
};

/** The two profiles the simulator runs when no --config is given. */
export const BUILTIN_CONFIGURATION: KubeSchedulerConfiguration = {
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  profiles: [
    { schedulerName: DEFAULT_SCHEDULER_NAME },
    {
      schedulerName: SPREAD_SCHEDULER_NAME,
      plugins: {
        multiPoint: {
          enabled: [{ name: 'NodeResourcesLeastAllocated', weight: 1 }],
          disabled: [{ name: 'NodeResourcesMostAllocated' }],
        },
      },
    },
  ],
};

/**
 * A profile after merging with the defaults: the multiPoint list, per-point explicit lists and
 * what is disabled where. The framework turns it into plugin instances (framework.ts).
 */
export interface Profile {
  schedulerName: string;
  /** Plugins enabled everywhere they fit, with their score weight. */
  multiPoint: Required<PluginRef>[];
  /** Plugins enabled explicitly at one extension point (they run before multiPoint ones). */
  enabled: Record<ExtensionPoint, Required<PluginRef>[]>;
  /** Plugin names disabled at one extension point ("*" = all). */
  disabled: Record<ExtensionPoint, Set<string>>;
  /** pluginConfig args by plugin name. */
  args: Record<string, Record<string, unknown>>;
}

/** mergePlugins for one set: defaults minus disabled ("*" drops all), then enabled (replacing weights). */
function mergeSet(defaults: PluginRef[], custom: PluginSet | undefined): Required<PluginRef>[] {
  const disabled = new Set((custom?.disabled ?? []).map((p) => p.name));
  const out: Required<PluginRef>[] = disabled.has('*') ? [] : defaults.filter((p) => !disabled.has(p.name)).map((p) => ({ name: p.name, weight: p.weight ?? 1 }));
  for (const p of custom?.enabled ?? []) {
    const i = out.findIndex((q) => q.name === p.name);
    const ref = { name: p.name, weight: p.weight ?? 1 };
    if (i >= 0) out[i] = ref;
    else out.push(ref);
  }
  return out;
}

/**
 * NodeResourcesFit's scoringStrategy (the v1.23+ way to say "bin-pack") selects our
 * MostAllocated/LeastAllocated plugin, so real KubeSchedulerConfiguration files work unchanged.
 */
function applyScoringStrategy(profile: Profile): void {
  const strategy = (profile.args['NodeResourcesFit']?.scoringStrategy as { type?: string } | undefined)?.type;
  if (!strategy) return;
  const chosen = { MostAllocated: 'NodeResourcesMostAllocated', LeastAllocated: 'NodeResourcesLeastAllocated' }[strategy];
  if (!chosen) throw new Error(`NodeResourcesFit scoringStrategy.type ${strategy} is not supported (MostAllocated, LeastAllocated)`);
  const other = chosen === 'NodeResourcesMostAllocated' ? 'NodeResourcesLeastAllocated' : 'NodeResourcesMostAllocated';
  const weight = profile.multiPoint.find((p) => p.name === other || p.name === chosen)?.weight ?? 1;
  profile.multiPoint = profile.multiPoint.filter((p) => p.name !== other && p.name !== chosen);
  profile.multiPoint.push({ name: chosen, weight });
  profile.args[chosen] = { ...profile.args['NodeResourcesFit'], ...profile.args[chosen] };
}

/** Merges one KubeSchedulerProfile with DEFAULT_PLUGINS. */
export function resolveProfile(p: KubeSchedulerProfile): Profile {
  if (!p.schedulerName) throw new Error('profiles[].schedulerName: Required value');
  const plugins = p.plugins ?? {};
  const profile: Profile = {
    schedulerName: p.schedulerName,
    multiPoint: mergeSet(DEFAULT_PLUGINS.multiPoint?.enabled ?? [], plugins.multiPoint),
    enabled: {} as Profile['enabled'],
    disabled: {} as Profile['disabled'],
    args: Object.fromEntries((p.pluginConfig ?? []).map((c) => [c.name, c.args ?? {}])),
  };
  for (const point of EXTENSION_POINTS) {
    profile.enabled[point] = mergeSet(DEFAULT_PLUGINS[point]?.enabled ?? [], plugins[point]);
    profile.disabled[point] = new Set((plugins[point]?.disabled ?? []).map((d) => d.name));
  }
  applyScoringStrategy(profile);
  return profile;
}

/** Validates a KubeSchedulerConfiguration and resolves its profiles (or the built-in two). */
export function profilesFromConfiguration(config: KubeSchedulerConfiguration): Profile[] {
  if (config.apiVersion && config.apiVersion !== 'kubescheduler.config.k8s.io/v1') {
    throw new Error(`unsupported apiVersion ${config.apiVersion}: want kubescheduler.config.k8s.io/v1`);
  }
  if (config.kind && config.kind !== 'KubeSchedulerConfiguration') throw new Error(`unsupported kind ${config.kind}`);
  // As in Kubernetes, a config that lists profiles defines *all* profiles.
  const list = config.profiles?.length ? config.profiles : (BUILTIN_CONFIGURATION.profiles ?? []);
  const names = new Set<string>();
  for (const p of list) {
    if (names.has(p.schedulerName)) throw new Error(`profiles: Duplicate value: "${p.schedulerName}"`);
    names.add(p.schedulerName);
  }
  return list.map(resolveProfile);
}

/**
 * Reads a --config file (YAML or JSON; JSON is YAML) and resolves its profiles.
 * @example loadSchedulerConfig("examples/scheduler-config.yaml")
 */
export function loadSchedulerConfig(path: string): Profile[] {
  const config = parse(readFileSync(path, 'utf8')) as KubeSchedulerConfiguration | null;
  return profilesFromConfiguration(config ?? {});
}

/** The built-in default-scheduler and spread-scheduler profiles. */
export function builtinProfiles(): Profile[] {
  return profilesFromConfiguration(BUILTIN_CONFIGURATION);
}
