/**
 * Bundle sizes as a user's bundler sees them: esbuild, minified, ES modules for
 * the browser, code splitting on (so the JS twin, imported only where SIMD is
 * missing, lands in its own chunk). `npm run size` runs this file; it is the
 * one place the budgets live. A case counts, gzipped (-9) chunk by chunk,
 * every chunk its page always fetches: the entry, the chunks it imports
 * statically, and the chunks of the import()s it always takes, which include
 * the wasm: init() loads it from src/engine/wasm-inline.ts (the release
 * module, raw-DEFLATEd and base64: its chunk gzips within about 1% of the
 * .wasm file). Lazy chunks (printed, not counted): the JS twin (no SIMD),
 * hash-wasm (SHA-256 digests, CRCs over 1 MiB), fflate's inflate (runtimes
 * without DecompressionStream 'deflate-raw'), the warm-up where a case skips it.
 *  (a) init + gram                                            <= 20 KB  (18.0 KB)
 *  (b) init({ warmUp: false }) + decodeSlim + predict           <= 30.2 KB  (30.1 KB; issue target 25 KB: met by (s))
 *      A scoring page on 'slimfit' or 'slimfit/core': predict runs no
 *      kernel, so it skips the warm-up. History, before the wasm was inlined
 *      (entry + the .wasm file, 9.1 KB): 24.85 KB; the readers' hostile-input
 *      checks (about 0.9 KB), the format version 2 preamble and reader
 *      (0.6 KB) and the option-name checks (0.15 KB): 26.6 KB; the
 *      reduced-rank kinds (1.4 KB) and stats.privacy (0.5 KB): 28.5 KB, not
 *      counting the version 2 header inflater chunk (fflate and the
 *      dictionary, 3.2 KB) that every read of a version 2 file fetched. Now
 *      the header inflates on the runtime's DecompressionStream, and the
 *      dictionary (1.1 KB), the inlined wasm and the init({ wasm }) hook are
 *      counted. Lazy readers per kind do not pay here: every model class is
 *      exported from this entry, and a module that a dynamic import shares
 *      with an entry's static graph lands in a chunk the entry imports
 *      statically. Nor does a lazy version 1 reader (measured +0.8 KB: the
 *      modules it shares with the eager code split into more chunks).
 *  (s) the same on 'slimfit/score', a linear or logistic file   <= 25 KB  (24.8 KB)
 *      That entry exports the model classes as types only, so the readers of
 *      the other kinds are lazy chunks, fetched for such a file: one for the
 *      compressed-linear/logistic kinds, one for the reduced-rank and tensors
 *      kinds (which share the compressed reader's modules: a third chunk that
 *      both import). The tensors reader takes the dtype and name limits from
 *      slim-dtypes.ts, not slim-header.ts: a lazy reader that reaches an eager
 *      module the other does not splits the eager code into one more chunk
 *      (measured: (s) 25.2 KB, over budget, that way). The lazy
 *      chunks the engine may load (the warm-up, the init({ wasm }) loader)
 *      import no module of the eager code: each shared module would split
 *      into a chunk of its own, gzipped apart (the warm-up on scope.ts and
 *      the loader on errors.ts cost (s) 560 and 120 B that way).
 *  (s') the same, a compressed-linear or -logistic file         <= 30.4 KB  (30.3 KB; issue target 25 KB: not met.
 *      32.6 KB while one lazy chunk held every other kind's reader. What is left: the
 *      eager part is (s), 24.75 KB of which 9.4 KB is the wasm, and the compressed reader
 *      adds 5.6 KB: the CompressedLinearModel and SparseTensor classes, the schema, the
 *      codes' and masks' checks; the target leaves it 250 B)
 *  (s'') the same, a reduced-rank, compressed-reduced-rank or tensors file   (printed: 33.2 KB, 3.1 KB more than
 *      (b): the split chunks gzip apart and carry import/export lists; such pages are better served by (b))
 *  (b'') (b) with init({ wasm: new URL(...) }): the entry without the
 *      inlined module, plus the .wasm file fetched on its own     (printed)
 *  (c) the whole package entry                                  (printed)
 *  (d) toONNX alone (the protobuf encoder)                      (printed)
 *  (e) the whole toolkit: init, fitLinear, fitLogistic, every compression
 *      method (quantize/quantizeWith: RTN; quantizeGPTQ; pruneSparseGPT:
 *      OBS/SparseGPT; prune, pruneGlobal; fitQuantized: training on the
 *      grid; compressModel, which runs any of them), .slim and safetensors
 *      encode + decode (with the quantized safetensors layout)    <= 86 KB  (85.6 KB; issue target 70 KB: not met;
 *      fitLinear's wide-design dual and memory estimates added 1.9 KB to 83.7)
 *      9.4 KB of it is the inlined wasm and 1.6 KB the warm-up; the largest
 *      modules (minified): safetensors 8.3 KB, fitQuantized 7.4 KB and its
 *      integer least squares 5.3 KB, fitLogistic 7.0 KB, the .slim header
 *      checks 4.9 KB. Measured, not cut: the private-fit paths that
 *      fitLinear/fitLogistic dispatch to are 3.7 KB of it (fitLinear and
 *      fitLogistic return synchronously, so they cannot import them on
 *      demand); fflate's inflate 1.1 KB (encodeSlim's deflater statically
 *      imports fflate, one module, so the inflate that only the lazy
 *      fallbacks use lands in the same shared chunk).
 * and the release .wasm itself at most 24 KiB raw.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { browserBuild } from './helpers/browser-build.js';

const WASM_BUDGET_BYTES = 24 * 1024;
const KB = 1000;
const INLINE = 'src/engine/wasm-inline.ts';
const WARMUP = 'src/engine/warmup.ts';

interface Case {
  name: string;
  code: string;
  budgetGz?: number;
  /** Modules loaded by an import() that this case always runs: counted as eager. */
  eager: string[];
  /** The .wasm fetched as a file of its own (init({ wasm: URL })): its gzipped size is added. */
  wasmFile?: boolean;
  /** Whether the fitting and compression algorithms may be in the bundle. */
  heavyAllowed?: boolean;
}

