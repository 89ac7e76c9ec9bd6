/**
 * Family `scaling`: how the cost of fitLinear, fitLogistic, quantizeGPTQ and
 * fitQuantized grows with the rows n and the columns d (wasm engine), with
 * the Gram and the SPD solve alone as the two terms a fit is made of.
 *
 *   npm run bench -- scaling    (prints the table; writes bench/scaling.svg, a log-log plot)
 *
 * Each series varies one of n (1e3 .. 1e6, d fixed) or d (8 .. 1024, n
 * fixed), times the median of a few calls per point, and fits the exponent
 * k of t ~ c x^k by least squares on log-log over the upper half of its
 * points (the small sizes measure fixed overheads, not growth). Expected:
 * linear in n; for d, 2 for the Gram (n d^2), 3 for the solve (d^3), and
 * between 2 and 3 for the fits (n d^2 Gram + d^3 solve: which term wins
 * depends on n / d). An exponent more than 0.3 outside its expected range is
 * flagged ("OFF"). A point whose time, extrapolated from the previous one at
 * the expected exponent, would exceed ~10 s is skipped, and the table says
 * so. --quick: fewer and smaller points.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fitLinear } from '../src/fit/linear.js';
import { fitLogistic } from '../src/fit/logistic.js';
import { quantizeGPTQ } from '../src/compress/gptq.js';
import { fitQuantized } from '../src/compress/fit-quantized.js';
import { gram } from '../src/ops/gram.js';
import { solveSPD } from '../src/ops/solve.js';
import { lineChart, stackSvgs } from '../src/cli/svg.js';
import type { Engine } from '../src/index.js';
import type { Matrix } from '../src/types.js';
import type { BenchContext, Family } from './context.js';
import { fmtMs, rng } from './harness.js';

const FAMILY = 'scaling';
const SVG = fileURLToPath(new URL('./scaling.svg', import.meta.url));
/** Skip a point predicted above this (ms). */
const SKIP_MS = 10_000;
/** Per point: repeat until this much time is spent (at least 3 calls, at most 9; 1 call when one takes > 3 s). */
const POINT_BUDGET_MS = 600;

interface Series {
  name: string;
  axis: 'n' | 'd';
  /** The fixed other dimension. */
  fixed: number;
  xs: number[];
  /** Expected exponent range [lo, hi]. */
  expect: [number, number];
  /** Builds the inputs for x (untimed) and returns the timed call. */
  prepare: (e: Engine, x: number) => () => void;
  note?: string;
}

function design(n: number, d: number, seed: number): { X: Matrix; y: Float64Array; y01: Float64Array } {
  const r = rng(seed);
  const data = new Float64Array(n * d);
  for (let t = 0; t < data.length; t++) data[t] = r() * 2 - 1;
  const y = new Float64Array(n);
  const y01 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0.2;
    for (let j = 0; j < Math.min(d, 8); j++) eta += (j % 2 ? -0.6 : 0.8) * data[i * d + j];
    y[i] = eta + 0.5 * (r() - 0.5);
    y01[i] = r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X: { rows: n, cols: d, data }, y, y01 };
}

/** A well-conditioned SPD d x d matrix (a Gram of 2d random rows plus the identity). */
function spd(d: number, seed: number): Float64Array {
  const r = rng(seed);
  const A = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let k = 0; k < 2 * d; k++) {
    for (let j = 0; j < d; j++) row[j] = r() * 2 - 1;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] += row[i] * row[j];
  }
  for (let i = 0; i < d; i++) A[i * d + i] += d;
  return A;
}

