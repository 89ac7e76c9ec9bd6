import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';
import { choleskyTwin } from '../../src/kernels/js/cholesky.js';

// choleskyF64 (in place, lower triangle, ridge on the diagonal, failing pivot
// index) and cholSolveF64 (k right-hand sides). Checked through invariants
// computed with independent plain loops: L L^T reconstructs A + ridge*I, the
// solve residual is tiny, the strict upper triangle is neither read (it holds
// NaN) nor written; on wasm also against the JS twin (1e-12 relative).

const SIZES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 33, 64, 100];

/** Random SPD A = B^T B + d*I (full symmetric, row-major). */
function spd(d: number, seed: number): Float64Array {
  const r = rng(seed);
  const B = new Float64Array(d * d);
  for (let i = 0; i < B.length; i++) B[i] = r() * 2 - 1;
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += B[k * d + i] * B[k * d + j];
      A[i * d + j] = s + (i === j ? d : 0);
    }
  }
  return A;
}

/** Puts A's lower triangle in memory, strict upper = `upper(i, j)` (NaN by default). */
function putLower(h: KernelHarness, A: Float64Array, d: number, upper: (i: number, j: number) => number = () => NaN, offset8 = false): number {
  const p = h.alloc(d * d * 8 + 8) + (offset8 ? 8 : 0);
  const m = h.f64(p, d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i * d + j] = j <= i ? A[i * d + j] : upper(i, j);
  return p;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |(L L^T)[i][j] - (A + ridge I)[i][j]| over the lower triangle. */
function reconstructionError(L: Float64Array, A: Float64Array, d: number, ridge: number): number {
  let e = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += L[i * d + k] * L[j * d + k];
      e = Math.max(e, Math.abs(s - A[i * d + j] - (i === j ? ridge : 0)));
    }
  }
  return e;
}

/** max |(A + ridge I) X - B| / (|A| |X| + |B|) over all entries (A full symmetric). */
function relResidual(A: Float64Array, d: number, ridge: number, X: Float64Array, B: Float64Array, k: number): number {
  const scale = (maxAbs(A) + ridge) * d * maxAbs(X) + maxAbs(B) || 1;
  let e = 0;
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < d; i++) {
      let s = ridge * X[i * k + c];
      for (let j = 0; j < d; j++) s += A[i * d + j] * X[j * k + c];
      e = Math.max(e, Math.abs(s - B[i * k + c]));
    }
  }
  return e / scale;
}

function randomRhs(d: number, k: number, seed: number): Float64Array {
  const r = rng(seed);
  const B = new Float64Array(d * k);
  for (let i = 0; i < B.length; i++) B[i] = r() * 10 - 5;
  return B;
}

