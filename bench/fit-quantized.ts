/**
 * Family `qat`: training on the integer grid (fitQuantized) against GPTQ and
 * round-to-nearest, and how often the optimum is proved.
 *
 *   npx tsx bench/run.ts qat            (after npm run build:wasm; prints the tables)
 *
 * 1. Correlated credit-like features: 64 AR(1) features, rho 0.9
 *    (test/helpers/hessian-ratios.ts's ar1), w ~ N(0, 1), y = 0.5 + X w + N(0, 1);
 *    2000 training rows, 5000 held-out rows, seeds 1-5. RTN and GPTQ compress the
 *    float least-squares fit (compressModel with the training rows: the intercept
 *    correction, and H for GPTQ); fitQuantized trains on the same rows. Held-out MSE,
 *    medians over seeds, and the ratio of the excess over the float model's MSE.
 * 2. The built-in scorecard (the demo's data: creditDataset, 8 quantile bins per
 *    feature): the default model (logistic, held-out AUC) and the loss model (least
 *    squares, held-out MSE), trained on 80% of the rows, per-tensor scale.
 * 3. Proved-optimal fraction of fitQuantized (least squares, default budget) at
 *    d = 16, 32, 48, 64, 128 and 2/3/4 bits over seeds 1-5 (the setup of 1 with
 *    max(2000, 20 d) training rows), with the median time per model.
 * --quick: 2 seeds, d up to 64, a 20000-row scorecard.
 */
import { compressModel } from '../src/compress/model.js';
import { fitQuantized } from '../src/compress/fit-quantized.js';
import { auc } from '../src/compress/auc.js';
import type { CompressedLinearModel } from '../src/compress/compressed-model.js';
import { creditDataset } from '../src/data/credit.js';
import { applyBinning, fitBinning } from '../src/data/bins.js';
import { fitLinear } from '../src/fit/linear.js';
import { fitLogistic } from '../src/fit/logistic.js';
import type { Engine } from '../src/index.js';
import type { Matrix } from '../src/types.js';
import { ar1, randn } from '../test/helpers/hessian-ratios.js';
import type { BenchContext, Family } from './context.js';

const FAMILY = 'qat';
const BITS = [2, 3, 4];

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mse = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
};

/** AR(1) rows and y = 0.5 + X w + N(0, 1). */
function problem(n: number, d: number, w: Float64Array, seed: number): { X: Matrix; y: Float64Array } {
  const X = ar1(n, d, 0.9, seed);
  const e = randn(n, seed + 7);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0.5;
    for (let j = 0; j < d; j++) t += X[i * d + j] * w[j];
    y[i] = t + e[i];
  }
  return { X: { rows: n, cols: d, data: X }, y };
}

interface Trio {
  rtn: CompressedLinearModel;
  gptq: CompressedLinearModel;
  qat: ReturnType<typeof fitQuantized>;
}

function trio(engine: Engine, X: Matrix, y: Float64Array, bits: number, logistic: boolean): Trio {
  const float = logistic ? fitLogistic(engine, X, y) : fitLinear(engine, X, y);
  const quantize = { bits, granularity: 'tensor' as const };
  return {
    rtn: compressModel(engine, float, { method: 'rtn', quantize, X }),
    gptq: compressModel(engine, float, { method: 'gptq', quantize, X }),
    qat: fitQuantized(engine, X, y, { bits, granularity: 'tensor', task: logistic ? 'logistic' : 'linear' }),
  };
}

function correlated(ctx: BenchContext, seeds: number[]): void {
  const d = 64;
  const nTrain = 2000;
  const nTest = 5000;
  const rows: string[][] = [];
  for (const bits of BITS) {
    const r = { float: [] as number[], rtn: [] as number[], gptq: [] as number[], qat: [] as number[], proved: 0, ms: [] as number[] };
    for (const seed of seeds) {
      const w = randn(d, 10 * seed + 3);
      const tr = problem(nTrain, d, w, 10 * seed + 1);
      const te = problem(nTest, d, w, 10 * seed + 2);
      const t = trio(ctx.wasm, tr.X, tr.y, bits, false);
      r.float.push(mse(fitLinear(ctx.wasm, tr.X, tr.y).predict(te.X), te.y));
      r.rtn.push(mse(t.rtn.predict(te.X), te.y));
      r.gptq.push(mse(t.gptq.predict(te.X), te.y));
      r.qat.push(mse(t.qat.model.predict(te.X), te.y));
      if (t.qat.report.optimal) r.proved++;
      r.ms.push(t.qat.report.ms);
    }
    const f = median(r.float);
    const excess = (v: number[]) => median(v.map((x, i) => x - r.float[i]));
    rows.push([
      String(bits),
      f.toFixed(4),
      median(r.rtn).toFixed(4),
      median(r.gptq).toFixed(4),
      median(r.qat).toFixed(4),
      `${(excess(r.rtn) / excess(r.qat)).toFixed(1)}x`,
      `${(excess(r.gptq) / excess(r.qat)).toFixed(1)}x`,
      `${r.proved}/${seeds.length}`,
      `${median(r.ms).toFixed(0)} ms`,
    ]);
    ctx.report.ratio(`qat AR(1) d=64 ${bits}-bit: held-out MSE rtn ${median(r.rtn).toFixed(4)}, gptq ${median(r.gptq).toFixed(4)}, fitQuantized ${median(r.qat).toFixed(4)} (float ${f.toFixed(4)}), proved ${r.proved}/${seeds.length}`);
  }
  ctx.report.table({
    family: FAMILY,
    title: `fitQuantized vs GPTQ vs round-to-nearest: 64 AR(1) features (rho 0.9), ${nTrain} training / ${nTest} held-out rows, per-tensor scale`,
    notes: [`Held-out MSE (noise variance 1), medians over seeds ${seeds.join(', ')}; "excess" = MSE - float MSE, the ratio is rtn's (gptq's) excess over fitQuantized's. Default budget (1e7 nodes / 1 s).`],
    columns: ['bits', 'float', 'rtn', 'gptq', 'fitQuantized', 'excess rtn / qat', 'excess gptq / qat', 'proved', 'time per model'],
    rows,
  });
}

