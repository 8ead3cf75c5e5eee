// The simulated registry and the image back-off: a typo in a repository is "pull access denied",
// a missing tag of a known repository is "not found", a malformed name is InvalidImageName, and a
// failed pull keeps the image in back-off (10 s, 20 s ...) before the next try.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../client/clock.ts';
import { lookupImage, parseImageError } from '../../kubelet/image-registry.ts';
import { ImageManager, ImagePullError } from '../../kubelet/images.ts';

describe('the simulated registry', () => {
  it('has the examples\' images and version-like tags of known repositories', () => {
    for (const image of ['hyperledger/besu:24.1', 'nginx:1.25', 'busybox:1.36', 'nginx:latest', 'registry.k8s.io/pause:3.10', 'nginx:1.25-alpine', 'ghcr.io/someone/app:dev']) {
      expect(lookupImage(image), image).toEqual({ ok: true });
    }
  });

  it('answers "not found" for a tag a known repository lacks', () => {
    const r = lookupImage('hyperledger/besu:does-not-exist');
    expect(r).toEqual({ ok: false, message: 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/hyperledger/besu:does-not-exist": failed to resolve reference "docker.io/hyperledger/besu:does-not-exist": docker.io/hyperledger/besu:does-not-exist: not found' });
  });

  it('answers "pull access denied" for a repository that does not exist', () => {
    const r = lookupImage('hyperledger/bseu:24.1');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/failed to resolve reference "docker\.io\/hyperledger\/bseu:24\.1": pull access denied, repository does not exist or may require authorization/);
  });

  it('refuses names that are not image references', () => {
    expect(parseImageError('nginx:1.25')).toBeUndefined();
    expect(parseImageError('localhost:5000/app:1')).toBeUndefined();
    expect(parseImageError('Nginx:1.25')).toBe('invalid reference format: repository name (library/Nginx) must be lowercase');
    expect(parseImageError('nginx:')).toBe('invalid reference format');
    expect(parseImageError('my image')).toBe('invalid reference format');
  });
});

async function attempt(images: ImageManager, clock: FakeClock, image: string, policy?: 'Never') {
  const events: string[] = [];
  const p = images.ensureImageExists({ image, imagePullPolicy: policy }, (_t, reason, message) => events.push(`${reason}: ${message}`), 'uid1')
    .then(() => undefined, (e: ImagePullError) => e);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(100);
  }
  const error = await p;
  return { events, reason: error?.reason, message: error?.message };
}

describe('ImageManager pull failures', () => {
  it('fails with ErrImagePull, then backs off 10 s, then 20 s', async () => {
    const clock = new FakeClock();
    const images = new ImageManager(clock);
    const first = await attempt(images, clock, 'nginx:does-not-exist');
    expect(first.reason).toBe('ErrImagePull');
    expect(first.events[0]).toBe('Pulling: Pulling image "nginx:does-not-exist"');
    expect(first.events[1]).toMatch(/^Failed: Failed to pull image "nginx:does-not-exist": rpc error: code = NotFound .*: not found$/);
    const during = await attempt(images, clock, 'nginx:does-not-exist');
    expect(during.reason).toBe('ImagePullBackOff');
    expect(during.events).toEqual(['BackOff: Back-off pulling image "nginx:does-not-exist"']);
    expect(during.message).toMatch(/^Back-off pulling image "nginx:does-not-exist": ErrImagePull: rpc error: code = NotFound/);
    expect(images.pullBackOffRemaining('nginx:does-not-exist', 'uid1')).toBeGreaterThan(5000);
    clock.advance(10_000);
    expect((await attempt(images, clock, 'nginx:does-not-exist')).reason).toBe('ErrImagePull');
    clock.advance(12_000); // the back-off doubled: 20 s
    expect((await attempt(images, clock, 'nginx:does-not-exist')).reason).toBe('ImagePullBackOff');
    expect(images.list()).toEqual([]);
  });

  it('gives ErrImageNeverPull and InvalidImageName without pulling', async () => {
    const clock = new FakeClock();
    const images = new ImageManager(clock);
    const never = await attempt(images, clock, 'busybox:1.36', 'Never');
    expect(never).toMatchObject({ reason: 'ErrImageNeverPull', message: 'Container image "busybox:1.36" is not present with pull policy of Never' });
    const invalid = await attempt(images, clock, 'Busybox');
    expect(invalid.reason).toBe('InvalidImageName');
    expect(invalid.events).toEqual(['InspectFailed: Failed to apply default image tag "Busybox": couldn\'t parse image name "Busybox": invalid reference format: repository name (library/Busybox) must be lowercase']);
  });
});
