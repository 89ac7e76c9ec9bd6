/**
 * Dense products for the Hessian-aware methods, on row-major f64 d*d
 * matrices (the inverse factor itself is ops/inverse-factor.ts).
 */

/** U^T U (full symmetric) for upper-triangular U: the inverse itself, when OBS needs it whole. */
export function upperGram(U: Float64Array, d: number): Float64Array {
  const G = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    for (let i = k; i < d; i++) {
      const a = U[k * d + i];
      if (a === 0) continue;
      for (let j = i; j < d; j++) G[i * d + j] += a * U[k * d + j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) G[i * d + j] = G[j * d + i];
  return G;
}

/**
 * sum over rows r of (a_r - b_r)^T H (a_r - b_r) for row-major rows x d
 * matrices: the squared output error on the data H = X^T X came from.
 */
export function hessianLoss(a: ArrayLike<number>, b: ArrayLike<number>, H: Float64Array, rows: number, d: number): number {
  let total = 0;
  const e = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) e[j] = a[r * d + j] - b[r * d + j];
    for (let i = 0; i < d; i++) {
      if (e[i] === 0) continue;
      let hi = 0;
      for (let j = 0; j < d; j++) hi += H[i * d + j] * e[j];
      total += e[i] * hi;
    }
  }
  return total;
}
