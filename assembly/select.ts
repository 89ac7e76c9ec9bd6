// Selection: the k-th largest |w| without sorting.
//
// NUMERICAL CONTRACT (bit-identical to the twin)
//  - Returns the exact k-th largest of |w[0..n)| (1-based; k = 1 is max |w|,
//    k = n is min |w|), counting duplicates; a zero result is +0. Returns NaN
//    when k < 1 or k > n. Inputs are finite (engine checks). `scratch` holds
//    n values of the input type and is clobbered; w is only read.
//  - The answer is a unique value, so every correct method returns the same
//    bits; the twin uses the radix select below on its own.
// METHOD
//  Radix select (the exact core, also the twin's algorithm): most-significant
//  digit first on the IEEE bit patterns of |w| (for non-negative floats the
//  bit pattern, read as an unsigned integer, is ordered like the value).
//  f32: digits of 11/10/10 bits (bits 30..0); f64: 11/10/10 bits of the high
//  word, then 11/11/10 of the low word. Each level histograms the current
//  digit of the candidates (a static 2048-bucket table), walks the buckets
//  from the top to the one holding the k-th largest, and compacts that
//  bucket's candidates into scratch (branch-free, in place after the first
//  level). It stops when one candidate is left, or after the last digit, when
//  the chosen digits spell the answer. O(n), deterministic, no adversarial
//  case (all-equal input costs one histogram pass per level).
//  Fast path for n >= 2^17 (Floyd-Rivest style bracketing, still exact): a
//  fixed strided sample of min(n / 8, 65536) values is radix-selected for two pivots
//  around the k-th largest's expected sample rank (+- 3 sigma + 4); one SIMD
//  pass over w counts the values above the upper pivot and compacts those
//  between the pivots into scratch (a swizzle table packs the selected lanes);
//  if the k-th largest provably lies between the pivots, it is radix-selected
//  among those few candidates (rank shifted by the count above), else the
//  plain radix select runs on all of w. Either way the result is exact; the
//  sample only decides the speed (one pass instead of two and a scatter).

import { ABS, PACK4 } from './lanes';

const HIST: usize = memory.data(2048 * 4, 16);

const SAMPLE_MAX: i32 = 65536;
const SAMPLE_MIN_N: i32 = 1 << 17;

/** Sample size for n >= SAMPLE_MIN_N: n / 8 up to 65536 (so at least 16384, stride >= 8). */
// @ts-ignore: decorator
@inline function sampleSize(n: i32): i32 {
  return min(SAMPLE_MAX, n >> 3);
}

// @ts-ignore: decorator
@inline function clearHist(nb: i32): void {
  memory.fill(HIST, 0, <usize>nb << 2);
}

/** Walks the histogram down from the top bucket; returns (bucket << 32) | rank within it. */
// @ts-ignore: decorator
@inline function pickBucket(nb: i32, k: i32): u64 {
  let b = nb - 1;
  while (true) {
    const h = load<i32>(HIST + (<usize>b << 2));
    if (k <= h) break;
    k -= h;
    b--;
  }
  return (<u64>b << 32) | <u64>(<u32>k);
}

/**
 * Bit pattern of the k-th largest key among cnt elements at src, 1 <= k <= cnt;
 * es = 4 (f32) or 8 (f64); key = the element's bit pattern with the sign
 * cleared. Digits come from 32-bit words: the (high) word, bits 30..20,
 * 19..10, 9..0 (the f32 word, the f64 high word), then for f64 the low word,
 * bits 31..21, 20..10, 9..0 (by then every candidate shares the high word).
 * Candidates are compacted into scratch as keys; src may equal scratch.
 */
