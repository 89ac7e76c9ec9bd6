/** Clipping rows to the bounds a private fit is calibrated for. */

/**
 * Scales row x (d values at `at`) down to ||x||_2 <= bound in place; true when
 * it had to. A row within the bound is left bit-for-bit unchanged.
 */
export function clipRow(data: Float64Array, at: number, d: number, bound: number): boolean {
  let ss = 0;
  for (let j = 0; j < d; j++) ss += data[at + j] * data[at + j];
  if (ss <= bound * bound) return false;
  const f = bound / Math.sqrt(ss);
  for (let j = 0; j < d; j++) data[at + j] *= f;
  // rounding can leave the norm a few ulps above the bound: nudge it under
  let s2 = 0;
  for (let j = 0; j < d; j++) s2 += data[at + j] * data[at + j];
  if (s2 > bound * bound) for (let j = 0; j < d; j++) data[at + j] *= 1 - 4 * Number.EPSILON;
  return true;
}

/** y clipped to [-bound, bound]. */
export function clipValue(v: number, bound: number): number {
  return v > bound ? bound : v < -bound ? -bound : v;
}

/** The largest row norm and |y| (boundsFromData: not private). */
export function dataBounds(data: Float64Array, n: number, d: number, y?: ArrayLike<number>): { boundX: number; boundY: number } {
  let bx = 0;
  let by = 0;
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += data[i * d + j] * data[i * d + j];
    bx = Math.max(bx, Math.sqrt(ss));
    if (y) by = Math.max(by, Math.abs(y[i]));
  }
  // a few ulps up, so that the row that set the bound is not clipped by rounding;
  // a zero bound (all-zero data) would make the noise scale zero: keep it positive
  const up = 1 + 4 * Number.EPSILON;
  return { boundX: bx > 0 ? bx * up : 1, boundY: by > 0 ? by : 1 };
}
