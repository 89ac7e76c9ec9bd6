// Magnitude pruning: zero every weight with |w| <= t.
//
// NUMERICAL CONTRACT (bit-identical to the twin)
//  - out[i] = |w[i]| <= t ? +0 : w[i]. Kept values are copied bit for bit
//    (including -0 when t < 0); pruned ones become +0. outPtr may equal wPtr.
//    For t >= 0 both zeros are pruned; for t < 0 nothing is.
//  - maskPtr != 0: writes ceil(n / 8) bytes, bit (i & 7) of byte (i >> 3) set
//    when w[i] is kept; the unused high bits of the last byte are 0.
//  - Returns the number of kept values, or -1 when any w[i] is NaN or
//    ±Infinity (the output is then written but meaningless): the check rides
//    along in the same pass, so validation costs no extra read of w.
//  - F32: t arrives as f32 (JS numbers round to the nearest f32 at the call);
//    the engine passes the largest f32 <= its f64 threshold.
// METHOD: 16 values per iteration: |w| by masking the sign bit, one compare
//  gives an all-ones lane for kept values; out = w & keep; the compare masks'
//  bitmask() give 16 mask bits, stored as one u16 (one loop serves both
//  cases: without a mask the bits all go to a 16-byte sink). NaN / ±Inf:
//  a lane-wise unsigned max of the |w| bit patterns (one instruction per
//  vector), compared with the largest finite pattern once after the loop.
//  Scalar tail.

import { ABS } from './lanes';

/** Without a mask the loop still stores its mask bits, all here (mstep 0). */
const SINK: usize = memory.data(16, 16);

// Vector constants, read from memory into locals: as literals, Binaryen
// repeats an 18-byte v128.const at every use (and V8 may rebuild one inside
// the loop that uses it); a load at function entry costs a few bytes, once.
// They are lanes.ts's ABS table: sign masks, then the largest finite
// magnitudes' bit patterns.

/**
 * The scalar tail [i, n) of either type (es = 4: f32, 8: f64), i a multiple
 * of 8: |w| > t compared in f64 (exact for f32 w and t), kept values copied
 * bit for bit. Returns the count kept, or -1 - count when some tail value
 * is NaN or ±Infinity.
 */
function pruneTail(wPtr: usize, i: i32, n: i32, t: f64, outPtr: usize, maskPtr: usize, es: usize): i32 {
  const f32 = es == 4;
  let kept = 0;
  let byte: u32 = 0;
  let bad = false;
  for (; i < n; i++) {
    const q = <usize>i * es;
    const v = f32 ? <f64>load<f32>(wPtr + q) : load<f64>(wPtr + q);
    const keep = abs(v) > t;
    bad = bad || !isFinite(v);
    if (f32) store<u32>(outPtr + q, keep ? load<u32>(wPtr + q) : 0);
    else store<u64>(outPtr + q, keep ? load<u64>(wPtr + q) : 0);
    kept += <i32>keep;
    byte |= (<u32>keep) << (<u32>i & 7);
    if ((i & 7) == 7) {
      if (maskPtr != 0) store<u8>(maskPtr + (<usize>i >> 3), byte);
      byte = 0;
    }
  }
  if (maskPtr != 0 && (n & 7) != 0) store<u8>(maskPtr + (<usize>n >> 3), byte);
  return bad ? -1 - kept : kept;
}