function radix(src: usize, cnt: i32, k: i32, scratch: usize, es: usize): u64 {
  const f64 = es == 8;
  let hiP: u32 = 0;
  let loP: u32 = 0;
  const levels = f64 ? 6 : 3;
  for (let level = 0; level < levels; level++) {
    const low = level >= 3;
    const sl = level - (low ? 3 : 0);
    const shift: u32 = sl == 0 ? (low ? 21 : 20) : sl == 1 ? 10 : 0;
    const nb = sl == 0 || (low && sl == 1) ? 2048 : 1024;
    const dm: u32 = <u32>nb - 1;
    // the digit's word: the high word (offset es - 4) first, then the low word
    const off: usize = low ? 0 : es - 4;
    clearHist(nb);
    let i = 0;
    let p = src + off;
    const es2 = es << 1, es3 = es2 + es, es4 = es << 2;
    for (; i + 4 <= cnt; i += 4) {
      const d0 = (load<u32>(p) >>> shift) & dm;
      const d1 = (load<u32>(p + es) >>> shift) & dm;
      const d2 = (load<u32>(p + es2) >>> shift) & dm;
      const d3 = (load<u32>(p + es3) >>> shift) & dm;
      const h0 = HIST + (<usize>d0 << 2);
      store<u32>(h0, load<u32>(h0) + 1);
      const h1 = HIST + (<usize>d1 << 2);
      store<u32>(h1, load<u32>(h1) + 1);
      const h2 = HIST + (<usize>d2 << 2);
      store<u32>(h2, load<u32>(h2) + 1);
      const h3 = HIST + (<usize>d3 << 2);
      store<u32>(h3, load<u32>(h3) + 1);
      p += es4;
    }
    for (; i < cnt; i++) {
      const h = HIST + (<usize>((load<u32>(p) >>> shift) & dm) << 2);
      store<u32>(h, load<u32>(h) + 1);
      p += es;
    }
    const bk = pickBucket(nb, k);
    const b = <u32>(bk >>> 32);
    k = <i32>(<u32>bk);
    if (low) loP |= b << shift;
    else hiP |= b << shift;
    if (level == levels - 1) break;
    const c = load<i32>(HIST + (<usize>b << 2));
    if (c != cnt) {
      // compact the chosen bucket into scratch (j <= i, so in place is safe)
      let j = 0;
      if (f64) {
        for (i = 0; i < cnt; i++) {
          const a = load<u64>(src + (<usize>i << 3)) & 0x7fffffffffffffff;
          store<u64>(scratch + (<usize>j << 3), a);
          j += <i32>(((<u32>(a >>> (low ? 0 : 32)) >>> shift) & dm) == b);
        }
      } else {
        for (i = 0; i < cnt; i++) {
          const a = load<u32>(src + (<usize>i << 2)) & 0x7fffffff;
          store<u32>(scratch + (<usize>j << 2), a);
          j += <i32>(((a >>> shift) & dm) == b);
        }
      }
      src = scratch;
      cnt = c;
    }
    if (cnt == 1) return f64 ? load<u64>(src) & 0x7fffffffffffffff : <u64>(load<u32>(src) & 0x7fffffff);
  }
  return f64 ? (<u64>hiP << 32) | <u64>loP : <u64>hiP;
}

/**
 * Sample ranks bracketing the k-th largest of n: returns (hiRank << 32) | loRank
 * (1-based ranks in a sample of m, largest first; hiRank may be < 1 and loRank > m,
 * meaning "no bound on that side").
 */
// @ts-ignore: decorator
@inline function bracket(n: i32, k: i32, m: i32): u64 {
  const p = <f64>k / <f64>n;
  const mid = p * <f64>m;
  const d = 3.0 * Math.sqrt(<f64>m * p * (1.0 - p)) + 4.0;
  const hiRank = <i32>Math.floor(mid - d);
  const loRank = <i32>Math.ceil(mid + d);
  return (<u64>(<u32>hiRank) << 32) | <u64>(<u32>loRank);
}

