// Image manager: the simulated image pull, cached per node
// ========================================================
// CONCEPT   Before a container can start, its image must be on the node. The kubelet asks the
//           runtime whether it has the image; if not (or if the pull policy says Always) it pulls it,
//           telling the pod's events "Pulling image" and "Successfully pulled image ... in 1.2s".
//           The second pod with the same image on the same node starts faster: "Container image
//           ... already present on machine". Nothing is downloaded here: a pull *takes time*
//           (a fixed latency plus the image's size over a link speed) on the cluster clock.
// REAL K8S  pkg/kubelet/images/image_manager.go (EnsureImageExists, shouldPullImage),
//           pkg/kubelet/images/puller.go (parallel/serial pullers), pkg/kubelet/events/event.go
//           (reasons Pulling, Pulled, ErrImageNeverPull)
// SHIPS     Fetching a container from the quay takes time; a second one of the same kind is on deck.
// EXAMPLE   ensure(pod, {image: "hyperledger/besu:24.1"})  => Pulling, (2.3 s), Pulled "in 2.3s"
//           ensure(pod2, {image: "hyperledger/besu:24.1"}) => Pulled "already present on machine"
// SKIPPED   pull secrets, registries that fail (ErrImagePull / ImagePullBackOff), image GC, digests
//           that mean anything (ours are the sha256 of the name).

import { createHash } from 'node:crypto';
import type { Container } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';

/** Simulated sizes of well-known images, bytes; others get a size derived from their name. */
const KNOWN_SIZES: [RegExp, number][] = [
  [/^(docker\.io\/)?hyperledger\/besu(:|@|$)/, 420_000_000],
  [/^(docker\.io\/)?(library\/)?nginx(:|@|$)/, 68_000_000],
  [/^(docker\.io\/)?(library\/)?busybox(:|@|$)/, 4_300_000],
  [/^(docker\.io\/)?(library\/)?alpine(:|@|$)/, 7_800_000],
  [/^registry\.k8s\.io\/pause(:|@|$)/, 740_000],
];

/** One image the node holds. */
export interface ImageRecord {
  /** The name as the pod spec wrote it, with ":latest" when untagged. */
  name: string;
  /** "docker.io/library/nginx@sha256:..." */
  imageID: string;
  sizeBytes: number;
}

/** How long pulls take, Kubernetes time. */
export interface ImagePullTiming {
  /** Fixed cost of every pull (manifest, auth, unpack). @default 500 */
  latencyMs?: number;
  /** Link speed in bytes per Kubernetes second. @default 250_000_000 */
  bytesPerSecond?: number;
}

/** What ensureImageExists reports, for the pod's events. */
export interface PullOutcome {
  image: ImageRecord;
  /** True when a pull happened; false for "already present on machine". */
  pulled: boolean;
  /** How long the pull itself took, Kubernetes ms. */
  pullMs: number;
  /** Including time spent waiting for another pod's pull of the same image. */
  totalMs: number;
}

/** "nginx" => "nginx:latest"; tagged or digested names are kept (applyDefaultImageTag). */
export function withDefaultTag(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return lastPart.includes(':') || lastPart.includes('@') ? image : `${image}:latest`;
}

/** The fully qualified repository, as container runtimes report it: "nginx" => "docker.io/library/nginx". */
export function fullRepository(image: string): string {
  const repo = image.replace(/[:@].*$/, '');
  const first = repo.split('/')[0];
  if (repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return repo;
  return `docker.io/${repo.includes('/') ? repo : `library/${repo}`}`;
}

/** The simulated size of an image in bytes. */
export function imageSize(image: string): number {
  for (const [pattern, size] of KNOWN_SIZES) if (pattern.test(image)) return size;
  const h = createHash('sha256').update(image).digest();
  return 20_000_000 + (h.readUInt32BE(0) % 180_000_000);
}

/** The per-node image store and puller (ImageManager + the runtime's ImageService). */
export class ImageManager {
  private readonly present = new Map<string, ImageRecord>();
  private readonly pulling = new Map<string, Promise<ImageRecord>>();
  private readonly latencyMs: number;
  private readonly bytesPerSecond: number;

  /** @param onChange called when the set of images changes (the node status lists them). */
  constructor(private readonly clock: Clock, timing: ImagePullTiming = {}, private readonly onChange: () => void = () => {}) {
    this.latencyMs = timing.latencyMs ?? 500;
    this.bytesPerSecond = timing.bytesPerSecond ?? 250_000_000;
  }

  /** The images on this node, largest first (what status.images reports). */
  list(): ImageRecord[] {
    return [...this.present.values()].sort((a, b) => b.sizeBytes - a.sizeBytes);
  }

  /** Whether `image` would be pulled for `container` (shouldPullImage). */
  shouldPull(container: Pick<Container, 'image' | 'imagePullPolicy'>): boolean {
    const policy = container.imagePullPolicy ?? 'IfNotPresent';
    if (policy === 'Never') return false;
    return policy === 'Always' || !this.present.has(withDefaultTag(container.image));
  }

  /**
   * Makes sure the image is on the node (EnsureImageExists). `onPulling` is called when a pull
   * begins, so the caller can record the Pulling event at the right moment.
   * @throws Error("ErrImageNeverPull") when the policy is Never and the image is absent.
   */
  async ensureImageExists(container: Pick<Container, 'image' | 'imagePullPolicy'>, onPulling: () => void): Promise<PullOutcome> {
    const name = withDefaultTag(container.image);
    const cached = this.present.get(name);
    if (!this.shouldPull(container)) {
      if (cached) return { image: cached, pulled: false, pullMs: 0, totalMs: 0 };
      throw Object.assign(new Error(`Container image "${container.image}" is not present with pull policy of Never`), { reason: 'ErrImageNeverPull' });
    }
    onPulling();
    const started = this.clock.now();
    // Two pods pulling the same image share one download, as the runtime would.
    let pull = this.pulling.get(name);
    const waited = !!pull;
    if (!pull) {
      pull = this.pull(name, !!cached);
      this.pulling.set(name, pull);
      void pull.finally(() => this.pulling.delete(name));
    }
    const image = await pull;
    const totalMs = this.clock.since(started);
    return { image, pulled: true, pullMs: waited ? Math.min(totalMs, this.pullTime(name, !!cached)) : totalMs, totalMs };
  }

  // @doc: kubelet-image-pull-time
  // A re-pull of an image we hold (policy Always) only checks the manifest: the layers are there.
  private pullTime(name: string, cached: boolean): number {
    return cached ? this.latencyMs / 2 : this.latencyMs + (imageSize(name) / this.bytesPerSecond) * 1000;
  }

  private async pull(name: string, cached: boolean): Promise<ImageRecord> {
    await this.clock.sleep(this.pullTime(name, cached));
    const digest = createHash('sha256').update(name).digest('hex');
    const record = { name, imageID: `${fullRepository(name)}@sha256:${digest}`, sizeBytes: imageSize(name) };
    const isNew = !this.present.has(name);
    this.present.set(name, record);
    if (isNew) this.onChange();
    return record;
  }
}

/** The Pulled event's message for a finished pull, with Go-style durations ("1.234s", "313ms"). */
export function pulledMessage(image: string, outcome: PullOutcome): string {
  if (!outcome.pulled) return `Container image "${image}" already present on machine`;
  return `Successfully pulled image "${image}" in ${goSeconds(outcome.pullMs)} (${goSeconds(outcome.totalMs)} including waiting). Image size: ${outcome.image.sizeBytes} bytes.`;
}

/** Go's Duration.String() for sub-minute values: 313ms, 1.5s, 12.34s. */
export function goSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}
