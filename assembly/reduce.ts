// Segment reductions: min/max, max-abs and L1/L2 norms over consecutive
// segments of a f32 or f64 array.
//
// NUMERICAL CONTRACT
//  - The n values are cut into segments of `seg` values (the last one may be
//    shorter; seg >= 1); segment g writes out[g]. n = 0 writes nothing.
//    Inputs are finite (the engine checks).
//  - segMinMax*: exact, bit-identical to the twin, which uses Math.min /
//    Math.max: -0 counts as smaller than +0 (min of {+0, -0} is -0, max is +0).
//    The hot loop uses pmin/pmax (one instruction each, but order-dependent on
//    signed zeros); when a result is zero, a second pass (OR / AND of the bit
//    patterns) settles its sign exactly: a zero minimum is -0 iff some value
//    has its sign bit set (only -0 can, then), a zero maximum is -0 iff every
//    value has it.
//  - segMaxAbs*: exact, max |x| (always >= +0), bit-identical to the twin.
//    segMaxAbsF32 also propagates NaN (result NaN if any input is NaN) and
//    gives +Infinity for ±Infinity, like the twin's Math.max: the engine
//    validates quantize input through it instead of a separate pass.
//  - segNorm*: p = 1: sum |x|; any other p: sqrt(sum x^2). Accumulated in f64
//    (f32 inputs are widened exactly; their squares are exact in f64), in 8
//    interleaved partial sums; the twin sums left to right. All terms are
//    >= 0, so both are within ~n * eps (typically ~sqrt(n) * eps) relative of
//    the exact value; the tests hold them to 1e-12 relative of each other.
//    No scaling: sum x^2 overflows to +Inf for f64 |x| beyond ~1e154.

import { ABS } from './lanes';

// Vector constants, read from memory into locals: as literals, Binaryen
// repeats an 18-byte v128.const at every use (and V8 may rebuild one inside
// the loop that uses it); a load at function entry costs a few bytes, once.
// (The sign masks are lanes.ts's ABS.)
const K: usize = memory.data<u32>([
  0, 0, 0, 0, //                                                   0: zero
  0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, //              16: all ones
], 16);

// ---------------------------------------------------------------- min / max

/**
 * Sign bits of len values at p (es = 4: f32, 8: f64): bit 31 of the low
 * word = OR of all sign bits, bit 31 of the high word = AND of them. A zero
 * minimum is -0 iff some value has its sign bit set (only -0 can, then); a
 * zero maximum is -0 iff every value has it.
 */
function zeroSigns(p: usize, len: i32, es: usize): u64 {
  const bytes = <usize>len * es;
  let o = v128.load(K), an = v128.load(K, 16);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const b = v128.load(p + i);
    o = v128.or(o, b);
    an = v128.and(an, b);
  }
  // the sign bits sit at bit 31 of each 32-bit lane (f32) or of each odd lane (f64)
  let orb = i32x4.extract_lane(o, 1) | i32x4.extract_lane(o, 3);
  let andb = i32x4.extract_lane(an, 1) & i32x4.extract_lane(an, 3);
  if (es == 4) {
    orb |= i32x4.extract_lane(o, 0) | i32x4.extract_lane(o, 2);
    andb &= i32x4.extract_lane(an, 0) & i32x4.extract_lane(an, 2);
  }
  for (; i < bytes; i += es) {
    const b = load<i32>(p + i + es - 4);
    orb |= b;
    andb &= b;
  }
  return (<u64>(<u32>andb) << 32) | <u64>(<u32>orb);
}