/** Key bits of the k-th largest |w| of n values (1 <= k <= n; es = 4: f32, 8: f64), exact. */
function kth(wPtr: usize, n: i32, k: i32, scratchPtr: usize, es: usize): u64 {
  const f64 = es == 8;
  if (n < SAMPLE_MIN_N) return radix(wPtr, n, k, scratchPtr, es);
  // strided sample, twice (each selection compacts its copy in place)
  const m = sampleSize(n);
  const stride = n / m;
  const s2 = scratchPtr + <usize>m * es;
  const half = stride >> 1;
  if (f64) {
    for (let t = 0; t < m; t++) {
      const a = load<u64>(wPtr + (<usize>(t * stride + half) << 3)) & 0x7fffffffffffffff;
      store<u64>(scratchPtr + (<usize>t << 3), a);
      store<u64>(s2 + (<usize>t << 3), a);
    }
  } else {
    for (let t = 0; t < m; t++) {
      const a = load<u32>(wPtr + (<usize>(t * stride + half) << 2)) & 0x7fffffff;
      store<u32>(scratchPtr + (<usize>t << 2), a);
      store<u32>(s2 + (<usize>t << 2), a);
    }
  }
  const br = bracket(n, k, m);
  const hiRank = <i32>(br >>> 32);
  const loRank = <i32>(<u32>br);
  // no upper bound: +Inf, above every finite |w|
  const hi: u64 = hiRank >= 1 ? radix(scratchPtr, m, hiRank, scratchPtr, es) : f64 ? 0x7ff0000000000000 : 0x7f800000;
  const lo: u64 = loRank <= m ? radix(s2, m, loRank, s2, es) : 0;
  // one pass: count |w| > hi, compact lo <= |w| <= hi into scratch
  let j = 0;
  let i = 0;
  let cntAbove = 0;
  if (f64) {
    const am = v128.load(ABS, 16);
    const hv = f64x2.splat(reinterpret<f64>(hi));
    const lv = f64x2.splat(reinterpret<f64>(lo));
    let above = i64x2.splat(0);
    for (; i + 8 <= n; i += 8) {
      const p = wPtr + (<usize>i << 3);
      const a0 = v128.and(v128.load(p), am);
      const a1 = v128.and(v128.load(p, 16), am);
      const a2 = v128.and(v128.load(p, 32), am);
      const a3 = v128.and(v128.load(p, 48), am);
      const g0 = f64x2.gt(a0, hv);
      const g1 = f64x2.gt(a1, hv);
      const g2 = f64x2.gt(a2, hv);
      const g3 = f64x2.gt(a3, hv);
      above = i64x2.sub(above, i64x2.add(i64x2.add(g0, g1), i64x2.add(g2, g3)));
      const r0 = v128.andnot(f64x2.ge(a0, lv), g0);
      const r1 = v128.andnot(f64x2.ge(a1, lv), g1);
      const r2 = v128.andnot(f64x2.ge(a2, lv), g2);
      const r3 = v128.andnot(f64x2.ge(a3, lv), g3);
      if (v128.any_true(v128.or(v128.or(r0, r1), v128.or(r2, r3)))) {
        // j <= i: the 16-byte stores stay inside scratch[0..n); a 64-bit
        // lane's compare mask sets two 32-bit lanes, so PACK4 packs it
        let bm = i32x4.bitmask(r0);
        v128.store(scratchPtr + (<usize>j << 3), i8x16.swizzle(a0, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm) >> 1;
        bm = i32x4.bitmask(r1);
        v128.store(scratchPtr + (<usize>j << 3), i8x16.swizzle(a1, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm) >> 1;
        bm = i32x4.bitmask(r2);
        v128.store(scratchPtr + (<usize>j << 3), i8x16.swizzle(a2, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm) >> 1;
        bm = i32x4.bitmask(r3);
        v128.store(scratchPtr + (<usize>j << 3), i8x16.swizzle(a3, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm) >> 1;
      }
    }
    cntAbove = <i32>(i64x2.extract_lane(above, 0) + i64x2.extract_lane(above, 1));
    for (; i < n; i++) {
      const a = load<u64>(wPtr + (<usize>i << 3)) & 0x7fffffffffffffff;
      cntAbove += <i32>(a > hi);
      store<u64>(scratchPtr + (<usize>j << 3), a);
      j += <i32>(a >= lo && a <= hi);
    }
  } else {
    const am = v128.load(ABS);
    const hv = f32x4.splat(reinterpret<f32>(<u32>hi));
    const lv = f32x4.splat(reinterpret<f32>(<u32>lo));
    let above = i32x4.splat(0);
    for (; i + 16 <= n; i += 16) {
      const p = wPtr + (<usize>i << 2);
      const a0 = v128.and(v128.load(p), am);
      const a1 = v128.and(v128.load(p, 16), am);
      const a2 = v128.and(v128.load(p, 32), am);
      const a3 = v128.and(v128.load(p, 48), am);
      const g0 = f32x4.gt(a0, hv);
      const g1 = f32x4.gt(a1, hv);
      const g2 = f32x4.gt(a2, hv);
      const g3 = f32x4.gt(a3, hv);
      above = i32x4.sub(above, i32x4.add(i32x4.add(g0, g1), i32x4.add(g2, g3)));
      const r0 = v128.andnot(f32x4.ge(a0, lv), g0);
      const r1 = v128.andnot(f32x4.ge(a1, lv), g1);
      const r2 = v128.andnot(f32x4.ge(a2, lv), g2);
      const r3 = v128.andnot(f32x4.ge(a3, lv), g3);
      if (v128.any_true(v128.or(v128.or(r0, r1), v128.or(r2, r3)))) {
        // j <= i: the 16-byte stores stay inside scratch[0..n)
        let bm = i32x4.bitmask(r0);
        v128.store(scratchPtr + (<usize>j << 2), i8x16.swizzle(a0, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm);
        bm = i32x4.bitmask(r1);
        v128.store(scratchPtr + (<usize>j << 2), i8x16.swizzle(a1, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm);
        bm = i32x4.bitmask(r2);
        v128.store(scratchPtr + (<usize>j << 2), i8x16.swizzle(a2, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm);
        bm = i32x4.bitmask(r3);
        v128.store(scratchPtr + (<usize>j << 2), i8x16.swizzle(a3, v128.load(PACK4 + (<usize>bm << 4))));
        j += popcnt(bm);
      }
    }
    cntAbove = i32x4.extract_lane(above, 0) + i32x4.extract_lane(above, 1) + i32x4.extract_lane(above, 2) + i32x4.extract_lane(above, 3);
    for (; i < n; i++) {
      const a = <u64>(load<u32>(wPtr + (<usize>i << 2)) & 0x7fffffff);
      cntAbove += <i32>(a > hi);
      store<u32>(scratchPtr + (<usize>j << 2), <u32>a);
      j += <i32>(a >= lo && a <= hi);
    }
  }
  const kk = k - cntAbove;
  if (kk >= 1 && kk <= j) return radix(scratchPtr, j, kk, scratchPtr, es);
  return radix(wPtr, n, k, scratchPtr, es); // the sample misled: exact fallback
}

/** The k-th largest |w| of n f32 values (1 <= k <= n), exact. */
export function kthAbsF32(wPtr: usize, n: i32, k: i32, scratchPtr: usize): f32 {
  if (k < 1 || k > n) return NaN;
  return reinterpret<f32>(<u32>kth(wPtr, n, k, scratchPtr, 4));
}

/** The k-th largest |w| of n f64 values (1 <= k <= n), exact. */
export function kthAbsF64(wPtr: usize, n: i32, k: i32, scratchPtr: usize): f64 {
  if (k < 1 || k > n) return NaN;
  return reinterpret<f64>(kth(wPtr, n, k, scratchPtr, 8));
}