function series(quick: boolean): Series[] {
  const N = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
  const D = quick ? [8, 16, 32, 64, 128] : [8, 16, 32, 64, 128, 256, 512, 1024];
  const nd = 2048; // rows for the d series (>= d + 1 everywhere)
  const budget = { nodes: 2e4, ms: 60_000 }; // fitQuantized: a node budget, so the work does not depend on the clock
  return [
    { name: 'fitLinear', axis: 'n', fixed: 16, xs: N, expect: [1, 1], prepare: (e, n) => { const p = design(n, 16, 1); return () => void fitLinear(e, p.X, p.y); } },
    { name: 'fitLogistic', axis: 'n', fixed: 16, xs: N, expect: [1, 1], prepare: (e, n) => { const p = design(n, 16, 2); return () => void fitLogistic(e, p.X, p.y01); } },
    { name: 'quantizeGPTQ (W rows)', axis: 'n', fixed: 64, xs: N.map((n) => n / 10), expect: [1, 1], note: 'n = rows of W (n / 10 of the grid), H 64 x 64', prepare: (e, n) => { const W = design(n, 64, 3).X; const H = spd(64, 3); return () => void quantizeGPTQ(e, W, H, { bits: 4 }); } },
    { name: 'fitQuantized', axis: 'n', fixed: 16, xs: N, expect: [1, 1], prepare: (e, n) => { const p = design(n, 16, 4); return () => void fitQuantized(e, p.X, p.y, { bits: 4, budget }); } },
    { name: 'gram (X^T X)', axis: 'd', fixed: nd, xs: D, expect: [2, 2], prepare: (e, d) => { const p = design(nd, d, 5); return () => void gram(e, p.X); } },
    { name: 'solveSPD', axis: 'd', fixed: 0, xs: D, expect: [3, 3], prepare: (e, d) => { const A = spd(d, 6); const b = new Float64Array(d).fill(1); return () => void solveSPD(e, A, b); } },
    { name: 'fitLinear', axis: 'd', fixed: nd, xs: D, expect: [2, 3], prepare: (e, d) => { const p = design(nd, d, 7); return () => void fitLinear(e, p.X, p.y); } },
    { name: 'fitLinear, ridge 1', axis: 'd', fixed: nd, xs: D, expect: [2, 3], prepare: (e, d) => { const p = design(nd, d, 7); return () => void fitLinear(e, p.X, p.y, { ridge: 1 }); } },
    { name: 'fitLogistic', axis: 'd', fixed: nd, xs: D, expect: [2, 3], prepare: (e, d) => { const p = design(nd, d, 8); return () => void fitLogistic(e, p.X, p.y01, { ridge: 1e-3 }); } },
    { name: 'quantizeGPTQ (1 row)', axis: 'd', fixed: 1, xs: D, expect: [2, 3], note: 'W 1 x d, H d x d', prepare: (e, d) => { const W = design(1, d, 9).X; const H = spd(d, 9); return () => void quantizeGPTQ(e, W, H, { bits: 4 }); } },
    { name: 'fitQuantized', axis: 'd', fixed: nd, xs: D, expect: [2, 3], note: 'budget 2e4 nodes', prepare: (e, d) => { const p = design(nd, d, 10); return () => void fitQuantized(e, p.X, p.y, { bits: 4, budget }); } },
  ];
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median ms of one call: one warm call, then repeats within the point budget. */
function timePoint(fn: () => void): number {
  let t = performance.now();
  fn();
  const first = performance.now() - t;
  if (first > 3000) return first;
  const ms: number[] = [];
  const start = performance.now();
  while (ms.length < 3 || (ms.length < 9 && performance.now() - start < POINT_BUDGET_MS)) {
    t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** Least-squares slope of log t on log x, and its intercept (log10). */
export function fitExponent(xs: number[], ts: number[]): { k: number; c: number } {
  const lx = xs.map(Math.log10);
  const lt = ts.map(Math.log10);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const mt = lt.reduce((a, b) => a + b, 0) / lt.length;
  let sxx = 0;
  let sxt = 0;
  for (let i = 0; i < lx.length; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxt += (lx[i] - mx) * (lt[i] - mt);
  }
  const k = sxt / sxx;
  return { k, c: mt - k * mx };
}

const fmtX = (x: number) => (x >= 1e3 && Math.log10(x) % 1 === 0 ? `1e${Math.log10(x)}` : String(x));

export const scalingFamily: Family = {
  name: FAMILY,
  tags: ['exponents'],
  description: 'cost growth of fitLinear, fitLogistic, quantizeGPTQ, fitQuantized in n and d: fitted exponents and a log-log plot (bench/scaling.svg)',
  run(ctx: BenchContext): void {
    const e = ctx.wasm;
    const rows: string[][] = [];
    const byAxis: Record<'n' | 'd', { name: string; points: { x: number; y: number; label: string }[] }[]> = { n: [], d: [] };
    for (const s of series(ctx.quick)) {
      const t0 = performance.now();
      const pts: { x: number; ms: number }[] = [];
      const skipped: string[] = [];
      for (const x of s.xs) {
        const prev = pts[pts.length - 1];
        if (prev) {
          const predicted = prev.ms * (x / prev.x) ** s.expect[1];
          if (predicted > SKIP_MS) {
            skipped.push(`${s.axis} = ${fmtX(x)} (predicted ${(predicted / 1000).toFixed(0)} s)`);
            continue;
          }
        }
        const fn = s.prepare(e, x);
        pts.push({ x, ms: timePoint(fn) });
      }
      const upper = pts.slice(Math.floor(pts.length / 2));
      const { k } = upper.length >= 2 ? fitExponent(upper.map((p) => p.x), upper.map((p) => p.ms)) : { k: NaN };
      const [lo, hi] = s.expect;
      const off = !(k >= lo - 0.3 && k <= hi + 0.3);
      const fixed = s.axis === 'n' ? `d = ${s.fixed}` : s.fixed > 1 ? `n = ${s.fixed}` : s.fixed === 1 ? 'W 1 x d' : 'd x d';
      ctx.log(`  ${s.name} over ${s.axis} (${fixed}): k = ${k.toFixed(2)} (expected ${lo === hi ? lo : `${lo}-${hi}`}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      rows.push([
        s.name,
        s.axis,
        s.note ?? fixed,
        pts.map((p) => `${fmtX(p.x)}: ${fmtMs(p.ms)}`).join(', ') + (skipped.length ? `; skipped ${skipped.join(', ')}` : ''),
        Number.isFinite(k) ? k.toFixed(2) : '—',
        lo === hi ? String(lo) : `${lo}-${hi}`,
        off ? `OFF (${k.toFixed(2)} vs ${lo === hi ? lo : `${lo}-${hi}`})` : 'ok',
      ]);
      ctx.report.ratio(`scaling ${s.name} over ${s.axis} (${fixed}): exponent ${k.toFixed(2)}, expected ${lo === hi ? lo : `${lo}-${hi}`}${off ? ' -- OFF' : ''}`);
      byAxis[s.axis].push({ name: `${s.name} (${fixed})`, points: pts.map((p) => ({ x: p.x, y: p.ms, label: `${s.name} ${s.axis}=${p.x}: ${fmtMs(p.ms)}` })) });
    }
    ctx.report.table({
      family: FAMILY,
      title: 'cost growth: fitted exponents (wasm engine)',
      notes: [
        't ~ c x^k fitted by least squares on log-log over the upper half of each series (small sizes measure fixed overheads). Times are medians of 3-9 calls (one call above 3 s) after one warm call; a point predicted above 10 s is skipped. "OFF": the exponent is more than 0.3 outside the expected range.',
        'Expected: linear in n; for d, 2 for the Gram (n d^2), 3 for the solve (d^3), 2-3 for whole fits (their Gram and solve terms; n = 2048 fixed). fitQuantized runs with a 2e4-node enumeration budget so its work does not depend on the clock.',
        ctx.shareNote(),
      ].filter(Boolean),
      columns: ['operation', 'over', 'fixed', 'points (median time)', 'exponent', 'expected', 'flag'],
      rows,
    });
    const chart = (axis: 'n' | 'd', title: string, xLabel: string) =>
      lineChart({ title, subtitle: 'median wall time per call, wasm engine; lines through the measured points', xLabel, yLabel: 'milliseconds', series: byAxis[axis], xLog: true, yLog: true, better: 'lower', width: 900, height: 480 });
    writeFileSync(SVG, stackSvgs([chart('n', 'slimfit: cost over rows n', 'n (rows)'), chart('d', 'slimfit: cost over columns d', 'd (columns)')]));
    ctx.log(`  wrote ${SVG}`);
  },
};
