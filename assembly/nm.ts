// N:M semi-structured pruning: keep the `keep` largest |w| of every run of m
// consecutive weights, write the keep-bitmask and the packed survivors.
//
// NUMERICAL CONTRACT (bit-identical to the twin, src/kernels/js/nm.ts)
//  - Layout: w (n values) is cut into rows of rowLen (rowLen <= 0 or > n
//    means one row of n; the last row may be shorter), each row into runs of
//    m from the row's start; the last run of a row may be shorter (len =
//    what is left). A run keeps min(keep, len) values, so every m-window
//    holds at most `keep` survivors (the N:M constraint).
//  - Order: the values first in (|w| descending, index ascending) survive:
//    ties go to the lower index; -0 and +0 tie. |w| is compared as the IEEE
//    bit pattern with the sign cleared, read as an unsigned integer, which
//    orders exactly like |w| for every non-NaN value (±Infinity included).
//  - out: the survivors in index order, copied bit for bit; exactly `kept`
//    values are written, nothing past them; out must not overlap w. mask:
//    ceil(n / 8) bytes, bit (i & 7) of byte (i >> 3) set when w[i]
//    survives; unused high bits 0.
//  - Returns kept = the sum over runs of min(keep, len), or -1 when any w[i]
//    is NaN or ±Infinity (checked in the same pass; the outputs are still
//    written, in bounds, and stay exact unless a NaN was among them).
// METHOD
//  Rank selection: w[i] survives iff fewer than `keep` run members beat it,
//  where j beats i when key_j > key_i, or key_j == key_i and j < i. Ranks
//  of a run are a permutation of 0..len-1 (integer keys: a total order, NaN
//  patterns included), so each run keeps exactly min(keep, len) and the
//  packed output never outgrows its exact size.
//  - SIMD, for a row's whole runs when m is even and m <= 32, while their
//    16-byte stores stay inside out (f32: and while its 8-byte over-read of
//    the last run stays inside w): keys sit in i64 lanes, two per vector
//    (f32 keys zero-extended by a swizzle), so one loop serves f32 and f64.
//    Each run member j is broadcast and compared with a vector of keys: j
//    left of the vector's lanes counts with >=, right of them with >, inside
//    it with >= on lane 1 and > on lane 0 (lane j itself: key > key is 0).
//    kept = rank < keep; bitmask() gives the mask bits; PACK4 packs the kept
//    lanes to the front for one 16-byte store. f32 runs whose m is a
//    multiple of 4 rank 4-lane vectors of keys instead, with the members
//    broadcast by shuffles from registers (>= as key + 1 > key, keys clamped
//    below 2^31 - 1): m = 4 (2:4, the common case) and m = 8 (4:8) fully
//    unrolled, other multiples of 4 by a loop over the run's vectors. Each
//    loop is its own small function: inside the one big kernel, V8 compiled
//    the same loop 3-4x slower.
//  - Scalar, for the rest (row tails, other m): runs of len <= 64 rank
//    pairwise (O(len^2)); longer runs find the keep-th largest key t bit by
//    bit from the top (count of keys >= a candidate prefix; stops early when
//    exactly `keep` are >=), then keep keys > t and the first (keep - count
//    above t) keys == t: O(len * bits).
//  Mask bits stream through a 64-bit accumulator flushed 32 bits at a time.
import { ABS, PACK4 } from './lanes';

// Vector constants, read from memory into locals (as literals Binaryen
// repeats a v128.const at every use). The i32 TIE rows t (all ones on the
// lanes right of lane t, where a broadcast member t of the same vector counts
// with >=) are unaligned 16-byte windows of 4 zero then 4 all-ones words:
// t = 0 at K32 + 12, t = 1 at + 8 (also the i64 row t = 0), t = 2 at + 4;
// K32 + 0 is zero.
const K32: usize = memory.data<u32>([
  0, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
  0x7f800001, 0x7f800001, 0x7f800001, 0x7f800001, // 32: NaN keys clamp here: above ±Inf, key + 1 < 2^31
  0x7fffffff, 0, 0x7fffffff, 0, // 48: |f32| mask of a zero-extended f32 in an i64 lane
], 16);
/** Swizzle giving f32 values 0, 1 zero-extended in i64 lanes (index >= 16 gives 0); f64 uses PACK4's identity entry (15). */
const CTL: usize = memory.data<u8>([0, 1, 2, 3, 255, 255, 255, 255, 4, 5, 6, 7, 255, 255, 255, 255], 16);