// @ts-ignore: decorator
@inline function minMaxF32(p: usize, len: i32, minOut: usize, maxOut: usize): void {
  let mn: f32, mx: f32;
  let i = 0;
  if (len >= 4) {
    const a = v128.load(p);
    let n0 = a, n1 = a, n2 = a, n3 = a;
    let x0 = a, x1 = a, x2 = a, x3 = a;
    i = 4;
    for (; i + 16 <= len; i += 16) {
      const q = p + (<usize>i << 2);
      const b0 = v128.load(q);
      const b1 = v128.load(q, 16);
      const b2 = v128.load(q, 32);
      const b3 = v128.load(q, 48);
      n0 = f32x4.pmin(n0, b0);
      n1 = f32x4.pmin(n1, b1);
      n2 = f32x4.pmin(n2, b2);
      n3 = f32x4.pmin(n3, b3);
      x0 = f32x4.pmax(x0, b0);
      x1 = f32x4.pmax(x1, b1);
      x2 = f32x4.pmax(x2, b2);
      x3 = f32x4.pmax(x3, b3);
    }
    for (; i + 4 <= len; i += 4) {
      const b = v128.load(p + (<usize>i << 2));
      n0 = f32x4.pmin(n0, b);
      x0 = f32x4.pmax(x0, b);
    }
    n0 = f32x4.pmin(f32x4.pmin(n0, n1), f32x4.pmin(n2, n3));
    x0 = f32x4.pmax(f32x4.pmax(x0, x1), f32x4.pmax(x2, x3));
    n0 = f32x4.pmin(n0, v128.shuffle<u32>(n0, n0, 2, 3, 0, 1));
    n0 = f32x4.pmin(n0, v128.shuffle<u32>(n0, n0, 1, 0, 3, 2));
    x0 = f32x4.pmax(x0, v128.shuffle<u32>(x0, x0, 2, 3, 0, 1));
    x0 = f32x4.pmax(x0, v128.shuffle<u32>(x0, x0, 1, 0, 3, 2));
    mn = f32x4.extract_lane(n0, 0);
    mx = f32x4.extract_lane(x0, 0);
  } else {
    mn = load<f32>(p);
    mx = mn;
    i = 1;
  }
  for (; i < len; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  if (mn == 0 || mx == 0) {
    // a zero result: settle its sign from the OR / AND of all sign bits
    const sg = zeroSigns(p, len, 4);
    if (mn == 0) mn = reinterpret<f32>(<u32>sg & 0x80000000);
    if (mx == 0) mx = reinterpret<f32>(<u32>(sg >>> 32) & 0x80000000);
  }
  store<f32>(minOut, mn);
  store<f32>(maxOut, mx);
}

// @ts-ignore: decorator
@inline function minMaxF64(p: usize, len: i32, minOut: usize, maxOut: usize): void {
  let mn: f64, mx: f64;
  let i = 0;
  if (len >= 2) {
    const a = v128.load(p);
    let n0 = a, n1 = a, n2 = a, n3 = a;
    let x0 = a, x1 = a, x2 = a, x3 = a;
    i = 2;
    for (; i + 8 <= len; i += 8) {
      const q = p + (<usize>i << 3);
      const b0 = v128.load(q);
      const b1 = v128.load(q, 16);
      const b2 = v128.load(q, 32);
      const b3 = v128.load(q, 48);
      n0 = f64x2.pmin(n0, b0);
      n1 = f64x2.pmin(n1, b1);
      n2 = f64x2.pmin(n2, b2);
      n3 = f64x2.pmin(n3, b3);
      x0 = f64x2.pmax(x0, b0);
      x1 = f64x2.pmax(x1, b1);
      x2 = f64x2.pmax(x2, b2);
      x3 = f64x2.pmax(x3, b3);
    }
    for (; i + 2 <= len; i += 2) {
      const b = v128.load(p + (<usize>i << 3));
      n0 = f64x2.pmin(n0, b);
      x0 = f64x2.pmax(x0, b);
    }
    n0 = f64x2.pmin(f64x2.pmin(n0, n1), f64x2.pmin(n2, n3));
    x0 = f64x2.pmax(f64x2.pmax(x0, x1), f64x2.pmax(x2, x3));
    n0 = f64x2.pmin(n0, v128.shuffle<u64>(n0, n0, 1, 0));
    x0 = f64x2.pmax(x0, v128.shuffle<u64>(x0, x0, 1, 0));
    mn = f64x2.extract_lane(n0, 0);
    mx = f64x2.extract_lane(x0, 0);
  } else {
    mn = load<f64>(p);
    mx = mn;
    i = 1;
  }
  for (; i < len; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  if (mn == 0 || mx == 0) {
    const sg = zeroSigns(p, len, 8);
    if (mn == 0) mn = reinterpret<f64>(<u64>(<u32>sg & 0x80000000) << 32);
    if (mx == 0) mx = reinterpret<f64>(<u64>(<u32>(sg >>> 32) & 0x80000000) << 32);
  }
  store<f64>(minOut, mn);
  store<f64>(maxOut, mx);
}

/** Per segment g: min[g] = min x, max[g] = max x (f32 in, f32 out). */
export function segMinMaxF32(xPtr: usize, n: i32, seg: i32, minPtr: usize, maxPtr: usize): void {
  if (seg < 1) return;
  let g: usize = 0;
  for (let start = 0; start < n; g++) {
    const len = min(seg, n - start);
    minMaxF32(xPtr + (<usize>start << 2), len, minPtr + (g << 2), maxPtr + (g << 2));
    start += len;
  }
}

/** Per segment g: min[g] = min x, max[g] = max x (f64 in, f64 out). */
export function segMinMaxF64(xPtr: usize, n: i32, seg: i32, minPtr: usize, maxPtr: usize): void {
  if (seg < 1) return;
  let g: usize = 0;
  for (let start = 0; start < n; g++) {
    const len = min(seg, n - start);
    minMaxF64(xPtr + (<usize>start << 3), len, minPtr + (g << 3), maxPtr + (g << 3));
    start += len;
  }
}

// ------------------------------------------------------------------ max |x|

// @ts-ignore: decorator
@inline function maxAbsF32(p: usize, len: i32): f32 {
  // Unsigned integer max of the magnitude bits: for non-negative floats the
  // bit patterns order like the values, and every NaN pattern sorts above
  // +Infinity, so a NaN anywhere makes the result NaN (pmax would drop it).
  const m = v128.load(ABS);
  let x0 = v128.load(K), x1 = x0, x2 = x0, x3 = x0;
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = p + (<usize>i << 2);
    x0 = i32x4.max_u(x0, v128.and(v128.load(q), m));
    x1 = i32x4.max_u(x1, v128.and(v128.load(q, 16), m));
    x2 = i32x4.max_u(x2, v128.and(v128.load(q, 32), m));
    x3 = i32x4.max_u(x3, v128.and(v128.load(q, 48), m));
  }
  for (; i + 4 <= len; i += 4) {
    x0 = i32x4.max_u(x0, v128.and(v128.load(p + (<usize>i << 2)), m));
  }
  x0 = i32x4.max_u(i32x4.max_u(x0, x1), i32x4.max_u(x2, x3));
  x0 = i32x4.max_u(x0, v128.shuffle<u32>(x0, x0, 2, 3, 0, 1));
  x0 = i32x4.max_u(x0, v128.shuffle<u32>(x0, x0, 1, 0, 3, 2));
  let mx = <u32>i32x4.extract_lane(x0, 0);
  for (; i < len; i++) {
    const b = load<u32>(p + (<usize>i << 2)) & 0x7fffffff;
    if (b > mx) mx = b;
  }
  return reinterpret<f32>(mx);
}

// @ts-ignore: decorator
@inline function maxAbsF64(p: usize, len: i32): f64 {
  const m = v128.load(ABS, 16);
  let x0 = v128.load(K), x1 = x0, x2 = x0, x3 = x0;
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const q = p + (<usize>i << 3);
    x0 = f64x2.pmax(x0, v128.and(v128.load(q), m));
    x1 = f64x2.pmax(x1, v128.and(v128.load(q, 16), m));
    x2 = f64x2.pmax(x2, v128.and(v128.load(q, 32), m));
    x3 = f64x2.pmax(x3, v128.and(v128.load(q, 48), m));
  }
  for (; i + 2 <= len; i += 2) {
    x0 = f64x2.pmax(x0, v128.and(v128.load(p + (<usize>i << 3)), m));
  }
  x0 = f64x2.pmax(f64x2.pmax(x0, x1), f64x2.pmax(x2, x3));
  x0 = f64x2.pmax(x0, v128.shuffle<u64>(x0, x0, 1, 0));
  let mx = f64x2.extract_lane(x0, 0);
  for (; i < len; i++) {
    const v = abs<f64>(load<f64>(p + (<usize>i << 3)));
    if (v > mx) mx = v;
  }
  return mx;
}

