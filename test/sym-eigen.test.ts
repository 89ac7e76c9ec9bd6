/** symmetricEigen (cyclic Jacobi): the accuracy its comment states, on random, graded and degenerate matrices. */
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../src/sym-eigen.js';
import { rng } from '../src/random.js';
import { expectCode } from './helpers/engines.js';

function randomSymmetric(seed: number, n: number, grade = 1): Float64Array {
  const r = rng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = (r() * 2 - 1) * grade ** (i + j);
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  return A;
}

function frob(A: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i] * A[i];
  return Math.sqrt(s);
}

/** max |V^T V - I| and ||A V - V diag(l)||_F / ||A||_F. */
function errors(A: Float64Array, n: number, l: Float64Array, V: Float64Array): { orth: number; resid: number } {
  let orth = 0;
  const R = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let t = 0;
      for (let i = 0; i < n; i++) t += V[i * n + a] * V[i * n + b];
      orth = Math.max(orth, Math.abs(t - (a === b ? 1 : 0)));
      let av = 0;
      for (let k = 0; k < n; k++) av += A[a * n + k] * V[k * n + b];
      R[a * n + b] = av - V[a * n + b] * l[b];
    }
  }
  return { orth, resid: frob(R) / frob(A) };
}

describe('symmetricEigen', () => {
  for (const [n, grade] of [
    [1, 1],
    [2, 1],
    [5, 1],
    [12, 1],
    [30, 1],
    [12, 0.3],
  ] as const) {
    it(`n = ${n}${grade !== 1 ? `, graded by ${grade}^(i+j)` : ''}: orthogonal, A V = V L, sorted, to 50 n eps`, () => {
      const A = randomSymmetric(7 + n, n, grade);
      const { values, vectors, sweeps } = symmetricEigen(A, n);
      const { orth, resid } = errors(A, n, values, vectors);
      expect(orth).toBeLessThan(50 * n * Number.EPSILON);
      expect(resid).toBeLessThan(50 * n * Number.EPSILON);
      for (let k = 1; k < n; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      expect(sweeps).toBeLessThan(20);
      // the trace is the sum of the eigenvalues
      let tr = 0;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        tr += A[i * n + i];
        sum += values[i];
      }
      expect(Math.abs(tr - sum)).toBeLessThan(50 * n * Number.EPSILON * frob(A));
    });
  }

  it('the closed form for 2 x 2', () => {
    const [a, b, c] = [3, 1.25, -2];
    const { values, vectors } = symmetricEigen(Float64Array.of(a, b, b, c), 2);
    const m = (a + c) / 2;
    const h = Math.hypot((a - c) / 2, b);
    expect(values[0]).toBeCloseTo(m + h, 14);
    expect(values[1]).toBeCloseTo(m - h, 14);
    // (A - l1 I) v1 = 0
    expect(Math.abs((a - values[0]) * vectors[0] + b * vectors[2])).toBeLessThan(1e-14);
  });

  it('a rank-deficient Gram matrix: the zero eigenvalues stay ~eps ||A||, the vectors span the kernel', () => {
    const r = rng(3);
    const n = 8;
    const U = Float64Array.from({ length: n * 2 }, () => r() - 0.5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = U[i * 2] * U[j * 2] + U[i * 2 + 1] * U[j * 2 + 1];
    const { values, vectors } = symmetricEigen(A, n);
    for (let k = 2; k < n; k++) expect(Math.abs(values[k])).toBeLessThan(50 * n * Number.EPSILON * frob(A));
    expect(errors(A, n, values, vectors).orth).toBeLessThan(50 * n * Number.EPSILON);
  });

  it('a diagonal matrix is returned sorted with unit vectors; the zero matrix too', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(1, 0, 0, 0, 5, 0, 0, 0, 3), 3);
    expect(Array.from(values)).toEqual([5, 3, 1]);
    expect(Array.from(vectors)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(symmetricEigen(new Float64Array(4), 2).values)).toEqual([0, 0]);
  });

  it('bad input', () => {
    expectCode(() => symmetricEigen(new Float64Array(3), 2), 'E_SHAPE');
    expectCode(() => symmetricEigen(Float64Array.of(1, NaN, NaN, 1), 2), 'E_NONFINITE');
  });
});
