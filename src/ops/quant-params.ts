/**
 * Quantization parameters: groups and the scale / zero-point rules, kept
 * apart from the kernels' callers so that quantize, dequantize, GPTQ and the
 * calibration choices agree on one definition (code ranges and packing:
 * src/codes.ts).
 */
import { SlimfitError } from '../errors.js';
import type { Granularity, QuantScheme } from '../types.js';
import { assertOption, describeValue } from '../validate.js';
import { optionKeys, refuseUnknown } from '../options.js';
import { roundHalfEven } from '../kernels/js/round.js';
import type { QuantRange } from '../codes.js';

export { roundHalfEven };

/**
 * Smallest normal float32. Scales computed from the data are clamped up to it
 * (a group whose values are all below ~1e-36 then gets small codes, still
 * within MIN_SCALE / 2 of each value); an explicit scale below it is refused.
 */
export const MIN_SCALE = 2 ** -126;
/** Largest float32: an explicit scale above it would round to Infinity. */
const MAX_SCALE = 3.4028234663852886e38;

export function checkBits(bits: unknown): number {
  assertOption(bits as number, 'bits', 2, 8, { integer: true });
  return bits as number;
}

export function checkScheme(scheme: unknown): QuantScheme {
  if (scheme !== 'symmetric' && scheme !== 'affine') {
    throw new SlimfitError('E_RANGE', `scheme must be 'symmetric' or 'affine', got ${String(scheme)}`);
  }
  return scheme;
}

/**
 * How n values split into quantization groups: `cols` = 0: contiguous
 * segments of `seg` values (group of value i is floor(i / seg)); `cols` > 0
 * ({ axis: 1 }): one group per column of a row-major [rows, cols] matrix
 * (group of value i is i % cols; seg is then 0).
 */
export interface GroupLayout {
  seg: number;
  cols: number;
  groups: number;
  shape: number[];
}

const BLOCK_KEYS = /* @__PURE__ */ optionKeys<{ block: number }>()(['block']);
const AXIS_KEYS = /* @__PURE__ */ optionKeys<{ axis: 0 | 1; shape: [number, number] }>()(['axis', 'shape']);

/** The group layout of n values under a granularity (validated: E_RANGE, E_SHAPE). */
export function groupLayout(granularity: Granularity, n: number): GroupLayout {
  if (granularity === 'tensor') return { seg: n, cols: 0, groups: 1, shape: [n] };
  if (typeof granularity === 'object' && granularity !== null && 'block' in granularity) {
    refuseUnknown('granularity { block: B }', granularity, BLOCK_KEYS);
    const b = granularity.block;
    assertOption(b, 'granularity.block', 1, 2 ** 31 - 1, { integer: true });
    if (n % b !== 0) {
      throw new SlimfitError('E_SHAPE', `block size ${b} does not divide the ${n} values; pick a divisor of ${n} or pad the tensor`);
    }
    return { seg: b, cols: 0, groups: n / b, shape: [n] };
  }
  if (typeof granularity === 'object' && granularity !== null && 'axis' in granularity) {
    refuseUnknown('granularity { axis, shape }', granularity, AXIS_KEYS);
    const axis: unknown = granularity.axis;
    if (axis !== 0 && axis !== 1) {
      throw new SlimfitError('E_RANGE', `granularity.axis must be 0 (one scale per row) or 1 (one scale per column) of a row-major [rows, cols] matrix, got ${String(axis)}`);
    }
    const shape = granularity.shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
      throw new SlimfitError('E_SHAPE', 'granularity.shape must be [rows, cols] with positive integers');
    }
    const [rows, cols] = shape as [number, number];
    if (rows * cols !== n) throw new SlimfitError('E_SHAPE', `granularity.shape [${rows}, ${cols}] holds ${rows * cols} values but the tensor has ${n}`);
    return axis === 0 ? { seg: cols, cols: 0, groups: rows, shape: [rows, cols] } : { seg: 0, cols, groups: cols, shape: [rows, cols] };
  }
  if (typeof granularity === 'object' && granularity !== null) refuseUnknown('granularity', granularity, [...BLOCK_KEYS, ...AXIS_KEYS]);
  throw new SlimfitError('E_RANGE', `granularity must be 'tensor', { axis: 0 | 1, shape: [rows, cols] } or { block: B }`);
}

/**
 * Segment length and group count for n values under a granularity whose
 * groups are contiguous segments ('tensor', { axis: 0 }, { block }): for
 * callers that index groups as floor(i / seg). { axis: 1 } (groups strided
 * across rows) is E_RANGE here; quantize() / dequantize() take it through
 * groupLayout.
 */
