/**
 * reducedRank: against an independent computation (normal equations by
 * Gaussian elimination, one-sided Jacobi SVD of the fitted values), rank 1 of
 * one output is least squares, the error curve over r, gcv/bic on data of a
 * known rank, reduced-rank ridge, compression, JSON and .slim round trips,
 * typed errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressReducedRank } from '../src/compress/reduced-rank.js';
import { compressionReport } from '../src/compress/rate-distortion.js';
import { fitLogistic } from '../src/fit/logistic.js';
import { CompressedReducedRankModel } from '../src/compress/compressed-reduced-rank.js';
import type { Engine } from '../src/engine/engine.js';
import { init } from '../src/engine/init.js';
import { fitLinear } from '../src/fit/linear.js';
import { reducedRank } from '../src/fit/reduced-rank.js';
import { ReducedRankModel } from '../src/fit/reduced-rank-model.js';
import { decodeSlim, encodeSlim } from '../src/io/index.js';
import { toONNX } from '../src/export/onnx.js';
import { normal, rng } from '../src/random.js';
import { expectCode } from './helpers/engines.js';
import { linalgs, type NamedLinAlg } from './helpers/plain-linalg.js';

interface Problem {
  n: number;
  d: number;
  q: number;
  X: Float64Array;
  Y: Float64Array;
}

/** Y = 1 + X U W + noise with U W of rank `trueRank`. */
function lowRankProblem(seed: number, n: number, d: number, q: number, trueRank: number, noise: number): Problem {
  const g = normal(rng(seed));
  const U = Float64Array.from({ length: d * trueRank }, () => g());
  const W = Float64Array.from({ length: trueRank * q }, () => g());
  const X = Float64Array.from({ length: n * d }, () => g() + 0.5);
  const Y = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < q; t++) {
      let v = 1 + t;
      for (let k = 0; k < trueRank; k++) {
        let z = 0;
        for (let j = 0; j < d; j++) z += X[i * d + j] * U[j * trueRank + k];
        v += z * W[k * q + t];
      }
      Y[i * q + t] = v + noise * g();
    }
  }
  return { n, d, q, X, Y };
}

const mat = (rows: number, cols: number, data: Float64Array) => ({ rows, cols, data });

/** Dense Gaussian elimination with partial pivoting: solves A Z = B (A p x p, B p x k, row-major). */
function gaussSolve(A: Float64Array, B: Float64Array, p: number, k: number): Float64Array {
  const M = Array.from({ length: p }, (_, i) => [...Array.from(A.subarray(i * p, i * p + p)), ...Array.from(B.subarray(i * k, i * k + k))]);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j < p + k; j++) M[r][j] -= f * M[c][j];
    }
  }
  const Z = new Float64Array(p * k);
  for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) Z[i * k + j] = M[i][p + j] / M[i][i];
  return Z;
}

