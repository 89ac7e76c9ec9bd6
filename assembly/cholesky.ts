// Cholesky factorisation and SPD solves, f64, row-major.
//
// NUMERICAL CONTRACT
//  choleskyF64(a, d, ridge): A + ridge*I = L L^T, in place. Reads only the
//  lower triangle (diagonal included) of A, overwrites it with L, and never
//  touches the strict upper triangle. Returns -1 on success, else the 0-based
//  index of the first (smallest) pivot i whose value
//      s = A[i][i] + ridge - sum_{k<i} L[i][k]^2
//  is not > 0 or not finite; the lower triangle is then partially overwritten
//  (rows < i hold L, later rows are unspecified).
//  Every entry is the textbook value
//      L[i][j] = (A[i][j] - sum_{k<j} L[i][k] L[j][k]) / L[j][j],
//      L[i][i] = sqrt(A[i][i] + ridge - sum_{k<i} L[i][k]^2),
//  computed with IEEE f64 mul/add/div/sqrt (no FMA, no reciprocal shortcut);
//  only the summation order of the dot products differs from the twin (which
//  sums k = 0, 1, 2, ... in one running sum): here the prefix k < 2*floor(j/2)
//  (k < i0 for the diagonal block) is summed in two interleaved lanes (even
//  and odd k) added at the end, then the remaining terms in order. Expected
//  relative difference vs the twin: O(d * eps * cond(A)), i.e. ~1e-14 for
//  well-conditioned matrices, within 1e-12 * (1 + cond) for scaled inputs.
//
//  cholSolveF64(l, d, b, k): solves L L^T X = B for B (d*k, row-major) in
//  place: forward substitution L Z = B then backward L^T X = Z, using only the
//  lower triangle of l. Same operations as the twin (forward: running sums
//  over j < i then one division by L[i][i]; backward: right-looking,
//  x[i] = z[i] / L[i][i], then z[j] -= L[i][j] * x[i] for j < i). Summation
//  order: for k = 1 the forward sums are lane-interleaved dot products (even /
//  odd j); for k >= 2 each column is one running sum in j order, exactly the
//  twin's order; the backward updates are applied in the twin's order, so for
//  k >= 2 and for the backward pass the result matches the twin bit for bit
//  given the same L (not a promise of the ABI). Same error expectation.
//
// METHOD
//  Left-looking, row-blocked: rows are processed in blocks of 4; for each pair
//  of columns (j0, j0+1) left of the block, a 4x2 register tile of dot
//  products over the contiguous row prefixes k < j0 (8 f64x2 accumulators)
//  followed by a 2-column triangular fix-up; then the 4x4 diagonal block. A
//  ragged last block (< 4 rows) runs the same tile with its missing rows
//  aliased to its last row (same values, stored twice).

/** 16 zero bytes: zero accumulators come from one load (see gram.ts ZERO). */
const ZERO: usize = memory.data(16, 16);

// @ts-ignore: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** dot(p[0..K), q[0..K)) with two f64x2 accumulators; lane sums then tail. */
// @ts-ignore: decorator
@inline function dot(p: usize, q: usize, K: i32): f64 {
  let acc0 = v128.load(ZERO);
  let acc1 = acc0;
  const end4 = p + (<usize>(K & ~3) << 3);
  while (p < end4) {
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(p), v128.load(q)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(p, 16), v128.load(q, 16)));
    p += 32;
    q += 32;
  }
  let s = hsum(f64x2.add(acc0, acc1));
  for (let t = K & ~3; t < K; t++) {
    s += load<f64>(p) * load<f64>(q);
    p += 8;
    q += 8;
  }
  return s;
}