function scorecard(ctx: BenchContext, n: number): void {
  const data = creditDataset(n, 2024);
  const nTrain = Math.floor(n * 0.8);
  const slice = (X: Matrix, a: number, b: number): Matrix => ({ rows: b - a, cols: X.cols, data: X.data.subarray(a * X.cols, b * X.cols) });
  const binning = fitBinning(slice(data.X, 0, nTrain), data.features, 8);
  const X = applyBinning(data.X, binning);
  const Xtr = slice(X, 0, nTrain);
  const Xte = slice(X, nTrain, n);
  const rows: string[][] = [];
  for (const [target, logistic] of [
    ['default (AUC, higher is better)', true],
    ['loss (MSE, lower is better)', false],
  ] as const) {
    const yAll = logistic ? data.defaulted : data.loss;
    const ytr = yAll.subarray(0, nTrain);
    const yte = yAll.subarray(nTrain);
    const score = (c: CompressedLinearModel) => (logistic ? auc(c.decisionFunction(Xte), yte) : mse(c.predict(Xte), yte));
    for (const bits of BITS) {
      const t = trio(ctx.wasm, Xtr, ytr, bits, logistic);
      const q = t.qat.report;
      rows.push([target, String(bits), score(t.rtn).toFixed(4), score(t.gptq).toFixed(4), score(t.qat.model).toFixed(4), logistic ? '-' : q.optimal ? 'yes' : 'no', `${q.ms.toFixed(0)} ms`]);
    }
  }
  ctx.report.table({
    family: FAMILY,
    title: `fitQuantized on the built-in scorecard: ${n} applicants (seed 2024), ${X.cols} bin columns, ${nTrain} training / ${n - nTrain} held-out rows, per-tensor scale`,
    notes: ['RTN and GPTQ compress the float model fitted on the training rows (calibrated on them); fitQuantized trains on the same rows. "proved": least squares only (a logistic fit claims no proof).'],
    columns: ['model', 'bits', 'rtn', 'gptq', 'fitQuantized', 'proved', 'fitQuantized time'],
    rows,
  });
}

function provedFraction(ctx: BenchContext, dims: number[], seeds: number[]): void {
  const rows: string[][] = [];
  for (const d of dims) {
    const cells: string[] = [String(d)];
    const times: number[] = [];
    for (const bits of BITS) {
      let proved = 0;
      for (const seed of seeds) {
        const w = randn(d, 10 * seed + 3);
        const tr = problem(Math.max(2000, 20 * d), d, w, 10 * seed + 1);
        const r = fitQuantized(ctx.wasm, tr.X, tr.y, { bits, granularity: 'tensor' }).report;
        if (r.optimal) proved++;
        times.push(r.ms);
      }
      cells.push(`${proved}/${seeds.length}`);
      ctx.log(`  qat proved d=${d} ${bits}-bit: ${proved}/${seeds.length}`);
    }
    cells.push(`${median(times).toFixed(0)} ms`, `${Math.max(...times).toFixed(0)} ms`);
    rows.push(cells);
  }
  ctx.report.table({
    family: FAMILY,
    title: 'fitQuantized: optimum proved within the default budget (1e7 nodes / 1 s), AR(1) rho 0.9 features, least squares',
    notes: [`Seeds ${seeds.join(', ')}; max(2000, 20 d) training rows; time per model = the whole fitQuantized call (float fit, GPTQ and RTN baselines, scale search, enumeration), one core.`],
    columns: ['d', '2-bit', '3-bit', '4-bit', 'median time', 'max time'],
    rows,
  });
}

async function run(ctx: BenchContext): Promise<void> {
  const seeds = ctx.quick ? [1, 2] : [1, 2, 3, 4, 5];
  correlated(ctx, seeds);
  scorecard(ctx, ctx.quick ? 20000 : 200000);
  provedFraction(ctx, ctx.quick ? [16, 32, 48, 64] : [16, 32, 48, 64, 128], seeds);
}

export const fitQuantizedFamily: Family = {
  name: FAMILY,
  tags: ['fit-quantized'],
  description: 'fitQuantized vs GPTQ vs RTN (held-out error at 2/3/4 bits) and the proved-optimal fraction by dimension',
  run,
};
