/**
 * solveSPD: (A + ridge I) x = b by Cholesky for a d x d SPD A, wasm-simd vs
 * the JS twin.
 *
 * Paths:
 *  - api: `engine.solveSPD(A: Float64Array, b)` end to end (copy A and b in,
 *    finite check, symmetry check, factor, solve, copy x out). The floor
 *    (d = 1024 under 50 ms) is on this path, wasm backend.
 *  - kernel: `choleskyF64` + `cholSolveF64` on linear memory; each call first
 *    restores A from a pristine copy in linear memory (a d² float64
 *    TypedArray.set, included in the time).
 *
 * GFLOP/s counts d³/3 (Cholesky) + 2d² (two triangular solves).
 */
import type { Engine, F64Buffer } from '../src/index.js';
import type { BenchContext, Family } from './context.js';
import { busyNote, fillUniform, fmtMs, fmtNum, fmtPct, fmtRatio, notes, type Case } from './harness.js';

const FAMILY = 'solve';
export const SOLVE_FLOOR_MS = 50;
export const SOLVE_FLOOR_D = 1024;

const cholFlops = (d: number): number => (d * d * d) / 3 + 2 * d * d;

/** A well-conditioned SPD matrix: B^T B / d + I for a uniform d x d B, via the wasm gram kernel. */
export function spdMatrix(e: Engine, d: number, seed: number): Float64Array {
  const B = new Float64Array(2 * d * d);
  fillUniform(B, seed);
  const { xtx } = e.gram({ rows: 2 * d, cols: d, data: B });
  for (let i = 0; i < d * d; i++) xtx[i] /= d;
  for (let i = 0; i < d; i++) xtx[i * d + i] += 1;
  return xtx;
}

interface Side {
  e: Engine;
  a0: F64Buffer;
  a: F64Buffer;
  b0: F64Buffer;
  b: F64Buffer;
  last?: Float64Array;
  pivot?: number;
}

function side(e: Engine, A: Float64Array, rhs: Float64Array, d: number): Side {
  const a0 = e.memory.f64(d * d);
  const a = e.memory.f64(d * d);
  const b0 = e.memory.f64(d);
  const b = e.memory.f64(d);
  a0.view.set(A);
  b0.view.set(rhs);
  return { e, a0, a, b0, b };
}

function kernelSolve(s: Side, d: number): void {
  const buf = s.e.arena.memory.buffer;
  new Float64Array(buf, s.a.ptr, d * d).set(new Float64Array(buf, s.a0.ptr, d * d));
  new Float64Array(buf, s.b.ptr, d).set(new Float64Array(buf, s.b0.ptr, d));
  s.pivot = s.e.kernels.choleskyF64(s.a.ptr, d, 0);
  s.e.kernels.cholSolveF64(s.a.ptr, d, s.b.ptr, 1);
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den > 0 ? num / den : num;
}