for (const b of BACKENDS) {
  describe(`choleskyF64 / cholSolveF64 [${b}]`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    it('factors random SPD matrices: L L^T = A, positive diagonal, upper triangle neither read nor written', () => {
      for (const d of SIZES) {
        h.reset();
        const A = spd(d, 100 + d);
        const p = putLower(h, A, d);
        expect(h.k.choleskyF64(p, d, 0), `d=${d}`).toBe(-1);
        const L = Float64Array.from(h.f64(p, d * d));
        for (let i = 0; i < d; i++) {
          expect(L[i * d + i], `d=${d} diag ${i}`).toBeGreaterThan(0);
          for (let j = i + 1; j < d; j++) if (!Number.isNaN(L[i * d + j])) expect.fail(`d=${d}: upper (${i}, ${j}) written`);
          for (let j = 0; j <= i; j++) if (!Number.isFinite(L[i * d + j])) expect.fail(`d=${d}: L[${i}][${j}] = ${L[i * d + j]} (upper triangle read?)`);
        }
        expect(reconstructionError(L, A, d, 0), `d=${d}`).toBeLessThanOrEqual(1e-13 * maxAbs(A) + 1e-300);
      }
    });

    it('leaves the strict upper triangle bit-identical', () => {
      for (const d of [2, 5, 8, 17]) {
        h.reset();
        const A = spd(d, 7 + d);
        const up = (i: number, j: number) => 1000 * i + j + 0.125;
        const p = putLower(h, A, d, up);
        expect(h.k.choleskyF64(p, d, 0.5)).toBe(-1);
        const L = h.f64(p, d * d);
        for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) expect(L[i * d + j]).toBe(up(i, j));
      }
    });

    it('d = 0 and d = 1', () => {
      h.reset();
      expect(h.k.choleskyF64(h.alloc(16), 0, 0)).toBe(-1);
      h.k.cholSolveF64(h.alloc(16), 0, h.alloc(16), 3); // no-op, no crash
      const p = h.put(new Float64Array([4]));
      expect(h.k.choleskyF64(p, 1, 0)).toBe(-1);
      expect(h.f64(p, 1)[0]).toBe(2);
      const bp = h.put(new Float64Array([6, -2]));
      h.k.cholSolveF64(p, 1, bp, 2);
      expect(Array.from(h.f64(bp, 2))).toEqual([1.5, -0.5]);
      expect(h.k.choleskyF64(h.put(new Float64Array([0])), 1, 0)).toBe(0);
      expect(h.k.choleskyF64(h.put(new Float64Array([-1])), 1, 0)).toBe(0);
      expect(h.k.choleskyF64(h.put(new Float64Array([-1])), 1, 2)).toBe(-1);
    });

    it('reports the first failing pivot of a matrix made indefinite at a known row', () => {
      for (const d of [1, 2, 3, 4, 5, 7, 8, 9, 16, 33]) {
        for (const piv of [...new Set([0, 1, d >> 1, d - 2, d - 1])].filter((q) => q >= 0 && q < d)) {
          h.reset();
          const A = spd(d, 50 * d + piv);
          A[piv * d + piv] = -1; // rows < piv are unaffected; pivot piv <= -1
          const p = putLower(h, A, d);
          expect(h.k.choleskyF64(p, d, 0), `d=${d} piv=${piv}`).toBe(piv);
          // rows before the failing pivot hold the (valid) factor
          const L = h.f64(p, d * d);
          for (let i = 0; i < piv; i++) expect(L[i * d + i]).toBeGreaterThan(0);
        }
      }
    });

    it('exact zero and non-finite pivots fail; a ridge repairs a singular matrix', () => {
      for (const d of [2, 3, 5, 8, 13]) {
        h.reset();
        // all-ones matrix: L[i][0] = 1 and pivot 1 is exactly 1 - 1 = 0
        const J = new Float64Array(d * d).fill(1);
        expect(h.k.choleskyF64(putLower(h, J, d), d, 0), `ones d=${d}`).toBe(1);
        // zero matrix fails at 0
        expect(h.k.choleskyF64(putLower(h, new Float64Array(d * d), d), d, 0), `zeros d=${d}`).toBe(0);
        // J + 1*I is SPD
        const p = putLower(h, J, d);
        expect(h.k.choleskyF64(p, d, 1), `ones + I d=${d}`).toBe(-1);
        expect(reconstructionError(h.f64(p, d * d).slice(), J, d, 1)).toBeLessThanOrEqual(1e-13 * d);
        // an infinite diagonal entry is a non-finite pivot
        const A = spd(d, 3 * d);
        A[(d - 1) * d + (d - 1)] = Infinity;
        expect(h.k.choleskyF64(putLower(h, A, d), d, 0), `inf d=${d}`).toBe(d - 1);
      }
    });

    it('ridge: factor(A, ridge) = factor(A + ridge*I, 0), and a large ridge rescues an indefinite A', () => {
      for (const d of [1, 3, 4, 6, 9, 17, 40]) {
        h.reset();
        const A = spd(d, 11 * d);
        const ridge = 2.75;
        const p1 = putLower(h, A, d);
        expect(h.k.choleskyF64(p1, d, ridge)).toBe(-1);
        const A2 = A.slice();
        for (let i = 0; i < d; i++) A2[i * d + i] += ridge;
        const p2 = putLower(h, A2, d);
        expect(h.k.choleskyF64(p2, d, 0)).toBe(-1);
        const L1 = h.f64(p1, d * d).slice();
        const L2 = h.f64(p2, d * d);
        for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) expect(Math.abs(L1[i * d + j] - L2[i * d + j])).toBeLessThanOrEqual(1e-14 * maxAbs(L2.filter((v) => !Number.isNaN(v))));
        expect(reconstructionError(L1, A, d, ridge)).toBeLessThanOrEqual(1e-13 * (maxAbs(A) + ridge));
        // indefinite: one negative diagonal entry; ridge > Gershgorin bound fixes it
        const B = A.slice();
        B[(d >> 1) * d + (d >> 1)] = -1;
        expect(h.k.choleskyF64(putLower(h, B, d), d, 0)).toBe(d >> 1);
        let g = 0;
        for (let i = 0; i < d; i++) {
          let row = 0;
          for (let j = 0; j < d; j++) row += Math.abs(B[i * d + j]);
          g = Math.max(g, row);
        }
        expect(h.k.choleskyF64(putLower(h, B, d), d, 2 * g + 1)).toBe(-1);
      }
    });

    it('solves L L^T X = B for k = 1, 2, 3, 4, 5 with a tiny residual; upper triangle of L is not read', () => {
      for (const d of SIZES) {
        for (const k of [1, 2, 3, 4, 5]) {
          h.reset();
          const A = spd(d, 200 + d);
          const ridge = k === 3 ? 0.5 : 0;
          const p = putLower(h, A, d); // upper NaN: must be ignored by both routines
          expect(h.k.choleskyF64(p, d, ridge)).toBe(-1);
          const B = randomRhs(d, k, 300 + d * 7 + k);
          const bp = h.put(B);
          h.k.cholSolveF64(p, d, bp, k);
          const X = h.f64(bp, d * k).slice();
          for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i])) expect.fail(`d=${d} k=${k}: X[${i}] = ${X[i]}`);
          expect(relResidual(A, d, ridge, X, B, k), `d=${d} k=${k}`).toBeLessThanOrEqual(1e-14);
        }
      }
    });

    it('multi-RHS solve equals column-by-column single solves', () => {
      for (const d of [3, 8, 17]) {
        h.reset();
        const k = 4;
        const A = spd(d, 900 + d);
        const p = putLower(h, A, d);
        expect(h.k.choleskyF64(p, d, 0)).toBe(-1);
        const B = randomRhs(d, k, 901 + d);
        const bp = h.put(B);
        h.k.cholSolveF64(p, d, bp, k);
        const X = h.f64(bp, d * k).slice();
        for (let c = 0; c < k; c++) {
          const col = new Float64Array(d);
          for (let i = 0; i < d; i++) col[i] = B[i * k + c];
          const cp = h.put(col);
          h.k.cholSolveF64(p, d, cp, 1);
          const x = h.f64(cp, d);
          for (let i = 0; i < d; i++) expect(Math.abs(x[i] - X[i * k + c])).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(x[i])));
        }
      }
    });

    it('works with 8-byte (not 16-byte) aligned pointers', () => {
      for (const d of [5, 8, 9]) {
        h.reset();
        const A = spd(d, 60 + d);
        const p = putLower(h, A, d, () => NaN, true);
        expect(h.k.choleskyF64(p, d, 0)).toBe(-1);
        expect(reconstructionError(h.f64(p, d * d).slice(), A, d, 0)).toBeLessThanOrEqual(1e-13 * maxAbs(A));
        for (const k of [1, 2, 4]) {
          const B = randomRhs(d, k, 61 + d + k);
          const bp = h.alloc(d * k * 8 + 8) + 8;
          h.f64(bp, d * k).set(B);
          h.k.cholSolveF64(p, d, bp, k);
          expect(relResidual(A, d, 0, h.f64(bp, d * k).slice(), B, k)).toBeLessThanOrEqual(1e-14);
        }
      }
    });

    if (b === 'wasm') {
      it('agrees with the JS twin on the same memory (1e-12 relative)', () => {
        const twin = choleskyTwin(h.memory);
        for (const d of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64, 129]) {
          h.reset();
          const A = spd(d, 500 + d);
          const pw = putLower(h, A, d);
          const pj = putLower(h, A, d);
          expect(h.k.choleskyF64(pw, d, 0.25)).toBe(-1);
          expect(twin.choleskyF64(pj, d, 0.25)).toBe(-1);
          const Lw = h.f64(pw, d * d).slice();
          const Lj = h.f64(pj, d * d).slice();
          const s = maxAbs(Lj.filter((v) => !Number.isNaN(v)));
          for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
            if (!(Math.abs(Lw[i * d + j] - Lj[i * d + j]) <= 1e-12 * s)) expect.fail(`d=${d} L[${i}][${j}]: wasm ${Lw[i * d + j]} twin ${Lj[i * d + j]}`);
          }
          for (const k of [1, 4]) {
            const B = randomRhs(d, k, 600 + d + k);
            const bw = h.put(B);
            const bj = h.put(B);
            h.k.cholSolveF64(pw, d, bw, k);
            twin.cholSolveF64(pj, d, bj, k);
            const Xw = h.f64(bw, d * k).slice();
            const Xj = h.f64(bj, d * k);
            const sx = maxAbs(Xj);
            for (let i = 0; i < d * k; i++) if (!(Math.abs(Xw[i] - Xj[i]) <= 1e-12 * sx)) expect.fail(`d=${d} k=${k} X[${i}]: wasm ${Xw[i]} twin ${Xj[i]}`);
          }
        }
      });
    }
  });
}
