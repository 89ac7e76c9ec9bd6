/**
 * A model's effective weights as plain float safetensors, for tools that do
 * not read slimfit's packed-code convention: `coef` ([d] for one output,
 * [outputs, d] otherwise) and `intercept` F64 [outputs]. A quantized model's
 * coef is F32 holding (q - z) * s exactly as DequantizeLinear and
 * CompressedLinearModel.coefficients() round it; a float (or pruned-only)
 * model's coef is F64, its coefficients unrounded; pruned weights are 0.
 * `__metadata__` (plain keys, outside the reserved "slimfit." prefix):
 * format, slimfit_version, task, layout, and features / targets / provenance
 * (JSON) when known.
 */
import { CompressedLinearModel } from '../compress/compressed-model.js';
import { LogisticModel } from '../fit/logistic-model.js';
import { LinearModel } from '../fit/model.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { SLIMFIT_VERSION } from '../io/version.js';
import { MODEL_OPTION_NAMES, onnxSpec, type ONNXInput } from './onnx.js';

export interface DequantizedSafetensorsOptions {
  /** For a CompressedLinearModel: record the task as logistic. Default: the source's kind, else false. */
  logistic?: boolean;
  features?: string[];
  targets?: string[];
  provenance?: object;
}

/** The metadata "format" value of these files. */
export const DEQUANTIZED_FORMAT = 'slimfit-dequantized';

/** Plain float safetensors of the model's weights (see the module comment). */
export function toDequantizedSafetensors(input: ONNXInput, options?: DequantizedSafetensorsOptions): Uint8Array {
  const spec = onnxSpec(input, options, MODEL_OPTION_NAMES, 'toDequantizedSafetensors');
  const model = spec.model;
  const d = model.d;
  const m = model instanceof LogisticModel ? 1 : model.outputs;
  const coef = model instanceof LogisticModel || model instanceof LinearModel ? model.coef : model.coefficients();
  const quantized = model instanceof CompressedLinearModel && model.bits !== null;
  const w = quantized ? new Float32Array(m * d) : new Float64Array(m * d);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) w[k * d + j] = coef[j * m + k];
  const intercept =
    model instanceof LogisticModel ? Float64Array.of(model.intercept) : typeof model.intercept === 'number' ? Float64Array.of(model.intercept) : Float64Array.from(model.intercept);
  const meta: Record<string, string> = {
    format: DEQUANTIZED_FORMAT,
    slimfit_version: SLIMFIT_VERSION,
    task: spec.logistic ? 'logistic' : 'linear',
    layout: `coef[${m === 1 ? 'feature' : 'output, feature'}]; prediction = intercept + coef . x${spec.logistic ? ' (probability: its sigmoid)' : ''}`,
  };
  for (const p of spec.metadata) {
    const key = p.key.replace(/^slimfit\./, '');
    if (key === 'features' || key === 'targets' || key === 'provenance') meta[key] = p.value;
  }
  return encodeSafetensors({ coef: { shape: m === 1 ? [d] : [m, d], data: w }, intercept: { shape: [m], data: intercept } }, meta);
}
