// The guided tour points at code by file path and `@doc:` tag; this keeps the pointers true as
// the code moves: every tag the docs name is in some module, and every path they name exists.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => [f, readFileSync(join(root, 'docs', f), 'utf8')] as const);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}
const code = ['api', 'apiserver', 'client', 'scheduler', 'controllers', 'kubelet', 'proxy', 'cluster', 'dashboard'].flatMap((d) => sources(join(root, d))).join('\n');

describe.each(docs)('docs/%s', (_name, text) => {
  it('names only @doc tags that exist in the source', () => {
    const tags = [...text.matchAll(/@doc: ([a-z0-9-]+)/g)].map((m) => m[1]);
    expect(tags.filter((t) => !new RegExp(`@doc: ${t}\\b`).test(code))).toEqual([]);
  });

  it('names only files and folders that exist', () => {
    const paths = [...text.matchAll(/`((?:api|apiserver|client|scheduler|controllers|kubelet|proxy|cluster|dashboard|examples|test)\/[\w./-]*)`/g)].map((m) => m[1]);
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });
});
