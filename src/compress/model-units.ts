/**
 * Round-to-nearest in the features' units. One max-abs scale serves weights
 * of very different sizes badly: a model on income (thousands) and on
 * fractions (debt-to-income, utilisation) has a tiny income weight that
 * rounds to zero although its contribution to the output is as large as
 * the others'. As activation-aware methods do (AWQ), with calibration data
 * the codes quantize u_j = w_j / c_j, the weight times input j's size
 * a_j = mean |x_j| (c_j = f32(1 / a_j), stored with the model), so each
 * weight is rounded relative to its contribution.
 *
 * units 'auto' (the default) with calibration data rounds both ways and
 * measures each by E, the centred squared change of the outputs on the
 * calibration rows (what the intercept correction leaves), and B, the bytes
 * of its codes, scales, zero points, intercepts and (features) the 4-byte
 * factors. It keeps the features' units when E_f * B_f < E_r * B_r: k times
 * the bytes must buy k times less output error. So three inputs in
 * thousands and fractions take the factors (the error drops by orders of
 * magnitude for 12 more bytes), while a scorecard of indicator columns,
 * where the factors would multiply the bytes several times over for a
 * modest gain, stays raw. A tie keeps the raw coefficients. Without data it rounds the raw coefficients and
 * warns when the kept weights of a scale group span more than 2^(bits-1)
 * (the smallest then sits within about one step of zero).
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { packedBytes } from '../codes.js';
import { maskBit } from '../mask.js';
import type { Matrix } from '../types.js';
import { describeValue } from '../validate.js';
import type { CompressModelOptions } from './model.js';
import { quantizeStep, type QuantizeStepResult } from './model-quantize.js';
import type { ModelStep } from './model-step.js';

export type Units = 'auto' | 'features' | 'raw';

export function checkUnits(v: unknown): Units {
  if (v === undefined) return 'auto';
  if (v !== 'auto' && v !== 'features' && v !== 'raw') throw new SlimfitError('E_RANGE', `quantize.units must be 'auto', 'features' or 'raw', got ${describeValue(v)}`);
  return v;
}

/** c_j = f32(1 / mean |x_j|) over the calibration rows; 1 for a column that is all zero. */
export function inputFactors(X: Matrix): Float32Array {
  const { rows: n, cols: d, data } = X;
  const a = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) a[j] += Math.abs(data[i * d + j]);
  return Float32Array.from(a, (s) => (s > 0 && Number.isFinite(n / s) ? n / s : 1));
}

/** The effective weights of a quantize step (outputs x d), as correctStep computes them. */
function effective(q: QuantizeStepResult, keep: Uint8Array, d: number): Float64Array {
  const eff = new Float64Array(q.codes.length);
  for (let i = 0; i < eff.length; i++) {
    if (!maskBit(keep, i)) continue;
    const g = (i / q.groupSize) | 0;
    const v = Math.fround((q.codes[i] - (q.zeroPoint ? q.zeroPoint[g] : 0)) * q.scale[g]);
    eff[i] = q.inputScale ? v * q.inputScale[i % d] : v;
  }
  return eff;
}

/** Bytes of the codes of the kept weights, the scales, zero points and float64 intercepts (the index is the same either way). */
function storedBytes(r: QuantizeStepResult, keep: Uint8Array, bits: number, m: number): number {
  let kept = 0;
  for (let i = 0; i < r.codes.length; i++) if (maskBit(keep, i)) kept++;
  const groups = r.scale.length;
  return packedBytes(kept, bits) + 4 * groups + (r.zeroPoint ? groups : 0) + 8 * m;
}

/** sum over outputs and calibration rows of (x_i . (W0_k - eff_k) - mean over rows)^2. */
function centredOutputError(X: Matrix, W0: Float64Array, eff: Float64Array, m: number): number {
  const { rows: n, cols: d, data } = X;
  let total = 0;
  const e = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    let mean = 0;
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += data[i * d + j] * (W0[k * d + j] - eff[k * d + j]);
      e[i] = t;
      mean += t;
    }
    mean /= n;
    for (let i = 0; i < n; i++) total += (e[i] - mean) ** 2;
  }
  return total;
}

/** The warning for a scale group whose kept non-zero weights span more than 2^(bits-1), or undefined. */
export function spanWarning(W: Float64Array, keep: Uint8Array, groupSize: number, bits: number, granularity: string): string | undefined {
  const limit = 2 ** (bits - 1);
  let worst = 0;
  for (let g0 = 0; g0 < W.length; g0 += groupSize) {
    let lo = Infinity;
    let hi = 0;
    for (let i = g0; i < g0 + groupSize; i++) {
      const a = Math.abs(W[i]);
      if (!maskBit(keep, i) || a === 0) continue;
      lo = Math.min(lo, a);
      hi = Math.max(hi, a);
    }
    if (hi > 0) worst = Math.max(worst, hi / lo);
  }
  if (!(worst > limit)) return undefined;
  return (
    `the weights sharing a scale span ${worst < 1e6 ? worst.toPrecision(3) : worst.toExponential(1)}x (more than 2^${bits - 1} = ${limit} at ${bits} bits, ${granularity}): ` +
    'the smallest round to within a step of zero although their inputs may be large; give calibration data (X, or --calib) to quantize in the features\' units, or a finer granularity (--granularity block:N)'
  );
}

/**
 * compressModel's quantization step for 'rtn' with the units choice. `X`: the calibration rows, when given.
 * Returns the chosen step and the warnings for the report.
 */
export function unitsQuantizeStep(
  engine: Engine,
  W0: Float64Array,
  W: Float64Array,
  keep: Uint8Array,
  q: NonNullable<CompressModelOptions['quantize']>,
  s: ModelStep,
  X: Matrix | undefined,
): { result: QuantizeStepResult; warnings: string[] } {
  const units = checkUnits(q.units);
  const { d, m } = s;
  if (units !== 'raw' && s.method !== 'rtn') {
    if (units === 'features') throw new SlimfitError('E_RANGE', "quantize.units 'features' applies to method 'rtn'; GPTQ already weighs each weight by its inputs through H");
    return { result: quantizeStep(engine, W, keep, q, s), warnings: [] };
  }
  if (units === 'features' && X === undefined) throw new SlimfitError('E_RANGE', "quantize.units 'features' needs calibration data X (the features' sizes)");
  if (units === 'raw' || X === undefined) {
    const result = quantizeStep(engine, W, keep, q, s);
    const g = q.granularity ?? 'row';
    const name = typeof g === 'object' ? `block ${g.block}` : `per-${g}`;
    const w = X === undefined ? spanWarning(W, keep, result.groupSize, q.bits, name) : undefined;
    return { result, warnings: w ? [w] : [] };
  }
  const c = inputFactors(X);
  const U = Float64Array.from(W, (v, i) => v / c[i % d]);
  const scaled: QuantizeStepResult = { ...quantizeStep(engine, U, keep, q, s), inputScale: c };
  if (units === 'features') return { result: scaled, warnings: [] };
  const raw = quantizeStep(engine, W, keep, q, s);
  const eRaw = centredOutputError(X, W0, effective(raw, keep, d), m);
  const eScaled = centredOutputError(X, W0, effective(scaled, keep, d), m);
  const bRaw = storedBytes(raw, keep, q.bits, m);
  return { result: eScaled * (bRaw + 4 * d) < eRaw * bRaw ? scaled : raw, warnings: [] };
}
