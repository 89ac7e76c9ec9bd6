/**
 * The package as a browser bundler sees it: esbuild, platform 'browser', no
 * `external` list, from the source and from the built package through its
 * "exports" map (the 'browser' condition). The build must succeed without
 * reaching a Node built-in, carry the wasm inline (nothing fetched through
 * `new URL(..., import.meta.url)`), and hold no eval, Function constructor,
 * blob: URL or worker, so the only CSP need is 'wasm-unsafe-eval'.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('dist/browser: the prebuilt files for a page with no bundler', () => {
  const dir = fileURLToPath(new URL('../dist/browser/', import.meta.url));
  const files = (): string[] => {
    if (!existsSync(dir)) throw new Error('dist/browser is missing: run `npm run build` first');
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  };

  it('imports nothing but its own files, by relative path; no node:, no eval', () => {
    const all = files();
    expect(all).toEqual(expect.arrayContaining(['index.js', 'core.js', 'score.js']));
    let relative = 0;
    for (const f of all) {
      const text = readFileSync(join(dir, f), 'utf8');
      const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);
      expect(specs.filter((s) => !s.startsWith('./') && !s.startsWith('../')), f).toEqual([]);
      relative += specs.length;
      expect(text, f).not.toMatch(/["'`]node:|\beval\(|\bnew Function\b/);
    }
    expect(relative).toBeGreaterThan(10); // the pattern finds the chunks' imports (the check can fail)
  });

  it('score.js runs as it would on a page: init, decodeSlim, predict', async () => {
    files();
    const sc = (await import(new URL('../dist/browser/score.js', import.meta.url).href)) as typeof import('../src/score.js');
    const m = await import('../src/index.js');
    const engine = await sc.init({ warmUp: false });
    expect(engine.backend).toBe('wasm-simd');
    const model = m.fitLinear(await m.init({ backend: 'js', warmUp: false }), [[1], [2], [3]], [2, 4, 6.5]);
    const back = await sc.decodeSlim(await m.encodeSlim({ kind: 'compressed-linear', model: m.compressModel(await m.init({ backend: 'js', warmUp: false }), model, { quantize: { bits: 8 } }) }));
    expect(back.kind).toBe('compressed-linear');
  });
});
