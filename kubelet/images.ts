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
//           (reasons Pulling, Pulled, Failed, BackOff, ErrImageNeverPull, InspectFailed),
//           pkg/kubelet/images/types.go (ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName)
//           A pull that fails (image-registry.ts says which do) puts the image in a back-off of its
//           own, per pod and image: 10 s, doubling to 300 s. Until it expires the kubelet does not
//           try again: the container shows ImagePullBackOff and the event "Back-off pulling image".
// SHIPS     Fetching a container from the quay takes time; a second one of the same kind is on deck.
// EXAMPLE   ensure(pod, {image: "hyperledger/besu:24.1"})  => Pulling, (2.3 s), Pulled "in 2.3s"
//           ensure(pod2, {image: "hyperledger/besu:24.1"}) => Pulled "already present on machine"
// SKIPPED   pull secrets, registry outages (RegistryUnavailable), image GC, digests
//           that mean anything (ours are the sha256 of the name).

import { createHash } from 'node:crypto';
import type { Container } from '../api/types.ts';
import type { Clock } from '../client/clock.ts';
import { ContainerBackoff, type ContainerBackoffOptions } from './container-backoff.ts';
import { lookupImage, parseImageError } from './image-registry.ts';

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
  /** The back-off after a failed pull (the kubelet's imageBackOff). @default 10 s doubling to 300 s */
  backoff?: ContainerBackoffOptions;
}

/** Why ensureImageExists refused: the container's waiting reason (pkg/kubelet/images/types.go). */
export type ImagePullReason = 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName';

/** A failed ensureImageExists: `reason` and `message` become the container's waiting state. */
export class ImagePullError extends Error {
  constructor(readonly reason: ImagePullReason, message: string) {
    super(message);
  }
}

/** Records one of the image manager's events on the container (logIt). */
export type ImageEventSink = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

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
  private readonly backoff: ContainerBackoff;
  /** The last failure per back-off key, repeated in the ImagePullBackOff message (prevPullErrMsg). */
  private readonly lastError = new Map<string, string>();

  /** @param onChange called when the set of images changes (the node status lists them). */
  constructor(private readonly clock: Clock, timing: ImagePullTiming = {}, private readonly onChange: () => void = () => {}) {
    this.latencyMs = timing.latencyMs ?? 500;
    this.bytesPerSecond = timing.bytesPerSecond ?? 250_000_000;
    this.backoff = new ContainerBackoff(clock, timing.backoff);
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
   * Makes sure the image is on the node (EnsureImageExists). `event` records the Pulling event
   * when a pull begins, and Failed / BackOff / ErrImageNeverPull / InspectFailed when it cannot.
   * `backOffKey` names the pod ("podUID"): each pod backs off its own pulls of an image.
   * @throws ImagePullError InvalidImageName, ErrImageNeverPull, ImagePullBackOff or ErrImagePull.
   */
  async ensureImageExists(container: Pick<Container, 'image' | 'imagePullPolicy'>, event: ImageEventSink, backOffKey = ''): Promise<PullOutcome> {
    const invalid = parseImageError(container.image);
    if (invalid) {
      const message = `Failed to apply default image tag "${container.image}": couldn't parse image name "${container.image}": ${invalid}`;
      event('Warning', 'InspectFailed', message);
      throw new ImagePullError('InvalidImageName', message);
    }
    const name = withDefaultTag(container.image);
    const cached = this.present.get(name);
    if (!this.shouldPull(container)) {
      if (cached) return { image: cached, pulled: false, pullMs: 0, totalMs: 0 };
      const message = `Container image "${container.image}" is not present with pull policy of Never`;
      event('Warning', 'ErrImageNeverPull', message);
      throw new ImagePullError('ErrImageNeverPull', message);
    }
    const key = `${backOffKey}_${container.image}`;
    // @doc: kubelet-image-pull-backoff
    if (this.backoff.remainingSinceUpdate(key) > 0) {
      const message = `Back-off pulling image "${container.image}"`;
      event('Normal', 'BackOff', message);
      const last = this.lastError.get(key);
      throw new ImagePullError('ImagePullBackOff', last ? `${message}: ${last}` : message);
    }
    event('Normal', 'Pulling', `Pulling image "${container.image}"`);
    try {
      return await this.pullShared(name, cached);
    } catch (e) {
      const message = (e as Error).message;
      event('Warning', 'Failed', `Failed to pull image "${container.image}": ${message}`);
      this.backoff.next(key, this.clock.now());
      this.lastError.set(key, `ErrImagePull: ${message}`);
      throw new ImagePullError('ErrImagePull', message);
    }
  }

  /** Kubernetes ms before the pod may try pulling `image` again (0: now). */
  pullBackOffRemaining(image: string, backOffKey = ''): number {
    return this.backoff.remainingSinceUpdate(`${backOffKey}_${image}`);
  }

  private async pullShared(name: string, cached: ImageRecord | undefined): Promise<PullOutcome> {
    const started = this.clock.now();
    // Two pods pulling the same image share one download, as the runtime would.
    let pull = this.pulling.get(name);
    const waited = !!pull;
    if (!pull) {
      pull = this.pull(name, !!cached);
      this.pulling.set(name, pull);
      pull.finally(() => this.pulling.delete(name)).catch(() => {}); // the caller sees the failure
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

  // A pull the registry refuses fails after the latency (resolving the reference), not the size.
  private async pull(name: string, cached: boolean): Promise<ImageRecord> {
    const found = lookupImage(name);
    if (!found.ok) {
      await this.clock.sleep(this.latencyMs);
      throw new Error(found.message);
    }
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
