// Linear quantization (ONNX QuantizeLinear / DequantizeLinear) with packing.
//
// NUMERICAL CONTRACT (bit-identical to the twin)
//  - quantizeF32: q[i] = clamp(roundHalfEven(f32(x[i] / s)) + z, qmin, qmax),
//    s = scale[g] (f32, finite, > 0), z = zp[g] (i32; 0 when zpPtr = 0) of the
//    segment g = floor(i / seg). The division is one IEEE f32 division (the
//    ONNX rule; no reciprocal multiply); x / s may overflow to +-Inf, which
//    saturates. Packing by `bits`: 5..8 one value per byte (q & 0xff, two's
//    complement when negative); 3..4 two per byte, element i in bits
//    4*(i&1)..+3 of byte i>>1; 2 (or less) four per byte, element i in bits
//    2*(i&3)..+1 of byte i>>2; stored as q & (2^slot - 1); unused bits of the
//    last byte are 0.
//  - dequantizeF32: out[i] = f32(f32(q[i] - z) * s) with q unpacked as above,
//    sign-extended (from 8, 4 or 2 bits) when `signed` != 0. (q - z) is an
//    exact f32 and the product is one f32 rounding; the twin's
//    Math.fround((q - z) * s) is the same value since the f64 product of two
//    24-bit significands is exact.
//  - Preconditions (the engine's): n >= 0, seg >= 1, -32768 <= qmin <= qmax
//    <= 32767 and |qmin - z|, |qmax - z| < 2^22 (true for any zero point
//    inside the integer range of `bits`); finite x.
// METHOD (quantize): per lane v = x / s, clamped in float to
//  [qmin - z, qmax - z] (exact integers; clamping before rounding gives the
//  same integer since rounding is monotone), then v + 1.5 * 2^23 rounds to
//  the nearest integer, ties to even (the IEEE default), leaving
//  round(v) + 0x4B400000 in the bit pattern; one integer subtract of
//  (0x4B400000 - z) yields q. Four f32x4 -> two saturating narrows (values
//  already in i16 range) -> & 0xff -> one unsigned narrow = 16 bytes.
//  Segments are walked one at a time (splats hoisted per segment) by one
//  range routine that serves both layouts: byte widths in one call over all
//  n values, packed widths one block of up to 4096 values at a time into a
//  static byte buffer, then packed with SIMD nibble / crumb merges.
// METHOD (dequantize) mirrors this: unpack a block into the buffer with SIMD
//  shifts and shuffles (always unsigned), then per segment widen, subtract
//  z, convert and multiply. Signed values come out of the unsigned path by
//  XORing each byte with the sign bit h of its width and subtracting z + h
//  ((u ^ h) - h is the two's complement value of the pattern u), so there is
//  one code path for signed and unsigned input.

const BLOCK: i32 = 4096; // multiple of 64: every full block packs to whole bytes
const BUF: usize = memory.data(BLOCK, 16);

const MAGIC: f32 = 12582912.0; // 1.5 * 2^23
const MAGIC_BITS: i32 = 0x4b400000;

// Vector constants, read from memory into locals: as literals, Binaryen
// repeats an 18-byte v128.const at every use (and V8 may rebuild one inside
// the loop that uses it); a load at function entry costs a few bytes, once.
const K: usize = memory.data<u32>([
  0x4b400000, 0x4b400000, 0x4b400000, 0x4b400000, //  0: MAGIC
  0x00ff00ff, 0x00ff00ff, 0x00ff00ff, 0x00ff00ff, // 16: 0xff per i16
  0x000f000f, 0x000f000f, 0x000f000f, 0x000f000f, // 32: 0x0f per i16
  0x00f000f0, 0x00f000f0, 0x00f000f0, 0x00f000f0, // 48: 0xf0 per i16
  0x03030303, 0x03030303, 0x03030303, 0x03030303, // 64: 3 per byte
  0x000000ff, 0x000000ff, 0x000000ff, 0x000000ff, // 80: 0xff per i32
  0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0f0f, // 96: 0x0f per byte
], 16);

/** Sign bit of an unsigned, 2-, 4- and 8-bit stored value (dequantize). */
const SIGN: usize = memory.data<u8>([0, 2, 8, 0x80]);

// ------------------------------------------------------------------ quantize

// @ts-ignore: decorator
@inline function quantVec(x: v128, sv: v128, lov: v128, hiv: v128, mv: v128, off: v128): v128 {
  let v = f32x4.div(x, sv);
  v = f32x4.pmin(f32x4.pmax(v, lov), hiv);
  return i32x4.sub(f32x4.add(v, mv), off);
}

