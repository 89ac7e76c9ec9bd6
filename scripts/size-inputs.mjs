#!/usr/bin/env node
/**
 * Where a bundle's bytes go: every chunk (minified and gzipped size, its
 * entry point, its imports: i: static, d: dynamic), each followed by its
 * inputs of at least `min` minified bytes (default 300), largest first. The
 * same esbuild settings as test/bundle-size.test.ts (which holds the budgets
 * and says which chunks a case counts). Shared chunks matter: a module that
 * a lazy chunk shares with the eager code lands in a chunk the entry imports
 * statically, with the code either of them uses.
 *   node scripts/size-inputs.mjs "import { init, decodeSlim } from './src/core.ts'; ..." [min]
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const code = process.argv[2];
const min = Number(process.argv[3] ?? 300);
const r = await build({ stdin: { contents: code, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', splitting: true, outdir: '/bundle', write: false, metafile: true, logLevel: 'silent' });
const short = (p) => p.replace(/^.*\//, '');
for (const [k, o] of Object.entries(r.metafile.outputs)) {
  const f = r.outputFiles.find((f) => f.path.endsWith('/' + short(k)));
  console.log('chunk', short(k), o.bytes, 'gz', gzipSync(f.contents, { level: 9 }).length, o.entryPoint ?? '', o.imports.map((i) => i.kind[0] + ':' + short(i.path)).join(' '));
  const inputs = Object.entries(o.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  for (const [i, v] of inputs) if (v.bytesInOutput >= min) console.log(String(v.bytesInOutput).padStart(9), i.replace(/^.*node_modules\//, 'nm/'));
}
