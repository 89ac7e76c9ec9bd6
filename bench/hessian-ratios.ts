/**
 * Regenerates the README's "Why Hessian-aware" table (Compression section):
 * output-MSE ratios of the naive methods over the Hessian-aware ones, on
 * held-out data, for 64 AR(1) features with correlation 0.9.
 *
 *   npx tsx bench/hessian-ratios.ts                       the README setup: seeds 1-5, 2000 calibration rows, 5000 held-out
 *   npx tsx bench/hessian-ratios.ts --cal 1000 --test 2000  test/compress-hessian.test.ts's (smaller) setup
 *
 * Per seed s: calibration X = ar1(nCal, 64, 0.9, 10 s + 1) gives H = X^T X
 * (no intercept), held-out X = ar1(nTest, 64, 0.9, 10 s + 2), weights w
 * ~ N(0, 1) (seed 10 s + 3). Output MSE = mean over held-out rows of
 * (x . (w - w'))^2. Ratio = naive MSE / Hessian-aware MSE (> 1: the
 * Hessian-aware method is better). Prints the Markdown rows: geometric mean
 * over seeds and min-max. Wasm engine; the JS twin gives the same numbers.
 */
import { init } from '../src/index.js';
import { quantizeGPTQ } from '../src/compress/gptq.js';
import { pruneSparseGPT } from '../src/compress/sparsegpt.js';
import { pruneBySpec } from '../src/compress/prune-spec.js';
import { quantizeWith } from '../src/compress/quantize-with.js';
import { rng, normal } from '../src/random.js';

/** n rows of d AR(1) features: x_j = rho x_{j-1} + sqrt(1 - rho^2) e_j (unit variance, corr rho^|i-j|). Same as the test's. */
export function ar1(n: number, d: number, rho: number, seed: number): Float64Array {
  const z = normal(rng(seed));
  const X = new Float64Array(n * d);
  const c = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n; i++) {
    let prev = z();
    X[i * d] = prev;
    for (let j = 1; j < d; j++) {
      prev = rho * prev + c * z();
      X[i * d + j] = prev;
    }
  }
  return X;
}

export function randn(n: number, seed: number): Float64Array {
  const z = normal(rng(seed));
  return Float64Array.from({ length: n }, () => z());
}

export const ROWS = [
  { key: 'gptq4', label: 'GPTQ vs round-to-nearest, 4 bits' },
  { key: 'gptq3', label: 'GPTQ vs round-to-nearest, 3 bits' },
  { key: 'gptq2', label: 'GPTQ vs round-to-nearest, 2 bits' },
  { key: 'obs50', label: 'exact greedy OBS vs magnitude pruning, 50%' },
  { key: 'obs24', label: 'exact greedy OBS vs magnitude pruning, 2:4' },
  { key: 'sgpt50', label: 'SparseGPT (forced, 128-column blocks) vs magnitude, 50%' },
] as const;
export type RatioKey = (typeof ROWS)[number]['key'];

export const gm = (v: number[]): number => Math.exp(v.reduce((a, b) => a + Math.log(b), 0) / v.length);

export async function hessianRatios(opts: { nCal: number; nTest: number; seeds: number[]; d?: number }): Promise<Record<RatioKey, number[]>> {
  const e = await init({ backend: 'wasm' });
  const d = opts.d ?? 64;
  const { nCal, nTest } = opts;
  const outMSE = (X: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < nTest; i++) {
      let o = 0;
      for (let j = 0; j < d; j++) o += X[i * d + j]! * (a[j]! - b[j]!);
      s += o * o;
    }
    return s / nTest;
  };
  const r: Record<RatioKey, number[]> = { gptq4: [], gptq3: [], gptq2: [], obs50: [], obs24: [], sgpt50: [] };
  for (const seed of opts.seeds) {
    const H = e.gram({ rows: nCal, cols: d, data: ar1(nCal, d, 0.9, seed * 10 + 1) }).xtx;
    const Xt = ar1(nTest, d, 0.9, seed * 10 + 2);
    const w = randn(d, seed * 10 + 3);
    const W = { rows: 1, cols: d, data: w };
    for (const bits of [4, 3, 2] as const) {
      const rtn = outMSE(Xt, w, e.dequantize(quantizeWith(e, w, { bits }).tensor));
      const g = outMSE(Xt, w, e.dequantize(quantizeGPTQ(e, W, H, { bits }).tensor));
      r[`gptq${bits}`].push(rtn / g);
    }
    const mag = outMSE(Xt, w, pruneBySpec(e, w, { sparsity: 0.5 }).toDense());
    r.obs50.push(mag / outMSE(Xt, w, pruneSparseGPT(e, W, H, { sparsity: 0.5 }).tensor.toDense()));
    r.sgpt50.push(mag / outMSE(Xt, w, pruneSparseGPT(e, W, H, { sparsity: 0.5, method: 'sparsegpt' }).tensor.toDense()));
    const mag24 = outMSE(Xt, w, pruneBySpec(e, w, { nm: [2, 4] }).toDense());
    r.obs24.push(mag24 / outMSE(Xt, w, pruneSparseGPT(e, W, H, { nm: [2, 4] }).tensor.toDense()));
  }
  return r;
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer`);
  return v;
}

async function main(): Promise<void> {
  const nCal = arg('--cal', 2000);
  const nTest = arg('--test', 5000);
  const seeds = [1, 2, 3, 4, 5];
  const r = await hessianRatios({ nCal, nTest, seeds });
  console.log(`<!-- npx tsx bench/hessian-ratios.ts${nCal !== 2000 || nTest !== 5000 ? ` --cal ${nCal} --test ${nTest}` : ''}: 64 AR(1) features, rho 0.9, seeds ${seeds.join(',')}, ${nCal} calibration rows, ${nTest} held-out -->`);
  console.log('| comparison | output-MSE ratio (geometric mean) | range over seeds |');
  console.log('| --- | --- | --- |');
  for (const { key, label } of ROWS) {
    const v = r[key];
    console.log(`| ${label} | ${gm(v).toFixed(1)}x lower | ${Math.min(...v).toFixed(1)}-${Math.max(...v).toFixed(1)} |`);
  }
  if (process.argv.includes('--raw')) console.log(JSON.stringify(Object.fromEntries(ROWS.map(({ key }) => [key, r[key].map((x) => +x.toFixed(3))]))));
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('hessian-ratios.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