/** One-sided Jacobi (Hestenes) SVD of A (m x q, m >= q): the right singular vectors (q x q, columns) and singular values, largest first. */
function rightSingular(A: Float64Array, m: number, q: number): { V: number[][]; s: number[] } {
  const U = Array.from({ length: q }, (_, c) => Array.from({ length: m }, (_, i) => A[i * q + c]));
  const V: number[][] = Array.from({ length: q }, (_, c) => Array.from({ length: q }, (_, i) => (i === c ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let a = 0; a < q; a++) {
      for (let b = a + 1; b < q; b++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += U[a][i] ** 2;
          beta += U[b][i] ** 2;
          gamma += U[a][i] * U[b][i];
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = U[a][i];
          const y = U[b][i];
          U[a][i] = c * x - s * y;
          U[b][i] = s * x + c * y;
        }
        for (let i = 0; i < q; i++) {
          const x = V[a][i];
          const y = V[b][i];
          V[a][i] = c * x - s * y;
          V[b][i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const s = U.map((col) => Math.hypot(...col));
  const order = s.map((_, i) => i).sort((i, j) => s[j] - s[i]);
  return { V: order.map((i) => V[i]), s: order.map((i) => s[i]) };
}

/** The reduced-rank coefficients, intercepts and singular values computed independently: centred normal equations, Hestenes SVD. */
function reference(P: Problem, r: number, ridge = 0) {
  const { n, d, q, X, Y } = P;
  const mu = new Float64Array(d);
  const muY = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) mu[j] += X[i * d + j] / n;
    for (let t = 0; t < q; t++) muY[t] += Y[i * q + t] / n;
  }
  const A = new Float64Array(d * d);
  const C = new Float64Array(d * q);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = X[i * d + a] - mu[a];
      for (let b = 0; b < d; b++) A[a * d + b] += xa * (X[i * d + b] - mu[b]);
      for (let t = 0; t < q; t++) C[a * q + t] += xa * (Y[i * q + t] - muY[t]);
    }
  }
  for (let a = 0; a < d; a++) A[a * d + a] += ridge;
  const B = gaussSolve(A, C, d, q);
  // The fitted values of the augmented problem [X - mu; sqrt(ridge) I] B.
  const rows = n + (ridge > 0 ? d : 0);
  const F = new Float64Array(rows * q);
  for (let i = 0; i < n; i++) for (let t = 0; t < q; t++) for (let j = 0; j < d; j++) F[i * q + t] += (X[i * d + j] - mu[j]) * B[j * q + t];
  if (ridge > 0) for (let j = 0; j < d; j++) for (let t = 0; t < q; t++) F[(n + j) * q + t] = Math.sqrt(ridge) * B[j * q + t];
  const { V, s } = rightSingular(F, rows, q);
  const Br = new Float64Array(d * q);
  for (let j = 0; j < d; j++) {
    for (let t = 0; t < q; t++) {
      let v = 0;
      for (let k = 0; k < r; k++) {
        let bv = 0;
        for (let c = 0; c < q; c++) bv += B[j * q + c] * V[k][c];
        v += bv * V[k][t];
      }
      Br[j * q + t] = v;
    }
  }
  const b0 = Float64Array.from(muY, (m, t) => m - mu.reduce((acc, u, j) => acc + u * Br[j * q + t], 0));
  return { Br, b0, s };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let LAS: NamedLinAlg[];
let engine: Engine;
beforeAll(async () => {
  LAS = await linalgs();
  engine = await init({ backend: 'js', warmUp: false });
});

describe('reducedRank against an independent SVD', () => {
  const P = lowRankProblem(1, 40, 5, 4, 2, 0.3);
  for (const r of [1, 2, 3]) {
    it(`rank ${r}: coefficients, intercepts and singular values to 1e-10 (plain, wasm, twin)`, () => {
      const ref = reference(P, r);
      for (const { name, la } of LAS) {
        const m = reducedRank(la, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), r);
        expect(m.rank, name).toBe(r);
        expect(m.encoder.length).toBe(P.d * r);
        expect(m.decoder.length).toBe(r * P.q);
        expect(maxDiff(m.coef, ref.Br) / maxAbs(ref.Br), name).toBeLessThan(1e-10);
        expect(maxDiff(m.intercept, ref.b0) / maxAbs(ref.b0), name).toBeLessThan(1e-10);
        expect(maxDiff(m.singularValues, ref.s) / ref.s[0], name).toBeLessThan(1e-10);
        // the decoder's rows are orthonormal
        for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) {
          let t = 0;
          for (let c = 0; c < P.q; c++) t += m.decoder[a * P.q + c] * m.decoder[b * P.q + c];
          expect(Math.abs(t - (a === b ? 1 : 0))).toBeLessThan(1e-13);
        }
        // predict = intercept + X B_r
        const pred = m.predict(mat(P.n, P.d, P.X));
        const direct = new Float64Array(P.n * P.q);
        for (let i = 0; i < P.n; i++) for (let t = 0; t < P.q; t++) {
          let v = ref.b0[t];
          for (let j = 0; j < P.d; j++) v += P.X[i * P.d + j] * ref.Br[j * P.q + t];
          direct[i * P.q + t] = v;
        }
        expect(maxDiff(pred, direct) / maxAbs(direct)).toBeLessThan(1e-10);
      }
    });
  }

  it('reduced-rank ridge: the SVD of the augmented fitted values, to 1e-10', () => {
    const ref = reference(P, 2, 3.5);
    const m = reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), 2, { ridge: 3.5 });
    expect(maxDiff(m.coef, ref.Br) / maxAbs(ref.Br)).toBeLessThan(1e-10);
    expect(maxDiff(m.singularValues, ref.s) / ref.s[0]).toBeLessThan(1e-10);
    expect(m.ridge).toBe(3.5);
  });

  it('without an intercept: the uncentred fitted values', () => {
    const m = reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), 4, { intercept: false });
    const full = fitLinear(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), { intercept: false });
    expect(maxDiff(m.coef, full.coef) / maxAbs(full.coef)).toBeLessThan(1e-10);
    expect(Array.from(m.intercept)).toEqual([0, 0, 0, 0]);
  });
});

