/** Reconstruction-error statistics shared by every compression report. */

export interface ErrorStats {
  /** sqrt(mean((approx - x)^2)). */
  rmse: number;
  /** max |approx - x|. */
  maxError: number;
  /** Signal-to-quantization-noise ratio, 10 log10(sum x^2 / sum (approx - x)^2) dB; Infinity when exact. */
  sqnrDb: number;
}

export function errorStats(x: ArrayLike<number>, approx: ArrayLike<number>): ErrorStats {
  let se = 0;
  let sx = 0;
  let maxError = 0;
  for (let i = 0; i < x.length; i++) {
    const d = approx[i] - x[i];
    se += d * d;
    sx += x[i] * x[i];
    maxError = Math.max(maxError, Math.abs(d));
  }
  const n = Math.max(1, x.length);
  return { rmse: Math.sqrt(se / n), maxError, sqnrDb: se === 0 ? Infinity : 10 * Math.log10(sx / se) };
}

/**
 * Bytes a quantized tensor occupies: the packed codes, float32 scales and one
 * byte per zero point (ONNX stores the zero-point tensor in the quantized
 * type; at most 8 bits here).
 */
export function quantizedBytes(dataBytes: number, groups: number, affine: boolean): number {
  return dataBytes + 4 * groups + (affine ? groups : 0);
}
