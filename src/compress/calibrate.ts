/**
 * Calibration of the clipping range of each quantization group, and the
 * scale / zero point that follow from it:
 *  - 'minmax': the full range (symmetric: max|x|; affine: [min, max] widened to include 0);
 *  - 'percentile': the p-th percentile of |x| (symmetric) or the (100-p)-th and
 *    p-th percentiles (affine), numpy's linear interpolation; outliers beyond
 *    it saturate;
 *  - 'mse': the range shrunk by the factor alpha in [0.2, 1] that minimises
 *    the group's squared reconstruction error under round half to even
 *    (GPTQ's grid search): alpha = 1, 0.98, ..., 0.20, then the two
 *    neighbours ±0.01 of the best; ties keep the wider range. About 43
 *    quantize-dequantize passes over the data.
 * Scales follow src/ops/quant-params.ts: symmetric s = clip / qmax, affine
 * s = (hi - lo) / (qmax - qmin), z = qmin - roundHalfEven(lo / s), as float32.
 */
import { SlimfitError } from '../errors.js';
import type { QuantScheme } from '../types.js';
import { affineParams, symmetricScale } from '../ops/quant-params.js';
import { quantRange, type QuantRange } from '../codes.js';
import { assertOption } from '../validate.js';

export type Calibration = 'minmax' | 'percentile' | 'mse';

export function checkCalibration(c: unknown): Calibration {
  if (c !== 'minmax' && c !== 'percentile' && c !== 'mse') {
    throw new SlimfitError('E_RANGE', `calibration must be 'minmax', 'percentile' or 'mse', got ${String(c)}`);
  }
  return c;
}

export interface GroupParams {
  scale: Float32Array;
  /** Affine only. */
  zeroPoint: Int32Array | undefined;
  /** The calibrated clip range [lo, hi] per group (symmetric: [-c, c]). */
  lo: Float64Array;
  hi: Float64Array;
}

/** Coarse grid of the 'mse' search: alpha = 1 - i / 50 for i = 0 .. MSE_STEPS - 1. */
const MSE_STEPS = 41;

/** Scale and zero point for one group from its clip range. */
function paramsOf(lo: number, hi: number, scheme: QuantScheme, r: QuantRange): { scale: number; zeroPoint: number } {
  if (scheme === 'symmetric') return { scale: symmetricScale(Math.max(-lo, hi), r.qmax), zeroPoint: 0 };
  return affineParams(lo, hi, r.qmin, r.qmax);
}

/** Squared error of quantize-dequantize (round half to even, ONNX f32 division) over x[a, b). */
function groupError(x: ArrayLike<number>, a: number, b: number, s: number, z: number, r: QuantRange): number {
  let e = 0;
  const { qmin, qmax } = r;
  for (let i = a; i < b; i++) {
    const v = x[i];
    const t = Math.fround(v / s);
    let q = Math.round(t); // ties up; make them even:
    if (q - t === 0.5 && q % 2 !== 0) q -= 1;
    q += z;
    q = q < qmin ? qmin : q > qmax ? qmax : q;
    const d = Math.fround((q - z) * s) - v;
    e += d * d;
  }
  return e;
}

/** numpy.percentile(sorted, p) with linear interpolation. */
function percentileSorted(a: Float64Array, p: number): number {
  const pos = (p / 100) * (a.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < a.length ? a[i] + f * (a[i + 1] - a[i]) : a[i];
}

/**
 * Per-group parameters for x cut into groups of `seg` consecutive values.
 * `p` (percentile only) is in (50, 100]; 100 equals 'minmax'.
 */
export function calibrate(x: ArrayLike<number>, seg: number, bits: number, scheme: QuantScheme, method: Calibration, p = 99.9): GroupParams {
  if (method === 'percentile') assertOption(p, 'p', 50, 100, { loOpen: true });
  const n = x.length;
  const groups = Math.ceil(n / seg);
  const r = quantRange(bits, scheme);
  const out: GroupParams = {
    scale: new Float32Array(groups),
    zeroPoint: scheme === 'affine' ? new Int32Array(groups) : undefined,
    lo: new Float64Array(groups),
    hi: new Float64Array(groups),
  };
  for (let g = 0; g < groups; g++) {
    const a = g * seg;
    const b = Math.min(n, a + seg);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b; i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    if (method === 'percentile') {
      if (scheme === 'symmetric') {
        const s = new Float64Array(b - a);
        for (let i = a; i < b; i++) s[i - a] = Math.abs(x[i]);
        s.sort();
        hi = percentileSorted(s, p);
        lo = -hi;
      } else {
        const s = new Float64Array(b - a);
        for (let i = a; i < b; i++) s[i - a] = x[i];
        s.sort();
        lo = percentileSorted(s, 100 - p);
        hi = percentileSorted(s, p);
      }
    } else if (scheme === 'symmetric') {
      hi = Math.max(-lo, hi);
      lo = -hi;
    }
    if (method === 'mse') {
      let best = Infinity;
      let bestAlpha = 1;
      const tryAlpha = (alpha: number) => {
        const q = paramsOf(alpha * lo, alpha * hi, scheme, r);
        const e = groupError(x, a, b, q.scale, q.zeroPoint, r);
        if (e < best || (e === best && alpha > bestAlpha)) {
          best = e;
          bestAlpha = alpha;
        }
      };
      for (let k = 0; k < MSE_STEPS; k++) tryAlpha(1 - k / 50);
      const coarse = bestAlpha;
      if (coarse < 1) tryAlpha(coarse + 0.01);
      if (coarse > 0.2) tryAlpha(coarse - 0.01);
      lo *= bestAlpha;
      hi *= bestAlpha;
    }
    const q = paramsOf(lo, hi, scheme, r);
    out.scale[g] = q.scale;
    if (out.zeroPoint) out.zeroPoint[g] = q.zeroPoint;
    out.lo[g] = Math.min(lo, 0);
    out.hi[g] = Math.max(hi, 0);
  }
  return out;
}