describe('reducedRank: least squares as special cases', () => {
  it('one output, rank 1: plain least squares', () => {
    const P = lowRankProblem(2, 60, 4, 1, 1, 0.5);
    const m = reducedRank(engine, mat(P.n, P.d, P.X), P.Y, 1);
    const ls = fitLinear(engine, mat(P.n, P.d, P.X), P.Y);
    expect(maxDiff(m.coef, ls.coef) / maxAbs(ls.coef)).toBeLessThan(1e-12);
    expect(Math.abs(m.intercept[0] - ls.intercept)).toBeLessThan(1e-12 * Math.abs(ls.intercept) + 1e-12);
  });

  it('full rank min(d, q) = q: the least-squares coefficients, and the SSE curve over r falls to the least-squares SSE', () => {
    const P = lowRankProblem(3, 200, 8, 6, 3, 0.5);
    const m = reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), 6);
    const ls = fitLinear(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y));
    expect(maxDiff(m.coef, ls.coef) / maxAbs(ls.coef)).toBeLessThan(1e-10);
    const sse = m.stats.sse;
    for (let k = 1; k < sse.length; k++) expect(sse[k]).toBeLessThanOrEqual(sse[k - 1] * (1 + 1e-12));
    const rssLs = (ls.stats.residualSd as Float64Array).reduce((acc, s) => acc + s * s * (P.n - P.d - 1), 0);
    expect(Math.abs(sse[5] - rssLs) / rssLs).toBeLessThan(1e-9);
    // the SSE at each rank is the measured error of that rank's predictions
    for (const r of [1, 3]) {
      const pr = reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), r).predict(mat(P.n, P.d, P.X));
      let s = 0;
      for (let i = 0; i < pr.length; i++) s += (P.Y[i] - pr[i]) ** 2;
      expect(Math.abs(s - sse[r - 1]) / s).toBeLessThan(1e-10);
    }
    // bytes grow with the rank
    const bytes = [1, 2, 3, 4, 5, 6].map((r) => reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), r).bytes);
    for (let k = 1; k < bytes.length; k++) expect(bytes[k]).toBeGreaterThan(bytes[k - 1]);
    expect(bytes[0]).toBe(8 * (8 + 6 + 6));
  });

  it('a near-exact fit: the SSE curve is measured on the rows (the moments would cancel) and still matches each rank', () => {
    const P = lowRankProblem(8, 120, 6, 5, 2, 1e-5);
    const m = reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), 5);
    for (const r of [1, 2, 4]) {
      const pr = reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), r).predict(mat(P.n, P.d, P.X));
      let s = 0;
      for (let i = 0; i < pr.length; i++) s += (P.Y[i] - pr[i]) ** 2;
      expect(Math.abs(s - m.stats.sse[r - 1]) / s, `rank ${r}`).toBeLessThan(1e-6);
    }
    expect(m.stats.sse[1]).toBeLessThan(1e-6 * m.stats.sse[0]);
  });
});

