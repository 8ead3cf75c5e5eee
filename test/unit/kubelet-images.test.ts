// The image manager: pulls take time by image size, and a node pulls each image once.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { fullRepository, goSeconds, ImageManager, imageSize, pulledMessage, withDefaultTag } from '../../kubelet/images.ts';

const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

async function pull(images: ImageManager, clock: FakeClock, container: { image: string; imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never' }) {
  let pulling = false;
  const p = images.ensureImageExists(container, () => (pulling = true));
  for (let i = 0; i < 100; i++) {
    await flush();
    clock.advance(100);
  }
  return { outcome: await p, pulling };
}

describe('ImageManager', () => {
  it('pulls an image the node lacks, taking latency + size / link speed', async () => {
    const clock = new FakeClock();
    const changes: number[] = [];
    const images = new ImageManager(clock, {}, () => changes.push(1));
    const { outcome, pulling } = await pull(images, clock, { image: 'hyperledger/besu:24.1' });
    expect(pulling).toBe(true);
    expect(outcome.pulled).toBe(true);
    expect(outcome.pullMs).toBeGreaterThanOrEqual(500 + 420_000_000 / 250_000);
    expect(outcome.pullMs).toBeLessThan(2300);
    expect(pulledMessage('hyperledger/besu:24.1', outcome)).toMatch(
      /^Successfully pulled image "hyperledger\/besu:24.1" in 2\.\d+s \(2\.\d+s including waiting\)\. Image size: 420000000 bytes\.$/);
    expect(changes).toHaveLength(1);
    expect(images.list().map((i) => i.name)).toEqual(['hyperledger/besu:24.1']);
  });

  it('finds the image already present for the second pod (IfNotPresent)', async () => {
    const clock = new FakeClock();
    const images = new ImageManager(clock);
    await pull(images, clock, { image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' });
    let pulling = false;
    const second = await images.ensureImageExists({ image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }, () => (pulling = true));
    expect(pulling).toBe(false);
    expect(pulledMessage('nginx:1.25', second)).toBe('Container image "nginx:1.25" already present on machine');
  });

  it('pulls again under Always, but quickly: the layers are there', async () => {
    const clock = new FakeClock();
    const images = new ImageManager(clock);
    await pull(images, clock, { image: 'nginx' });
    const { outcome, pulling } = await pull(images, clock, { image: 'nginx', imagePullPolicy: 'Always' });
    expect(pulling).toBe(true);
    expect(outcome.pullMs).toBeLessThanOrEqual(300);
  });

  it('shares one download between two pods pulling the same image', async () => {
    const clock = new FakeClock();
    const images = new ImageManager(clock);
    const a = images.ensureImageExists({ image: 'busybox:1.36' }, () => {});
    const b = images.ensureImageExists({ image: 'busybox:1.36' }, () => {});
    for (let i = 0; i < 20; i++) {
      await flush();
      clock.advance(100);
    }
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.image).toBe(rb.image);
    expect(images.list()).toHaveLength(1);
  });

  it('refuses a missing image under Never', async () => {
    const images = new ImageManager(new FakeClock());
    await expect(images.ensureImageExists({ image: 'nginx:1.25', imagePullPolicy: 'Never' }, () => {}))
      .rejects.toThrow('Container image "nginx:1.25" is not present with pull policy of Never');
  });
});

describe('image names', () => {
  it('adds :latest to untagged names and qualifies repositories as runtimes report them', () => {
    expect(withDefaultTag('nginx')).toBe('nginx:latest');
    expect(withDefaultTag('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(withDefaultTag('nginx@sha256:abc')).toBe('nginx@sha256:abc');
    expect(fullRepository('nginx:1.25')).toBe('docker.io/library/nginx');
    expect(fullRepository('hyperledger/besu:24.1')).toBe('docker.io/hyperledger/besu');
    expect(fullRepository('registry.k8s.io/pause:3.9')).toBe('registry.k8s.io/pause');
  });

  it('gives unknown images a stable size and prints durations like Go', () => {
    expect(imageSize('example/app:1')).toBe(imageSize('example/app:1'));
    expect([goSeconds(313), goSeconds(1200), goSeconds(12_345)]).toEqual(['313ms', '1.2s', '12.345s']);
  });
});
