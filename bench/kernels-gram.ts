/**
 * gram: X^T X of a row-major float64 X (n x d), wasm-simd vs the JS twin.
 *
 * Paths:
 *  - zero-copy: X already in linear memory (engine.memory.f64 as a
 *    BufferMatrix); engine.gram checks finiteness in place and runs the
 *    kernel. This is the kernel figure and the one the floors talk about.
 *  - copying: X as a JS-heap Float64Array Matrix; engine.gram streams it
 *    through linear memory in 1 MiB chunks (wasm engine only).
 *  - kernel: engine.kernels.gramF64 alone (no finite check, no copy-out).
 *
 * Flop count: n*d*(d+1) = one multiply and one add for each of the d(d+1)/2
 * entries of the upper triangle, per row: the work a symmetric (SYRK-like)
 * kernel needs, and the count GFLOP/s and the floor use. The GEMM-style
 * convention 2*n*d^2 (as if the full matrix were computed) is shown beside it.
 */
import type { Engine, F64Buffer, GramResult, U8Buffer } from '../src/index.js';
import type { BenchContext, Family } from './context.js';
import { busyNote, busyRatioNote, fillUniform, fmtMs, fmtNum, fmtPct, fmtRatio, notes, sizeLabel, type Case, type Timing } from './harness.js';

const FAMILY = 'gram';
export const GRAM_FLOOR_GFLOPS = 12;
export const GRAM_FLOOR_X_JS = 10;

export const gramFlops = (n: number, d: number): number => n * d * (d + 1);
export const gramFlopsFull = (n: number, d: number): number => 2 * n * d * d;

interface Side {
  e: Engine;
  X: F64Buffer;
  warmX: F64Buffer;
  xtx: F64Buffer;
  scratch: U8Buffer;
  last?: GramResult;
}

function side(e: Engine, host: Float64Array, n: number, d: number, warmRows: number): Side {
  const X = e.memory.f64(n * d);
  const warmX = e.memory.f64(warmRows * d);
  const xtx = e.memory.f64(d * d);
  const scratch = e.memory.u8(Math.max(16, e.kernels.gramScratchBytes(d)));
  // Views derived after the last allocation above.
  X.view.set(host);
  warmX.view.set(host.subarray(0, warmRows * d));
  return { e, X, warmX, xtx, scratch };
}

function free(s: Side): void {
  s.X.free();
  s.warmX.free();
  s.xtx.free();
  s.scratch.free();
}

/** max |a - b| / max |b| (b the twin). */
function relDiff(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den > 0 ? num / den : num;
}

