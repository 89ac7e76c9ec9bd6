/**
 * The one rule for a Cholesky pivot that is numerically zero: the kernels stop
 * at a pivot that is not > 0, and a pivot l_jj that passed but satisfies
 * l_jj^2 <= d * eps * (a_jj + ridge) has lost every significant digit to
 * cancellation, so column j depends on the ones before it to working precision.
 */
export function pivotLost(ljj: number, ajj: number, d: number, ridge: number): boolean {
  return !(ljj * ljj > d * Number.EPSILON * (ajj + ridge));
}
