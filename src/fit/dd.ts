/**
 * Double-double ("DD") arithmetic: a value is an unevaluated sum hi + lo of two
 * float64 with |lo| <= ulp(hi)/2, about 106 significant bits (u_dd ~ 1.2e-32).
 * Built from error-free transformations only (no FMA in JS or WASM SIMD):
 *
 *   twoSum(a, b)   s + e == a + b exactly              (Knuth, 6 flops)
 *   split(a)       hi + lo == a, each half <= 26 bits   (Veltkamp, |a| < 2^996)
 *   twoProd(a, b)  p + e == a * b exactly              (Dekker, 17 flops)
 *
 * Arithmetic helpers return the high part and leave the low part in a module
 * slot read with `lo()` (no allocation). ddAdd/ddMul/ddDiv/ddSqrt are accurate
 * to a few u_dd relative (QD library's "accurate" add, "sloppy" mul/div).
 * Hot loops (Gram, residuals) inline these formulas instead of calling them.
 */

/** 2^27 + 1: Veltkamp splitting constant for float64. */
export const SPLITTER = 134217729;

let LO = 0;

/** Low part of the last DD result. */
export function lo(): number {
  return LO;
}

/** Exact a + b = hi + lo() for any finite a, b. */
export function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  LO = a - (s - bb) + (b - bb);
  return s;
}

/** Exact a * b = hi + lo() (|a|, |b| < 2^996, no underflow). */
export function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  LO = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** (ah + al) + (bh + bl). */
export function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  let s = ah + bh;
  let v = s - ah;
  let e = ah - (s - v) + (bh - v);
  const t = al + bl;
  v = t - al;
  const f = al - (t - v) + (bl - v);
  e += t;
  let h = s + e;
  e = e - (h - s);
  s = h;
  e += f;
  h = s + e;
  LO = e - (h - s);
  return h;
}

/** (ah + al) * (bh + bl). */
export function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProd(ah, bh);
  const e = LO + (ah * bl + al * bh);
  const h = p + e;
  LO = e - (h - p);
  return h;
}

/** (ah + al) / (bh + bl), bh != 0. */
export function ddDiv(ah: number, al: number, bh: number, bl: number): number {
  const q1 = ah / bh;
  // r = a - q1 * b in DD
  const ph = ddMul(q1, 0, bh, bl);
  const pl = LO;
  const rh = ddAdd(ah, al, -ph, -pl);
  const rl = LO;
  const q2 = (rh + rl) / bh;
  const h = q1 + q2;
  LO = q2 - (h - q1);
  return h;
}

/** sqrt(ah + al) for ah > 0 (one Newton step on the double root). */
export function ddSqrt(ah: number, al: number): number {
  const x = Math.sqrt(ah);
  const sq = twoProd(x, x);
  const sql = LO;
  const rh = ddAdd(ah, al, -sq, -sql);
  const corr = (rh + LO) / (2 * x);
  const h = x + corr;
  LO = corr - (h - x);
  return h;
}

/** The power of two nearest (in log scale) to v > 0; 1 for v == 0 or non-finite. Exact scaling factor. */
export function pow2Near(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const e = Math.round(Math.log2(v));
  // clamp so the factor and its inverse are normal numbers
  return 2 ** Math.max(-1000, Math.min(1000, e));
}