export const solveFamily: Family = {
  name: FAMILY,
  tags: ['kernels', 'cholesky'],
  description: 'Cholesky solve, d = 64, 256, 1024',
  run(ctx: BenchContext): void {
    const ds = ctx.quick ? [64, 256] : [64, 256, 1024];
    const rows: string[][] = [];
    for (const d of ds) {
      const A = spdMatrix(ctx.wasm, d, 2000 + d);
      const rhs = new Float64Array(d);
      fillUniform(rhs, 3000 + d);
      const W = side(ctx.wasm, A, rhs, d);
      const J = side(ctx.js, A, rhs, d);
      let lastW: Float64Array | undefined;
      let lastJ: Float64Array | undefined;
      const slow = d >= 1024;
      const cases: Case[] = [
        {
          id: 'wasm.api',
          fn: () => {
            lastW = W.e.solveSPD(A, rhs);
          },
        },
        {
          id: 'js.api',
          fn: () => {
            lastJ = J.e.solveSPD(A, rhs);
          },
          ...(slow ? { minSamples: 3, maxSamples: 5, budgetMs: 1500 } : {}),
        },
        { id: 'wasm.kernel', fn: () => kernelSolve(W, d) },
        { id: 'js.kernel', fn: () => kernelSolve(J, d), ...(slow ? { minSamples: 3, maxSamples: 5, budgetMs: 1500 } : {}) },
      ];
      const t = ctx.measure(`solveSPD d=${d}`, cases);
      const tw = t.get('wasm.api')!;
      const tj = t.get('js.api')!;
      const kw = t.get('wasm.kernel')!;
      const kj = t.get('js.kernel')!;
      if (lastW && lastJ) {
        const e = relDiff(lastW, lastJ);
        ctx.report.check(FAMILY, `d=${d} x`, e <= 1e-10, `max|wasm - js| / max|js| = ${e.toExponential(2)} (tolerance 1e-10)`);
      }
      for (const s of [W, J]) {
        if (s.pivot !== undefined) ctx.report.check(FAMILY, `d=${d} kernel pivot (${s.e.backend})`, s.pivot === -1, `choleskyF64 returned ${s.pivot} (-1 = success)`);
      }
      const gf = (ms: number) => cholFlops(d) / ms / 1e6;
      for (const [id, x, backend] of [
        ['wasm.api', tw, 'wasm-simd'],
        ['js.api', tj, 'js'],
        ['wasm.kernel', kw, 'wasm-simd'],
        ['js.kernel', kj, 'js'],
      ] as const) {
        ctx.report.record({ family: FAMILY, case: id, backend, params: { d }, timing: x, derived: { gflops: gf(x.medianMs) } });
      }
      rows.push([
        String(d),
        fmtMs(tw.medianMs),
        fmtNum(gf(tw.medianMs)),
        fmtMs(tj.medianMs),
        fmtRatio(tj.medianMs / tw.medianMs),
        fmtMs(kw.medianMs),
        fmtNum(gf(kw.medianMs)),
        fmtMs(kj.medianMs),
        fmtRatio(kj.medianMs / kw.medianMs),
        `${fmtPct(tw.spreadPct)} / ${fmtPct(tj.spreadPct)}`,
        `${tw.samples}x${tw.reps} / ${tj.samples}x${tj.reps}`,
      ]);
      for (const x of [tw, tj, kw, kj]) if (x.error) rows.push([`d=${d} ${x.id}`, `error: ${x.error}`]);
      ctx.report.ratio(`solveSPD d=${d}: wasm ${fmtMs(tw.medianMs)}, js twin ${fmtMs(tj.medianMs)} -> wasm / js ${fmtRatio(tj.medianMs / tw.medianMs)} (kernels alone ${fmtRatio(kj.medianMs / kw.medianMs)})`);
      if (d === SOLVE_FLOOR_D) {
        ctx.report.floor({
          family: FAMILY,
          name: `solveSPD d=${d} wasm (public API, median)`,
          target: `< ${SOLVE_FLOOR_MS} ms`,
          value: fmtMs(tw.medianMs),
          ok: tw.error ? null : tw.medianMs < SOLVE_FLOOR_MS,
          ...notes(busyNote(tw, fmtMs)),
        });
      }
      for (const s of [W, J]) for (const b of [s.a0, s.a, s.b0, s.b]) b.free();
    }
    const share = ctx.shareNote();
    ctx.report.table({
      family: FAMILY,
      title: 'solveSPD: Cholesky factor + solve, float64, one right-hand side',
      notes: [
        'api: `engine.solveSPD(A: Float64Array, b)` end to end (copy in, finite + symmetry checks, factor, solve, copy out). kernel: `choleskyF64` + `cholSolveF64`, A restored from a copy in linear memory before each call (included).',
        'GFLOP/s counts d³/3 + 2d². A = BᵀB/d + I (well conditioned).',
        share,
      ].filter(Boolean),
      columns: ['d', 'wasm api', 'GFLOP/s', 'js twin api', 'wasm / js', 'wasm kernel', 'GFLOP/s', 'js kernel', 'wasm / js', 'spread (wasm / js api)', 'samples'],
      rows,
    });
  },
};
