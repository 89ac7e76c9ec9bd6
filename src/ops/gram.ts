/**
 * gram(): X^T W X and X^T W Y through the gram kernel. Rows are streamed
 * through one reused chunk of linear memory, so X of any size costs a few
 * MiB of linear memory, unless X already lives there (zero copy). X, y and
 * the weights may each be an engine.memory.f64 buffer, read in place, and
 * `out` can take the results into buffers so a pipeline stays in linear memory.
 */
import { SlimfitError } from '../errors.js';
import type { Matrix } from '../types.js';
import { toMatrix, toVector, toWeights, type MatrixInput } from '../validate.js';
import { checkOptions, optionKeys, refuseUnknown } from '../options.js';
import { bufferPtr, WasmBuffer, type F64Buffer } from '../engine/buffers.js';
import { checkFinite, type Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { chunkRows } from './chunk.js';

/** A matrix whose row-major data already lives in linear memory. */
export interface BufferMatrix {
  rows: number;
  cols: number;
  data: F64Buffer;
}

export type GramX = MatrixInput | BufferMatrix;

export interface GramOptions {
  /** Per-row weights (>= 0, not all zero): X^T diag(w) X. n numbers, or an engine.memory.f64(n) buffer (read in place). */
  weights?: ArrayLike<number> | F64Buffer;
  /**
   * Write the results into engine.memory.f64 buffers (zero copy): `xtx` of
   * d*d values, `xty` of d*m (only with y). The result's `xtx` / `xty` are
   * then `out.xtx.view` / `out.xty.view`, live views valid until the next
   * allocation; the other one, if any, is a copy as usual. They are written
   * only after every input was read and validated.
   */
  out?: { xtx?: F64Buffer; xty?: F64Buffer };
}

const GRAM_OPTION_KEYS = /* @__PURE__ */ optionKeys<GramOptions>()(['weights', 'out']);
const GRAM_OUT_KEYS = /* @__PURE__ */ optionKeys<NonNullable<GramOptions['out']>>()(['xtx', 'xty']);

/** y for gram: a vector, an n x m matrix, or an engine.memory.f64 buffer of n*m values (row-major, read in place). */
export type GramY = ArrayLike<number> | MatrixInput | F64Buffer;

export interface GramResult {
  /** X^T W X, d*d row-major, exactly symmetric. */
  xtx: Float64Array;
  /** X^T W Y, d*m row-major (m = 1 for a vector y). */
  xty?: Float64Array;
  /** Rows accumulated. */
  n: number;
}

function isBufferMatrix(x: GramX): x is BufferMatrix {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && (x as BufferMatrix).data instanceof WasmBuffer;
}

/** Validates per-row weights already in linear memory (read through a fresh view, not copied). */
function checkBufferWeights(core: Core, w: F64Buffer, n: number): number {
  const ptr = bufferPtr(core.arena, w, 'weights', { kinds: ['f64'], length: n });
  const v = new Float64Array(core.arena.memory.buffer, ptr, n);
  let any = false;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x - x !== 0) throw new SlimfitError('E_NONFINITE', `weights has a non-finite value (${x}) at index ${i}; remove or impute it first`, { index: i });
    if (x < 0) throw new SlimfitError('E_RANGE', `weights[${i}] is negative (${x}); weights must be >= 0`, { index: i });
    if (x > 0) any = true;
  }
  if (!any) throw new SlimfitError('E_RANGE', 'weights are all zero; at least one row needs a positive weight');
  return ptr;
}

/**
 * Every input was checked finite, so a non-finite sum is an overflow (float64
 * tops out at ~1.8e308: products of values above ~1e154 exceed it). E_RANGE
 * naming the first entry; d*d work, next to the n*d*d of the sums.
 */
function checkOverflow(a: Float64Array, cols: number, what: string): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) {
      const r = Math.floor(i / cols);
      const c = i % cols;
      throw new SlimfitError(
        'E_RANGE',
        `${what} overflows float64 at [${r}][${c}] (${v}): the sum of products of the values exceeds ~1.8e308; rescale the columns first (e.g. divide each by a power of two near its largest |value|)`,
        { row: r, col: c },
      );
    }
  }
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