/** Quantizes cnt values of one segment (scale s, zero point z) to bytes q & 0xff at out. */
// @ts-ignore: decorator
@inline function quantSpan(x: usize, cnt: i32, s: f32, z: i32, qmin: i32, qmax: i32, out: usize): void {
  const lo = <f32>(qmin - z);
  const hi = <f32>(qmax - z);
  const off = MAGIC_BITS - z;
  const sv = f32x4.splat(s);
  const lov = f32x4.splat(lo);
  const hiv = f32x4.splat(hi);
  const mv = v128.load(K);
  const ov = i32x4.splat(off);
  const m8 = v128.load(K, 16);
  let i = 0;
  for (; i + 16 <= cnt; i += 16) {
    const p = x + (<usize>i << 2);
    const q0 = quantVec(v128.load(p), sv, lov, hiv, mv, ov);
    const q1 = quantVec(v128.load(p, 16), sv, lov, hiv, mv, ov);
    const q2 = quantVec(v128.load(p, 32), sv, lov, hiv, mv, ov);
    const q3 = quantVec(v128.load(p, 48), sv, lov, hiv, mv, ov);
    const a = v128.and(i16x8.narrow_i32x4_s(q0, q1), m8);
    const b = v128.and(i16x8.narrow_i32x4_s(q2, q3), m8);
    v128.store(out + <usize>i, i8x16.narrow_i16x8_u(a, b));
  }
  for (; i + 4 <= cnt; i += 4) {
    const q = quantVec(v128.load(x + (<usize>i << 2)), sv, lov, hiv, mv, ov);
    const a = v128.and(i16x8.narrow_i32x4_s(q, q), m8);
    store<u32>(out + <usize>i, i32x4.extract_lane(i8x16.narrow_i16x8_u(a, a), 0));
  }
  for (; i < cnt; i++) {
    let v = load<f32>(x + (<usize>i << 2)) / s;
    v = v < lo ? lo : v;
    v = hi < v ? hi : v;
    store<u8>(out + <usize>i, reinterpret<i32>(v + MAGIC) - off);
  }
}

/** Packs cnt bytes (low 4 bits used) two per byte: element i -> bits 4*(i&1). */
// @ts-ignore: decorator
@inline function pack4(src: usize, cnt: i32, out: usize): void {
  const lo = v128.load(K, 32);
  const hi = v128.load(K, 48);
  let i = 0;
  for (; i + 32 <= cnt; i += 32) {
    const a = v128.load(src + <usize>i);
    const b = v128.load(src + <usize>i, 16);
    const pa = v128.or(v128.and(a, lo), v128.and(i16x8.shr_u(a, 4), hi));
    const pb = v128.or(v128.and(b, lo), v128.and(i16x8.shr_u(b, 4), hi));
    v128.store(out + (<usize>i >> 1), i8x16.narrow_i16x8_u(pa, pb));
  }
  for (; i < cnt; i += 2) {
    let v = <u32>load<u8>(src + <usize>i) & 15;
    if (i + 1 < cnt) v |= (<u32>load<u8>(src + <usize>i, 1) & 15) << 4;
    store<u8>(out + (<usize>i >> 1), v);
  }
}

/** Packs cnt bytes (low 2 bits used) four per byte: element i -> bits 2*(i&3). */
// @ts-ignore: decorator
@inline function pack2(src: usize, cnt: i32, out: usize): void {
  const m3 = v128.load(K, 64);
  const mf = v128.load(K, 32);
  const mb = v128.load(K, 80);
  let i = 0;
  for (; i + 64 <= cnt; i += 64) {
    const p = src + <usize>i;
    let a = v128.and(v128.load(p), m3);
    let b = v128.and(v128.load(p, 16), m3);
    let c = v128.and(v128.load(p, 32), m3);
    let d = v128.and(v128.load(p, 48), m3);
    // per i32 lane e0 | e1<<8 | e2<<16 | e3<<24 -> e0 | e1<<2 | e2<<4 | e3<<6
    a = v128.and(v128.or(a, i32x4.shr_u(a, 6)), mf);
    b = v128.and(v128.or(b, i32x4.shr_u(b, 6)), mf);
    c = v128.and(v128.or(c, i32x4.shr_u(c, 6)), mf);
    d = v128.and(v128.or(d, i32x4.shr_u(d, 6)), mf);
    a = v128.and(v128.or(a, i32x4.shr_u(a, 12)), mb);
    b = v128.and(v128.or(b, i32x4.shr_u(b, 12)), mb);
    c = v128.and(v128.or(c, i32x4.shr_u(c, 12)), mb);
    d = v128.and(v128.or(d, i32x4.shr_u(d, 12)), mb);
    v128.store(out + (<usize>i >> 2), i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d)));
  }
  for (; i < cnt; i += 4) {
    let v: u32 = 0;
    for (let j = 0; j < 4 && i + j < cnt; j++) v |= (<u32>load<u8>(src + <usize>(i + j)) & 3) << (<u32>j << 1);
    store<u8>(out + (<usize>i >> 2), v);
  }
}

