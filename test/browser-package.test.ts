/**
 * The package as a browser bundler sees it: esbuild, platform 'browser', no
 * `external` list, from the source and from the built package through its
 * "exports" map (the 'browser' condition). The build must succeed without
 * reaching a Node built-in, carry the wasm inline (nothing fetched through
 * `new URL(..., import.meta.url)`), and hold no eval, Function constructor,
 * blob: URL or worker, so the only CSP need is 'wasm-unsafe-eval'.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserBuild } from './helpers/browser-build.js';

const DIST = new URL('../dist/index.js', import.meta.url);

const ENTRIES: [string, string][] = [
  ['the source entry (src/index.ts)', `export * from './src/index.ts';`],
  ["the built package ('slimfit', browser condition)", `export * from 'slimfit';`],
  ["the built package ('slimfit/core', browser condition)", `export * from 'slimfit/core';`],
  ["the built package ('slimfit/score', browser condition)", `export * from 'slimfit/score';`],
];

describe('browser bundle of the package', () => {
  for (const [name, code] of ENTRIES) {
    it(`${name}: builds with no external, reaches no node: module, no eval, the wasm inlined`, async () => {
      if (code.includes("'slimfit") && !existsSync(DIST)) throw new Error('dist/ is missing: run `npm run build` first');
      const r = await browserBuild(code);
      const inputs = Object.keys(r.metafile.inputs);
      expect(inputs.filter((p) => p.startsWith('node:'))).toEqual([]);
      expect(inputs.some((p) => /engine\/wasm-inline\.(ts|js)$/.test(p))).toBe(true);
      const text = r.outputFiles.map((f) => f.text).join('\n');
      expect(text).not.toMatch(/["'`]node:/);
      expect(text).not.toMatch(/release\.wasm/);
      expect(text).not.toMatch(/\beval\(|\bnew Function\b|\bFunction\(["'`]|blob:|new (Shared)?Worker\(/);
    });
  }

  it("'slimfit/node' is not exported to a browser bundler", async () => {
    await expect(browserBuild(`export * from 'slimfit/node';`)).rejects.toThrow(/slimfit\/node|not exported|Could not resolve/);
  });
});
