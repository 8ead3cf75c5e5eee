// Bundling the components once, so ten processes start on less cpu
// =================================================================
// CONCEPT   Each component is a TypeScript program run with tsx, which costs about 0.4 s of cpu per
//           process before any of our code runs (the loader, then resolving and transforming every
//           module). Ten processes on a two-core machine pay that ten times at once. So, before
//           starting them, the launcher bundles every main.ts with esbuild (the compiler tsx itself
//           uses) into plain JavaScript under node_modules/.cache/harbour/<key>/, with npm packages
//           left as imports and source maps so stack traces still name the .ts lines. The key is a
//           hash of every source file's path, size and mtime: an edit makes a new bundle. If
//           anything goes wrong we fall back to tsx, which runs the very same code.
// REAL K8S  Kubernetes ships compiled binaries; `make WHAT=cmd/kubelet` is the closest relative.
// SHIPS     Loading the crew's kit onto one cart instead of each sailor fetching it piece by piece.
// EXAMPLE   const built = await bundleComponents(root)   // { "kubelet/main.ts": ".../kubelet/main.js", ... }
//           componentSpecs(config, paths, { nodeReady, built })  // `npm run cluster -- --tsx` skips this
// SKIPPED   minification (it saves nothing at start-up), pruning old bundles beyond a day's worth.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The programs the launcher runs, relative to the repository root. */
export const COMPONENT_MAINS = ['apiserver/main.ts', 'scheduler/main.ts', 'controllers/main.ts', 'kubelet/main.ts', 'proxy/main.ts'];
const SOURCE_DIRS = ['api', 'client', 'apiserver', 'scheduler', 'controllers', 'kubelet', 'proxy'];

/** main.ts path => bundled .js path; only the mains that exist are included. */
export type BuiltComponents = Record<string, string>;

/**
 * Bundles every existing component main.ts; resolves undefined (and says why through `log`)
 * when esbuild is missing or the build fails, so the caller runs the .ts files with tsx instead.
 */
export async function bundleComponents(root: string, log: (message: string) => void = () => {}): Promise<BuiltComponents | undefined> {
  const mains = COMPONENT_MAINS.filter((m) => existsSync(join(root, m)));
  const cache = join(root, 'node_modules', '.cache', 'harbour');
  const out = join(cache, sourceKey(root, mains));
  const result = Object.fromEntries(mains.map((m) => [m, join(out, m.replace(/\.ts$/, '.js'))]));
  if (existsSync(join(out, 'done'))) {
    const now = new Date();
    utimesSync(out, now, now); // in use: pruneOld leaves it alone for another day
    return result;
  }
  try {
    const esbuild = await import('esbuild');
    // We build into a private folder and rename it into place, so two launchers starting at the
    // same moment never run half-written files.
    const tmp = `${out}.tmp-${process.pid}`;
    await esbuild.build({
      entryPoints: mains.map((m) => join(root, m)), outbase: root, outdir: tmp,
      bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
      packages: 'external', sourcemap: true, logLevel: 'silent',
    });
    writeFileSync(join(tmp, 'done'), new Date().toISOString());
    try {
      renameSync(tmp, out);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another launcher won the race: use its bundle
    }
    pruneOld(cache, out);
    return result;
  } catch (err) {
    log(`bundling the components failed (${(err as Error).message.split('\n')[0]}); running them with tsx instead`);
    return undefined;
  }
}

/** A short hash of every source file's path, size and mtime, plus which mains exist. */
function sourceKey(root: string, mains: string[]): string {
  const hash = createHash('sha256').update(mains.join(',')).update(process.version);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const st = statSync(path);
        hash.update(`${relative(root, path)}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return hash.digest('hex').slice(0, 16);
}

/** Removes bundles (and abandoned temp folders) older than a day; a running cluster's is newer. */
function pruneOld(cache: string, keep: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (path !== keep && statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
  mkdirSync(keep, { recursive: true });
}