/** Per segment g: out[g] = max |x| (f32 in, f32 out). */
export function segMaxAbsF32(xPtr: usize, n: i32, seg: i32, outPtr: usize): void {
  if (seg < 1) return;
  let g: usize = 0;
  for (let start = 0; start < n; g++) {
    const len = min(seg, n - start);
    store<f32>(outPtr + (g << 2), maxAbsF32(xPtr + (<usize>start << 2), len));
    start += len;
  }
}

/** Per segment g: out[g] = max |x| (f64 in, f64 out). */
export function segMaxAbsF64(xPtr: usize, n: i32, seg: i32, outPtr: usize): void {
  if (seg < 1) return;
  let g: usize = 0;
  for (let start = 0; start < n; g++) {
    const len = min(seg, n - start);
    store<f64>(outPtr + (g << 3), maxAbsF64(xPtr + (<usize>start << 3), len));
    start += len;
  }
}

// -------------------------------------------------------------------- norms

// @ts-ignore: decorator
@inline function normF32(p: usize, len: i32, l1: bool): f64 {
  let s0 = v128.load(K), s1 = s0, s2 = s0, s3 = s0;
  let i = 0;
  if (l1) {
    const m = v128.load(ABS);
    for (; i + 8 <= len; i += 8) {
      const q = p + (<usize>i << 2);
      const a = v128.and(v128.load(q), m);
      const b = v128.and(v128.load(q, 16), m);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(a));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<u32>(a, a, 2, 3, 2, 3)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(b));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<u32>(b, b, 2, 3, 2, 3)));
    }
  } else {
    for (; i + 8 <= len; i += 8) {
      const q = p + (<usize>i << 2);
      const a = v128.load(q);
      const b = v128.load(q, 16);
      const a0 = f64x2.promote_low_f32x4(a);
      const a1 = f64x2.promote_low_f32x4(v128.shuffle<u32>(a, a, 2, 3, 2, 3));
      const b0 = f64x2.promote_low_f32x4(b);
      const b1 = f64x2.promote_low_f32x4(v128.shuffle<u32>(b, b, 2, 3, 2, 3));
      s0 = f64x2.add(s0, f64x2.mul(a0, a0));
      s1 = f64x2.add(s1, f64x2.mul(a1, a1));
      s2 = f64x2.add(s2, f64x2.mul(b0, b0));
      s3 = f64x2.add(s3, f64x2.mul(b1, b1));
    }
  }
  s0 = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < len; i++) {
    const v = <f64>load<f32>(p + (<usize>i << 2));
    s += l1 ? abs(v) : v * v;
  }
  return l1 ? s : sqrt(s);
}

