/**
 * toONNX: a slimfit model as a standard ONNX model (the graph is described
 * in onnx-graph.ts and docs/API.md). Browser-safe: no Node built-ins, and
 * the protobuf encoder is static code (no eval / new Function).
 */
import { CompressedLinearModel } from '../compress/compressed-model.js';
import { SlimfitError } from '../errors.js';
import { LinearModel } from '../fit/model.js';
import { LogisticModel } from '../fit/logistic-model.js';
import { SLIMFIT_VERSION } from '../io/version.js';
import { checkOptions, optionKeys } from '../options.js';
import { describeValue } from '../validate.js';
import type { DequantizedSafetensorsOptions } from './safetensors-dequantized.js';
import { encodeModel } from './onnx-encode.js';
import { buildGraph, type BuiltGraph, type GraphSpec, type ONNXExportable, type ONNXPrecision } from './onnx-graph.js';

export type { ONNXExportable, ONNXPrecision } from './onnx-graph.js';

/** A model with its kind, as decodeSlim returns it (its header's features, targets and provenance are used when present). */
export interface ONNXSource {
  kind: 'linear' | 'logistic' | 'compressed-linear' | 'compressed-logistic';
  model: ONNXExportable;
  header?: { features?: string[] | undefined; targets?: string[] | undefined; provenance?: object | undefined };
}

export interface ToONNXOptions {
  /** A CompressedLinearModel only: its task, checked against the source's kind or the model's `task` (a contradiction is E_RANGE). */
  logistic?: boolean;
  /** Feature names in the model's column order (metadata "slimfit.features"); default: the source header's. */
  features?: string[];
  /** Output names (metadata "slimfit.targets"); default: the source header's. */
  targets?: string[];
  /** Where the model came from (metadata "slimfit.provenance", JSON); default: the source header's. */
  provenance?: object;
  /** "float64" (default): the score is computed in double and rounded to float32 at the outputs; "float32": computed in float32. */
  precision?: ONNXPrecision;
  /** Store pruned weights (float, or symmetric INT8 codes) as a sparse initializer when smaller than dense (default true). */
  sparse?: boolean;
  /** More metadata_props entries (keys must not start with "slimfit.", which slimfit's own use). */
  metadata?: Record<string, string>;
}

const OPTION_NAMES = /* @__PURE__ */ optionKeys<ToONNXOptions>()(['logistic', 'features', 'targets', 'provenance', 'precision', 'sparse', 'metadata']);
/** The options that describe the model rather than its ONNX encoding. */
export const MODEL_OPTION_NAMES = /* @__PURE__ */ optionKeys<DequantizedSafetensorsOptions>()(['logistic', 'features', 'targets', 'provenance']);

/** What toONNX takes: a model, or decodeSlim's result (a "tensors" file is refused: it holds no model; so is a reduced-rank one, E_SHAPE). */
export type ONNXInput = ONNXExportable | ONNXSource | { kind: 'tensors' | 'reduced-rank' | 'compressed-reduced-rank' };

function isSource(x: unknown): x is ONNXSource {
  return typeof x === 'object' && x !== null && 'kind' in x && 'model' in x;
}

/** JSON with typed arrays as arrays, and non-finite numbers and BigInts as strings (metadata values are strings). */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<unknown>);
    if ((typeof x === 'number' && !Number.isFinite(x)) || typeof x === 'bigint') return String(x);
    return x;
  });
}

function names(v: unknown, count: number, what: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new SlimfitError('E_RANGE', `${what} must be an array of strings, got ${describeValue(v)}`);
  if (v.length !== count) throw new SlimfitError('E_SHAPE', `${what} has ${v.length} names but the model has ${count}`);
  return v.slice();
}

