// Gram kernel: X^T W X and X^T W Y for row-major f64 X; gramCentredF64 does
// the same for Z = (X - mu) diag(inv), centring and scaling while packing.
//
// NUMERICAL CONTRACT (gramCentredF64: read x[r][j] below as z[r][j] =
// (x[r][j] - mu[j]) * inv[j], one f64 subtraction then one f64 product, as
// the twin forms it)
//  - Computes, and ADDS (+=) into the caller's buffers,
//      xtx[i][j] += sum_r (w[r] * x[r][i]) * x[r][j]        (d*d, full matrix)
//      xty[i][c] += sum_r (w[r] * x[r][i]) * y[r][c]        (d*m, when m > 0)
//    with w[r] = 1 when wPtr = 0 (then the product is just x[r][i] * x[r][j]).
//    Every product is formed exactly as the twin forms it ((w*x_i)*x_j, IEEE
//    f64, no FMA); only the summation order differs.
//  - Summation order: rows are taken in chunks of R = chunkRows(d) rows. Within
//    a chunk, each entry is summed over the chunk's rows in row order (a single
//    f64x2 lane per entry, so one plain running sum); the chunk's sum is then
//    added to xtx / xty. The twin sums all n rows into one running sum and adds
//    it at the end. Expected difference vs the twin: |err| <= ~n * eps *
//    sum_r |w x_i x_j| (worst case), typically ~sqrt(n) * eps relative.
//  - Symmetry is exact: only the upper triangle (i <= j) is computed; each
//    chunk's value for (i, j) is added to both xtx[i][j] and xtx[j][i], so a
//    symmetric xtx stays bit-exactly symmetric.
//  - n = 0 or d = 0: no-op.
//
// METHOD
//  Rows are packed chunk by chunk into `scratch` as panels of 4 columns
//  (panel p holds x[r][4p..4p+3] for the chunk's rows, zero-padded past d), a
//  second copy pre-multiplied by w[r] when weights are given. Each 4x4 tile of
//  the upper triangle is then a rank-R update streaming two contiguous panels:
//  8 f64x2 accumulators (4 splatted left values x 2 right vectors).
//
// Scratch (gramScratchBytes): 2 panels sets of R*pad4(d) f64 + 128 bytes.

/** Panel-set budget: one set of panels stays within ~512 KiB (L2). */
const PANEL_BUDGET: i32 = 1 << 19;
const MAX_ROWS: i32 = 256;
const MIN_ROWS: i32 = 64;

// @ts-ignore: decorator
@inline function chunkRows(d: i32): i32 {
  const dp = (d + 3) & ~3;
  let r = (PANEL_BUDGET / (dp << 3)) & ~15;
  if (r > MAX_ROWS) r = MAX_ROWS;
  if (r < MIN_ROWS) r = MIN_ROWS;
  return r;
}

/** Bytes of scratch gramF64 needs for d columns (0 when d <= 0). */
export function gramScratchBytes(d: i32): i32 {
  if (d <= 0) return 0;
  const dp = (d + 3) & ~3;
  return 2 * chunkRows(d) * dp * 8 + 128;
}

/**
 * 16 zero bytes. Accumulators start from `v128.load(ZERO)` held in a local:
 * a literal zero vector is re-emitted by Binaryen as an 18-byte v128.const at
 * each of its uses (here 8 per tile kernel).
 */
const ZERO: usize = memory.data(16, 16);

/** Rows per packing block: their x rows (<= 8 * d * 8 bytes) stay in L1. */
const PACK_ROWS: i32 = 8;

/** Tail column 4*nfull + c (at src + 8c): (x - mu) * inv, or x itself when mu = 0. */
// @ts-ignore: decorator
@inline function centred(src: usize, c: i32, nfull: i32, mu: usize, inv: usize): f64 {
  const v = load<f64>(src + (<usize>c << 3));
  if (!mu) return v;
  const j = <usize>((nfull << 2) + c) << 3;
  return (v - load<f64>(mu + j)) * load<f64>(inv + j);
}

/** 1.0: the weight of every row when no weights are given (read with stride 0). */
const ONE: usize = memory.data<f64>([1.0]);

