/**
 * SparseTensor: a pruned tensor stored compactly. Zeros stored dense do not
 * shrink a file, so only the surviving values are kept, with either
 *  - 'bitmask': ceil(n/8) bytes, bit (i & 7) of byte (i >> 3) set when
 *    element i survives (the layout of prune()'s mask), or
 *  - 'csr': row pointers (rows + 1, u32) and column indices (u16 when
 *    cols <= 65536, else u32) for a [rows, cols] tensor (a 1-D tensor is one row),
 *  - 'dense': no index at all, every element stored (pruned ones as 0), when
 *    that is strictly smaller than both: when so few elements are pruned that
 *    their bytes do not pay for the bitmask (fewer than n/32 of f32, n/64 of
 *    f64). A .slim file writes pruned elements as -0.0 there (kept zeros as
 *    +0.0), so the keep-mask survives at no cost (docs/FORMAT.md).
 * whichever takes fewest bytes (ties go to the bitmask, then CSR), so `bytes`
 * never exceeds `denseBytes`. Surviving values are packed in index order, in
 * the element type of the input (f32 or f64), in every format; in memory the
 * 'dense' format keeps its bitmask too (`mask`, `kept` and `toDense` work alike).
 * Bitmask costs 1 bit per element; CSR costs 16-32 bits per survivor, so CSR
 * wins below roughly 1/16 - 1/32 density.
 */
import { SlimfitError } from '../errors.js';

// Keep-bitmasks (layout: src/mask.ts) are read and set inline in the per-element
// loops here: through maskBit() / setMaskBit() they measured 6-9% slower at 1e7
// elements (V8 does not inline the calls in these loops).

export type SparseFormat = 'bitmask' | 'csr' | 'dense';

/** Options of SparseTensor.fromDense / fromPacked. */
export interface SparseLayoutOptions {
  /** Allow the 'dense' format (default true). An index-only use (values stored elsewhere) passes false. */
  dense?: boolean;
}
/**
 * One option, so the check is inline rather than through src/options.ts (the
 * scoring bundle carries this class): any other name is E_RANGE.
 */
function checkLayout(fn: string, opts: SparseLayoutOptions | undefined): void {
  const bad = opts === undefined ? undefined : Object.keys(opts ?? 0).find((k) => k !== ('dense' satisfies keyof SparseLayoutOptions));
  if (bad !== undefined) throw new SlimfitError('E_RANGE', `${fn}: unknown option '${bad}' (the options are 'dense')`);
}
export type FloatArray = Float32Array | Float64Array;

export class SparseTensor<T extends FloatArray = FloatArray> {
  /** Logical shape: [n] or [rows, cols] (row-major). */
  readonly shape: number[];
  /** Which index structure `bytes` counts. */
  readonly format: SparseFormat;
  /** Number of surviving (stored) values. */
  readonly kept: number;
  /** Number of logical elements (product of shape). */
  readonly length: number;
  /** The surviving values, packed in index order (length `kept`). */
  readonly data: T;
  /** 'bitmask' and 'dense' formats: ceil(n/8) bytes (for 'dense' in memory only); undefined for CSR. */
  readonly bitmask: Uint8Array | undefined;
  /** 'csr' format: rows + 1 offsets into `data`; undefined for bitmask. */
  readonly rowPtr: Uint32Array | undefined;
  /** 'csr' format: the column of each stored value; undefined for bitmask. */
  readonly colIdx: Uint16Array | Uint32Array | undefined;

  private constructor(
    shape: number[],
    format: SparseFormat,
    data: T,
    bitmask: Uint8Array | undefined,
    rowPtr: Uint32Array | undefined,
    colIdx: Uint16Array | Uint32Array | undefined,
  ) {
    this.shape = shape;
    this.format = format;
    this.data = data;
    this.kept = data.length;
    this.length = shape.reduce((a, b) => a * b, 1);
    this.bitmask = bitmask;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
  }

  /**
   * Builds a SparseTensor from dense values and a keep-bitmask (prune()
   * layout), choosing the smaller of the two formats. Kept entries are stored
   * even when their value is 0; entries outside the mask are dropped.
   */
  static fromDense<T extends FloatArray>(dense: T, keepMask: Uint8Array, shape?: number[], opts?: SparseLayoutOptions): SparseTensor<T> {
    checkLayout('SparseTensor.fromDense', opts);
    const n = dense.length;
    if (keepMask.length !== (n + 7) >> 3) throw new SlimfitError('E_SHAPE', `mask must have ${(n + 7) >> 3} bytes for ${n} values`);
    let kept = 0;
    for (let i = 0; i < n; i++) kept += (keepMask[i >> 3] >> (i & 7)) & 1;
    const Ctor = dense.constructor as { new (n: number): T };
    const data = new Ctor(kept);
    let j = 0;
    for (let i = 0; i < n; i++) if ((keepMask[i >> 3] >> (i & 7)) & 1) data[j++] = dense[i];
    return SparseTensor.fromPacked(data, keepMask, n, shape, opts);
  }