/**
 * Quantizes values [b, e), b < e, of x (global indices: segment g = floor(i / seg))
 * to bytes at out (value i at out + i - b). Not inlined: the one copy of the
 * SIMD span serves the byte path (all of x at once) and the packed path (one
 * BLOCK at a time), and segments are walked inside, without a call each.
 */
function quantRange(x: usize, b: i32, e: i32, seg: i32, scalePtr: usize, zpPtr: usize, qmin: i32, qmax: i32, out: usize): void {
  let g = b / seg;
  let r = b - g * seg; // offset of b inside segment g
  let i = b;
  do { // b < e
    const len = min(e - i, seg - r);
    const s = load<f32>(scalePtr + (<usize>g << 2));
    const z = zpPtr != 0 ? load<i32>(zpPtr + (<usize>g << 2)) : 0;
    quantSpan(x + (<usize>i << 2), len, s, z, qmin, qmax, out + <usize>(i - b));
    i += len;
    r = 0;
    g++;
  } while (i < e);
}

/** Per-lane quantVec: each lane has its own scale s and zero point z. */
// @ts-ignore: decorator
@inline function quantVecCols(x: v128, s: v128, z: v128, qminv: v128, qmaxv: v128, mv: v128): v128 {
  let v = f32x4.div(x, s);
  v = f32x4.pmin(f32x4.pmax(v, f32x4.convert_i32x4_s(i32x4.sub(qminv, z))), f32x4.convert_i32x4_s(i32x4.sub(qmaxv, z)));
  return i32x4.sub(f32x4.add(v, mv), i32x4.sub(mv, z));
}

/**
 * quantSpan for cnt consecutive values of one row, value i in the column
 * with scale sp[i] and zero point zp[i] (zmask = all ones), or zero point 0
 * (zmask = 0: zp is ZERO16, every offset masked to 0). The same arithmetic
 * per value as quantSpan, so bit-identical to it for equal s and z.
 */
// @ts-ignore: decorator
@inline function quantSpanCols(x: usize, cnt: i32, sp: usize, zp: usize, zmask: usize, qmin: i32, qmax: i32, out: usize): void {
  const qminv = i32x4.splat(qmin);
  const qmaxv = i32x4.splat(qmax);
  const mv = v128.load(K);
  const m8 = v128.load(K, 16);
  let i = 0;
  for (; i + 16 <= cnt; i += 16) {
    const o = <usize>i << 2;
    const p = x + o;
    const s = sp + o;
    const z = zp + (o & zmask);
    const q0 = quantVecCols(v128.load(p), v128.load(s), v128.load(z), qminv, qmaxv, mv);
    const q1 = quantVecCols(v128.load(p, 16), v128.load(s, 16), v128.load(z + (16 & zmask)), qminv, qmaxv, mv);
    const q2 = quantVecCols(v128.load(p, 32), v128.load(s, 32), v128.load(z + (32 & zmask)), qminv, qmaxv, mv);
    const q3 = quantVecCols(v128.load(p, 48), v128.load(s, 48), v128.load(z + (48 & zmask)), qminv, qmaxv, mv);
    const a = v128.and(i16x8.narrow_i32x4_s(q0, q1), m8);
    const b = v128.and(i16x8.narrow_i32x4_s(q2, q3), m8);
    v128.store(out + <usize>i, i8x16.narrow_i16x8_u(a, b));
  }
  for (; i < cnt; i++) {
    const o = <usize>i << 2;
    const z = load<i32>(zp + (o & zmask));
    const lo = <f32>(qmin - z);
    const hi = <f32>(qmax - z);
    let v = load<f32>(x + o) / load<f32>(sp + o);
    v = v < lo ? lo : v;
    v = hi < v ? hi : v;
    store<u8>(out + <usize>i, reinterpret<i32>(v + MAGIC) - (MAGIC_BITS - z));
  }
}

