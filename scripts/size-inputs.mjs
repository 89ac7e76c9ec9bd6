#!/usr/bin/env node
/**
 * Where a bundle's bytes go: every chunk (minified and gzipped size, its
 * entry point, its imports: i: static, d: dynamic) and the entry chunk's
 * inputs by minified bytes, largest first. The same esbuild settings as
 * test/bundle-size.test.ts (which holds the budgets).
 *   node scripts/size-inputs.mjs "import { init, decodeSlim } from './src/core.ts'; ..." [rows]
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const code = process.argv[2];
const r = await build({ stdin: { contents: code, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', splitting: true, outdir: '/bundle', write: false, metafile: true, logLevel: 'silent' });
const per = [];
for (const [k, o] of Object.entries(r.metafile.outputs)) {
  const f = r.outputFiles.find((f) => f.path.endsWith(k.replace(/^.*\//, '/')));
  console.log('chunk', k, o.bytes, 'gz', gzipSync(f.contents, { level: 9 }).length, o.entryPoint ?? '', o.imports.map((i) => i.kind[0] + ':' + i.path.replace(/^.*\//, '')).join(' '));
  if (k.endsWith('stdin.js')) for (const [i, v] of Object.entries(o.inputs)) per.push([v.bytesInOutput, i]);
}
per.sort((a, b) => b[0] - a[0]);
let tot = 0; for (const [b] of per) tot += b;
console.log('entry inputs total', tot);
for (const [b, i] of per.slice(0, Number(process.argv[3] ?? 60))) console.log(String(b).padStart(7), i.replace('../../main/node_modules/', 'nm/'));