// @ts-ignore: decorator
@inline function normF64(p: usize, len: i32, l1: bool): f64 {
  let s0 = v128.load(K), s1 = s0, s2 = s0, s3 = s0;
  let i = 0;
  if (l1) {
    for (; i + 8 <= len; i += 8) {
      const q = p + (<usize>i << 3);
      s0 = f64x2.add(s0, f64x2.abs(v128.load(q)));
      s1 = f64x2.add(s1, f64x2.abs(v128.load(q, 16)));
      s2 = f64x2.add(s2, f64x2.abs(v128.load(q, 32)));
      s3 = f64x2.add(s3, f64x2.abs(v128.load(q, 48)));
    }
  } else {
    for (; i + 8 <= len; i += 8) {
      const q = p + (<usize>i << 3);
      const a = v128.load(q);
      const b = v128.load(q, 16);
      const c = v128.load(q, 32);
      const d = v128.load(q, 48);
      s0 = f64x2.add(s0, f64x2.mul(a, a));
      s1 = f64x2.add(s1, f64x2.mul(b, b));
      s2 = f64x2.add(s2, f64x2.mul(c, c));
      s3 = f64x2.add(s3, f64x2.mul(d, d));
    }
  }
  s0 = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < len; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    s += l1 ? abs(v) : v * v;
  }
  return l1 ? s : sqrt(s);
}