describe('choosing the rank', () => {
  for (const rule of ['gcv', 'bic'] as const) {
    it(`${rule} picks the true rank 3 of a 12 x 10 coefficient matrix`, () => {
      const P = lowRankProblem(4, 400, 12, 10, 3, 1);
      const m = reducedRank(engine, mat(P.n, P.d, P.X), mat(P.n, P.q, P.Y), rule);
      expect(m.rank).toBe(3);
      expect(m.stats.rankBy).toBe(rule);
      const scores = m.stats[rule];
      expect(scores.length).toBe(10);
      expect(scores.indexOf(Math.min(...scores))).toBe(2);
    });
  }
});

describe('compressReducedRank', () => {
  const P = lowRankProblem(5, 300, 10, 8, 2, 0.2);
  const X = mat(P.n, P.d, P.X);
  it('both factors quantized: error falls with the bits, predict is decoder(encoder(X)), bytes below float', () => {
    const m = reducedRank(engine, X, mat(P.n, P.q, P.Y), 2);
    const exact = m.predict(X);
    const err = [3, 4, 8].map((bits) => {
      const c = compressReducedRank(engine, m, { bits, X });
      expect(c).toBeInstanceOf(CompressedReducedRankModel);
      expect(c.encoder.bits).toBe(bits);
      expect(c.decoder.bits).toBe(bits);
      expect(c.bytes).toBeLessThan(m.bytes);
      const p = c.predict(X);
      const z = c.encoder.predict(X);
      expect(Array.from(c.decoder.predict(mat(P.n, 2, z)))).toEqual(Array.from(p));
      return Math.sqrt(p.reduce((acc, v, i) => acc + (v - exact[i]) ** 2, 0) / p.length);
    });
    expect(err[1]).toBeLessThan(err[0]);
    expect(err[2]).toBeLessThan(err[1]);
    expect(err[2]).toBeLessThan(0.01 * maxAbs(exact));
  });

  it('the encoder rounding mean shift goes into the intercepts (with X): mean prediction kept', () => {
    const m = reducedRank(engine, X, mat(P.n, P.q, P.Y), 2);
    const exact = m.predict(X);
    const meanShift = (p: Float64Array) => {
      let worst = 0;
      for (let t = 0; t < P.q; t++) {
        let s = 0;
        for (let i = 0; i < P.n; i++) s += p[i * P.q + t] - exact[i * P.q + t];
        worst = Math.max(worst, Math.abs(s / P.n));
      }
      return worst;
    };
    const without = meanShift(compressReducedRank(engine, m, { bits: 3 }).predict(X));
    const corrected = meanShift(compressReducedRank(engine, m, { bits: 3, X }).predict(X));
    expect(without).toBeGreaterThan(1e-3 * maxAbs(exact));
    // what is left is the float32 rounding of the scales the codes predict with
    expect(corrected).toBeLessThan(1e-6 * maxAbs(exact));
  });

  it("'gptq' needs X; a non-model is E_SHAPE", () => {
    const m = reducedRank(engine, X, mat(P.n, P.q, P.Y), 2);
    expectCode(() => compressReducedRank(engine, m, { bits: 4, method: 'gptq' }), 'E_RANGE');
    expectCode(() => compressReducedRank(engine, {} as never, { bits: 4 }), 'E_SHAPE');
    expectCode(() => compressReducedRank(engine, m, { bits: 4, X: mat(2, 3, new Float64Array(6)) }), 'E_SHAPE');
    expect(compressReducedRank(engine, m, { bits: 4, method: 'gptq', X }).bytes).toBeLessThan(m.bytes);
  });
});

