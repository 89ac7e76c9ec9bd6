/**
 * symmetricEigen: all eigenvalues and eigenvectors of a small symmetric
 * matrix by the cyclic Jacobi method (Golub & Van Loan §8.5), in plain
 * float64. Meant for small matrices: the q x q cross-products of reduced-rank
 * regression and the normal matrices of the private fits (a few dozen rows): the cost is ~ 6 q^3 flops per sweep and it
 * converges quadratically, typically in 5-10 sweeps.
 *
 * Accuracy (Demmel & Veselić 1992): each eigenvalue is within ~ q * eps *
 * ||A||_F of the exact one, ||V^T V - I|| and ||A V - V diag(values)|| / ||A||_F
 * are ~ q * eps (test/sym-eigen.test.ts checks both to 50 q eps on random and
 * graded matrices). Eigenvectors of (nearly) equal eigenvalues are only
 * determined as a subspace.
 */
import { SlimfitError } from './errors.js';

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** n x n row-major; column k (vectors[i * n + k]) is the unit eigenvector of values[k]. */
  vectors: Float64Array;
  sweeps: number;
}

const MAX_SWEEPS = 60;

/** `A` is n x n row-major and must be symmetric (only its upper triangle is read); it is not modified. */
export function symmetricEigen(A: Float64Array, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || A.length !== n * n) throw new SlimfitError('E_SHAPE', `symmetricEigen needs an n x n matrix (n >= 1), got ${A.length} values for n = ${n}`);
  const a = new Float64Array(n * n);
  let norm2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = A[i * n + j];
      if (!Number.isFinite(v)) throw new SlimfitError('E_NONFINITE', `symmetricEigen: A[${i}, ${j}] is ${v}`);
      a[i * n + j] = v;
      a[j * n + i] = v;
      norm2 += i === j ? v * v : 2 * v * v;
    }
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  // Stop once the off-diagonal mass is below eps^2 ||A||_F^2: rotating further changes nothing representable.
  const tiny = (Number.EPSILON * Number.EPSILON * norm2) / 4;
  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= tiny || norm2 === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // The rotation that zeroes a[p][q], with |t| <= 1 (the smaller angle), as in GVL Algorithm 8.5.1.
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (k) => a[k * n + k]);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const k = order[c];
    // Sign convention: the largest component of each eigenvector is positive, so results are reproducible.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(V[i * n + k]) > Math.abs(big)) big = V[i * n + k];
    const sg = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + c] = sg * V[i * n + k];
  }
  return { values, vectors, sweeps };
}
