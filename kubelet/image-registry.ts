// Image registry: which images exist, and how a bad name is refused
// =================================================================
// CONCEPT   A real node pulls from a registry on the internet; ours pulls from this catalogue, so a
//           typo fails the way it fails on a real cluster:
//             - a name that is not a valid image reference (`Nginx`, `nginx:`, `a b`) is refused
//               before any pull: InvalidImageName;
//             - a repository Docker Hub does not have (`hyperledger/bseu:24.1`, `ngnix`) answers
//               "pull access denied, repository does not exist or may require authorization";
//             - a known repository with a tag it does not have (`hyperledger/besu:does-not-exist`)
//               answers "... not found".
//           THE RULE: docker.io and registry.k8s.io hold only the repositories in KNOWN_REPOSITORIES,
//           and those hold the tag `latest` and every version-like tag (`24.1`, `1.25-alpine`,
//           `v0.26.0`, `3.5.1-0`). Images on any other registry (`ghcr.io/you/app:1`) are taken to
//           exist: they stand for an instructor's own registry, which we cannot see.
// REAL K8S  staging/src/k8s.io/kubelet (none: containerd resolves the reference against the registry);
//           pkg/util/parsers/parsers.go (ParseImageName), github.com/distribution/reference
//           (ParseNormalizedNamed, "invalid reference format"), containerd's pull errors
// SHIPS     The quay's register of which containers can be fetched at all.
// EXAMPLE   lookupImage("hyperledger/besu:24.1")          => { ok: true }
//           lookupImage("hyperledger/besu:does-not-exist") => NotFound "...: not found"
//           lookupImage("hyperledger/bseu:24.1")           => "pull access denied, ..."
//           parseImageError("Nginx")                       => "invalid reference format: repository
//                                                             name (library/Nginx) must be lowercase"
// SKIPPED   digests that must match, registry outages (RegistryUnavailable), auth and pull secrets.

/** Repositories docker.io and registry.k8s.io hold here: the examples' images and well-known ones. */
export const KNOWN_REPOSITORIES = new Set([
  'docker.io/hyperledger/besu', 'docker.io/library/nginx', 'docker.io/library/busybox', 'docker.io/library/alpine',
  'docker.io/library/ubuntu', 'docker.io/library/debian', 'docker.io/library/redis', 'docker.io/library/postgres',
  'docker.io/library/httpd', 'docker.io/library/python', 'docker.io/library/node', 'docker.io/library/perl',
  'docker.io/library/golang', 'docker.io/curlimages/curl', 'docker.io/prom/statsd-exporter', 'docker.io/prom/prometheus',
  'registry.k8s.io/pause', 'registry.k8s.io/etcd', 'registry.k8s.io/busybox', 'registry.k8s.io/e2e-test-images/agnhost',
]);

/** The registries whose catalogue we simulate; others are assumed to have every image. */
const SIMULATED_REGISTRIES = new Set(['docker.io', 'registry.k8s.io']);

/** A tag a known repository has: "latest" or anything that starts like a version number. */
const EXISTING_TAG = /^(latest|stable|v?\d+(\.\d+)*([-._+][a-z0-9]+)*)$/i;

// The grammar of github.com/distribution/reference, reduced to what students type.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?)';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/** Splits "host/path" the way Docker does: a first part with "." or ":" or "localhost" is a registry. */
export function splitDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (!first.includes('.') && !first.includes(':') && first !== 'localhost')) {
    return { domain: 'docker.io', remainder: slash < 0 ? `library/${name}` : name };
  }
  return { domain: first, remainder: name.slice(slash + 1) };
}

/**
 * Why `image` is not a valid reference (ParseNormalizedNamed), or undefined when it is.
 * @example parseImageError("nginx:1.25") => undefined
 */
export function parseImageError(image: string): string | undefined {
  const repo = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const { remainder } = splitDomain(repo);
  if (REFERENCE.test(image.toLowerCase()) && remainder.toLowerCase() !== remainder) {
    return `invalid reference format: repository name (${remainder}) must be lowercase`;
  }
  return REFERENCE.test(image) ? undefined : 'invalid reference format';
}

/** What the registry answers to a pull: found, or containerd's error text (gRPC status and all). */
export type Lookup = { ok: true } | { ok: false; message: string };

/** Looks `image` (already given a default tag) up in the simulated registry. */
export function lookupImage(image: string): Lookup {
  const digest = image.includes('@');
  const repo = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const tag = digest ? undefined : image.slice(repo.length + 1) || 'latest';
  const { domain, remainder } = splitDomain(repo);
  const full = `${domain}/${remainder}`;
  const ref = `${full}${digest ? image.slice(image.indexOf('@')) : `:${tag}`}`;
  const prefix = `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}"`;
  if (!SIMULATED_REGISTRIES.has(domain)) return { ok: true };
  // @doc: kubelet-image-registry-rule
  if (!KNOWN_REPOSITORIES.has(full)) {
    return { ok: false, message: `rpc error: code = Unknown desc = ${prefix}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed` };
  }
  if (tag !== undefined && !EXISTING_TAG.test(tag)) {
    return { ok: false, message: `rpc error: code = NotFound desc = ${prefix}: ${ref}: not found` };
  }
  return { ok: true };
}