/**
 * quantRange for per-column groups: values [b, e), b < e, of x, value i in
 * column i % cols (scale sp[c], zero point zp[c] as in quantSpanCols), one
 * row span at a time, to bytes at out (value i at out + i - b).
 */
function quantRangeCols(x: usize, b: i32, e: i32, cols: i32, sp: usize, zp: usize, zmask: usize, qmin: i32, qmax: i32, out: usize): void {
  let c = b % cols;
  let i = b;
  do { // b < e
    const len = min(e - i, cols - c);
    const o = <usize>c << 2;
    quantSpanCols(x + (<usize>i << 2), len, sp + o, zp + (o & zmask), zmask, qmin, qmax, out + <usize>(i - b));
    i += len;
    c = 0;
  } while (i < e);
}

/** 16 zero bytes: the zero points of a call without any (read with stride 0). */
const ZERO16: usize = memory.data(16, 16);

/**
 * The quantize driver: cols = 0: segments of `seg` (quantRange); cols > 0:
 * per-column groups (quantRangeCols). Byte widths in one range call, packed
 * widths one BLOCK at a time through BUF.
 */
function quantize(x: usize, n: i32, seg: i32, cols: i32, sp: usize, zpPtr: usize, qmin: i32, qmax: i32, bits: i32, out: usize): void {
  const zp = zpPtr ? zpPtr : ZERO16;
  const zmask: usize = zpPtr ? <usize>-1 : 0;
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    // byte widths: everything in one range call, straight into out
    const bl = bits >= 5 ? n : min(BLOCK, n - b0);
    const dst = bits >= 5 ? out : BUF;
    if (cols) quantRangeCols(x, b0, b0 + bl, cols, sp, zp, zmask, qmin, qmax, dst);
    else quantRange(x, b0, b0 + bl, seg, sp, zpPtr, qmin, qmax, dst);
    if (bits >= 5) return;
    if (bits >= 3) pack4(BUF, bl, out + (<usize>b0 >> 1));
    else pack2(BUF, bl, out + (<usize>b0 >> 2));
  }
}

/**
 * Quantizes n f32 values at x into outPtr (see the contract above):
 * per segment g of `seg` values, scale f32 at scalePtr[g], zero point i32 at
 * zpPtr[g] (zpPtr = 0: all zero), clamp to [qmin, qmax], packed by `bits`.
 */
export function quantizeF32(xPtr: usize, n: i32, seg: i32, scalePtr: usize, zpPtr: usize, qmin: i32, qmax: i32, bits: i32, outPtr: usize): void {
  if (n <= 0 || seg < 1) return;
  quantize(xPtr, n, seg, 0, scalePtr, zpPtr, qmin, qmax, bits, outPtr);
}

/**
 * quantizeF32 with one group per column of row-major rows of `cols` values:
 * value i uses scalePtr[i % cols] and zpPtr[i % cols]; packing over the flat
 * index i as in quantizeF32. Bit-identical to quantizeF32 of the same values
 * with each value's own scale and zero point.
 */
export function quantizeColsF32(xPtr: usize, n: i32, cols: i32, scalePtr: usize, zpPtr: usize, qmin: i32, qmax: i32, bits: i32, outPtr: usize): void {
  if (n <= 0 || cols < 1) return;
  quantize(xPtr, n, 0, cols, scalePtr, zpPtr, qmin, qmax, bits, outPtr);
}

// ---------------------------------------------------------------- dequantize

/**
 * out[i] = f32(q[i] - z) * s for cnt byte values read unsigned, each XORed
 * with h first. Signed values come out exact this way: an b-bit two's
 * complement value with unsigned pattern u is (u ^ 2^(b-1)) - 2^(b-1), so the
 * caller passes h = 2^(b-1) (hv: h in every byte) and z + h for z (h = 0,
 * z: unsigned).
 */