/** Longest run ranked by the SIMD path (its cost grows with m per value). */
const SIMD_MAX_M: i32 = 32;
/** Longest run ranked pairwise on the scalar path; longer ones use the bitwise search. */
const PAIRWISE_MAX: i32 = 64;

// The output cursor, shared by nmPrune and its SIMD run loops (each keeps it
// in locals and hands it back): out position, mask accumulator, bits in it,
// mask position, lane-wise max of the keys' 32-bit halves (a half above the
// largest finite pattern's means NaN / ±Inf, as in prune.ts).
let cO: usize = 0;
let cAcc: u64 = 0;
let cNb: u32 = 0;
let cMp: usize = 0;
let cTop: v128;

/** Survivors of n values: the sum over runs of min(keep, len). */
// @ts-ignore: decorator
@inline function keptCount(n: i32, rowLen: i32, keep: i32, m: i32): i32 {
  const rows = n / rowLen;
  const perRow = (rowLen / m) * keep + min(keep, rowLen % m);
  const rest = n - rows * rowLen;
  return rows * perRow + (rest / m) * keep + min(keep, rest % m);
}

/** |w| bit pattern of the value at p (f32 zero-extended). */
// @ts-ignore: decorator
@inline function keyAt(f32: bool, p: usize): u64 {
  return f32 ? <u64>(load<u32>(p) & 0x7fffffff) : load<u64>(p) & 0x7fffffffffffffff;
}

/**
 * Minus the rank contribution of the 4 members in vector s (clamped f32 keys)
 * to the lanes of a, by where s sits relative to a in the run: RIGHT of every
 * lane (member j beats lane i when s_j > a_i), LEFT of every lane (s_j >=
 * a_i, computed as s_j + 1 > a_i: keys are clamped below 2^31 - 1, so the
 * add does not wrap) or SELF (s = a: >= on the lanes right of j, where the
 * TIE row tj is all ones; t3 is all zero and skipped).
 */
const RIGHT: i32 = 0;
const LEFT: i32 = 1;
const SELF: i32 = 2;
// @ts-ignore: decorator
@inline function rank4(s: v128, a: v128, t0: v128, t1: v128, t2: v128, where: i32): v128 {
  let s0 = i32x4.shuffle(s, s, 0, 0, 0, 0);
  let s1 = i32x4.shuffle(s, s, 1, 1, 1, 1);
  let s2 = i32x4.shuffle(s, s, 2, 2, 2, 2);
  let s3 = i32x4.shuffle(s, s, 3, 3, 3, 3);
  if (where != RIGHT) {
    // LEFT passes all-ones rows: s - (-1) = s + 1
    s0 = i32x4.sub(s0, t0);
    s1 = i32x4.sub(s1, t1);
    s2 = i32x4.sub(s2, t2);
    if (where == LEFT) s3 = i32x4.sub(s3, t2);
  }
  return i32x4.add(i32x4.add(i32x4.gt_s(s0, a), i32x4.gt_s(s1, a)), i32x4.add(i32x4.gt_s(s2, a), i32x4.gt_s(s3, a)));
}

/** f32, m = 4 (2:4, 1:4, 3:4): `count` whole runs from gp, `keep` per run. */
function runs4F32(gp: usize, count: i32, keep: i32): void {
  let o = cO, acc = cAcc, nb = cNb, mp = cMp, top = cTop;
  const t0 = v128.load(K32, 12), t1 = v128.load(K32, 8), t2 = v128.load(K32, 4);
  const absMask = v128.load(ABS), nanKey = v128.load(K32, 32);
  const nkv = i32x4.splat(-keep);
  for (let i = 0; i < count; i++, gp += 16) {
    const x = v128.load(gp);
    const a = i32x4.min_u(v128.and(x, absMask), nanKey);
    top = i32x4.max_u(top, a);
    // rank < keep  <=>  -rank > -keep
    const bits = i32x4.bitmask(i32x4.gt_s(rank4(a, a, t0, t1, t2, SELF), nkv));
    v128.store(o, i8x16.swizzle(x, v128.load(PACK4 + (<usize>bits << 4))));
    o += <usize>popcnt(bits) << 2;
    acc |= <u64>bits << nb;
    nb += 4;
    if (nb >= 32) {
      store<u32>(mp, <u32>acc);
      mp += 4;
      acc >>= 32;
      nb -= 32;
    }
  }
  cO = o; cAcc = acc; cNb = nb; cMp = mp; cTop = top;
}

