import { SlimfitError } from '../errors.js';

/**
 * Relative asymmetry tolerated in a matrix that should be symmetric (A for
 * solveSPD, H for the Hessian-aware methods): rounding in the caller's own
 * accumulation, against the largest |entry|.
 */
export const SYMMETRY_TOL = 1e-10;

/** E_SHAPE naming the first (row, col) with |a_ij - a_ji| > SYMMETRY_TOL * max |a|. */
export function assertSymmetric(a: Float64Array, d: number, name: string): void {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(a[i * d + j] - a[j * d + i]) > SYMMETRY_TOL * scale) {
        throw new SlimfitError('E_SHAPE', `${name} is not symmetric: ${name}[${i}][${j}] = ${a[i * d + j]} but ${name}[${j}][${i}] = ${a[j * d + i]}; pass (${name} + ${name}^T) / 2`, {
          row: i,
          col: j,
        });
      }
    }
  }
}