// @ts-ignore: decorator
@inline function dequantSpan(q: usize, cnt: i32, h: i32, hv: v128, s: f32, z: i32, out: usize): void {
  const sv = f32x4.splat(s);
  const zv = i32x4.splat(z);
  let i = 0;
  // do-while: the body then dominates the loop exit, so V8 hoists the splats
  // out of it (in a while-shaped loop it recomputes them every iteration)
  if (cnt >= 16) do {
    const b = v128.xor(v128.load(q + <usize>i), hv);
    const l = i16x8.extend_low_i8x16_u(b);
    const u = i16x8.extend_high_i8x16_u(b);
    const o = out + (<usize>i << 2);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_low_i16x8_u(l), zv)), sv));
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_high_i16x8_u(l), zv)), sv), 16);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_low_i16x8_u(u), zv)), sv), 32);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_high_i16x8_u(u), zv)), sv), 48);
    i += 16;
  } while (i + 16 <= cnt);
  for (; i < cnt; i++) {
    store<f32>(out + (<usize>i << 2), <f32>((<i32>load<u8>(q + <usize>i) ^ h) - z) * s);
  }
}

/** Unpacks cnt 4-bit values (two per byte) at src into bytes 0..15 at dst. */
// @ts-ignore: decorator
@inline function unpack4(src: usize, cnt: i32, dst: usize): void {
  let i = 0;
  const lm = v128.load(K, 96);
  for (; i + 32 <= cnt; i += 32) {
    const v = v128.load(src + (<usize>i >> 1));
    // 16-bit shifts then a byte mask: x64 has no byte shift (V8 emulates
    // i8x16.shr_u with a 16-bit shift and a mask it rebuilds every time)
    const lo = v128.and(v, lm);
    const hi = v128.and(i16x8.shr_u(v, 4), lm);
    v128.store(dst + <usize>i, i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
    v128.store(dst + <usize>i, i8x16.shuffle(lo, hi, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), 16);
  }
  for (; i < cnt; i++) {
    store<u8>(dst + <usize>i, (<i32>load<u8>(src + (<usize>i >> 1)) >> ((i & 1) << 2)) & 15);
  }
}

/** Unpacks cnt 2-bit values (four per byte) at src into bytes 0..3 at dst. */
// @ts-ignore: decorator
@inline function unpack2(src: usize, cnt: i32, dst: usize): void {
  let i = 0;
  const m3 = v128.load(K, 64);
  for (; i + 64 <= cnt; i += 64) {
    const v = v128.load(src + (<usize>i >> 2));
    const e0 = v128.and(v, m3); // 16-bit shifts: see unpack4
    const e1 = v128.and(i16x8.shr_u(v, 2), m3);
    const e2 = v128.and(i16x8.shr_u(v, 4), m3);
    const e3 = v128.and(i16x8.shr_u(v, 6), m3);
    // bytes e0[j], e1[j] paired, then e2[j], e3[j]; then interleave the pairs
    const pl = i8x16.shuffle(e0, e1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const ph = i8x16.shuffle(e0, e1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const rl = i8x16.shuffle(e2, e3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const rh = i8x16.shuffle(e2, e3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const d = dst + <usize>i;
    v128.store(d, i8x16.shuffle(pl, rl, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23));
    v128.store(d, i8x16.shuffle(pl, rl, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 16);
    v128.store(d, i8x16.shuffle(ph, rh, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), 32);
    v128.store(d, i8x16.shuffle(ph, rh, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), 48);
  }
  for (; i < cnt; i++) {
    store<u8>(dst + <usize>i, (<i32>load<u8>(src + (<usize>i >> 2)) >> ((i & 3) << 1)) & 3);
  }
}

/**
 * Dequantizes the byte values for [b, e) (global indices; value i at
 * q + i - b, XORed with h) into out (f32 i at out[i]). Not inlined, as
 * quantRange.
 */
function dequantRange(q: usize, b: i32, e: i32, seg: i32, scalePtr: usize, zpPtr: usize, h: i32, hv: v128, out: usize): void {
  let g = b / seg;
  let r = b - g * seg;
  for (let i = b; i < e; g++) {
    const len = min(e - i, seg - r);
    const s = load<f32>(scalePtr + (<usize>g << 2));
    const z = (zpPtr != 0 ? load<i32>(zpPtr + (<usize>g << 2)) : 0) + h;
    dequantSpan(q + <usize>(i - b), len, h, hv, s, z, out + (<usize>i << 2));
    i += len;
    r = 0;
  }
}

/**
 * dequantSpan for cnt consecutive codes of one row, code i in the column with
 * scale sp[i] and zero point zp[i] (zmask as in quantSpanCols): out[i] =
 * f32(((q ^ h) - (z + h)) * s), the same arithmetic per value as dequantSpan.
 */
// @ts-ignore: decorator
@inline function dequantSpanCols(q: usize, cnt: i32, h: i32, hv: v128, sp: usize, zp: usize, zmask: usize, out: usize): void {
  const hz = i32x4.splat(h);
  let i = 0;
  for (; i + 16 <= cnt; i += 16) {
    const b = v128.xor(v128.load(q + <usize>i), hv);
    const l = i16x8.extend_low_i8x16_u(b);
    const u = i16x8.extend_high_i8x16_u(b);
    const ob = <usize>i << 2;
    const o = out + ob;
    const s = sp + ob;
    const z = zp + (ob & zmask);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_low_i16x8_u(l), i32x4.add(v128.load(z), hz))), v128.load(s)));
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_high_i16x8_u(l), i32x4.add(v128.load(z + (16 & zmask)), hz))), v128.load(s, 16)), 16);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_low_i16x8_u(u), i32x4.add(v128.load(z + (32 & zmask)), hz))), v128.load(s, 32)), 32);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_high_i16x8_u(u), i32x4.add(v128.load(z + (48 & zmask)), hz))), v128.load(s, 48)), 48);
  }
  for (; i < cnt; i++) {
    const ob = <usize>i << 2;
    const z = load<i32>(zp + (ob & zmask)) + h;
    store<f32>(out + ob, <f32>((<i32>load<u8>(q + <usize>i) ^ h) - z) * load<f32>(sp + ob));
  }
}

