/**
 * Bundle sizes as a user's bundler sees them: esbuild, minified, ES modules for
 * the browser, code splitting on (so the JS twin, imported only where SIMD is
 * missing, lands in its own chunk). Budgets count the entry chunk and the
 * release .wasm, both gzipped (-9), since the wasm is fetched as its own file:
 *  (a) init + gram                                       <= 20 KB
 *  (b) init({ warmUp: false }) + decodeSlim + predict      <= 29 KB
 *      (a scoring page: predict runs no kernel, so it skips the kernels'
 *      warm-up and never loads that code; the default init() is printed too.
 *      It measured 24.85 KB before the readers' hostile-input checks (header
 *      JSON scan, strict dates, the element budget, finite model fields:
 *      about 0.9 KB), the format version 2 preamble and reader (0.6 KB, plus
 *      the lazy inflater chunk of about 3 KB fetched on the first read) and
 *      the option-name checks (0.15 KB): 26.6 KB; then the reader of the
 *      two reduced-rank kinds, model class and schemas (1.4 KB) and the
 *      strict reader of a private fit's report, stats.privacy (0.5 KB):
 *      28.5 KB. A
 *      dynamic import of that reader costs more than it saves: esbuild
 *      keeps every import() target as a split point, so the modules it
 *      shares with the eager code move into shared chunks that (a) and (b)
 *      then load eagerly, measured 23.1 KB for (a) and 29.8 KB for (b))
 *  (c) the whole package entry                           (printed; no budget yet)
 *  (d) toONNX alone (the protobuf encoder)                 (printed; only bundles that import it carry it)
 * and the release .wasm itself at most 24 KiB raw.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { browserBuild } from './helpers/browser-build.js';

const WASM_BUDGET_BYTES = 24 * 1024;
const KB = 1000;

interface Case {
  name: string;
  code: string;
  budgetGz?: number;
  /** Modules loaded by an import() that this case always runs: counted as eager. */
  eager?: string[];
}

const CASES: Case[] = [
  { name: '(a) init + gram', code: `import { init, gram } from './src/core.ts'; const e = await init(); console.log(gram(e, [[1], [2]]).xtx);`, budgetGz: 20 * KB, eager: ['src/engine/warmup.ts'] },
  {
    name: '(b) init({ warmUp: false }) + decodeSlim + predict',
    code: `import { init, decodeSlim } from './src/core.ts'; await init({ warmUp: false }); const f = await decodeSlim(new Uint8Array(await (await fetch('m.slim')).arrayBuffer())); if ('model' in f) console.log(f.model.predict([[1]]));`,
    budgetGz: 29 * KB,
  },
  {
    name: "(b') init + decodeSlim + predict (warm-up on)",
    code: `import { init, decodeSlim } from './src/core.ts'; await init(); const f = await decodeSlim(new Uint8Array(await (await fetch('m.slim')).arrayBuffer())); if ('model' in f) console.log(f.model.predict([[1]]));`,
    eager: ['src/engine/warmup.ts'],
  },
  { name: '(c) whole package entry', code: `export * from './src/index.ts';`, eager: ['src/engine/warmup.ts'] },
  { name: '(d) toONNX', code: `import { toONNX } from './src/core.ts'; console.log(toONNX);` },
];

const gz = (b: Uint8Array): number => gzipSync(b, { level: 9 }).length;

interface Sizes {
  entry: number;
  entryGz: number;
  lazy: number;
  lazyGz: number;
  inputs: string[];
}

async function bundle(code: string, alwaysImported: readonly string[] = []): Promise<Sizes> {
  const r = await browserBuild(code, ['node:*']);
  // Eager: the entry chunk and every chunk it reaches by static imports (shared
  // chunks are loaded before the entry runs); lazy: reached only by import().
  const outputs = r.metafile!.outputs;
  const entryKey = Object.keys(outputs).find((k) => basename(k) === 'stdin.js');
  if (!entryKey) throw new Error('esbuild metafile has no stdin.js output');
  const eager = new Set<string>();
  const visit = (k: string): void => {
    if (eager.has(k)) return;
    eager.add(k);
    for (const i of outputs[k]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entryKey);
  // Chunks an always-taken import() loads (the default init()'s warm-up) are fetched every time too.
  for (const [k, o] of Object.entries(outputs)) if (o.entryPoint !== undefined && alwaysImported.some((m) => o.entryPoint!.endsWith(m))) visit(k);
  let entry = 0, entryGz = 0, lazy = 0, lazyGz = 0;
  const inputs: string[] = [];
  for (const f of r.outputFiles) {
    const key = Object.keys(outputs).find((k) => basename(k) === basename(f.path));
    if (key !== undefined && eager.has(key)) {
      entry += f.contents.length;
      entryGz += gz(f.contents);
      inputs.push(...Object.keys(outputs[key].inputs));
    } else {
      lazy += f.contents.length;
      lazyGz += gz(f.contents);
    }
  }
  return { entry, entryGz, lazy, lazyGz, inputs };
}

describe('bundle sizes', () => {
  const wasm = readFileSync(new URL('../build/release.wasm', import.meta.url));
  const wasmGz = gz(wasm);

  it(`the release .wasm is at most ${WASM_BUDGET_BYTES} bytes`, () => {
    console.log(`release.wasm: ${wasm.length} B raw, ${wasmGz} B gzipped (budget ${WASM_BUDGET_BYTES} B raw)`);
    expect(wasm.length).toBeLessThanOrEqual(WASM_BUDGET_BYTES);
  });

  for (const c of CASES) {
    it(`${c.name}${c.budgetGz ? ` <= ${c.budgetGz / KB} KB gzipped with the wasm` : ': printed'}`, async () => {
      const s = await bundle(c.code, c.eager);
      const total = s.entryGz + wasmGz;
      console.log(
        `${c.name}: entry ${s.entry} B (${s.entryGz} B gz) + wasm ${wasmGz} B gz = ${total} B gz` +
          (c.budgetGz ? ` (budget ${c.budgetGz})` : '') +
          `; lazy chunks ${s.lazy} B (${s.lazyGz} B gz: the JS twin, fetched only without SIMD, hash-wasm for digests and large CRCs, the .slim version 2 header inflater, Node's fs)`,
      );
      expect(s.entry).toBeGreaterThan(0);
      if (c.budgetGz !== undefined) {
        // Scoring and the kernels alone must not drag in fitting or compression algorithms.
        // Nor the export formats (toONNX and its protobuf encoder).
        const heavy = s.inputs.filter((p) => /src\/(fit\/(linear|logistic|accumulator|moments|moments-fit|normal|refine|dd[a-z]*)|compress\/(gptq|sparsegpt|obs|model|rate-distortion|quantize-with|prune-spec)|export\/[a-z-]+)\.ts$|\/protobufjs\//.test(p));
        expect(heavy).toEqual([]);
        expect(total).toBeLessThanOrEqual(c.budgetGz);
      }
    });
  }
});
