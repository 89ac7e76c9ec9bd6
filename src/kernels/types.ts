/**
 * The kernel ABI shared by the WebAssembly module (`assembly/`) and its pure-TS
 * twin (`src/kernels/js/`). Both backends implement exactly this interface over
 * one `WebAssembly.Memory`; every argument named `*Ptr` is a byte offset into
 * that memory, every length is an element count. Kernels allocate nothing and
 * never see JS objects: the engine (src/engine) owns memory and validates
 * inputs, so kernels may assume finite values and in-range sizes.
 *
 * Numerical contracts (the twin is the reference):
 *  - integer outputs (quantize, prune masks/counts, kth selection) are
 *    bit-identical across backends;
 *  - min/max/max-abs reductions are exact, hence bit-identical;
 *  - gram, cholesky, solves and norms differ only by summation order: relative
 *    error vs the twin within 1e-12 * (1 + cond) for well-scaled inputs.
 */
export interface Kernels {
  /** Index of the first NaN or ±Infinity among n values, or -1 (exact). */
  findNonFiniteF32(xPtr: number, n: number): number;
  findNonFiniteF64(xPtr: number, n: number): number;

  /** Bytes of scratch `gramF64` needs for `d` columns (may be 0). */
  gramScratchBytes(d: number): number;
  /**
   * ACCUMULATES (+=) X^T W X into `xtxPtr` (d*d f64, full symmetric, row-major)
   * and, if m > 0, X^T W Y into `xtyPtr` (d*m f64, row-major).
   * X: n*d f64 row-major; Y: n*m f64 row-major (ignored when m = 0);
   * W: n f64 row weights, or wPtr = 0 for all ones.
   */
  gramF64(xPtr: number, n: number, d: number, yPtr: number, m: number, wPtr: number, xtxPtr: number, xtyPtr: number, scratchPtr: number): void;
  /**
   * gramF64 of Z = (X - mu) diag(inv), z = (x - mu[j]) * inv[j] formed in f64
   * exactly as the twin forms it, while packing (no centred copy of X).
   * mu, inv: d f64 each; scratch as gramF64 (gramScratchBytes(d)).
   */
  gramCentredF64(xPtr: number, n: number, d: number, muPtr: number, invPtr: number, yPtr: number, m: number, wPtr: number, xtxPtr: number, xtyPtr: number, scratchPtr: number): void;

  /**
   * Column statistics of X (n*d f64 row-major), ACCUMULATED into d f64 each:
   * over rows with w[r] > 0 (all rows when wPtr = 0), sum[j] += w[r] * x[r][j]
   * (x[r][j] unweighted), min[j] / max[j] by compare-and-select (NaN never
   * selected; it and ±Inf make the sum non-finite). Bit-identical across
   * backends (one running sum per column in row order).
   */
  colStatsF64(xPtr: number, n: number, d: number, wPtr: number, sumPtr: number, minPtr: number, maxPtr: number): void;

  /**
   * Weighted gram of a compressed-row design, ACCUMULATED: row i holds
   * entries start[i] .. start[i + 1] - 1 (start: n + 1 i32, absolute indices
   * into col (i32, ascending within a row, < d) and val (f64), or valPtr = 0
   * when every stored value is 1). For each row in order and each entry q in
   * order (j = col[q], v = val[q]): xw[j] += w[i] v, xr[j] += r[i] v, and
   * xtx[j*d + col[t]] += (w[i] v) val[t] for the row's entries t >= q: the
   * upper triangle of X^T W X (diagonal included; the strict lower triangle
   * is untouched), X^T W 1 and X^T r (w, r: n f64 each). Bit-identical across
   * backends (the same scalar operations in the same order).
   */
  nonzeroGramF64(startPtr: number, colPtr: number, valPtr: number, n: number, d: number, wPtr: number, rPtr: number, xtxPtr: number, xwPtr: number, xrPtr: number): void;

  /**
   * In-place Cholesky A + ridge*I = L L^T of a d*d f64 row-major SPD matrix.
   * Reads the lower triangle (including diagonal) only; writes L into it; the
   * strict upper triangle is left untouched. Returns -1 on success, else the
   * 0-based index of the first pivot that is not > 0 (or not finite).
   */
  choleskyF64(aPtr: number, d: number, ridge: number): number;
  /** Solves L L^T X = B in place; B is d*k f64 row-major (k right-hand sides). */
  cholSolveF64(lPtr: number, d: number, bPtr: number, k: number): void;