/** Prunes n f32 weights at threshold t; returns the kept count. */
export function pruneF32(wPtr: usize, n: i32, t: f32, outPtr: usize, maskPtr: usize): i32 {
  const tv = f32x4.splat(t);
  const am = v128.load(ABS);
  const big = v128.load(ABS, 32);
  let top = i32x4.splat(0); // lane-wise max of the |w| bits: > big means NaN / Inf
  let mp: usize = SINK, mstep: usize = 0;
  if (maskPtr != 0) {
    mp = maskPtr;
    mstep = 2;
  }
  let kept = 0;
  let i = 0;
  // do-while: V8 then hoists the splat of t out of the loop
  if (n >= 16) do {
    const p = wPtr + (<usize>i << 2);
    const o = outPtr + (<usize>i << 2);
    const a0 = v128.load(p);
    const a1 = v128.load(p, 16);
    const a2 = v128.load(p, 32);
    const a3 = v128.load(p, 48);
    const b0 = v128.and(a0, am);
    const k0 = f32x4.gt(b0, tv);
    const b1 = v128.and(a1, am);
    const k1 = f32x4.gt(b1, tv);
    const b2 = v128.and(a2, am);
    const k2 = f32x4.gt(b2, tv);
    const b3 = v128.and(a3, am);
    const k3 = f32x4.gt(b3, tv);
    top = i32x4.max_u(top, i32x4.max_u(i32x4.max_u(b0, b1), i32x4.max_u(b2, b3)));
    v128.store(o, v128.and(a0, k0));
    v128.store(o, v128.and(a1, k1), 16);
    v128.store(o, v128.and(a2, k2), 32);
    v128.store(o, v128.and(a3, k3), 48);
    const bits = i32x4.bitmask(k0) | (i32x4.bitmask(k1) << 4) | (i32x4.bitmask(k2) << 8) | (i32x4.bitmask(k3) << 12);
    store<u16>(mp, bits);
    mp += mstep;
    kept += popcnt(bits);
    i += 16;
  } while (i + 16 <= n);
  // scalar tail; i is a multiple of 16 here, so the mask resumes on a byte boundary
  const tail = pruneTail(wPtr, i, n, t, outPtr, maskPtr, 4);
  kept += <i32>tail;
  // top < 2^31 per lane, so the signed compare gives the unsigned answer
  return tail < 0 || v128.any_true(i32x4.gt_s(top, big)) ? -1 : kept;
}

/** Prunes n f64 weights at threshold t; returns the kept count. */
export function pruneF64(wPtr: usize, n: i32, t: f64, outPtr: usize, maskPtr: usize): i32 {
  const tv = f64x2.splat(t);
  const am = v128.load(ABS, 16);
  const big = v128.load(ABS, 48);
  // lane-wise max of the 32-bit halves of the |w| bits: a high half >= 0x7ff00000
  // (NaN / Inf) makes its 64-bit lane > big whatever the low half holds
  let top = i64x2.splat(0);
  let mp: usize = SINK, mstep: usize = 0;
  if (maskPtr != 0) {
    mp = maskPtr;
    mstep = 1;
  }
  let kept = 0;
  let i = 0;
  // do-while: V8 then hoists the splat of t out of the loop
  if (n >= 8) do {
    const p = wPtr + (<usize>i << 3);
    const o = outPtr + (<usize>i << 3);
    const a0 = v128.load(p);
    const a1 = v128.load(p, 16);
    const a2 = v128.load(p, 32);
    const a3 = v128.load(p, 48);
    const b0 = v128.and(a0, am);
    const k0 = f64x2.gt(b0, tv);
    const b1 = v128.and(a1, am);
    const k1 = f64x2.gt(b1, tv);
    const b2 = v128.and(a2, am);
    const k2 = f64x2.gt(b2, tv);
    const b3 = v128.and(a3, am);
    const k3 = f64x2.gt(b3, tv);
    top = i32x4.max_u(top, i32x4.max_u(i32x4.max_u(b0, b1), i32x4.max_u(b2, b3)));
    v128.store(o, v128.and(a0, k0));
    v128.store(o, v128.and(a1, k1), 16);
    v128.store(o, v128.and(a2, k2), 32);
    v128.store(o, v128.and(a3, k3), 48);
    const bits = i64x2.bitmask(k0) | (i64x2.bitmask(k1) << 2) | (i64x2.bitmask(k2) << 4) | (i64x2.bitmask(k3) << 6);
    store<u8>(mp, bits);
    mp += mstep;
    kept += popcnt(bits);
    i += 8;
  } while (i + 8 <= n);
  const tail = pruneTail(wPtr, i, n, t, outPtr, maskPtr, 8);
  kept += <i32>tail;
  return tail < 0 || v128.any_true(i64x2.gt_s(top, big)) ? -1 : kept;
}
