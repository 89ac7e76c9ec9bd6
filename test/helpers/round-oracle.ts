/**
 * Round half to even by floor and fraction, written apart from
 * src/kernels/js/round.ts: exact for every double (v and floor(v) share the
 * exponent range, so the fraction is exact), signed zeros kept, non-finite
 * values returned as they are.
 */
export function roundHalfEvenOracle(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v);
  const d = v - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? (v < 0 || Object.is(v, -0) ? -0 : 0) : r;
}