/** f32, m = 8 (4:8, 2:8, ...): `count` whole runs from gp, `keep` per run. */
function runs8F32(gp: usize, count: i32, keep: i32): void {
  let o = cO, acc = cAcc, nb = cNb, mp = cMp, top = cTop;
  const t0 = v128.load(K32, 12), t1 = v128.load(K32, 8), t2 = v128.load(K32, 4), z = v128.load(K32), ones = v128.load(K32, 16);
  const absMask = v128.load(ABS), nanKey = v128.load(K32, 32);
  const nkv = i32x4.splat(-keep);
  for (let i = 0; i < count; i++, gp += 32) {
    const x = v128.load(gp);
    const y = v128.load(gp, 16);
    const a = i32x4.min_u(v128.and(x, absMask), nanKey);
    const b = i32x4.min_u(v128.and(y, absMask), nanKey);
    top = i32x4.max_u(top, i32x4.max_u(a, b));
    // members of a are left of b's lanes (>=), members of b right of a's (>)
    const ra = i32x4.add(rank4(a, a, t0, t1, t2, SELF), rank4(b, a, z, z, z, RIGHT));
    const rb = i32x4.add(rank4(b, b, t0, t1, t2, SELF), rank4(a, b, ones, ones, ones, LEFT));
    const ba = i32x4.bitmask(i32x4.gt_s(ra, nkv));
    const bb = i32x4.bitmask(i32x4.gt_s(rb, nkv));
    v128.store(o, i8x16.swizzle(x, v128.load(PACK4 + (<usize>ba << 4))));
    o += <usize>popcnt(ba) << 2;
    v128.store(o, i8x16.swizzle(y, v128.load(PACK4 + (<usize>bb << 4))));
    o += <usize>popcnt(bb) << 2;
    acc |= <u64>(ba | (bb << 4)) << nb;
    nb += 8;
    if (nb >= 32) {
      store<u32>(mp, <u32>acc);
      mp += 4;
      acc >>= 32;
      nb -= 32;
    }
  }
  cO = o; cAcc = acc; cNb = nb; cMp = mp; cTop = top;
}

/**
 * f32, m a multiple of 4 (m <= 32): `count` whole runs from gp. Each vector
 * of 4 keys is ranked against every vector of its run by rank4 (members of
 * vectors to its left count with >=, to its right with >).
 */
function runs4kF32(gp: usize, count: i32, m: i32, keep: i32): void {
  let o = cO, acc = cAcc, nb = cNb, mp = cMp, top = cTop;
  const t0 = v128.load(K32, 12), t1 = v128.load(K32, 8), t2 = v128.load(K32, 4), z = v128.load(K32), ones = v128.load(K32, 16);
  const absMask = v128.load(ABS), nanKey = v128.load(K32, 32);
  const nkv = i32x4.splat(-keep);
  const end = <usize>m << 2;
  for (let i = 0; i < count; i++, gp += end) {
    let gbits: u32 = 0; // bit i = run member i kept
    for (let p: usize = 0; p < end; p += 16) {
      const x = v128.load(gp + p);
      const a = i32x4.min_u(v128.and(x, absMask), nanKey);
      top = i32x4.max_u(top, a);
      let r = rank4(a, a, t0, t1, t2, SELF);
      let q: usize = 0;
      for (; q < p; q += 16) r = i32x4.add(r, rank4(i32x4.min_u(v128.and(v128.load(gp + q), absMask), nanKey), a, ones, ones, ones, LEFT));
      for (q += 16; q < end; q += 16) r = i32x4.add(r, rank4(i32x4.min_u(v128.and(v128.load(gp + q), absMask), nanKey), a, z, z, z, RIGHT));
      const bits = i32x4.bitmask(i32x4.gt_s(r, nkv));
      v128.store(o, i8x16.swizzle(x, v128.load(PACK4 + (<usize>bits << 4))));
      o += <usize>popcnt(bits) << 2;
      gbits |= bits << <u32>(p >> 2);
    }
    acc |= <u64>gbits << nb;
    nb += <u32>m;
    while (nb >= 32) {
      store<u32>(mp, <u32>acc);
      mp += 4;
      acc >>= 32;
      nb -= 32;
    }
  }
  cO = o; cAcc = acc; cNb = nb; cMp = mp; cTop = top;
}

