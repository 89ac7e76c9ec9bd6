/**
 * compressModel's quantization step: the (pruned) outputs x d weights to
 * integer codes, by round-to-nearest with calibrated clipping ('rtn') or by
 * GPTQ on the calibration Hessian, holding pruned weights at 0 ('gptq').
 */
import type { Engine } from '../engine/engine.js';
import { maskBit } from '../mask.js';
import type { QuantScheme } from '../types.js';
import { quantizeGPTQ, type GPTQReport } from './gptq.js';
import type { CompressModelOptions } from './model.js';
import type { ModelStep } from './model-step.js';
import { unpackCodes } from '../codes.js';
import { quantizeWith, type QuantReport } from './quantize-with.js';

export interface QuantizeStepResult {
  /** One code per weight, output-major; a pruned weight's code is its group's zero point (it decodes to 0). */
  codes: Int32Array;
  scale: Float32Array;
  zeroPoint: Int32Array | undefined;
  scheme: QuantScheme;
  /** Consecutive weights sharing one scale. */
  groupSize: number;
  /** Per-input factors c_j when the codes quantize w_j / c_j (units 'features', model-units.ts); else undefined. */
  inputScale?: Float32Array;
  report: QuantReport | GPTQReport;
}

export function quantizeStep(engine: Engine, W: Float64Array, keep: Uint8Array, q: NonNullable<CompressModelOptions['quantize']>, s: ModelStep): QuantizeStepResult {
  const { d, m } = s;
  const n = d * m;
  const g = q.granularity ?? 'row';
  const common = {
    bits: q.bits,
    ...(q.scheme ? { scheme: q.scheme } : {}),
    ...(q.calibration ? { calibration: q.calibration } : {}),
  };
  const r =
    s.method === 'gptq'
      ? quantizeGPTQ(engine, { rows: m, cols: d, data: W }, s.H!, {
          ...common,
          granularity: g,
          ...(q.actOrder !== undefined ? { actOrder: q.actOrder } : {}),
          ...(s.damp !== undefined ? { damp: s.damp } : {}),
          keep,
        })
      : quantizeWith(engine, W, {
          ...common,
          granularity: g === 'row' ? { axis: 0, shape: [m, d] } : g,
          ...(q.rounding ? { rounding: q.rounding } : {}),
          ...(q.seed !== undefined ? { seed: q.seed } : {}),
        });
  const { scale, zeroPoint, scheme } = r.tensor;
  const codes = unpackCodes(r.tensor.data, n, r.tensor.bits, scheme);
  const groupSize = g === 'tensor' ? n : g === 'row' ? d : g.block;
  // Pruned weights decode to exactly 0 (their code is the zero point); they are not stored anyway.
  for (let i = 0; i < n; i++) if (!maskBit(keep, i)) codes[i] = zeroPoint ? zeroPoint[(i / groupSize) | 0] : 0;
  return { codes, scale, zeroPoint, scheme, groupSize, report: r.report };
}