/** Per segment g: out[g] = p == 1 ? sum |x| : sqrt(sum x^2) (f32 in, f64 out). */
export function segNormF32(xPtr: usize, n: i32, seg: i32, p: i32, outPtr: usize): void {
  if (seg < 1) return;
  const l1 = p == 1;
  let g: usize = 0;
  for (let start = 0; start < n; g++) {
    const len = min(seg, n - start);
    store<f64>(outPtr + (g << 3), normF32(xPtr + (<usize>start << 2), len, l1));
    start += len;
  }
}

/** Per segment g: out[g] = p == 1 ? sum |x| : sqrt(sum x^2) (f64 in, f64 out). */
export function segNormF64(xPtr: usize, n: i32, seg: i32, p: i32, outPtr: usize): void {
  if (seg < 1) return;
  const l1 = p == 1;
  let g: usize = 0;
  for (let start = 0; start < n; g++) {
    const len = min(seg, n - start);
    store<f64>(outPtr + (g << 3), normF64(xPtr + (<usize>start << 3), len, l1));
    start += len;
  }
}

// ------------------------------------------------------- per-column reductions
//
// Column c of n row-major values in rows of `cols` (the last row may be
// shorter) is every value i with i % cols == c; out[c] is written for
// c < min(cols, n). Each row updates the outputs in place, 4 columns a
// vector, so the input streams once in memory order (no transposing copy).

/**
 * Per column c: out[c] = max |x| (f32 in, f32 out), exact, with segMaxAbsF32's
 * semantics (integer max of the magnitude bits: a NaN gives NaN, ±Infinity
 * gives +Infinity).
 */
export function colMaxAbsF32(xPtr: usize, n: i32, cols: i32, outPtr: usize): void {
  if (n <= 0 || cols < 1) return;
  const m = v128.load(ABS);
  memory.fill(outPtr, 0, <usize>min(cols, n) << 2);
  for (let r = 0; r < n; r += cols) {
    const len = min(cols, n - r);
    const p = xPtr + (<usize>r << 2);
    let c = 0;
    for (; c + 4 <= len; c += 4) {
      const o = outPtr + (<usize>c << 2);
      v128.store(o, i32x4.max_u(v128.load(o), v128.and(v128.load(p + (<usize>c << 2)), m)));
    }
    for (; c < len; c++) {
      const o = outPtr + (<usize>c << 2);
      const b = load<u32>(p + (<usize>c << 2)) & 0x7fffffff;
      if (b > load<u32>(o)) store<u32>(o, b);
    }
  }
}

/**
 * Per column c: min[c] = min x, max[c] = max x (f32 in, f32 out), exact, as
 * Math.min / Math.max (-0 counts as smaller than +0): f32x4.min / max and
 * f32.min / max order signed zeros that way. Inputs are finite.
 */
export function colMinMaxF32(xPtr: usize, n: i32, cols: i32, minPtr: usize, maxPtr: usize): void {
  if (n <= 0 || cols < 1) return;
  const w = <usize>min(cols, n) << 2;
  memory.copy(minPtr, xPtr, w);
  memory.copy(maxPtr, xPtr, w);
  for (let r = cols; r < n; r += cols) {
    const len = min(cols, n - r);
    const p = xPtr + (<usize>r << 2);
    let c = 0;
    for (; c + 4 <= len; c += 4) {
      const o = <usize>c << 2;
      const v = v128.load(p + o);
      v128.store(minPtr + o, f32x4.min(v128.load(minPtr + o), v));
      v128.store(maxPtr + o, f32x4.max(v128.load(maxPtr + o), v));
    }
    for (; c < len; c++) {
      const o = <usize>c << 2;
      const v = load<f32>(p + o);
      store<f32>(minPtr + o, min(load<f32>(minPtr + o), v));
      store<f32>(maxPtr + o, max(load<f32>(maxPtr + o), v));
    }
  }
}