  /**
   * As fromDense, from survivors already packed in index order (`data`, one
   * per set bit of keepMask, e.g. from the N:M kernel) over n logical
   * elements. Takes ownership of `data`.
   */
  static fromPacked<T extends FloatArray>(data: T, keepMask: Uint8Array, n: number, shape?: number[], opts?: SparseLayoutOptions): SparseTensor<T> {
    checkLayout('SparseTensor.fromPacked', opts);
    const shp = shape ?? [n];
    if (shp.reduce((a, b) => a * b, 1) !== n || shp.length < 1 || shp.length > 2) {
      throw new SlimfitError('E_SHAPE', `shape ${JSON.stringify(shp)} does not describe ${n} values as [n] or [rows, cols]`);
    }
    if (keepMask.length !== (n + 7) >> 3) throw new SlimfitError('E_SHAPE', `mask must have ${(n + 7) >> 3} bytes for ${n} values`);
    const rows = shp.length === 2 ? shp[0] : 1;
    const cols = shp.length === 2 ? shp[1] : n;
    const kept = data.length;
    const eb = data.BYTES_PER_ELEMENT;
    const idxBytes = cols <= 65536 ? 2 : 4;
    const bitmaskBytes = ((n + 7) >> 3) + kept * eb;
    const csrBytes = (rows + 1) * 4 + kept * idxBytes + kept * eb;
    const denseBytes = n * eb;
    const dense = (opts?.dense ?? true) && denseBytes < Math.min(bitmaskBytes, csrBytes);
    if (dense || bitmaskBytes <= csrBytes) {
      const m = keepMask.slice();
      if (n & 7) m[m.length - 1] &= (1 << (n & 7)) - 1; // unused high bits are 0
      return new SparseTensor(shp.slice(), dense ? 'dense' : 'bitmask', data, m, undefined, undefined);
    }
    const rowPtr = new Uint32Array(rows + 1);
    const colIdx = idxBytes === 2 ? new Uint16Array(kept) : new Uint32Array(kept);
    let p = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        if ((keepMask[i >> 3] >> (i & 7)) & 1) colIdx[p++] = c;
      }
      rowPtr[r + 1] = p;
    }
    return new SparseTensor(shp.slice(), 'csr', data, undefined, rowPtr, colIdx);
  }

  /** Storage bytes: index structure plus packed values, or every value for 'dense' (what a file would hold); never above denseBytes. */
  get bytes(): number {
    const vb = this.data.byteLength;
    if (this.format === 'dense') return this.denseBytes;
    if (this.format === 'bitmask') return this.bitmask!.byteLength + vb;
    return this.rowPtr!.byteLength + this.colIdx!.byteLength + vb;
  }

  /** Bytes of the same tensor stored dense. */
  get denseBytes(): number {
    return this.length * this.data.BYTES_PER_ELEMENT;
  }

  /** Fraction of elements removed, 1 - kept / length. */
  get sparsity(): number {
    return this.length === 0 ? 0 : 1 - this.kept / this.length;
  }

  /** Dense values, zeros where pruned (a fresh copy). */
  toDense(): T {
    const Ctor = this.data.constructor as { new (n: number): T };
    const out = new Ctor(this.length);
    if (this.format !== 'csr') {
      const m = this.bitmask!;
      let j = 0;
      for (let i = 0; i < this.length; i++) if ((m[i >> 3] >> (i & 7)) & 1) out[i] = this.data[j++];
    } else {
      const cols = this.shape.length === 2 ? this.shape[1] : this.length;
      const rp = this.rowPtr!;
      const ci = this.colIdx!;
      for (let r = 0; r + 1 < rp.length; r++) for (let p = rp[r]; p < rp[r + 1]; p++) out[r * cols + ci[p]] = this.data[p];
    }
    return out;
  }

  private denseCache: T | undefined;
  private maskCache: Uint8Array | undefined;

  /**
   * Compatibility with prune()'s v0 result `{ values, mask, kept }`: the
   * dense values, built on first access and then the same array every time
   * (so `r.values[i]` in a loop is not quadratic). Writing to it does not
   * change this tensor; toDense() gives an independent copy.
   */
  get values(): T {
    return (this.denseCache ??= this.toDense());
  }

  /** Compatibility with prune()'s v0 result: the keep-bitmask, built once (see values). */
  get mask(): Uint8Array {
    return (this.maskCache ??= this.buildMask());
  }

  private buildMask(): Uint8Array {
    if (this.format !== 'csr') return this.bitmask!.slice();
    const m = new Uint8Array((this.length + 7) >> 3);
    const cols = this.shape.length === 2 ? this.shape[1] : this.length;
    const rp = this.rowPtr!;
    const ci = this.colIdx!;
    for (let r = 0; r + 1 < rp.length; r++) {
      for (let p = rp[r]; p < rp[r + 1]; p++) {
        const i = r * cols + ci[p];
        m[i >> 3] |= 1 << (i & 7);
      }
    }
    return m;
  }

  /**
   * The 'dense' file encoding: all n values, pruned elements as -0.0 and kept
   * zeros as +0.0 (so a reader recovers the keep-mask from the sign of zeros).
   */
  denseWithMarkers(): T {
    const out = this.toDense();
    const m = this.bitmask ?? this.mask;
    for (let i = 0; i < this.length; i++) {
      if ((m[i >> 3] >> (i & 7)) & 1) {
        if (out[i] === 0) out[i] = 0; // a kept -0.0 is stored as +0.0
      } else out[i] = -0;
    }
    return out;
  }

  /**
   * Reads the 'dense' file encoding back (see denseWithMarkers): the keep-mask
   * is every element that is not -0.0. Returns undefined when the number of
   * -0.0 entries is not length - kept (a corrupt file).
   */
  static fromDenseWithMarkers<T extends FloatArray>(values: T, kept: number, shape?: number[]): SparseTensor<T> | undefined {
    const n = values.length;
    const mask = new Uint8Array((n + 7) >> 3);
    let count = 0;
    const dense = values.slice() as T;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === 0 && 1 / v < 0) dense[i] = 0;
      else {
        mask[i >> 3] |= 1 << (i & 7);
        count++;
      }
    }
    if (count !== kept) return undefined;
    return SparseTensor.fromDense(dense, mask, shape);
  }
}
