/**
 * SparseTensor: a pruned tensor stored compactly. Zeros stored dense do not
 * shrink a file, so only the surviving values are kept, with either
 *  - 'bitmask': ceil(n/8) bytes, bit (i & 7) of byte (i >> 3) set when
 *    element i survives (the layout of engine.prune's mask), or
 *  - 'csr': row pointers (rows + 1, u32) and column indices (u16 when
 *    cols <= 65536, else u32) for a [rows, cols] tensor (a 1-D tensor is one row),
 * whichever takes fewer bytes (ties go to the bitmask). Surviving values are
 * packed in index order, in the element type of the input (f32 or f64).
 * Bitmask costs 1 bit per element; CSR costs 16-32 bits per survivor, so CSR
 * wins below roughly 1/16 - 1/32 density.
 */
import { SlimfitError } from '../errors.js';

export type SparseFormat = 'bitmask' | 'csr';
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
  /** 'bitmask' format: ceil(n/8) bytes; undefined for CSR. */
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
   * Builds a SparseTensor from dense values and a keep-bitmask (engine.prune
   * layout), choosing the smaller of the two formats. Kept entries are stored
   * even when their value is 0; entries outside the mask are dropped.
   */
  static fromDense<T extends FloatArray>(dense: T, keepMask: Uint8Array, shape?: number[]): SparseTensor<T> {
    const n = dense.length;
    if (keepMask.length !== (n + 7) >> 3) throw new SlimfitError('E_SHAPE', `mask must have ${(n + 7) >> 3} bytes for ${n} values`);
    let kept = 0;
    for (let i = 0; i < n; i++) kept += (keepMask[i >> 3]! >> (i & 7)) & 1;
    const Ctor = dense.constructor as { new (n: number): T };
    const data = new Ctor(kept);
    let j = 0;
    for (let i = 0; i < n; i++) if ((keepMask[i >> 3]! >> (i & 7)) & 1) data[j++] = dense[i]!;
    return SparseTensor.fromPacked(data, keepMask, n, shape);
  }

  /**
   * As fromDense, from survivors already packed in index order (`data`, one
   * per set bit of keepMask, e.g. from the N:M kernel) over n logical
   * elements. Takes ownership of `data`.
   */
  static fromPacked<T extends FloatArray>(data: T, keepMask: Uint8Array, n: number, shape?: number[]): SparseTensor<T> {
    const shp = shape ?? [n];
    if (shp.reduce((a, b) => a * b, 1) !== n || shp.length < 1 || shp.length > 2) {
      throw new SlimfitError('E_SHAPE', `shape ${JSON.stringify(shp)} does not describe ${n} values as [n] or [rows, cols]`);
    }
    if (keepMask.length !== (n + 7) >> 3) throw new SlimfitError('E_SHAPE', `mask must have ${(n + 7) >> 3} bytes for ${n} values`);
    const rows = shp.length === 2 ? shp[0]! : 1;
    const cols = shp.length === 2 ? shp[1]! : n;
    const kept = data.length;
    const eb = data.BYTES_PER_ELEMENT;
    const idxBytes = cols <= 65536 ? 2 : 4;
    const bitmaskBytes = ((n + 7) >> 3) + kept * eb;
    const csrBytes = (rows + 1) * 4 + kept * idxBytes + kept * eb;
    if (bitmaskBytes <= csrBytes) {
      const m = keepMask.slice();
      if (n & 7) m[m.length - 1]! &= (1 << (n & 7)) - 1; // unused high bits are 0
      return new SparseTensor(shp.slice(), 'bitmask', data, m, undefined, undefined);
    }
    const rowPtr = new Uint32Array(rows + 1);
    const colIdx = idxBytes === 2 ? new Uint16Array(kept) : new Uint32Array(kept);
    let p = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        if ((keepMask[i >> 3]! >> (i & 7)) & 1) colIdx[p++] = c;
      }
      rowPtr[r + 1] = p;
    }
    return new SparseTensor(shp.slice(), 'csr', data, undefined, rowPtr, colIdx);
  }

  /** Storage bytes: index structure plus packed values (what a file would hold). */
  get bytes(): number {
    const vb = this.data.byteLength;
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
    if (this.format === 'bitmask') {
      const m = this.bitmask!;
      let j = 0;
      for (let i = 0; i < this.length; i++) if ((m[i >> 3]! >> (i & 7)) & 1) out[i] = this.data[j++]!;
    } else {
      const cols = this.shape.length === 2 ? this.shape[1]! : this.length;
      const rp = this.rowPtr!;
      const ci = this.colIdx!;
      for (let r = 0; r + 1 < rp.length; r++) for (let p = rp[r]!; p < rp[r + 1]!; p++) out[r * cols + ci[p]!] = this.data[p]!;
    }
    return out;
  }

  /** Compatibility with engine.prune's result: the dense values (a fresh copy). */
  get values(): T {
    return this.toDense();
  }

  /** Compatibility with engine.prune's result: the keep-bitmask (a fresh copy in either format). */
  get mask(): Uint8Array {
    if (this.format === 'bitmask') return this.bitmask!.slice();
    const m = new Uint8Array((this.length + 7) >> 3);
    const cols = this.shape.length === 2 ? this.shape[1]! : this.length;
    const rp = this.rowPtr!;
    const ci = this.colIdx!;
    for (let r = 0; r + 1 < rp.length; r++) {
      for (let p = rp[r]!; p < rp[r + 1]!; p++) {
        const i = r * cols + ci[p]!;
        m[i >> 3]! |= 1 << (i & 7);
      }
    }
    return m;
  }
}
