/**
 * engine.gram: X^T W X and X^T W Y through the gram kernel. Rows are streamed
 * through one reused chunk of linear memory, so X of any size costs a few
 * MiB of linear memory, unless X already lives there (zero copy).
 */
import { SlimfitError } from '../errors.js';
import type { Matrix } from '../types.js';
import { toMatrix, toVector, toWeights, type MatrixInput } from '../validate.js';
import { WasmBuffer, type F64Buffer } from '../engine/buffers.js';
import { checkFinite, type Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';

/** A matrix whose row-major data already lives in linear memory. */
export interface BufferMatrix {
  rows: number;
  cols: number;
  data: F64Buffer;
}

export type GramX = MatrixInput | BufferMatrix;

export interface GramOptions {
  /** Per-row weights (>= 0, not all zero): X^T diag(w) X. */
  weights?: ArrayLike<number>;
}

export interface GramResult {
  /** X^T W X, d*d row-major, exactly symmetric. */
  xtx: Float64Array;
  /** X^T W Y, d*m row-major (m = 1 for a vector y). */
  xty?: Float64Array;
  /** Rows accumulated. */
  n: number;
}

/** Bytes of X copied into linear memory per kernel call when streaming. */
const CHUNK_BYTES = 1 << 20;

function isBufferMatrix(x: GramX): x is BufferMatrix {
  return !Array.isArray(x) && (x as BufferMatrix).data instanceof WasmBuffer;
}

/** y as an n*m row-major Float64Array (m = 1 for a vector). */
export function toTargets(y: ArrayLike<number> | MatrixInput, n: number, what = 'y'): { data: Float64Array; m: number } {
  const nested = Array.isArray(y) && y.length > 0 && Array.isArray(y[0]);
  if (nested || (typeof y === 'object' && y !== null && 'rows' in y && 'cols' in y)) {
    const Y: Matrix = toMatrix(y as MatrixInput, what);
    if (Y.rows !== n) throw new SlimfitError('E_SHAPE', `${what} has ${Y.rows} rows but X has ${n}`);
    return { data: Y.data, m: Y.cols };
  }
  return { data: toVector(y as ArrayLike<number>, what, n), m: 1 };
}

export function gram(core: Core, X: GramX, y?: ArrayLike<number> | MatrixInput, opts: GramOptions = {}): GramResult {
  const inMemory = isBufferMatrix(X);
  let n: number;
  let d: number;
  let host: Float64Array | undefined;
  if (inMemory) {
    n = X.rows;
    d = X.cols;
    if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1 || X.data.length !== n * d) {
      throw new SlimfitError('E_SHAPE', `X is ${n} x ${d} but its buffer holds ${X.data.length} values`);
    }
  } else {
    const M = toMatrix(X, 'X', { skipFiniteCheck: true });
    n = M.rows;
    d = M.cols;
    host = M.data;
  }
  const Y = y === undefined ? undefined : toTargets(y, n);
  const m = Y ? Y.m : 0;
  const w = opts.weights === undefined ? undefined : toWeights(opts.weights, n);
  const { kernels: k } = core;
  const s = new Scope(core.arena);
  try {
    const xtx = s.alloc(d * d * 8, true);
    const xty = m > 0 ? s.alloc(d * m * 8, true) : 0;
    const scratch = s.alloc(k.gramScratchBytes(d));
    if (inMemory) {
      const xp = (X as BufferMatrix).data.ptr;
      checkFinite(core, xp, n * d, 'f64', 'X', 0, d);
      const yp = Y ? s.copyIn(Y.data) : 0;
      const wp = w ? s.copyIn(w) : 0;
      k.gramF64(xp, n, d, yp, m, wp, xtx, xty, scratch);
    } else {
      const chunk = Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (8 * d))));
      const xp = s.alloc(chunk * d * 8);
      const yp = m > 0 ? s.alloc(chunk * m * 8) : 0;
      const wp = w ? s.alloc(chunk * 8) : 0;
      const mem = core.arena.memory;
      for (let r0 = 0; r0 < n; r0 += chunk) {
        const rows = Math.min(chunk, n - r0);
        // Fresh views every chunk: nothing may hold a view across a kernel call.
        new Float64Array(mem.buffer, xp, rows * d).set(host!.subarray(r0 * d, (r0 + rows) * d));
        checkFinite(core, xp, rows * d, 'f64', 'X', r0 * d, d);
        if (Y) new Float64Array(mem.buffer, yp, rows * m).set(Y.data.subarray(r0 * m, (r0 + rows) * m));
        if (w) new Float64Array(mem.buffer, wp, rows).set(w.subarray(r0, r0 + rows));
        k.gramF64(xp, rows, d, yp, m, wp, xtx, xty, scratch);
      }
    }
    const mem = core.arena.memory.buffer;
    const out: GramResult = { xtx: new Float64Array(mem, xtx, d * d).slice(), n };
    if (m > 0) out.xty = new Float64Array(mem, xty, d * m).slice();
    return out;
  } finally {
    s.release();
  }
}