export function gram(core: Core, X: GramX, y?: GramY, options?: GramOptions | null): GramResult {
  const opts = checkOptions('gram', options, GRAM_OPTION_KEYS);
  const inMemory = isBufferMatrix(X);
  let n: number;
  let d: number;
  let host: Float64Array | undefined;
  let xSrc = -1;
  if (inMemory) {
    n = X.rows;
    d = X.cols;
    if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) {
      throw new SlimfitError('E_SHAPE', `X.rows and X.cols must be positive integers, got ${String(n)} x ${String(d)}`);
    }
    // Kind f64, this engine's, live, at least rows*cols values (a prefix of a larger buffer is fine).
    xSrc = bufferPtr(core.arena, X.data, `X.data (${n} x ${d})`, { kinds: ['f64'], minLength: n * d });
  } else {
    if (X === null || X === undefined) throw new SlimfitError('E_SHAPE', `X must be a matrix — { rows, cols, data } or number[][] — got ${String(X)}`);
    const M = toMatrix(X, 'X', { skipFiniteCheck: true });
    n = M.rows;
    d = M.cols;
    host = M.data;
  }
  // y: from the JS heap (copied in by chunk) or a buffer (read in place).
  let Y: { data: Float64Array; m: number } | undefined;
  let ySrc = -1;
  let m = 0;
  if (y instanceof WasmBuffer) {
    if (y.length === 0 || y.length % n !== 0) throw new SlimfitError('E_SHAPE', `y holds ${y.length} values; it must hold n*m values (n = ${n} rows, m >= 1 outputs, row-major)`);
    ySrc = bufferPtr(core.arena, y, 'y', { kinds: ['f64'], length: y.length });
    m = y.length / n;
    checkFinite(core, ySrc, y.length, 'f64', 'y', 0, m > 1 ? m : 0);
  } else if (y !== undefined) {
    Y = toTargets(y, n);
    m = Y.m;
  }
  let w: Float64Array | undefined;
  let wSrc = -1;
  if (opts.weights instanceof WasmBuffer) wSrc = checkBufferWeights(core, opts.weights, n);
  else if (opts.weights !== undefined) w = toWeights(opts.weights, n);
  // out buffers are checked (this engine's, live, kind, length) before anything is read or written.
  const outs = opts.out;
  if (outs !== undefined && (typeof outs !== 'object' || outs === null)) {
    throw new SlimfitError('E_SHAPE', `out must be { xtx?: F64Buffer, xty?: F64Buffer } (engine.memory.f64 buffers), got ${outs === null ? 'null' : typeof outs}`);
  }
  if (outs !== undefined) refuseUnknown('gram', outs, GRAM_OUT_KEYS, 'out');
  const xtxOut = outs?.xtx === undefined ? -1 : bufferPtr(core.arena, outs.xtx, 'out.xtx', { kinds: ['f64'], length: d * d });
  let xtyOut = -1;
  if (outs?.xty !== undefined) {
    if (m === 0) throw new SlimfitError('E_SHAPE', 'out.xty was given but there is no y; pass y or drop out.xty');
    xtyOut = bufferPtr(core.arena, outs.xty, 'out.xty', { kinds: ['f64'], length: d * m });
    if (outs.xty === outs.xtx) throw new SlimfitError('E_SHAPE', 'out.xtx and out.xty must be different buffers');
  }
  const { kernels: k } = core;
  const s = new Scope(core.arena);
  try {
    // Accumulated in temporaries (the kernel adds into them): out is written
    // only once every row has been read and validated, and out may overlap
    // any input without corrupting it.
    const xtx = s.alloc(d * d * 8, true);
    const xty = m > 0 ? s.alloc(d * m * 8, true) : 0;
    const scratch = s.alloc(k.gramScratchBytes(d));
    if (inMemory) {
      checkFinite(core, xSrc, n * d, 'f64', 'X', 0, d);
      const yp = ySrc >= 0 ? ySrc : Y ? s.copyIn(Y.data) : 0;
      const wp = wSrc >= 0 ? wSrc : w ? s.copyIn(w) : 0;
      k.gramF64(xSrc, n, d, yp, m, wp, xtx, xty, scratch);
    } else {
      const chunk = chunkRows(n, d);
      const xp = s.alloc(chunk * d * 8);
      const yp = Y ? s.alloc(chunk * m * 8) : 0;
      const wp = w ? s.alloc(chunk * 8) : 0;
      const mem = core.arena.memory;
      for (let r0 = 0; r0 < n; r0 += chunk) {
        const rows = Math.min(chunk, n - r0);
        // Fresh views every chunk: nothing may hold a view across a kernel call.
        new Float64Array(mem.buffer, xp, rows * d).set(host!.subarray(r0 * d, (r0 + rows) * d));
        checkFinite(core, xp, rows * d, 'f64', 'X', r0 * d, d);
        if (Y) new Float64Array(mem.buffer, yp, rows * m).set(Y.data.subarray(r0 * m, (r0 + rows) * m));
        if (w) new Float64Array(mem.buffer, wp, rows).set(w.subarray(r0, r0 + rows));
        // Buffers in linear memory are read in place: just offset the pointer.
        const ypc = ySrc >= 0 ? ySrc + r0 * m * 8 : yp;
        const wpc = wSrc >= 0 ? wSrc + r0 * 8 : wp;
        k.gramF64(xp, rows, d, ypc, m, wpc, xtx, xty, scratch);
      }
    }
    const mem = core.arena.memory.buffer;
    checkOverflow(new Float64Array(mem, xtx, d * d), d, 'X^T W X');
    if (m > 0) checkOverflow(new Float64Array(mem, xty, d * m), m, 'X^T W Y');
    const bytes = new Uint8Array(mem);
    const out: GramResult = { xtx: new Float64Array(0), n };
    if (xtxOut >= 0) {
      bytes.copyWithin(xtxOut, xtx, xtx + d * d * 8);
      out.xtx = outs!.xtx!.view;
    } else out.xtx = new Float64Array(mem, xtx, d * d).slice();
    if (m > 0) {
      if (xtyOut >= 0) {
        bytes.copyWithin(xtyOut, xty, xty + d * m * 8);
        out.xty = outs!.xty!.view;
      } else out.xty = new Float64Array(mem, xty, d * m).slice();
    }
    return out;
  } finally {
    s.release();
  }
}
