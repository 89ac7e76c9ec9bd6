// Weighted gram of a compressed-row (CSR) design: the logistic fit's Hessian
// pass on mostly-zero designs (scorecard bin indicators), costing the
// nonzero pairs of each row instead of d^2 / 2.
//
// NUMERICAL CONTRACT (bit-identical to the twin)
//  - Row i holds entries start[i] .. start[i + 1] - 1 (i32 indices into col
//    and val; col ascending within a row, each < d). val: f64 per entry, or
//    valPtr = 0 when every stored value is 1 (a 0/1 design: v * x = x exactly,
//    so the result equals the one with explicit ones, bit for bit).
//  - For each row i in order and each of its entries q in order (j = col[q],
//    v = val[q]), with W_i = w[i] and r_i = r[i]:
//      xw[j] += W_i * v;  xr[j] += r_i * v;
//      xtx[j*d + col[t]] += (W_i * v) * val[t]   for t = q .. start[i+1]-1,
//    ACCUMULATED into the caller's buffers: the upper triangle of X^T W X
//    (with the diagonal; the strict lower triangle is never touched), X^T W 1
//    and X^T r. Scalar f64 operations in this fixed order, so the twin
//    matches bit for bit, and calls on consecutive row blocks (with start
//    still absolute) equal one call on all of them.
//  - n <= 0 or d <= 0: no-op.

export function nonzeroGramF64(startPtr: usize, colPtr: usize, valPtr: usize, n: i32, d: i32, wPtr: usize, rPtr: usize, xtxPtr: usize, xwPtr: usize, xrPtr: usize): void {
  if (n <= 0 || d <= 0) return;
  const rowBytes = <usize>d << 3;
  let b = load<i32>(startPtr);
  for (let i = 0; i < n; i++) {
    const e = load<i32>(startPtr + (<usize>(i + 1) << 2));
    const wi = load<f64>(wPtr + (<usize>i << 3));
    const ri = load<f64>(rPtr + (<usize>i << 3));
    for (let q = b; q < e; q++) {
      const j = <usize>load<i32>(colPtr + (<usize>q << 2));
      const v = valPtr ? load<f64>(valPtr + (<usize>q << 3)) : 1.0;
      const wv = wi * v;
      const xj = xwPtr + (j << 3);
      store<f64>(xj, load<f64>(xj) + wv);
      const rj = xrPtr + (j << 3);
      store<f64>(rj, load<f64>(rj) + ri * v);
      const row = xtxPtr + j * rowBytes;
      if (valPtr) {
        for (let t = q; t < e; t++) {
          const g = row + (<usize>load<i32>(colPtr + (<usize>t << 2)) << 3);
          store<f64>(g, load<f64>(g) + wv * load<f64>(valPtr + (<usize>t << 3)));
        }
      } else {
        for (let t = q; t < e; t++) {
          const g = row + (<usize>load<i32>(colPtr + (<usize>t << 2)) << 3);
          store<f64>(g, load<f64>(g) + wv);
        }
      }
    }
    b = e;
  }
}