/** In-place Cholesky of A + ridge*I (lower triangle); -1 or the failing pivot. */
export function choleskyF64(aPtr: usize, d: i32, ridge: f64): i32 {
  if (d <= 0) return -1;
  const rs = <usize>d << 3;
  const zero = v128.load(ZERO);
  for (let i0 = 0; i0 < d; i0 += 4) {
    const i1 = min(i0 + 4, d);
    const r0 = aPtr + <usize>i0 * rs;
    // a ragged last block (< 4 rows) runs the same tile with the missing rows
    // aliasing its last row: each tile reads all it needs before it writes,
    // so the aliases compute and store that row's values again
    const rl = aPtr + <usize>(i1 - 1) * rs;
    const r1 = min(r0 + rs, rl), r2 = min(r1 + rs, rl), r3 = min(r2 + rs, rl);
    for (let j0 = 0; j0 < i0; j0 += 2) {
      const q0 = aPtr + <usize>j0 * rs;
      const q1 = q0 + rs;
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      const kEnd = <usize>j0 << 3;
      for (let kk: usize = 0; kk < kEnd; kk += 16) {
        const y0 = v128.load(q0 + kk);
        const y1 = v128.load(q1 + kk);
        let x = v128.load(r0 + kk);
        c00 = f64x2.add(c00, f64x2.mul(x, y0));
        c01 = f64x2.add(c01, f64x2.mul(x, y1));
        x = v128.load(r1 + kk);
        c10 = f64x2.add(c10, f64x2.mul(x, y0));
        c11 = f64x2.add(c11, f64x2.mul(x, y1));
        x = v128.load(r2 + kk);
        c20 = f64x2.add(c20, f64x2.mul(x, y0));
        c21 = f64x2.add(c21, f64x2.mul(x, y1));
        x = v128.load(r3 + kk);
        c30 = f64x2.add(c30, f64x2.mul(x, y0));
        c31 = f64x2.add(c31, f64x2.mul(x, y1));
      }
      // 2-column triangular fix-up: all loads first (see the aliasing above)
      const jo = <usize>j0 << 3;
      const ljj0 = load<f64>(q0 + jo);
      const l10 = load<f64>(q1 + jo);
      const ljj1 = load<f64>(q1 + jo, 8);
      const a00 = load<f64>(r0 + jo), a01 = load<f64>(r0 + jo, 8);
      const a10 = load<f64>(r1 + jo), a11 = load<f64>(r1 + jo, 8);
      const a20 = load<f64>(r2 + jo), a21 = load<f64>(r2 + jo, 8);
      const a30 = load<f64>(r3 + jo), a31 = load<f64>(r3 + jo, 8);
      const v0 = (a00 - hsum(c00)) / ljj0;
      const v1 = (a10 - hsum(c10)) / ljj0;
      const v2 = (a20 - hsum(c20)) / ljj0;
      const v3 = (a30 - hsum(c30)) / ljj0;
      const w0 = (a01 - hsum(c01) - v0 * l10) / ljj1;
      const w1 = (a11 - hsum(c11) - v1 * l10) / ljj1;
      const w2 = (a21 - hsum(c21) - v2 * l10) / ljj1;
      const w3 = (a31 - hsum(c31) - v3 * l10) / ljj1;
      store<f64>(r0 + jo, v0);
      store<f64>(r0 + jo, w0, 8);
      store<f64>(r1 + jo, v1);
      store<f64>(r1 + jo, w1, 8);
      store<f64>(r2 + jo, v2);
      store<f64>(r2 + jo, w2, 8);
      store<f64>(r3 + jo, v3);
      store<f64>(r3 + jo, w3, 8);
    }
    // diagonal block rows i0..i1-1, columns i0..i
    for (let i = i0; i < i1; i++) {
      const ri = aPtr + <usize>i * rs;
      for (let j = i0; j <= i; j++) {
        const rj = aPtr + <usize>j * rs;
        let s = (j == i ? load<f64>(ri + (<usize>j << 3)) + ridge : load<f64>(ri + (<usize>j << 3))) - dot(ri, rj, i0);
        for (let k = i0; k < j; k++) {
          s -= load<f64>(ri + (<usize>k << 3)) * load<f64>(rj + (<usize>k << 3));
        }
        if (j < i) {
          store<f64>(ri + (<usize>j << 3), s / load<f64>(rj + (<usize>j << 3)));
        } else {
          if (!(s > 0.0) || !isFinite<f64>(s)) return i;
          store<f64>(ri + (<usize>i << 3), Math.sqrt(s));
        }
      }
    }
  }
  return -1;
}