export const gramFamily: Family = {
  name: FAMILY,
  tags: ['kernels'],
  description: 'X^T X, n = 1e5, d = 16, 64, 256 (float64)',
  run(ctx: BenchContext): void {
    const n = ctx.quick ? 10_000 : 100_000;
    const ds = [16, 64, 256];
    const rows: string[][] = [];
    const warmRows = 512;
    for (const d of ds) {
      const host = new Float64Array(n * d);
      fillUniform(host, 1000 + d);
      const W = side(ctx.wasm, host, n, d, warmRows);
      const J = side(ctx.js, host, n, d, warmRows);
      const flops = gramFlops(n, d);
      const bm = (s: Side) => ({ rows: n, cols: d, data: s.X });
      let lastCopy: GramResult | undefined;
      const cases: Case[] = [
        {
          id: 'wasm.zc',
          fn: () => {
            W.last = W.e.gram(bm(W));
          },
        },
        {
          id: 'js.zc',
          fn: () => {
            J.last = J.e.gram(bm(J));
          },
          // One call of the twin takes seconds at d = 256: warm it on a few rows.
          warm: () => {
            J.e.gram({ rows: warmRows, cols: d, data: J.warmX });
          },
          minSamples: 3,
          maxSamples: d >= 256 ? 3 : 7,
          budgetMs: d >= 256 ? 1 : 2000,
        },
        {
          id: 'wasm.copy',
          fn: () => {
            lastCopy = W.e.gram({ rows: n, cols: d, data: host });
          },
        },
        {
          id: 'wasm.kernel',
          fn: () => {
            // Accumulates (+=) into xtx: fine for timing, values stay finite.
            W.e.kernels.gramF64(W.X.ptr, n, d, 0, 0, 0, W.xtx.ptr, 0, W.scratch.ptr);
          },
        },
      ];
      const t = ctx.measure(`gram n=${sizeLabel(n)} d=${d}`, cases);
      const tw = t.get('wasm.zc')!;
      const tj = t.get('js.zc')!;
      const tc = t.get('wasm.copy')!;
      const tk = t.get('wasm.kernel')!;
      const gf = (x: Timing) => flops / x.medianMs / 1e6;
      const gfFull = (x: Timing) => gramFlopsFull(n, d) / x.medianMs / 1e6;
      const xJs = tj.medianMs / tw.medianMs;
      if (W.last && J.last) {
        const e1 = relDiff(W.last.xtx, J.last.xtx);
        ctx.report.check(FAMILY, `d=${d} zero-copy xtx`, e1 <= 1e-12, `max|wasm - js| / max|js| = ${e1.toExponential(2)} (tolerance 1e-12)`);
      }
      if (lastCopy && J.last) {
        const e2 = relDiff(lastCopy.xtx, J.last.xtx);
        ctx.report.check(FAMILY, `d=${d} copying xtx`, e2 <= 1e-12, `max|wasm - js| / max|js| = ${e2.toExponential(2)} (tolerance 1e-12)`);
      }
      for (const [id, x, backend] of [
        ['wasm.zc', tw, 'wasm-simd'],
        ['js.zc', tj, 'js'],
        ['wasm.copy', tc, 'wasm-simd'],
        ['wasm.kernel', tk, 'wasm-simd'],
      ] as const) {
        ctx.report.record({
          family: FAMILY,
          case: id,
          backend,
          params: { n, d },
          timing: x,
          derived: { gflops: gf(x), gflopsFull: gfFull(x), ...(id === 'wasm.zc' ? { xJs } : {}) },
        });
      }
      rows.push([
        String(d),
        fmtMs(tw.medianMs),
        fmtNum(gf(tw)),
        fmtNum(gfFull(tw)),
        fmtMs(tj.medianMs),
        fmtNum(gf(tj)),
        fmtRatio(xJs),
        fmtMs(tc.medianMs),
        fmtNum(gf(tc)),
        fmtMs(tk.medianMs),
        fmtNum(gf(tk)),
        `${fmtPct(tw.spreadPct)} / ${fmtPct(tj.spreadPct)} / ${fmtPct(tc.spreadPct)}`,
        `${tw.samples}x${tw.reps} / ${tj.samples}x${tj.reps} / ${tc.samples}x${tc.reps}`,
      ]);
      for (const x of [tw, tj, tc, tk]) if (x.error) rows.push([`d=${d} ${x.id}`, `error: ${x.error}`]);
      ctx.report.ratio(
        `gram n=${sizeLabel(n)} d=${d}: wasm ${fmtNum(gf(tw))} GFLOP/s (${fmtMs(tw.medianMs)}), js twin ${fmtNum(gf(tj))} GFLOP/s -> wasm / js ${fmtRatio(xJs)}; copying path ${fmtNum(gf(tc))} GFLOP/s`,
      );
      if (d >= 64) {
        const ok1 = tw.error ? null : gf(tw) >= GRAM_FLOOR_GFLOPS;
        ctx.report.floor({
          family: FAMILY,
          name: `gram n=${sizeLabel(n)} d=${d} zero-copy wasm GFLOP/s`,
          target: `>= ${GRAM_FLOOR_GFLOPS} GFLOP/s (n·d·(d+1) flops)`,
          value: `${fmtNum(gf(tw))} GFLOP/s (${fmtNum(gfFull(tw))} counting 2·n·d²)`,
          ok: ok1,
          ...notes(
            ok1 === false && gfFull(tw) >= GRAM_FLOOR_GFLOPS ? 'met only under the 2·n·d² convention' : undefined,
            busyNote(tw, (ms) => `${fmtNum(flops / ms / 1e6)} GFLOP/s`),
          ),
        });
        ctx.report.floor({
          family: FAMILY,
          name: `gram n=${sizeLabel(n)} d=${d} wasm / js twin (zero-copy)`,
          target: `>= ${GRAM_FLOOR_X_JS}x`,
          value: fmtRatio(xJs),
          ok: tw.error || tj.error ? null : xJs >= GRAM_FLOOR_X_JS,
          ...notes(busyRatioNote(tj, tw)),
        });
      }
      free(W);
      free(J);
    }
    const share = ctx.shareNote();
    ctx.report.table({
      family: FAMILY,
      title: `gram: X^T X, float64, n = ${sizeLabel(n)} rows`,
      notes: [
        'GFLOP/s counts n·d·(d+1) flops (one multiply + one add per upper-triangle entry per row, the SYRK count); the "2nd²" column counts 2·n·d² (GEMM-equivalent, as if the full matrix were computed).',
        'zero-copy: `engine.gram({ rows, cols, data: engine.memory.f64(n*d) })` (in-place finite check + kernel + copy-out of d×d); copying: `engine.gram({ rows, cols, data: Float64Array })` (X streamed into linear memory in 1 MiB chunks); kernel: `engine.kernels.gramF64` alone.',
        'spread: inter-quartile range / median (wasm zero-copy / js / wasm copying); samples: samples × calls per sample.',
        share,
      ].filter(Boolean),
      columns: [
        'd',
        'wasm zero-copy',
        'GFLOP/s',
        'GFLOP/s (2nd²)',
        'js twin zero-copy',
        'GFLOP/s',
        'wasm / js',
        'wasm copying',
        'GFLOP/s',
        'wasm kernel only',
        'GFLOP/s',
        'spread',
        'samples',
      ],
      rows,
    });
  },
};
