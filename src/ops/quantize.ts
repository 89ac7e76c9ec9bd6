/**
 * quantize() / dequantize(): ONNX QuantizeLinear semantics,
 * q = saturate(roundHalfEven(x / s) + z), dequantized as (q - z) * s, with one
 * scale per tensor, per row, per column or per block, at 2..8 bits (packed
 * below 5 bits).
 */
import { SlimfitError } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { assertNumbers } from '../validate.js';
import type { Granularity, QuantizedTensor, QuantScheme } from '../types.js';
import { bufferPtr, overlaps, WasmBuffer, type F32Buffer, type I8Buffer, type U8Buffer } from '../engine/buffers.js';
import { checkFinite, type Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { asF32 } from './f32.js';
import {
  affineScale,
  affineZeroPoint,
  checkBits,
  checkScheme,
  explicitScales,
  explicitZeroPoints,
  groupLayout,
  symmetricScale,
} from './quant-params.js';
import { packedBytes, quantRange } from '../codes.js';

export interface QuantizeOptions {
  /**
   * 2..8. Storage vs float32: 8 → 4x smaller, 4 → 8x, 2 → 16x. Round-to-nearest
   * error is uniform in ±s/2, so the RMSE per weight is about s/√12, where
   * s = max|w| / (2^(bits-1) - 1) for symmetric: each bit removed doubles it.
   */
  bits?: number;
  /** 'symmetric' (signed, zero point 0; default) or 'affine' (unsigned, min..max with a zero point). */
  scheme?: QuantScheme;
  /**
   * 'tensor' (default), { axis: 0, shape: [rows, cols] } (one scale per row),
   * { axis: 1, shape: [rows, cols] } (one scale per column, ONNX axis = 1)
   * or { block: B } (B must divide the length); w is row-major [rows, cols].
   */
  granularity?: Granularity;
  /** Explicit scale(s) instead of the max-abs / min-max rule: one number, or one per group. */
  scale?: number | ArrayLike<number>;
  /** Explicit zero point(s) (affine only); default: from the data's min with the given scale. */
  zeroPoint?: number | ArrayLike<number>;
  /** Write the codes into this engine.memory buffer (zero copy): i8 for symmetric at 5-8 bits, else u8, packed length. */
  out?: I8Buffer | U8Buffer;
}

const QUANTIZE_OPTION_KEYS = /* @__PURE__ */ optionKeys<QuantizeOptions>()(['bits', 'scheme', 'granularity', 'scale', 'zeroPoint', 'out']);

export type QuantizeInput = ArrayLike<number> | Float32Array | F32Buffer;

export function quantize(core: Core, w: QuantizeInput, options?: QuantizeOptions | null): QuantizedTensor {
  const opts = checkOptions('quantize', options, QUANTIZE_OPTION_KEYS);
  // Only an absent option takes the default: an explicit null is a bad value (E_RANGE).
  const bits = checkBits(opts.bits === undefined ? 8 : opts.bits);
  const scheme = checkScheme(opts.scheme === undefined ? 'symmetric' : opts.scheme);
  const granularity = opts.granularity === undefined ? 'tensor' : opts.granularity;
  if (opts.zeroPoint !== undefined && scheme === 'symmetric') {
    throw new SlimfitError('E_RANGE', "zeroPoint applies to the 'affine' scheme only; symmetric zero points are 0");
  }
  const isBuf = w instanceof WasmBuffer;
  if (isBuf && w.kind !== 'f32') throw new SlimfitError('E_SHAPE', 'w must be an engine.memory.f32 buffer (or a Float32Array / number array)');
  if (!isBuf && (w === null || typeof w !== 'object' || typeof w.length !== 'number')) {
    throw new SlimfitError('E_SHAPE', 'w must be a Float32Array, a number array or an engine.memory.f32 buffer');
  }
  if (!isBuf) assertNumbers(w, 'w');
  const n = w.length;
  if (n === 0) throw new SlimfitError('E_SHAPE', 'w is empty; there is nothing to quantize');
  const { seg, cols, groups, shape } = groupLayout(granularity, n);
  const range = quantRange(bits, scheme);
  const signedBytes = scheme === 'symmetric' && bits > 4;
  const outBytes = packedBytes(n, bits);
  const out = opts.out;
  // out is checked (this engine's, live, kind, packed length) before anything is read or written.
  const op = out === undefined ? -1 : bufferPtr(core.arena, out, `out (${n} values at ${bits} bits)`, { kinds: [signedBytes ? 'i8' : 'u8'], length: outBytes });
  const k = core.kernels;
  const s = new Scope(core.arena);
  try {
    let xp = isBuf ? s.input(w as F32Buffer, 'w') : s.input(asF32(w as ArrayLike<number>));
    // out sharing bytes with w (a view of the same memory): the kernel would
    // overwrite values it has not read yet, so read from a copy. (Validation
    // below reads only w and temporaries: out is written by the last kernel.)
    if (op >= 0 && overlaps(xp, n * 4, op, outBytes)) xp = s.cloneIn(xp, n * 4);
    const what = 'w (as float32)';

    // Symmetric validation rides on the max-abs reduction (it propagates NaN
    // and keeps ±Infinity): finite group maxima prove finite input, and the
    // separate scan runs only to name a bad index or when scales are given.
    // The affine path scans first (its min/max kernels may drop a NaN).
    let scale: Float32Array;
    let zeroPoint: Int32Array | undefined;
    if (scheme === 'symmetric') {
      if (opts.scale !== undefined) {
        scale = explicitScales(opts.scale, groups);
        checkFinite(core, xp, n, 'f32', what);
      } else {
        const mp = s.alloc(groups * 4);
        if (cols > 0) k.colMaxAbsF32(xp, n, cols, mp);
        else k.segMaxAbsF32(xp, n, seg, mp);
        const maxAbs = new Float32Array(core.arena.memory.buffer, mp, groups);
        scale = new Float32Array(groups);
        for (let g = 0; g < groups; g++) {
          const m = maxAbs[g];
          if (m - m !== 0) checkFinite(core, xp, n, 'f32', what);
          scale[g] = symmetricScale(m, range.qmax);
        }
      }
    } else {
      checkFinite(core, xp, n, 'f32', what);
      const lo = s.alloc(groups * 4);
      const hi = s.alloc(groups * 4);
      if (cols > 0) k.colMinMaxF32(xp, n, cols, lo, hi);
      else k.segMinMaxF32(xp, n, seg, lo, hi);
      const buf = core.arena.memory.buffer;
      const mins = new Float32Array(buf, lo, groups).slice();
      const maxs = new Float32Array(buf, hi, groups).slice();
      scale = opts.scale !== undefined ? explicitScales(opts.scale, groups) : new Float32Array(groups);
      zeroPoint = opts.zeroPoint !== undefined ? explicitZeroPoints(opts.zeroPoint, groups, range) : new Int32Array(groups);
      for (let g = 0; g < groups; g++) {
        const mn = mins[g];
        const mx = maxs[g];
        if (opts.scale === undefined) scale[g] = affineScale(mn, mx, range.qmin, range.qmax);
        if (opts.zeroPoint === undefined) zeroPoint[g] = affineZeroPoint(mn, scale[g], range.qmin, range.qmax);
      }
    }
    const sp = s.copyIn(scale);
    const zp = zeroPoint ? s.copyIn(zeroPoint) : 0;
    const dst = op >= 0 ? op : s.alloc(outBytes);
    if (cols > 0) k.quantizeColsF32(xp, n, cols, sp, zp, range.qmin, range.qmax, bits, dst);
    else k.quantizeF32(xp, n, seg, sp, zp, range.qmin, range.qmax, bits, dst);
    const buf = core.arena.memory.buffer;
    const data = out ? out.view : signedBytes ? new Int8Array(buf, dst, outBytes).slice() : new Uint8Array(buf, dst, outBytes).slice();
    const q: QuantizedTensor = { bits, scheme, shape, granularity, data, scale };
    if (zeroPoint) q.zeroPoint = zeroPoint;
    return q;
  } finally {
    s.release();
  }
}

export interface DequantizeOptions {
  /** Write the values into this engine.memory.f32 buffer (zero copy). */
  out?: F32Buffer;
}

const DEQUANTIZE_OPTION_KEYS = /* @__PURE__ */ optionKeys<DequantizeOptions>()(['out']);

/**
 * What dequantize takes: a QuantizedTensor whose codes may also be an
 * engine.memory i8/u8 buffer (e.g. the `out` that quantize wrote), read in
 * place: `dequantize(engine, { ...q, data: out })` keeps a pipeline in linear
 * memory even after memory growth has detached the view in `q.data`.
 */
export type QuantizedInput = Omit<QuantizedTensor, 'data'> & { data: QuantizedTensor['data'] | I8Buffer | U8Buffer };

/** Checks a QuantizedTensor's internal consistency before its bytes reach a kernel. */
export function checkQuantized(q: QuantizedInput): { n: number; seg: number; cols: number; groups: number; bytes: number } {
  if (typeof q !== 'object' || q === null) throw new SlimfitError('E_SHAPE', 'q must be a QuantizedTensor from quantize()');
  const bits = checkBits(q.bits);
  const scheme = checkScheme(q.scheme);
  if (!Array.isArray(q.shape) || q.shape.length === 0 || !q.shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new SlimfitError('E_SHAPE', `q.shape must be positive integers, got ${JSON.stringify(q.shape)}`);
  }
  const n = q.shape.reduce((a, b) => a * b, 1);
  const { seg, cols, groups } = groupLayout(q.granularity, n);
  const signedBytes = scheme === 'symmetric' && bits > 4;
  const wantType = signedBytes ? Int8Array : Uint8Array;
  const bytes = packedBytes(n, bits);
  const data: unknown = q.data;
  const isBuf = data instanceof WasmBuffer;
  if (isBuf ? data.kind !== (signedBytes ? 'i8' : 'u8') || data.length !== bytes : !(data instanceof wantType) || data.length !== bytes) {
    if (data instanceof wantType && data.length === 0 && data.buffer.byteLength === 0) {
      throw new SlimfitError(
        'E_SHAPE',
        'q.data is a detached view of linear memory: memory grew after quantize wrote the codes into `out` (any allocation may grow it); pass the out buffer itself as q.data ({ ...q, data: out }), or copy the codes with out.toArray() right after quantize',
      );
    }
    throw new SlimfitError(
      'E_SHAPE',
      `q.data must be a ${wantType.name} (or an engine.memory.${signedBytes ? 'i8' : 'u8'} buffer) of ${bytes} bytes for ${n} values at ${bits} bits`,
    );
  }
  if (!(q.scale instanceof Float32Array) || q.scale.length !== groups) {
    throw new SlimfitError('E_SHAPE', `q.scale must be a Float32Array with ${groups} values (one per group)`);
  }
  q.scale.forEach((v, g) => {
    if (!(Number.isFinite(v) && v > 0)) throw new SlimfitError('E_RANGE', `q.scale[${g}] must be finite and > 0, got ${v}`);
  });
  if (scheme === 'affine') {
    if (!(q.zeroPoint instanceof Int32Array) || q.zeroPoint.length !== groups) {
      throw new SlimfitError('E_SHAPE', `q.zeroPoint must be an Int32Array with ${groups} values for the affine scheme`);
    }
    explicitZeroPoints(q.zeroPoint, groups, quantRange(bits, scheme));
  }
  return { n, seg, cols, groups, bytes };
}

export function dequantize(core: Core, q: QuantizedInput, options?: DequantizeOptions | null): Float32Array {
  const opts = checkOptions('dequantize', options, DEQUANTIZE_OPTION_KEYS);
  const { n, seg, cols, bytes } = checkQuantized(q);
  const out = opts.out;
  // Buffers are checked (this engine's, live, kind, length) before anything is read or written.
  const op = out === undefined ? -1 : bufferPtr(core.arena, out, 'out', { kinds: ['f32'], length: n });
  const data = q.data;
  if (data instanceof WasmBuffer) bufferPtr(core.arena, data, 'q.data');
  const s = new Scope(core.arena);
  try {
    let qp = s.input(data, 'q.data');
    // out sharing bytes with the codes: 4 output bytes per code would
    // overwrite codes not read yet, so read from a copy.
    if (op >= 0 && overlaps(qp, bytes, op, n * 4)) qp = s.cloneIn(qp, bytes);
    const sp = s.copyIn(q.scale);
    const zp = q.scheme === 'affine' && q.zeroPoint ? s.copyIn(q.zeroPoint) : 0;
    const dst = op >= 0 ? op : s.alloc(n * 4);
    const signed = q.scheme === 'symmetric' ? 1 : 0;
    if (cols > 0) core.kernels.dequantizeColsF32(qp, n, cols, sp, zp, q.bits, signed, dst);
    else core.kernels.dequantizeF32(qp, n, seg, sp, zp, q.bits, signed, dst);
    return out ? out.view : new Float32Array(core.arena.memory.buffer, dst, n).slice();
  } finally {
    s.release();
  }
}