/**
 * Packs rows [0, rc) of x (d columns) into panels P and w-scaled panels PW,
 * each value as z = (x - mu[j]) * inv[j] when mu != 0 (else z = x: the same
 * bits, as (x - 0) * 1 is exact, -0 included). Without weights (w = 0) PW is
 * P and the weight reads as 1.0 (stride 0): the second store rewrites the
 * same bits (1 * z = z exactly), so one loop serves both cases.
 * Blocks of PACK_ROWS rows, panel by panel: each panel receives a contiguous
 * burst of PACK_ROWS*32 bytes (whole cache lines) instead of one 32-byte
 * store per row scattered across all panels (which thrashes L1 sets: the
 * panels are panelBytes apart, a multiple of 4 KiB).
 */
function pack(x: usize, rc: i32, d: i32, w: usize, P: usize, PW: usize, panelBytes: usize, mu: usize, inv: usize): void {
  const rowBytes = <usize>d << 3;
  const nfull = d >> 2;
  const rem = d & 3;
  const zero = v128.load(ZERO);
  const one = v128.load64_splat(ONE);
  const wstep: usize = w ? 8 : 0;
  const w0 = w ? w : ONE;
  for (let rb = 0; rb < rc; rb += PACK_ROWS) {
    const re = min(rb + PACK_ROWS, rc);
    const xb = x + <usize>rb * rowBytes;
    const ob = <usize>rb << 5;
    const wb = w0 + <usize>rb * wstep;
    for (let p = 0; p < nfull; p++) {
      let src = xb + (<usize>p << 5);
      let dp0 = P + <usize>p * panelBytes + ob;
      let dq0 = PW + <usize>p * panelBytes + ob;
      let wp = wb;
      const cb = <usize>p << 5;
      const m0 = mu ? v128.load(mu + cb) : zero;
      const m1 = mu ? v128.load(mu + cb, 16) : zero;
      const s0 = mu ? v128.load(inv + cb) : one;
      const s1 = mu ? v128.load(inv + cb, 16) : one;
      for (let r = rb; r < re; r++) {
        const v0 = f64x2.mul(f64x2.sub(v128.load(src), m0), s0);
        const v1 = f64x2.mul(f64x2.sub(v128.load(src, 16), m1), s1);
        v128.store(dp0, v0);
        v128.store(dp0, v1, 16);
        if (w) {
          const ws = v128.load64_splat(wp);
          v128.store(dq0, f64x2.mul(ws, v0));
          v128.store(dq0, f64x2.mul(ws, v1), 16);
        }
        src += rowBytes;
        dp0 += 32;
        dq0 += 32;
        wp += wstep;
      }
    }
    if (rem) {
      let src = xb + (<usize>nfull << 5);
      let dp0 = P + <usize>nfull * panelBytes + ob;
      let dq0 = PW + <usize>nfull * panelBytes + ob;
      let wp = wb;
      for (let r = rb; r < re; r++) {
        const wsc = load<f64>(wp);
        for (let c = 0; c < 4; c++) {
          const v: f64 = c < rem ? centred(src, c, nfull, mu, inv) : 0.0;
          store<f64>(dp0 + (<usize>c << 3), v);
          store<f64>(dq0 + (<usize>c << 3), wsc * v);
        }
        src += rowBytes;
        dp0 += 32;
        dq0 += 32;
        wp += wstep;
      }
    }
  }
}

/**
 * xtx += X^T W X and (m > 0) xty += X^T W Y. See the contract at the top.
 */
export function gramF64(xPtr: usize, n: i32, d: i32, yPtr: usize, m: i32, wPtr: usize, xtxPtr: usize, xtyPtr: usize, scratchPtr: usize): void {
  gram(xPtr, n, d, 0, 0, yPtr, m, wPtr, xtxPtr, xtyPtr, scratchPtr);
}

/**
 * The same for Z = (X - mu) diag(inv) (mu, inv: d f64 each), formed while
 * packing: xtx += Z^T W Z, xty += Z^T W Y. No centred copy of X is built.
 */
export function gramCentredF64(xPtr: usize, n: i32, d: i32, muPtr: usize, invPtr: usize, yPtr: usize, m: i32, wPtr: usize, xtxPtr: usize, xtyPtr: usize, scratchPtr: usize): void {
  gram(xPtr, n, d, muPtr, invPtr, yPtr, m, wPtr, xtxPtr, xtyPtr, scratchPtr);
}