/**
 * Any m that is a multiple of 2, m <= 32, either type: `count` whole runs
 * from gp. Keys sit in i64 lanes, two per vector (f32 keys zero-extended by a
 * swizzle), so one body serves f32 and f64. f32 reads 8 bytes past the last
 * run (the caller leaves the array's last values to the scalar path).
 */
function runsSimd(gp: usize, count: i32, m: i32, keep: i32, f32: bool): void {
  const ES: usize = f32 ? 4 : 8;
  let o = cO, acc = cAcc, nb = cNb, mp = cMp, top = cTop;
  const km = f32 ? v128.load(K32, 48) : v128.load(ABS, 16);
  const ctl = v128.load(f32 ? CTL : PACK4 + 240);
  const tie = v128.load(K32, 8);
  const zero = v128.load(K32);
  const nkv = i64x2.splat(-keep);
  const step = <usize>m * ES;
  for (let i = 0; i < count; i++, gp += step) {
    let gbits: u32 = 0; // bit i = run member i kept
    let xp = gp;
    for (let p = 0; p < m; p += 2, xp += ES << 1) {
      const x = v128.load(xp);
      const a = v128.and(i8x16.swizzle(x, ctl), km);
      top = i32x4.max_u(top, a);
      let r = zero; // minus the rank: compare masks are -1 per win
      let sp = gp;
      // members left of the vector win with >=, member p (left of lane 1) with
      // >= on lane 1 and > on lane 0, members right of lane 0 with >
      for (; sp < xp; sp += ES) r = i64x2.add(r, i64x2.ge_s(v128.and(v128.load64_splat(sp), km), a));
      const s = v128.and(v128.load64_splat(sp), km);
      r = i64x2.add(r, v128.bitselect(i64x2.ge_s(s, a), i64x2.gt_s(s, a), tie));
      for (sp += ES; sp < gp + step; sp += ES) r = i64x2.add(r, i64x2.gt_s(v128.and(v128.load64_splat(sp), km), a));
      const kv = i64x2.gt_s(r, nkv);
      const bits: u32 = i64x2.bitmask(kv);
      // PACK4 entry: f32 lanes 0, 1 of x by bits; f64 lanes as 32-bit pairs
      const e: u32 = f32 ? bits : i32x4.bitmask(kv);
      v128.store(o, i8x16.swizzle(x, v128.load(PACK4 + (<usize>e << 4))));
      o += <usize>popcnt(bits) * ES;
      gbits |= bits << <u32>p;
    }
    acc |= <u64>gbits << nb;
    nb += <u32>m;
    while (nb >= 32) {
      store<u32>(mp, <u32>acc);
      mp += 4;
      acc >>= 32;
      nb -= 32;
    }
  }
  cO = o; cAcc = acc; cNb = nb; cMp = mp; cTop = top;
}

