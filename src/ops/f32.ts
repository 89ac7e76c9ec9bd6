/** Float32 helpers shared by the f32 kernels' callers. */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The largest float32 <= t. For a float32 w, |w| <= t (compared in f64) holds
 * exactly when |w| <= floorF32(t), so an f32 kernel compares exactly what the
 * user asked for, instead of fround(t) which may round up.
 */
export function floorF32(t: number): number {
  const r = Math.fround(t);
  if (r <= t) return r;
  // r > t: step one ulp towards -Infinity.
  f32[0] = r;
  if (r > 0) u32[0] = u32[0] - 1;
  else if (r === 0) u32[0] = 0x80000001; // -smallest subnormal
  else u32[0] = u32[0] + 1;
  return f32[0];
}

/** Values as Float32Array (no copy when they already are). */
export function asF32(a: ArrayLike<number>): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}
