#!/usr/bin/env node
/**
 * dist/browser/: the package prebuilt for a page with no bundler (a plain
 * <script type="module">): esbuild, ES modules for the browser, minified,
 * code splitting on, every dependency bundled, so the files import only each
 * other, by relative path. One file per entry (index.js: 'slimfit',
 * core.js: 'slimfit/core', score.js: 'slimfit/score') plus shared and
 * lazy chunks; the wasm is inlined as in the other builds. Run by
 * `npm run build` after tsc.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/browser`;
rmSync(outdir, { recursive: true, force: true });
const r = await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', core: 'src/core.ts', score: 'src/score.ts' },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outdir,
  metafile: true,
  logLevel: 'warning',
});
const files = Object.keys(r.metafile.outputs);
console.log(`dist/browser: ${files.length} files, ${files.reduce((s, f) => s + r.metafile.outputs[f].bytes, 0)} bytes`);
