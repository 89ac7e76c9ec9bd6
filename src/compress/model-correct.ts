/**
 * compressModel's last step: the effective weights the compressed model
 * computes with, and the intercept shift mean(X) . (w - w') per output that
 * absorbs the change in the outputs' mean (zero without calibration data).
 */
import { maskBit } from '../mask.js';
import type { QuantizeStepResult } from './model-quantize.js';

/** W0: the original weights; W: after pruning (OBS also moves the kept ones); both outputs x d. */
export function correctStep(
  W0: Float64Array,
  W: Float64Array,
  keep: Uint8Array,
  q: QuantizeStepResult | undefined,
  mean: Float64Array | undefined,
  d: number,
  m: number,
): { eff: Float64Array; shift: Float64Array } {
  const n = d * m;
  const eff = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!maskBit(keep, i)) continue;
    if (!q) {
      eff[i] = W[i];
      continue;
    }
    const g = (i / q.groupSize) | 0;
    const v = Math.fround((q.codes[i] - (q.zeroPoint ? q.zeroPoint[g] : 0)) * q.scale[g]);
    eff[i] = q.inputScale ? v * q.inputScale[i % d] : v;
  }
  const shift = new Float64Array(m);
  if (mean) {
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += mean[j] * (W0[k * d + j] - eff[k * d + j]);
      shift[k] = s;
    }
  }
  return { eff, shift };
}