describe("compressionReport's reduced-rank rows", () => {
  const P = lowRankProblem(9, 300, 8, 6, 2, 0.4);
  const T = lowRankProblem(9, 500, 8, 6, 2, 0.4); // same seed: the same coefficients, more rows
  const Xtr = mat(P.n, P.d, P.X);
  const Xte = mat(200, P.d, T.X.slice(300 * P.d));
  const yte = mat(200, P.q, T.Y.slice(300 * P.q));
  it('projecting the least-squares model with its training rows is reducedRank; quantized factors shrink the bytes', () => {
    const full = fitLinear(engine, Xtr, mat(P.n, P.q, P.Y));
    const rows = compressionReport(engine, full, Xte, yte.data, { X: Xtr, ranks: [1, 2, 3], bits: [4, 8], sparsity: [0], methods: ['rtn'] });
    const rrr = rows.filter((r) => r.method === 'rrr');
    expect(rrr.map((r) => [r.rank, r.bits])).toEqual([[1, null], [1, 4], [1, 8], [2, null], [2, 4], [2, 8], [3, null], [3, 4], [3, 8]]);
    for (const r of [1, 2, 3]) {
      const want = reducedRank(engine, Xtr, mat(P.n, P.q, P.Y), r).predict(Xte);
      let s = 0;
      for (let i = 0; i < want.length; i++) s += (want[i] - yte.data[i]) ** 2;
      const row = rrr.find((x) => x.rank === r && x.bits === null)!;
      expect(Math.abs(row.mse! - s / want.length) / (s / want.length)).toBeLessThan(1e-10);
      expect(row.bytes).toBe(8 * (r * (P.d + P.q) + P.q));
      expect(rrr.find((x) => x.rank === r && x.bits === 4)!.bytes).toBeLessThan(row.bytes);
      expect(rrr.find((x) => x.rank === r && x.bits === 8)!.quantizer).toBe('rtn');
    }
    // the true rank is 2: rank 1 loses accuracy, rank 2 about none
    const mse = (r: number) => rrr.find((x) => x.rank === r && x.bits === null)!.mse!;
    expect(mse(1)).toBeGreaterThan(1.5 * mse(2));
    expect(mse(2)).toBeLessThan(1.05 * rows[0].mse!);
  });
  it('ranks need X, a least-squares model and a valid rank', () => {
    const full = fitLinear(engine, Xtr, mat(P.n, P.q, P.Y));
    expectCode(() => compressionReport(engine, full, Xte, yte.data, { ranks: [1] }), 'E_RANGE');
    expectCode(() => compressionReport(engine, full, Xte, yte.data, { X: Xtr, ranks: [7] }), 'E_RANGE');
    const y01 = Float64Array.from({ length: P.n }, (_, i) => (P.Y[i * P.q] > 1 ? 1 : 0));
    const lg = fitLogistic(engine, Xtr, y01, { ridge: 1 });
    expectCode(() => compressionReport(engine, lg, Xtr, y01, { X: Xtr, ranks: [1] }), 'E_RANGE');
  });
});