const SCORE = `const f = await decodeSlim(new Uint8Array(await (await fetch('m.slim')).arrayBuffer())); if ('model' in f) console.log(f.model.predict([[1]]));`;
const TOOLKIT = [
  'init', 'fitLinear', 'fitLogistic', 'quantize', 'dequantize', 'quantizeWith', 'quantizeGPTQ', 'pruneSparseGPT', 'prune', 'pruneGlobal', 'fitQuantized', 'compressModel',
  'encodeSlim', 'decodeSlim', 'encodeSafetensors', 'decodeSafetensors', 'quantizedToSafetensors', 'quantizedFromSafetensors',
];

const CASES: Case[] = [
  { name: '(a) init + gram', code: `import { init, gram } from './src/core.ts'; const e = await init(); console.log(gram(e, [[1], [2]]).xtx);`, budgetGz: 20 * KB, eager: [WARMUP, INLINE] },
  { name: '(b) init({ warmUp: false }) + decodeSlim + predict', code: `import { init, decodeSlim } from './src/core.ts'; await init({ warmUp: false }); ${SCORE}`, budgetGz: 30.2 * KB, eager: [INLINE] },
  { name: "(b') init + decodeSlim + predict (warm-up on)", code: `import { init, decodeSlim } from './src/core.ts'; await init(); ${SCORE}`, eager: [WARMUP, INLINE] },
  { name: "(b'') (b) with init({ wasm: URL }) and the .wasm file", code: `import { init, decodeSlim } from './src/core.ts'; await init({ warmUp: false, wasm: new URL('/release.wasm', location.href) }); ${SCORE}`, eager: [], wasmFile: true },
  { name: '(s) slimfit/score: init({ warmUp: false }) + decodeSlim + predict, a linear or logistic file', code: `import { init, decodeSlim } from './src/score.ts'; await init({ warmUp: false }); ${SCORE}`, budgetGz: 25 * KB, eager: [INLINE] },
  { name: "(s') the same, a compressed-linear or compressed-logistic file", code: `import { init, decodeSlim } from './src/score.ts'; await init({ warmUp: false }); ${SCORE}`, budgetGz: 30.4 * KB, eager: [INLINE, 'src/io/slim-read-compressed.ts'] },
  { name: "(s'') the same, a reduced-rank, compressed-reduced-rank or tensors file", code: `import { init, decodeSlim } from './src/score.ts'; await init({ warmUp: false }); ${SCORE}`, eager: [INLINE, 'src/io/slim-read-other.ts'] },
  { name: '(c) whole package entry', code: `export * from './src/index.ts';`, eager: [WARMUP, INLINE], heavyAllowed: true },
  { name: '(d) toONNX', code: `import { toONNX } from './src/core.ts'; console.log(toONNX);`, eager: [], heavyAllowed: true },
  { name: '(e) the whole toolkit', code: `import { ${TOOLKIT.join(', ')} } from './src/core.ts'; console.log(${TOOLKIT.join(', ')}); await init();`, budgetGz: 86 * KB, eager: [WARMUP, INLINE], heavyAllowed: true },
];

