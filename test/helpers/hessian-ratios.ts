/**
 * The "Why Hessian-aware" procedure, shared by the README table's generator
 * (bench/hessian-ratios.ts) and test/compress-hessian.test.ts, so the test
 * checks the numbers the README prints, at a smaller size.
 *
 * Per seed s: calibration X = ar1(nCal, d, 0.9, 10 s + 1) gives H = X^T X
 * (no intercept), held-out X = ar1(nTest, d, 0.9, 10 s + 2), weights w
 * ~ N(0, 1) (seed 10 s + 3). Output MSE = mean over held-out rows of
 * (x . (w - w'))^2. Ratio = naive MSE / Hessian-aware MSE (> 1: the
 * Hessian-aware method is better). Wasm engine; the JS twin gives the same numbers.
 */
import { init } from '../../src/engine/init.js';
import { quantizeGPTQ } from '../../src/compress/gptq.js';
import { pruneSparseGPT } from '../../src/compress/sparsegpt.js';
import { pruneBySpec } from '../../src/compress/prune-spec.js';
import { quantizeWith } from '../../src/compress/quantize-with.js';
import { gram } from '../../src/ops/gram.js';
import { dequantize } from '../../src/ops/quantize.js';
import { rng, normal } from '../../src/random.js';

/** n rows of d AR(1) features: x_j = rho x_{j-1} + sqrt(1 - rho^2) e_j (unit variance, corr rho^|i-j|). */
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
      for (let j = 0; j < d; j++) o += X[i * d + j] * (a[j] - b[j]);
      s += o * o;
    }
    return s / nTest;
  };
  const r: Record<RatioKey, number[]> = { gptq4: [], gptq3: [], gptq2: [], obs50: [], obs24: [], sgpt50: [] };
  for (const seed of opts.seeds) {
    const H = gram(e, { rows: nCal, cols: d, data: ar1(nCal, d, 0.9, seed * 10 + 1) }).xtx;
    const Xt = ar1(nTest, d, 0.9, seed * 10 + 2);
    const w = randn(d, seed * 10 + 3);
    const W = { rows: 1, cols: d, data: w };
    for (const bits of [4, 3, 2] as const) {
      const rtn = outMSE(Xt, w, dequantize(e, quantizeWith(e, w, { bits }).tensor));
      const g = outMSE(Xt, w, dequantize(e, quantizeGPTQ(e, W, H, { bits }).tensor));
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