/** Solves L L^T X = B in place (B: d*k row-major). */
export function cholSolveF64(lPtr: usize, d: i32, bPtr: usize, k: i32): void {
  if (d <= 0 || k <= 0) return;
  const rs = <usize>d << 3;
  const zero = v128.load(ZERO);
  if (k == 1) {
    // forward: z[i] = (b[i] - L[i][0..i) . z[0..i)) / L[i][i]
    for (let i = 0; i < d; i++) {
      const ri = lPtr + <usize>i * rs;
      const bi = bPtr + (<usize>i << 3);
      store<f64>(bi, (load<f64>(bi) - dot(ri, bPtr, i)) / load<f64>(ri + (<usize>i << 3)));
    }
    // backward (right-looking): x[i] = z[i] / L[i][i]; z[0..i) -= x[i] * L[i][0..i)
    for (let i = d - 1; i >= 0; i--) {
      const ri = lPtr + <usize>i * rs;
      const bi = bPtr + (<usize>i << 3);
      const x = load<f64>(bi) / load<f64>(ri + (<usize>i << 3));
      store<f64>(bi, x);
      const xs = f64x2.splat(x);
      let p = ri;
      let q = bPtr;
      const end2 = ri + (<usize>(i & ~1) << 3);
      while (p < end2) {
        v128.store(q, f64x2.sub(v128.load(q), f64x2.mul(xs, v128.load(p))));
        p += 16;
        q += 16;
      }
      if (i & 1) store<f64>(q, load<f64>(q) - x * load<f64>(p));
    }
    return;
  }
  // k >= 2: rows of B are contiguous vectors of length k.
  const bs = <usize>k << 3;
  const k2 = k & ~1;
  // forward (left-looking over rows): B[i] = (B[i] - sum_{j<i} L[i][j] B[j]) / L[i][i]
  for (let i = 0; i < d; i++) {
    const ri = lPtr + <usize>i * rs;
    const bi = bPtr + <usize>i * bs;
    const inv = load<f64>(ri + (<usize>i << 3));
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      let a0 = zero, a1 = zero;
      let bj = bPtr + (<usize>c << 3);
      for (let j = 0; j < i; j++) {
        const s = v128.load64_splat(ri + (<usize>j << 3));
        a0 = f64x2.add(a0, f64x2.mul(s, v128.load(bj)));
        a1 = f64x2.add(a1, f64x2.mul(s, v128.load(bj, 16)));
        bj += bs;
      }
      const o = bi + (<usize>c << 3);
      const dv = f64x2.splat(inv);
      v128.store(o, f64x2.div(f64x2.sub(v128.load(o), a0), dv));
      v128.store(o, f64x2.div(f64x2.sub(v128.load(o, 16), a1), dv), 16);
    }
    for (; c < k2; c += 2) {
      let a0 = zero;
      let bj = bPtr + (<usize>c << 3);
      for (let j = 0; j < i; j++) {
        a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(ri + (<usize>j << 3)), v128.load(bj)));
        bj += bs;
      }
      const o = bi + (<usize>c << 3);
      v128.store(o, f64x2.div(f64x2.sub(v128.load(o), a0), f64x2.splat(inv)));
    }
    if (c < k) {
      let s = 0.0;
      let bj = bPtr + (<usize>c << 3);
      for (let j = 0; j < i; j++) {
        s += load<f64>(ri + (<usize>j << 3)) * load<f64>(bj);
        bj += bs;
      }
      const o = bi + (<usize>c << 3);
      store<f64>(o, (load<f64>(o) - s) / inv);
    }
  }
  // backward (right-looking): B[i] /= L[i][i]; B[j] -= L[i][j] * B[i] for j < i
  for (let i = d - 1; i >= 0; i--) {
    const ri = lPtr + <usize>i * rs;
    const bi = bPtr + <usize>i * bs;
    const lii = load<f64>(ri + (<usize>i << 3));
    const dv = f64x2.splat(lii);
    let c = 0;
    for (; c < k2; c += 2) {
      const o = bi + (<usize>c << 3);
      v128.store(o, f64x2.div(v128.load(o), dv));
    }
    if (c < k) {
      const o = bi + (<usize>c << 3);
      store<f64>(o, load<f64>(o) / lii);
    }
    for (let j = 0; j < i; j++) {
      const s = v128.load64_splat(ri + (<usize>j << 3));
      const ss = load<f64>(ri + (<usize>j << 3));
      const bj = bPtr + <usize>j * bs;
      let cc = 0;
      for (; cc < k2; cc += 2) {
        const o = bj + (<usize>cc << 3);
        v128.store(o, f64x2.sub(v128.load(o), f64x2.mul(s, v128.load(bi + (<usize>cc << 3)))));
      }
      if (cc < k) {
        const o = bj + (<usize>cc << 3);
        store<f64>(o, load<f64>(o) - ss * load<f64>(bi + (<usize>cc << 3)));
      }
    }
  }
}