  /**
   * Segment reductions: the array of n values is cut into consecutive segments
   * of length `seg` (the last one may be shorter); segment s writes out[s].
   * per-tensor: seg = n; per-row: seg = cols; per-block: seg = block.
   * min/max/max-abs outputs have the input's element type (exact).
   */
  segMinMaxF32(xPtr: number, n: number, seg: number, minPtr: number, maxPtr: number): void;
  segMinMaxF64(xPtr: number, n: number, seg: number, minPtr: number, maxPtr: number): void;
  segMaxAbsF32(xPtr: number, n: number, seg: number, outPtr: number): void;
  segMaxAbsF64(xPtr: number, n: number, seg: number, outPtr: number): void;
  /**
   * Per-column reductions of n row-major f32 values in rows of `cols` (the
   * last row may be shorter): column c is every value i with i % cols == c;
   * out[c] is written for c < min(cols, n). Exact, as the seg* versions
   * (colMaxAbsF32 propagates NaN like segMaxAbsF32; min/max: -0 < +0).
   */
  colMaxAbsF32(xPtr: number, n: number, cols: number, outPtr: number): void;
  colMinMaxF32(xPtr: number, n: number, cols: number, minPtr: number, maxPtr: number): void;
  /** p = 1: sum |x|; p = 2: sqrt(sum x^2). Accumulated in f64, output f64. */
  segNormF32(xPtr: number, n: number, seg: number, p: number, outPtr: number): void;
  segNormF64(xPtr: number, n: number, seg: number, p: number, outPtr: number): void;

  /**
   * out[i] = |w[i]| <= t ? 0 : w[i]  (outPtr may equal wPtr: in place).
   * If maskPtr != 0, writes a bitmask of kept weights: bit (i & 7) of byte
   * (i >> 3) is 1 when w[i] is kept; unused high bits of the last byte are 0.
   * Returns the number kept, or -1 when any w[i] is NaN or ±Infinity (checked
   * in the same pass; the output is then meaningless). (F32: t is f32; the
   * engine passes the largest f32 <= the user's f64 threshold so that
   * comparison is exact.)
   */
  pruneF32(wPtr: number, n: number, t: number, outPtr: number, maskPtr: number): number;
  pruneF64(wPtr: number, n: number, t: number, outPtr: number, maskPtr: number): number;

  /**
   * N:M semi-structured pruning. Rows of rowLen (<= 0 or > n: one row; the
   * last may be shorter), runs of m from each row's start (the last run of a
   * row may be shorter); a run keeps its min(keep, len) largest |w|, ties to
   * the lower index (-0 ties +0). Writes the mask (layout as pruneF32, all
   * ceil(n/8) bytes) and the survivors packed in index order, bit for bit,
   * exactly `kept` values (out must not overlap w). Returns kept (the sum
   * over runs of min(keep, len)), or -1 when any w[i] is NaN or ±Infinity
   * (the outputs are still written in bounds). Bit-identical across backends
   * for NaN-free input.
   */
  nmPruneF32(wPtr: number, n: number, rowLen: number, keep: number, m: number, outPtr: number, maskPtr: number): number;
  nmPruneF64(wPtr: number, n: number, rowLen: number, keep: number, m: number, outPtr: number, maskPtr: number): number;

  /**
   * The k-th largest |w| (1 <= k <= n), exact, O(n) expected, no full sort.
   * scratch: n elements of the same type (contents clobbered).
   */
  kthAbsF32(wPtr: number, n: number, k: number, scratchPtr: number): number;
  kthAbsF64(wPtr: number, n: number, k: number, scratchPtr: number): number;

  /**
   * q = clamp(roundHalfEven(f32(x / s)) + z, qmin, qmax) with s = scales[seg index]
   * (f32), z = zps[seg index] (i32) or 0 when zpPtr = 0. The f32 division is the
   * ONNX QuantizeLinear rule. Output packing by `bits`:
   *   bits 5..8: one value per byte (two's complement when qmin < 0);
   *   bits 3..4: two per byte, element i in bits 4*(i&1) .. of byte i>>1;
   *   bits 2:    four per byte, element i in bits 2*(i&3) .. of byte i>>2.
   * Packed values are stored as (q & (2^slot - 1)); unused bits are 0.
   */
  quantizeF32(xPtr: number, n: number, seg: number, scalePtr: number, zpPtr: number, qmin: number, qmax: number, bits: number, outPtr: number): void;
  /**
   * out[i] = f32((q[i] - z) * s), unpacking as above; `signed` != 0 sign-extends
   * packed/byte values (two's complement), else they are read unsigned.
   */
  dequantizeF32(qPtr: number, n: number, seg: number, scalePtr: number, zpPtr: number, bits: number, signed: number, outPtr: number): void;
  /**
   * quantizeF32 / dequantizeF32 with one group per column of row-major rows of
   * `cols` values (ONNX axis = 1 of a [rows, cols] tensor): value i uses
   * scales[i % cols] and zps[i % cols]; packing runs over the flat index i.
   */
  quantizeColsF32(xPtr: number, n: number, cols: number, scalePtr: number, zpPtr: number, qmin: number, qmax: number, bits: number, outPtr: number): void;
  dequantizeColsF32(qPtr: number, n: number, cols: number, scalePtr: number, zpPtr: number, bits: number, signed: number, outPtr: number): void;
}
