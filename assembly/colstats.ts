// Column statistics: per-column weighted sums, minima and maxima of a
// row-major f64 matrix in one pass (the fitting summary: centring constants,
// power-of-two scales, constant-column and finiteness checks).
//
// NUMERICAL CONTRACT (bit-identical to the twin)
//  - For each row r in order, skipping rows with !(w[r] > 0) when wPtr != 0:
//      sum[j] += w[r] * x[r][j]     (sum[j] += x[r][j] when wPtr = 0)
//      min[j]  = x[r][j] < min[j] ? x[r][j] : min[j]
//      max[j]  = x[r][j] > max[j] ? x[r][j] : max[j]
//    into the caller's buffers (start them at 0, +Inf, -Inf). Each column is
//    one running f64 sum in row order and min/max are selections, so results
//    are bit-identical to the twin, and calls on consecutive row blocks equal
//    one call on all of them.
//  - NaN never replaces a min/max (the comparison is false) but makes the sum
//    NaN; ±Inf makes it non-finite: a non-finite sum flags a non-finite value
//    (or a sum that overflowed).
//  - n <= 0 or d <= 0: no-op.
//
// METHOD: the running values live in the output buffers (L1-resident for any
// practical d); each row updates them two columns per f64x2 step. pmin/pmax
// are exactly the compare-and-select above (b < a ? b : a).

export function colStatsF64(xPtr: usize, n: i32, d: i32, wPtr: usize, sumPtr: usize, minPtr: usize, maxPtr: usize): void {
  if (n <= 0 || d <= 0) return;
  const rowBytes = <usize>d << 3;
  const pairBytes = <usize>(d >> 1) << 4;
  let x = xPtr;
  for (let r = 0; r < n; r++) {
    let wr: f64 = 1.0;
    if (wPtr) {
      wr = load<f64>(wPtr + (<usize>r << 3));
      if (!(wr > 0)) {
        x += rowBytes;
        continue;
      }
    }
    const ws = f64x2.splat(wr);
    for (let o: usize = 0; o < pairBytes; o += 16) {
      const v = v128.load(x + o);
      const t = wPtr ? f64x2.mul(ws, v) : v;
      v128.store(sumPtr + o, f64x2.add(v128.load(sumPtr + o), t));
      v128.store(minPtr + o, f64x2.pmin(v128.load(minPtr + o), v));
      v128.store(maxPtr + o, f64x2.pmax(v128.load(maxPtr + o), v));
    }
    if (d & 1) {
      const v = load<f64>(x + pairBytes);
      store<f64>(sumPtr + pairBytes, load<f64>(sumPtr + pairBytes) + (wPtr ? wr * v : v));
      if (v < load<f64>(minPtr + pairBytes)) store<f64>(minPtr + pairBytes, v);
      if (v > load<f64>(maxPtr + pairBytes)) store<f64>(maxPtr + pairBytes, v);
    }
    x += rowBytes;
  }
}