describe('round trips', () => {
  const P = lowRankProblem(6, 50, 6, 5, 2, 0.3);
  const X = mat(P.n, P.d, P.X);
  it('toJSON / fromJSON and .slim (versions 1 and 2): bit-exact predictions', async () => {
    const m = reducedRank(engine, X, mat(P.n, P.q, P.Y), 'bic');
    const fromJson = ReducedRankModel.fromJSON(JSON.stringify(m.toJSON()));
    expect(Array.from(fromJson.predict(X))).toEqual(Array.from(m.predict(X)));
    expect(fromJson.stats.rankBy).toBe('bic');
    for (const formatVersion of [1, 2] as const) {
      const back = await decodeSlim(await encodeSlim({ kind: 'reduced-rank', model: m }, { targets: ['a', 'b', 'c', 'd', 'e'], formatVersion }));
      expect(back.kind).toBe('reduced-rank');
      const bm = (back as unknown as { model: ReducedRankModel }).model;
      expect(Array.from(bm.predict(X))).toEqual(Array.from(m.predict(X)));
      expect(Array.from(bm.stats.gcv)).toEqual(Array.from(m.stats.gcv));
      expect(back.header.targets).toEqual(['a', 'b', 'c', 'd', 'e']);
    }
    const c = compressReducedRank(engine, m, { bits: 4, X });
    const cb = await decodeSlim(await encodeSlim({ kind: 'compressed-reduced-rank', model: c }));
    expect(cb.kind).toBe('compressed-reduced-rank');
    expect(Array.from((cb as unknown as { model: CompressedReducedRankModel }).model.predict(X))).toEqual(Array.from(c.predict(X)));
    expect((cb as unknown as { model: CompressedReducedRankModel }).model.bytes).toBe(c.bytes);
    // toONNX exports linear and logistic models only
    expectCode(() => toONNX(cb), 'E_SHAPE');
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('the independent Python reader (test/fixtures/slimread.py) predicts the same first output from both kinds', async () => {
    const m = reducedRank(engine, X, mat(P.n, P.q, P.Y), 2);
    const c = compressReducedRank(engine, m, { bits: 4, X });
    const dir = mkdtempSync(join(tmpdir(), 'slimread-rrr-'));
    try {
      const features = Array.from({ length: P.d }, (_, j) => `x${j}`);
      writeFileSync(join(dir, 'x.csv'), `${features.join(',')}\n${[0, 1, 2].map((i) => Array.from(P.X.subarray(i * P.d, (i + 1) * P.d)).join(',')).join('\n')}\n`);
      for (const [kind, model] of [['reduced-rank', m], ['compressed-reduced-rank', c]] as const) {
        const f = join(dir, `${kind}.slim`);
        writeFileSync(f, await encodeSlim({ kind, model } as never, { features }));
        const r = spawnSync('python3', [new URL('./fixtures/slimread.py', import.meta.url).pathname, f, join(dir, 'x.csv')], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        const got = [...r.stdout.matchAll(/row \d+: out = (\S+)/g)].map((g) => Number(g[1]));
        const want = model.predict(mat(3, P.d, P.X.slice(0, 3 * P.d)));
        expect(got.length).toBe(3);
        got.forEach((g, i) => expect(Math.abs(g - want[i * P.q]), kind).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[i * P.q]))));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('malformed JSON is E_FORMAT; a mismatched header.targets too', async () => {
    const m = reducedRank(engine, X, mat(P.n, P.q, P.Y), 2);
    const j = m.toJSON();
    expectCode(() => ReducedRankModel.fromJSON({ ...j, rank: 6 }), 'E_FORMAT');
    expectCode(() => ReducedRankModel.fromJSON({ ...j, decoder: j.decoder.slice(1) }), 'E_FORMAT');
    expectCode(() => ReducedRankModel.fromJSON({ ...j, singularValues: [...j.singularValues].reverse() }), 'E_FORMAT');
    expectCode(() => ReducedRankModel.fromJSON({ ...j, format: 'slimfit.linear' } as never), 'E_FORMAT');
    await expect(encodeSlim({ kind: 'reduced-rank', model: m }, { targets: ['a'] })).rejects.toMatchObject({ code: 'E_SHAPE' });
  });
});

describe('bad input', () => {
  const P = lowRankProblem(7, 30, 4, 3, 1, 0.3);
  const X = mat(P.n, P.d, P.X);
  const Y = mat(P.n, P.q, P.Y);
  it('rank outside [1, min(d, q)], not an integer, or an unknown rule: E_RANGE', () => {
    for (const r of [0, 4, -1, 1.5, NaN, 'aic', '2']) expectCode(() => reducedRank(engine, X, Y, r as never), 'E_RANGE');
    expectCode(() => reducedRank(engine, mat(P.n, 2, P.X.slice(0, P.n * 2)), Y, 3), 'E_RANGE'); // min(d = 2, q = 3)
  });
  it('Y with other rows than X: E_SHAPE; an unknown option or a bad ridge: E_RANGE', () => {
    expectCode(() => reducedRank(engine, X, mat(P.n - 1, P.q, P.Y.slice(0, (P.n - 1) * P.q)), 1), 'E_SHAPE');
    expectCode(() => reducedRank(engine, X, Y, 1, { rank: 2 } as never), 'E_RANGE');
    expectCode(() => reducedRank(engine, X, Y, 1, { ridge: -1 }), 'E_RANGE');
  });
});