function gram(xPtr: usize, n: i32, d: i32, mu: usize, inv: usize, yPtr: usize, m: i32, wPtr: usize, xtxPtr: usize, xtyPtr: usize, scratchPtr: usize): void {
  if (n <= 0 || d <= 0) return;
  const R = chunkRows(d);
  const nb = (d + 3) >> 2;
  const dp = nb << 2;
  const panelBytes = <usize>R << 5;
  const P = scratchPtr;
  const PW: usize = wPtr ? P + <usize>nb * panelBytes : P;
  const T: usize = P + 2 * <usize>R * <usize>dp * 8; // 128-byte tile spill
  const rowBytes = <usize>d << 3;
  const zero = v128.load(ZERO);

  for (let r0 = 0; r0 < n; r0 += R) {
    const rc = min(R, n - r0);
    pack(xPtr + <usize>r0 * rowBytes, rc, d, wPtr ? wPtr + (<usize>r0 << 3) : 0, P, PW, panelBytes, mu, inv);
    const span = <usize>rc << 5;

    for (let pi = 0; pi < nb; pi++) {
      const aBase = PW + <usize>pi * panelBytes;
      const i0 = pi << 2;
      for (let pj = pi; pj < nb; pj++) {
        let a = aBase;
        let b = P + <usize>pj * panelBytes;
        const aEnd = a + span;
        let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
        let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        while (a < aEnd) {
          const b0 = v128.load(b);
          const b1 = v128.load(b, 16);
          let s = v128.load64_splat(a);
          c00 = f64x2.add(c00, f64x2.mul(s, b0));
          c01 = f64x2.add(c01, f64x2.mul(s, b1));
          s = v128.load64_splat(a, 8);
          c10 = f64x2.add(c10, f64x2.mul(s, b0));
          c11 = f64x2.add(c11, f64x2.mul(s, b1));
          s = v128.load64_splat(a, 16);
          c20 = f64x2.add(c20, f64x2.mul(s, b0));
          c21 = f64x2.add(c21, f64x2.mul(s, b1));
          s = v128.load64_splat(a, 24);
          c30 = f64x2.add(c30, f64x2.mul(s, b0));
          c31 = f64x2.add(c31, f64x2.mul(s, b1));
          a += 32;
          b += 32;
        }
        const j0 = pj << 2;
        if (i0 + 4 <= d && j0 + 4 <= d && pi != pj) {
          // full off-diagonal tile: rows of the upper block are contiguous
          const u = xtxPtr + ((<usize>i0 * <usize>d + <usize>j0) << 3);
          v128.store(u, f64x2.add(v128.load(u), c00));
          v128.store(u, f64x2.add(v128.load(u, 16), c01), 16);
          const u1 = u + rowBytes;
          v128.store(u1, f64x2.add(v128.load(u1), c10));
          v128.store(u1, f64x2.add(v128.load(u1, 16), c11), 16);
          const u2 = u1 + rowBytes;
          v128.store(u2, f64x2.add(v128.load(u2), c20));
          v128.store(u2, f64x2.add(v128.load(u2, 16), c21), 16);
          const u3 = u2 + rowBytes;
          v128.store(u3, f64x2.add(v128.load(u3), c30));
          v128.store(u3, f64x2.add(v128.load(u3, 16), c31), 16);
          // mirror: xtx[j0+b][i0+a] += tile[a][b]
          v128.store(T, c00);
          v128.store(T, c01, 16);
          v128.store(T, c10, 32);
          v128.store(T, c11, 48);
          v128.store(T, c20, 64);
          v128.store(T, c21, 80);
          v128.store(T, c30, 96);
          v128.store(T, c31, 112);
          for (let bb = 0; bb < 4; bb++) {
            const l = xtxPtr + ((<usize>(j0 + bb) * <usize>d + <usize>i0) << 3);
            const t = T + (<usize>bb << 3);
            store<f64>(l, load<f64>(l) + load<f64>(t));
            store<f64>(l, load<f64>(l, 8) + load<f64>(t, 32), 8);
            store<f64>(l, load<f64>(l, 16) + load<f64>(t, 64), 16);
            store<f64>(l, load<f64>(l, 24) + load<f64>(t, 96), 24);
          }
        } else {
          // diagonal or ragged tile: upper entries only, mirrored
          v128.store(T, c00);
          v128.store(T, c01, 16);
          v128.store(T, c10, 32);
          v128.store(T, c11, 48);
          v128.store(T, c20, 64);
          v128.store(T, c21, 80);
          v128.store(T, c30, 96);
          v128.store(T, c31, 112);
          const ia = min(4, d - i0);
          const jb = min(4, d - j0);
          for (let aa = 0; aa < ia; aa++) {
            const i = i0 + aa;
            for (let bb = 0; bb < jb; bb++) {
              const j = j0 + bb;
              if (j < i) continue;
              const v = load<f64>(T + (<usize>(aa * 4 + bb) << 3));
              const p = xtxPtr + ((<usize>i * <usize>d + <usize>j) << 3);
              store<f64>(p, load<f64>(p) + v);
              if (j != i) {
                const q = xtxPtr + ((<usize>j * <usize>d + <usize>i) << 3);
                store<f64>(q, load<f64>(q) + v);
              }
            }
          }
        }
      }
    }

    if (m > 0) xtyChunk(PW, panelBytes, span, nb, d, yPtr + <usize>r0 * (<usize>m << 3), m, xtyPtr, T);
  }
}

