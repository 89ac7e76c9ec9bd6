const TWO51 = 2 ** 51;
const TWO52 = 2 ** 52;
const MAGIC = 1.5 * 2 ** 52;

/**
 * Exact round-half-to-even of any double (the IEEE default rounding mode,
 * WebAssembly's `nearest`, ONNX's rule; `Math.round` rounds ties toward
 * +Infinity instead). For |v| < 2^51, v + 1.5 * 2^52 lands in [2^52, 2^53),
 * where the spacing of doubles is 1, so the addition itself rounds v to an
 * integer with ties to even and subtracting the constant back is exact. A
 * zero result keeps the sign of v (v * 0). In [2^51, 2^52) (spacing 0.5) ties
 * are fixed up after `Math.round`; from 2^52 on every double is an integer.
 * Non-finite values pass through.
 * roundHalfEven(0.5) = 0, (1.5) = 2, (2.5) = 2, (-0.5) = -0, (-1.5) = -2.
 */
export function roundHalfEven(v: number): number {
  if (Math.abs(v) < TWO51) {
    const r = v + MAGIC - MAGIC;
    return r === 0 ? v * 0 : r;
  }
  if (!(Math.abs(v) < TWO52)) return v;
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
