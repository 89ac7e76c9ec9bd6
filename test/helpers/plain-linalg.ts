/**
 * A plain-TS LinAlg (textbook loops, no engine, no linear memory) for fitting
 * tests, and `linalgs()`: every LinAlg the fitting tests run against.
 */
import { SlimfitError } from '../../src/errors.js';
import { linAlg, type LinAlg } from '../../src/ops/linalg.js';
import type { Matrix } from '../../src/types.js';

export function plainLinAlg(): LinAlg {
  const la: LinAlg = {
    backend: 'js',
    columnStats(X: Matrix, w?: Float64Array) {
      const { rows: n, cols: d, data } = X;
      const sum = new Float64Array(d);
      const min = new Float64Array(d).fill(Infinity);
      const max = new Float64Array(d).fill(-Infinity);
      for (let i = 0; i < n; i++) {
        const wi = w ? w[i] : 1;
        if (!(wi > 0)) continue;
        for (let j = 0; j < d; j++) {
          const v = data[i * d + j];
          sum[j] += wi * v;
          if (v < min[j]) min[j] = v;
          if (v > max[j]) max[j] = v;
        }
      }
      return { sum, min, max };
    },
    centredGram(X: Matrix, mu: Float64Array, inv: Float64Array, Y: Float64Array, m: number, w?: Float64Array) {
      const { rows: n, cols: d, data } = X;
      const Z = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z[i * d + j] = (data[i * d + j] - mu[j]) * inv[j];
      const g = la.gram({ rows: n, cols: d, data: Z }, { rows: n, cols: m, data: Y }, w ? { weights: w } : undefined);
      return { xtx: g.xtx, xty: g.xty ?? new Float64Array(0) };
    },
    gram(X: Matrix, y?: Float64Array | Matrix, opts?: { weights?: Float64Array }) {
      const { rows: n, cols: d, data } = X;
      const w = opts?.weights;
      const xtx = new Float64Array(d * d);
      for (let i = 0; i < n; i++) {
        const wi = w ? w[i] : 1;
        for (let a = 0; a < d; a++) {
          const v = wi * data[i * d + a];
          for (let b = 0; b <= a; b++) xtx[a * d + b] += v * data[i * d + b];
        }
      }
      for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) xtx[b * d + a] = xtx[a * d + b];
      if (y === undefined) return { xtx, n };
      const Y = y instanceof Float64Array ? y : y.data;
      const m = y instanceof Float64Array ? 1 : y.cols;
      const xty = new Float64Array(d * m);
      for (let i = 0; i < n; i++) {
        const wi = w ? w[i] : 1;
        for (let a = 0; a < d; a++) {
          const v = wi * data[i * d + a];
          for (let k = 0; k < m; k++) xty[a * m + k] += v * Y[i * m + k];
        }
      }
      return { xtx, xty, n };
    },
    solveSPD(A: Float64Array, b: Float64Array, opts?: { ridge?: number }) {
      const d = Math.round(Math.sqrt(A.length));
      const k = b.length / d;
      const ridge = opts?.ridge ?? 0;
      const L = new Float64Array(d * d);
      for (let j = 0; j < d; j++) {
        for (let i = j; i < d; i++) {
          let s = A[i * d + j] + (i === j ? ridge : 0);
          for (let t = 0; t < j; t++) s -= L[i * d + t] * L[j * d + t];
          if (i === j) {
            if (!(s > 0) || !Number.isFinite(s)) {
              throw new SlimfitError('E_SINGULAR', `matrix is not positive definite (pivot ${j})`, { pivot: j });
            }
            L[j * d + j] = Math.sqrt(s);
          } else L[i * d + j] = s / L[j * d + j];
        }
      }
      const X = Float64Array.from(b);
      for (let c = 0; c < k; c++) {
        for (let i = 0; i < d; i++) {
          let s = X[i * k + c];
          for (let t = 0; t < i; t++) s -= L[i * d + t] * X[t * k + c];
          X[i * k + c] = s / L[i * d + i];
        }
        for (let i = d - 1; i >= 0; i--) {
          let s = X[i * k + c];
          for (let t = i + 1; t < d; t++) s -= L[t * d + i] * X[t * k + c];
          X[i * k + c] = s / L[i * d + i];
        }
      }
      return X;
    },
  };
  return la;
}

export interface NamedLinAlg {
  name: string;
  la: LinAlg;
}

/**
 * The LinAlg implementations fitting tests run against: the plain reference
 * and both engine backends (SIMD WebAssembly and the JS twin).
 */
export async function linalgs(): Promise<NamedLinAlg[]> {
  const { init } = await import('../../src/engine/init.js');
  const out: NamedLinAlg[] = [{ name: 'plain', la: plainLinAlg() }];
  for (const backend of ['wasm', 'js'] as const) out.push({ name: `engine-${backend}`, la: linAlg(await init({ backend })) });
  return out;
}