/** Resolves the arguments into a GraphSpec (the graph builder's input); E_SHAPE / E_RANGE on bad arguments. */
export function onnxSpec(input: ONNXInput, options?: ToONNXOptions, allowed: readonly string[] = OPTION_NAMES, fn = 'toONNX'): GraphSpec {
  const o = checkOptions(fn, options, allowed);
  if (typeof input === 'object' && input !== null && 'kind' in input && input.kind === 'tensors') throw new SlimfitError('E_SHAPE', 'a "tensors" .slim file holds no model to export');
  if (typeof input === 'object' && input !== null && 'kind' in input && (input.kind === 'reduced-rank' || input.kind === 'compressed-reduced-rank')) {
    throw new SlimfitError('E_SHAPE', `toONNX exports linear and logistic models; a "${input.kind}" model is not one of them`);
  }
  const source = isSource(input) ? input : undefined;
  const model: unknown = source ? source.model : input;
  if (!(model instanceof LinearModel || model instanceof LogisticModel || model instanceof CompressedLinearModel)) {
    throw new SlimfitError('E_SHAPE', `toONNX needs a LinearModel, LogisticModel or CompressedLinearModel (or decodeSlim's { kind, model }), got ${describeValue(model)}`);
  }
  if (o.logistic !== undefined && typeof o.logistic !== 'boolean') throw new SlimfitError('E_RANGE', `logistic must be true or false, got ${describeValue(o.logistic)}`);
  if (o.sparse !== undefined && typeof o.sparse !== 'boolean') throw new SlimfitError('E_RANGE', `sparse must be true or false, got ${describeValue(o.sparse)}`);
  if (o.precision !== undefined && o.precision !== 'float64' && o.precision !== 'float32') throw new SlimfitError('E_RANGE', `precision must be "float64" or "float32", got ${describeValue(o.precision)}`);
  let logistic: boolean;
  if (model instanceof CompressedLinearModel) {
    const fromKind = source ? source.kind === 'compressed-logistic' : model.task === 'logistic';
    if (source && !source.kind.startsWith('compressed-')) throw new SlimfitError('E_SHAPE', `kind "${source.kind}" does not match a CompressedLinearModel`);
    if (o.logistic !== undefined && o.logistic !== fromKind) throw new SlimfitError('E_RANGE', `logistic: ${o.logistic} contradicts the ${source ? `source's kind "${source.kind}"` : `model's task "${model.task}"`}`);
    logistic = fromKind;
  } else {
    logistic = model instanceof LogisticModel;
    if (o.logistic !== undefined && o.logistic !== logistic) throw new SlimfitError('E_RANGE', `logistic applies to a CompressedLinearModel; a ${model.constructor.name} is ${logistic ? '' : 'not '}logistic`);
    if (source && source.kind !== (logistic ? 'logistic' : 'linear')) throw new SlimfitError('E_SHAPE', `kind "${source.kind}" does not match a ${model.constructor.name}`);
  }
  const kind = model instanceof CompressedLinearModel ? (logistic ? 'compressed-logistic' : 'compressed-linear') : logistic ? 'logistic' : 'linear';
  const outputs = model instanceof LogisticModel ? 1 : model.outputs;
  const metadata: Array<{ key: string; value: string }> = [
    { key: 'slimfit.kind', value: kind },
    { key: 'slimfit.version', value: SLIMFIT_VERSION },
  ];
  const features = o.features ?? source?.header?.features;
  if (features !== undefined) metadata.push({ key: 'slimfit.features', value: JSON.stringify(names(features, model.d, 'features')) });
  const targets = o.targets ?? source?.header?.targets;
  if (targets !== undefined) metadata.push({ key: 'slimfit.targets', value: JSON.stringify(names(targets, outputs, 'targets')) });
  const provenance = o.provenance ?? source?.header?.provenance;
  if (provenance !== undefined) {
    if (typeof provenance !== 'object' || provenance === null || Array.isArray(provenance)) throw new SlimfitError('E_RANGE', `provenance must be a plain object, got ${describeValue(provenance)}`);
    metadata.push({ key: 'slimfit.provenance', value: toJson(provenance) });
  }
  if (o.metadata !== undefined) {
    if (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata)) throw new SlimfitError('E_RANGE', `metadata must be an object of strings, got ${describeValue(o.metadata)}`);
    for (const [key, value] of Object.entries(o.metadata)) {
      if (typeof value !== 'string') throw new SlimfitError('E_RANGE', `metadata.${key} must be a string, got ${describeValue(value)}`);
      if (key.startsWith('slimfit.')) throw new SlimfitError('E_RANGE', `metadata key ${JSON.stringify(key)}: keys starting with "slimfit." are slimfit's own`);
      metadata.push({ key, value });
    }
  }
  return { model, logistic, kind, precision: o.precision ?? 'float64', sparse: o.sparse ?? true, metadata };
}

/** @internal The built graph before encoding (tests add outputs to it). */
export function onnxGraph(input: ONNXInput, options?: ToONNXOptions): BuiltGraph {
  return buildGraph(onnxSpec(input, options));
}

/**
 * A standard ONNX model (ModelProto bytes) computing the model's scores from
 * one float32 input `X` [N, d]: `value` [N, outputs] for a linear model,
 * `probability` and `logit` [N, 1] for a logistic one. A compressed model
 * keeps its integer codes (DequantizeLinear initializers); see docs/API.md
 * for the opsets, types and layouts.
 */
export function toONNX(model: ONNXInput, options?: ToONNXOptions): Uint8Array {
  return encodeModel(onnxGraph(model, options).model);
}