/** dequantRange for per-column groups (value i in column i % cols), one row span at a time. */
function dequantRangeCols(q: usize, b: i32, e: i32, cols: i32, sp: usize, zp: usize, zmask: usize, h: i32, hv: v128, out: usize): void {
  let c = b % cols;
  for (let i = b; i < e; ) {
    const len = min(e - i, cols - c);
    const o = <usize>c << 2;
    dequantSpanCols(q + <usize>(i - b), len, h, hv, sp + o, zp + (o & zmask), zmask, out + (<usize>i << 2));
    i += len;
    c = 0;
  }
}

/**
 * The dequantize driver: cols = 0: segments of `seg` (dequantRange); cols >
 * 0: per-column groups (dequantRangeCols). Packed widths are unpacked one
 * BLOCK at a time into BUF first.
 */
function dequantize(qPtr: usize, n: i32, seg: i32, cols: i32, scalePtr: usize, zpPtr: usize, bits: i32, signed: i32, outPtr: usize): void {
  const byte = bits >= 5;
  const four = bits >= 3;
  // sign bit of the stored width (8, 4 or 2 bits): see dequantSpan; its splat
  // is a load, which V8 leaves here instead of redoing it per segment
  const hp = SIGN + <usize>(signed != 0 ? (byte ? 3 : four ? 2 : 1) : 0);
  const h = <i32>load<u8>(hp);
  const hv = v128.load8_splat(hp);
  const zp = zpPtr ? zpPtr : ZERO16;
  const zmask: usize = zpPtr ? <usize>-1 : 0;
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    const bl = byte ? n : min(BLOCK, n - b0);
    let src = qPtr;
    if (!byte) {
      if (four) unpack4(qPtr + (<usize>b0 >> 1), bl, BUF);
      else unpack2(qPtr + (<usize>b0 >> 2), bl, BUF);
      src = BUF;
    }
    if (cols) dequantRangeCols(src, b0, b0 + bl, cols, scalePtr, zp, zmask, h, hv, outPtr);
    else dequantRange(src, b0, b0 + bl, seg, scalePtr, zpPtr, h, hv, outPtr);
    if (byte) return;
  }
}

/**
 * Dequantizes n values at qPtr (packed by `bits`, sign-extended when signed
 * != 0) into n f32 at outPtr: out[i] = f32(q - z) * s per segment.
 */
export function dequantizeF32(qPtr: usize, n: i32, seg: i32, scalePtr: usize, zpPtr: usize, bits: i32, signed: i32, outPtr: usize): void {
  if (n <= 0 || seg < 1) return;
  dequantize(qPtr, n, seg, 0, scalePtr, zpPtr, bits, signed, outPtr);
}

/** dequantizeF32 with one group per column (value i uses scalePtr[i % cols], zpPtr[i % cols]); see quantizeColsF32. */
export function dequantizeColsF32(qPtr: usize, n: i32, cols: i32, scalePtr: usize, zpPtr: usize, bits: i32, signed: i32, outPtr: usize): void {
  if (n <= 0 || cols < 1) return;
  dequantize(qPtr, n, 0, cols, scalePtr, zpPtr, bits, signed, outPtr);
}
