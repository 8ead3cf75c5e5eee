// The framework runtime: one profile's plugins, instantiated and wired to extension points
// ======================================================================================
// CONCEPT   A profile is a list of names; the framework turns it into objects. Each plugin is
//           built once, then placed at every extension point it implements (multiPoint) unless
//           the profile disables it there. The Run* methods call the plugins at one point in
//           order and stop at the first rejection, exactly as the real runtime does.
// REAL K8S  pkg/scheduler/framework/runtime/framework.go (NewFramework, RunPreFilterPlugins,
//           RunFilterPlugins, RunPostFilterPlugins, RunScorePlugins, RunBindPlugins) (v1.32)
// SHIPS     One crane crew with its rule binders open at the right pages.
// EXAMPLE   const fw = new Framework(builtinProfiles()[0], inTreeRegistry());
//           fw.filterPlugins.map(p => p.name)  // NodeUnschedulable, NodeName, TaintToleration, ...
// SKIPPED   metrics, parallelism, waiting pods (Permit), extenders.

import { Status } from './interfaces.ts';
import type {
  AnyPlugin,
  BindPlugin,
  ClusterEvent,
  CycleState,
  FilterPlugin,
  FrameworkHandle,
  NodeInfo,
  PodInfo,
  PostFilterPlugin,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
  Snapshot,
} from './interfaces.ts';
import type { Pod } from '../../api/types.ts';
import type { ExtensionPoint, Profile } from './profiles.ts';
import type { Registry } from './registry.ts';

/** The method that makes a plugin belong to an extension point. */
const METHOD: Record<ExtensionPoint, keyof AnyPlugin> = {
  preFilter: 'preFilter',
  filter: 'filter',
  postFilter: 'postFilter',
  preScore: 'preScore',
  score: 'score',
  bind: 'bind',
};

const EMPTY_SNAPSHOT: Snapshot = { nodeInfos: [], nodeNames: [], get: () => undefined, nodesWithRequiredAntiAffinityPods: [] };

export interface FrameworkOptions {
  /** Performs POST pods/binding for DefaultBinder. Absent in pure tests. */
  bindPod?: (pod: Pod, nodeName: string) => Promise<void>;
}

/** One profile, ready to run (framework.Framework). */
export class Framework {
  readonly profileName: string;
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: ScorePlugin[] = [];
  /** scoreWeights[i] is the profile weight of scorePlugins[i]. */
  readonly scoreWeights: number[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  /** Every instantiated plugin by name. */
  readonly plugins = new Map<string, AnyPlugin>();
  readonly handle: FrameworkHandle;
  private current: Snapshot = EMPTY_SNAPSHOT;

  constructor(profile: Profile, registry: Registry, options: FrameworkOptions = {}) {
    this.profileName = profile.schedulerName;
    this.handle = {
      snapshot: () => this.current,
      runFilterPlugins: (state, pod, node) => this.runFilterPlugins(state, pod, node),
      bindPod: options.bindPod,
    };
    const instance = (name: string): AnyPlugin => {
      let plugin = this.plugins.get(name);
      if (!plugin) {
        const factory = registry.get(name);
        if (!factory) throw new Error(`plugin "${name}" does not exist`);
        plugin = factory(profile.args[name] ?? {}, this.handle);
        this.plugins.set(name, plugin);
      }
      return plugin;
    };
    for (const point of Object.keys(METHOD) as ExtensionPoint[]) {
      const chosen = new Map<string, number>();
      // Explicit entries first; they must implement the point.
      for (const ref of profile.enabled[point]) {
        if (!instance(ref.name)[METHOD[point]]) throw new Error(`plugin "${ref.name}" does not extend ${point} plugin`);
        chosen.set(ref.name, ref.weight);
      }
      // Then multiPoint entries wherever they fit, unless disabled at this point.
      const disabled = profile.disabled[point];
      for (const ref of profile.multiPoint) {
        if (chosen.has(ref.name) || disabled.has(ref.name) || disabled.has('*')) continue;
        if (instance(ref.name)[METHOD[point]]) chosen.set(ref.name, ref.weight);
      }
      for (const [name, weight] of chosen) this.place(point, this.plugins.get(name)!, weight);
    }
  }

  private place(point: ExtensionPoint, p: AnyPlugin, weight: number): void {
    if (point === 'preFilter') this.preFilterPlugins.push(p as PreFilterPlugin);
    else if (point === 'filter') this.filterPlugins.push(p as FilterPlugin);
    else if (point === 'postFilter') this.postFilterPlugins.push(p as PostFilterPlugin);
    else if (point === 'preScore') this.preScorePlugins.push(p as PreScorePlugin);
    else if (point === 'bind') this.bindPlugins.push(p as BindPlugin);
    else {
      this.scorePlugins.push(p as ScorePlugin);
      this.scoreWeights.push(weight);
    }
  }

  /** Makes `snapshot` what plugins see through the handle for this cycle. */
  setSnapshot(snapshot: Snapshot): void {
    this.current = snapshot;
  }

  /**
   * RunPreFilterPlugins: every PreFilter in order. Plugins that answer Skip are recorded in
   * `state.skipFilterPlugins`. Returns the first rejection or error (tagged with the plugin), or null.
   */
  runPreFilterPlugins(state: CycleState, pod: PodInfo): Status | null {
    for (const p of this.preFilterPlugins) {
      let s: Status | null;
      try {
        s = p.preFilter(state, pod, this.current);
      } catch (err) {
        return new Status('Error', err instanceof Error ? err.message : String(err)).withPlugin(p.name);
      }
      if (s === null || s.code === 'Success') continue;
      if (s.code === 'Skip') state.skipFilterPlugins.add(p.name);
      else return s.withPlugin(p.name);
    }
    return null;
  }

  /** RunFilterPlugins for one node: null if every (non-skipped) filter passes, else the first rejection. */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    for (const p of this.filterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const s = p.filter(state, pod, node);
      if (s !== null && s.code !== 'Success') return s.withPlugin(p.name);
    }
    return null;
  }

  /** RunPreScorePlugins: records Skips in `state.skipScorePlugins`; returns the first Error. */
  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (s === null || s.code === 'Success') continue;
      if (s.code === 'Skip') state.skipScorePlugins.add(p.name);
      else return s.withPlugin(p.name);
    }
    return null;
  }

  /** The events after which a pod rejected by these plugins is worth retrying. */
  eventsFor(pluginNames: Iterable<string>): Set<ClusterEvent> {
    const events = new Set<ClusterEvent>();
    for (const name of pluginNames) for (const e of this.plugins.get(name)?.events ?? []) events.add(e);
    return events;
  }
}
