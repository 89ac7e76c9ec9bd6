/**
 * A bundle as a user's bundler makes it for a web page: esbuild from source,
 * minified ES modules for the browser, code splitting on, nothing written.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles `code` (a TypeScript entry resolved from the repository root); `external` lists imports left out (e.g. 'node:*'). */
export function browserBuild(code: string, external: string[] = []) {
  return build({
    stdin: { contents: code, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: '/bundle',
    write: false,
    metafile: true,
    external,
    logLevel: 'silent',
  });
}