export function groupsOf(granularity: Granularity, n: number): { seg: number; groups: number; shape: number[] } {
  const l = groupLayout(granularity, n);
  if (l.cols > 0) {
    throw new SlimfitError('E_RANGE', "granularity { axis: 1 } (one scale per column) is not supported by this method; use quantize(), or 'tensor', { axis: 0, shape } or { block: B }");
  }
  return { seg: l.seg, groups: l.groups, shape: l.shape };
}

/** Symmetric scale for a group with max |x| = maxAbs: s = maxAbs / qmax, as float32. */
export function symmetricScale(maxAbs: number, qmax: number): number {
  if (maxAbs === 0) return 1; // an all-zero group: any scale represents it exactly
  return Math.max(Math.fround(maxAbs / qmax), MIN_SCALE);
}

/**
 * Affine parameters (PyTorch observer rule): the range is widened to include
 * 0 so that zero is exact, s = (max - min) / (qmax - qmin) as float32,
 * z = qmin - roundHalfEven(min / s), clamped into [qmin, qmax].
 */
export function affineParams(min: number, max: number, qmin: number, qmax: number): { scale: number; zeroPoint: number } {
  const scale = affineScale(min, max, qmin, qmax);
  return { scale, zeroPoint: affineZeroPoint(min, scale, qmin, qmax) };
}

/** s = (max(max, 0) - min(min, 0)) / (qmax - qmin) as float32; 1 for an all-zero group. */
export function affineScale(min: number, max: number, qmin: number, qmax: number): number {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (hi === lo) return 1;
  return Math.max(Math.fround((hi - lo) / (qmax - qmin)), MIN_SCALE);
}

/** z = qmin - roundHalfEven(min(lo, 0) / s), clamped into [qmin, qmax]. */
export function affineZeroPoint(lo: number, scale: number, qmin: number, qmax: number): number {
  const zp = qmin - roundHalfEven(Math.min(lo, 0) / scale);
  return Math.min(qmax, Math.max(qmin, zp));
}

/** One number for every group, or an array-like of them; anything else (null, a string) is E_RANGE. */
function perGroup(v: unknown, groups: number, what: string): unknown[] {
  if (typeof v === 'number') return new Array<number>(groups).fill(v);
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<unknown>).length !== 'number') {
    throw new SlimfitError('E_RANGE', `${what} must be a number or an array with one number per group, got ${v === null ? 'null' : typeof v}`);
  }
  return Array.from(v as ArrayLike<unknown>);
}

/** User-given scales: one per group, finite and > 0, as float32. */
export function explicitScales(scale: number | ArrayLike<number>, groups: number): Float32Array {
  const arr = perGroup(scale, groups, 'scale');
  if (arr.length !== groups) throw new SlimfitError('E_SHAPE', `scale has ${arr.length} values but the granularity has ${groups} groups`);
  const out = new Float32Array(groups);
  arr.forEach((s, g) => {
    if (!(typeof s === 'number' && Number.isFinite(s) && s > 0)) throw new SlimfitError('E_RANGE', `scale[${g}] must be finite and > 0, got ${describeValue(s)}`);
    // Scales are float32: one below the smallest normal float32 would lose
    // precision as a subnormal (or round to 0), one above the largest to Infinity.
    if (s < MIN_SCALE || s > MAX_SCALE) {
      throw new SlimfitError('E_RANGE', `scale[${g}] = ${s} is outside the float32 range scales are stored in: the smallest usable scale is ${MIN_SCALE} (2^-126), the largest ${MAX_SCALE}`, { index: g });
    }
    out[g] = Math.fround(s);
  });
  return out;
}

/** User-given zero points: integers inside [qmin, qmax], one per group. */
export function explicitZeroPoints(zp: number | ArrayLike<number>, groups: number, r: QuantRange): Int32Array {
  const arr = perGroup(zp, groups, 'zeroPoint');
  if (arr.length !== groups) throw new SlimfitError('E_SHAPE', `zeroPoint has ${arr.length} values but the granularity has ${groups} groups`);
  return Int32Array.from(arr, (z, g) => {
    if (typeof z !== 'number' || !Number.isInteger(z) || z < r.qmin || z > r.qmax) {
      throw new SlimfitError('E_RANGE', `zeroPoint[${g}] must be an integer in [${r.qmin}, ${r.qmax}], got ${z}`);
    }
    return z;
  });
}