/** Adds 4 x 4 block (xty rows i0.., columns c0..) from T (T[q*4 + a] = row a, col q). */
// @ts-ignore: decorator
@inline function flushXty(T: usize, xty: usize, i0: i32, ia: i32, c0: i32, cq: i32, m: i32): void {
  for (let aa = 0; aa < ia; aa++) {
    const row = xty + ((<usize>(i0 + aa) * <usize>m + <usize>c0) << 3);
    for (let q = 0; q < cq; q++) {
      const p = row + (<usize>q << 3);
      store<f64>(p, load<f64>(p) + load<f64>(T + (<usize>(q * 4 + aa) << 3)));
    }
  }
}

/**
 * xty += (packed, weighted chunk)^T Y for one chunk: Y columns one at a time
 * across groups of 4 panels (8 independent accumulators). Each entry is one
 * running sum over the chunk's rows in row order, whatever the tiling.
 */
function xtyChunk(PW: usize, panelBytes: usize, span: usize, nb: i32, d: i32, yBase: usize, m: i32, xty: usize, T: usize): void {
  const ystride = <usize>m << 3;
  const zero = v128.load(ZERO);
  for (let c = 0; c < m; c++) {
    // four panels per pass; past the last panel the offsets fall back to 0
    // (the first panel again: its accumulators are computed and dropped)
    for (let pi = 0; pi < nb; pi += 4) {
      const np = min(4, nb - pi);
      let a = PW + <usize>pi * panelBytes;
      const aEnd = a + span;
      const p1 = np > 1 ? panelBytes : 0;
      const p2 = np > 2 ? panelBytes << 1 : 0;
      const p3 = np > 3 ? panelBytes * 3 : 0;
      let yp = yBase + (<usize>c << 3);
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      // do-while (span > 0): V8 then computes p1..p3 once, outside the loop
      do {
        const s = v128.load64_splat(yp);
        c00 = f64x2.add(c00, f64x2.mul(v128.load(a), s));
        c01 = f64x2.add(c01, f64x2.mul(v128.load(a, 16), s));
        c10 = f64x2.add(c10, f64x2.mul(v128.load(a + p1), s));
        c11 = f64x2.add(c11, f64x2.mul(v128.load(a + p1, 16), s));
        c20 = f64x2.add(c20, f64x2.mul(v128.load(a + p2), s));
        c21 = f64x2.add(c21, f64x2.mul(v128.load(a + p2, 16), s));
        c30 = f64x2.add(c30, f64x2.mul(v128.load(a + p3), s));
        c31 = f64x2.add(c31, f64x2.mul(v128.load(a + p3, 16), s));
        a += 32;
        yp += ystride;
      } while (a < aEnd);
      // panel pi + q's column lands at T + 32q: T[q*4 + a] layout read with q = 0
      v128.store(T, c00);
      v128.store(T, c01, 16);
      v128.store(T, c10, 32);
      v128.store(T, c11, 48);
      v128.store(T, c20, 64);
      v128.store(T, c21, 80);
      v128.store(T, c30, 96);
      v128.store(T, c31, 112);
      for (let q = 0; q < np; q++) {
        const i0 = (pi + q) << 2;
        flushXty(T + (<usize>q << 5), xty, i0, min(4, d - i0), c, 1, m);
      }
    }
  }
}