const gz = (b: Uint8Array): number => gzipSync(b, { level: 9 }).length;

interface Sizes {
  entry: number;
  entryGz: number;
  lazy: number;
  lazyGz: number;
  inputs: string[];
}

async function bundle(code: string, alwaysImported: readonly string[]): Promise<Sizes> {
  const r = await browserBuild(code);
  // Eager: the entry chunk and every chunk it reaches by static imports (shared
  // chunks are loaded before the entry runs); lazy: reached only by import().
  const outputs = r.metafile.outputs;
  const entryKey = Object.keys(outputs).find((k) => basename(k) === 'stdin.js');
  if (!entryKey) throw new Error('esbuild metafile has no stdin.js output');
  const eager = new Set<string>();
  const visit = (k: string): void => {
    if (eager.has(k)) return;
    eager.add(k);
    for (const i of outputs[k]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entryKey);
  // Chunks an always-taken import() loads (the default init()'s warm-up, the inlined wasm) are fetched every time too.
  for (const m of alwaysImported) {
    const k = Object.keys(outputs).find((o) => outputs[o].entryPoint?.endsWith(m));
    if (k === undefined) throw new Error(`no chunk for ${m}: the case does not load it`);
    visit(k);
  }
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
    it(`${c.name}${c.budgetGz ? ` <= ${c.budgetGz / KB} KB gzipped, wasm included` : ': printed'}`, async () => {
      const s = await bundle(c.code, c.eager);
      const total = s.entryGz + (c.wasmFile ? wasmGz : 0);
      const withInline = c.eager.includes(INLINE);
      console.log(
        `${c.name}: ${s.entry} B min, ${s.entryGz} B gz${withInline ? ' (the inlined wasm included)' : ''}` +
          (c.wasmFile ? ` + release.wasm ${wasmGz} B gz = ${total} B gz` : '') +
          (c.budgetGz ? ` (budget ${c.budgetGz})` : '') +
          `; lazy chunks ${s.lazy} B (${s.lazyGz} B gz)`,
      );
      expect(s.entry).toBeGreaterThan(0);
      expect(s.inputs.some((p) => p.endsWith(INLINE))).toBe(withInline);
      if (!c.heavyAllowed) {
        // Scoring and the kernels alone must not drag in fitting or compression algorithms,
        // nor the export formats (toONNX and its protobuf encoder).
        const heavy = s.inputs.filter((p) => /src\/(fit\/(linear|logistic|accumulator|moments|moments-fit|normal|refine|dd[a-z]*)|compress\/(gptq|sparsegpt|obs|model|rate-distortion|quantize-with|prune-spec)|export\/[a-z-]+)\.ts$|\/protobufjs\//.test(p));
        expect(heavy).toEqual([]);
      }
      if (c.budgetGz !== undefined) expect(total).toBeLessThanOrEqual(c.budgetGz);
    });
  }

  it('the engine\'s lazy chunks (warm-up, init({ wasm }) loader, inlined wasm) import no other chunk', async () => {
    // A module that a lazy chunk shares with the eager code goes to a shared
    // chunk of its own, which the entry then fetches as one more, separately
    // gzipped file (the warm-up on scope.ts cost (s) 560 B that way).
    const r = await browserBuild(`import { init } from './src/score.ts'; await init();`);
    const outputs = r.metafile.outputs;
    for (const m of [WARMUP, 'src/engine/load-source.ts', INLINE]) {
      const k = Object.keys(outputs).find((o) => outputs[o].entryPoint?.endsWith(m));
      expect(k, m).toBeDefined();
      expect(outputs[k!].imports.filter((i) => !i.external).map((i) => i.path), m).toEqual([]);
    }
  });
});