// One body for both element types (es = 4 | 8, chosen at run time): the
// layout and scalar code are not hot, and a second copy would not fit the
// module's size budget.
function nmPrune(wPtr: usize, n: i32, rowLen: i32, keep: i32, m: i32, outPtr: usize, maskPtr: usize, es: usize): i32 {
  const F32 = es == 4;
  const ES = es;
  if (n <= 0) return 0;
  if (rowLen <= 0 || rowLen > n) rowLen = n;
  const oEnd = outPtr + <usize>keptCount(n, rowLen, keep, m) * ES;
  const MAXFIN: u64 = F32 ? 0x7f7fffff : 0x7fefffffffffffff;
  const simd = (m & 1) == 0 && m <= SIMD_MAX_M && keep < m;
  let bad = false;
  cO = outPtr;
  cAcc = 0;
  cNb = 0;
  cMp = maskPtr;
  cTop = v128.load(K32);
  for (let r0 = 0; r0 < n; r0 += rowLen) {
    const r1 = min(n, r0 + rowLen);
    let g = r0;
    if (simd) {
      // the row's whole runs while the run's 16-byte stores stay inside out:
      // run c (from 0) stores below o + (c + 1) * keep * ES + 16
      let cnt = (r1 - g) / m;
      const room = <i32>((<isize>oEnd - <isize>cO - 16) / <isize>ES) / keep;
      if (cnt > room) cnt = max(0, room);
      if (F32 && m == 4) runs4F32(wPtr + (<usize>g << 2), cnt, keep);
      else if (F32 && m == 8) runs8F32(wPtr + (<usize>g << 2), cnt, keep);
      else if (F32 && (m & 3) == 0) runs4kF32(wPtr + (<usize>g << 2), cnt, m, keep);
      else {
        // f32 reads 8 bytes past its last run: keep them inside w
        if (F32 && r1 + 2 > n) cnt = min(cnt, max(0, (n - 2 - g) / m));
        runsSimd(wPtr + <usize>g * ES, cnt, m, keep, F32);
      }
      g += cnt * m;
    }
    let o = cO, acc = cAcc, nb = cNb, mp = cMp;
    // scalar runs: what the SIMD runs left of the row (all of it when they do not apply)
    for (; g < r1; g += m) {
      const len = min(m, r1 - g);
      const k = min(keep, len);
      const gp = wPtr + <usize>g * ES;
      // threshold for the long-run method: keep key > t, and the first `ties` keys == t
      let t: u64 = 0;
      let ties = 0;
      if (k < len && len > PAIRWISE_MAX) {
        const B: i32 = F32 ? 31 : 63;
        for (let b = B - 1; b >= 0; b--) {
          const c = t | (<u64>1 << <u64>b);
          let cnt = 0;
          for (let i = 0; i < len; i++) cnt += <i32>(keyAt(F32, gp + <usize>i * ES) >= c);
          if (cnt >= k) {
            t = c;
            if (cnt == k) break;
          }
        }
        let above = 0;
        for (let i = 0; i < len; i++) above += <i32>(keyAt(F32, gp + <usize>i * ES) > t);
        ties = k - above;
      }
      for (let i = 0; i < len; i++) {
        const q = gp + <usize>i * ES;
        const ki = keyAt(F32, q);
        bad = bad || ki > MAXFIN;
        let kept = true;
        if (k < len) {
          if (len <= PAIRWISE_MAX) {
            let rank = 0;
            for (let j = 0; j < len; j++) {
              const kj = keyAt(F32, gp + <usize>j * ES);
              rank += <i32>(kj > ki || (kj == ki && j < i));
            }
            kept = rank < k;
          } else {
            kept = ki > t || (ki == t && ties > 0);
            if (ki == t && kept) ties--;
          }
        }
        if (kept) {
          if (F32) store<u32>(o, load<u32>(q));
          else store<u64>(o, load<u64>(q));
          o += ES;
        }
        acc |= <u64>kept << nb;
        if (++nb == 32) {
          store<u32>(mp, <u32>acc);
          mp += 4;
          acc = 0;
          nb = 0;
        }
      }
    }
    cO = o; cAcc = acc; cNb = nb; cMp = mp;
  }
  // the last partial word: only the bytes that hold mask bits
  let acc = cAcc, mp = cMp;
  for (let nb = cNb; nb > 0; nb = nb > 8 ? nb - 8 : 0) {
    store<u8>(mp++, <u8>acc);
    acc >>= 8;
  }
  const top = cTop;
  const vbad = F32
    ? v128.any_true(i32x4.gt_s(top, v128.load(ABS, 32)))
    : v128.any_true(i64x2.gt_s(top, v128.load(ABS, 48)));
  return bad || vbad ? -1 : <i32>((cO - outPtr) / ES);
}

/** N:M-prunes n f32 weights (runs of m along rows of rowLen, `keep` per run); returns the kept count. */
export function nmPruneF32(wPtr: usize, n: i32, rowLen: i32, keep: i32, m: i32, outPtr: usize, maskPtr: usize): i32 {
  return nmPrune(wPtr, n, rowLen, keep, m, outPtr, maskPtr, 4);
}

/** N:M-prunes n f64 weights; see nmPruneF32. */
export function nmPruneF64(wPtr: usize, n: i32, rowLen: i32, keep: i32, m: i32, outPtr: usize, maskPtr: usize): i32 {
  return nmPrune(wPtr, n, rowLen, keep, m, outPtr, maskPtr, 8);
}
