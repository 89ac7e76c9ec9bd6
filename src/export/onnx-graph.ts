/**
 * The ONNX graph of a slimfit model, as plain protobuf messages (encoded by
 * onnx-encode.ts). One input `X`, float32 [N, d] in the model's feature
 * order; the weights are a [outputs, d] matrix W and the score is
 * Gemm(X, W, intercept, transB = 1):
 *   linear             value [N, outputs]
 *   logistic           probability = 1 / (1 + exp(-logit)), logit, both [N, 1]
 * Float weights are initializers; a quantized model keeps its integer codes
 * as a DequantizeLinear initializer, (q - z) * s in float32 exactly as
 * CompressedLinearModel.coefficients() rounds it:
 *   5..8 bits          INT8 (symmetric) / UINT8 (affine), opset 13
 *   2..4 bits          INT4 / UINT4 (ONNX has no 2- or 3-bit type; the codes fit), opset 21, IR 10
 *   per tensor         scalar scale (and zero point)
 *   per output (row)   axis 0, scale [outputs]
 *   blocks of B        block_size B (opset 21): axis 1 of W when B divides d, else
 *                      along the flattened [outputs * d] codes, then Reshape
 * Pruned weights: a sparse initializer (SparseTensorProto: values + INT64
 * linear indices, which ONNX Runtime densifies at load) when that is smaller
 * than dense, else dense. For codes that is only possible for symmetric
 * INT8 (a sparse tensor fills with 0, which is the affine zero point only by
 * chance, and cannot hold 4-bit codes) and pays only above about 8 in 9
 * pruned; dense pruned codes hold the group's zero point (dequantized to
 * exactly 0). Float weights go sparse above about half pruned (float64) or
 * two thirds (float32).
 * precision "float64" (the default) casts X and W to double and computes the
 * score in float64, rounding only the outputs to float32, so ORT agrees with
 * slimfit's float64 predict to float32 rounding; "float32" computes in
 * float32 (for runtimes without double kernels).
 */
import { CompressedLinearModel } from '../compress/compressed-model.js';
import { unpackCodes } from '../codes.js';
import { SlimfitError } from '../errors.js';
import { LinearModel } from '../fit/model.js';
import { LogisticModel } from '../fit/logistic-model.js';
import { SLIMFIT_VERSION } from '../io/version.js';
import { maskBit } from '../mask.js';
import { AttributeType, DataType, type AttributeMsg, type ModelMsg, type NodeMsg, type SparseTensorMsg, type TensorMsg } from './onnx-encode.js';
import { codeTensor, f32Tensor, f64Tensor, i64Tensor, valueInfo } from './onnx-tensors.js';

export type ONNXExportable = LinearModel | LogisticModel | CompressedLinearModel;

export type ONNXPrecision = 'float64' | 'float32';

/** What the graph builder needs, resolved from toONNX's arguments. */
export interface GraphSpec {
  model: ONNXExportable;
  logistic: boolean;
  kind: 'linear' | 'logistic' | 'compressed-linear' | 'compressed-logistic';
  precision: ONNXPrecision;
  /** Allow a sparse initializer for pruned weights (float, or symmetric INT8 codes). */
  sparse: boolean;
  metadata: Array<{ key: string; value: string }>;
}

/** How the weights were stored, recorded in metadata_props ("slimfit.weights"). */
export interface WeightStorage {
  /** "float64" | "float32" | "int8" | "uint8" | "int4" | "uint4". */
  type: string;
  /** "dense" or "sparse" (SparseTensorProto initializer). */
  layout: 'dense' | 'sparse';
  granularity?: 'tensor' | 'axis' | { block: number };
}

export interface BuiltGraph {
  model: ModelMsg;
  /** Name of the [outputs, d] float weight value in the graph (the DequantizeLinear output for a quantized model). */
  weightName: string;
  storage: WeightStorage;
}

const attrInt = (name: string, i: number): AttributeMsg => ({ name, type: AttributeType.INT, i });

class Graph {
  readonly node: NodeMsg[] = [];
  readonly initializer: TensorMsg[] = [];
  readonly sparseInitializer: SparseTensorMsg[] = [];

  op(opType: string, input: string[], output: string, attribute: AttributeMsg[] = []): string {
    this.node.push({ opType, input, output: [output], name: `n${this.node.length}`, ...(attribute.length ? { attribute } : {}) });
    return output;
  }
}

/** Dense codes of a quantized compressed model, output-major [outputs * d]; pruned entries hold their group's zero point. */
function denseCodes(c: CompressedLinearModel): Int32Array {
  const n = c.d * c.outputs;
  const mask = c.index.mask;
  const kept = c.report().kept;
  const keptCodes = unpackCodes(c.values as Int8Array | Uint8Array, kept, c.bits!, c.scheme!);
  const out = new Int32Array(n);
  for (let i = 0, p = 0; i < n; i++) out[i] = maskBit(mask, i) ? keptCodes[p++] : c.zeroPoint ? c.zeroPoint[(i / c.groupSize) | 0] : 0;
  return out;
}

/** Float weights as [outputs, d] (output-major) with the keep-mask (undefined when nothing is pruned). */
function floatWeights(model: ONNXExportable): { w: Float64Array; m: number; d: number; keep: Uint8Array | undefined; intercept: Float64Array } {
  const d = model.d;
  if (model instanceof LogisticModel) return { w: Float64Array.from(model.coef), m: 1, d, keep: undefined, intercept: Float64Array.of(model.intercept) };
  const m = model.outputs;
  const coef = model instanceof LinearModel ? model.coef : model.coefficients();
  const w = new Float64Array(m * d);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) w[k * d + j] = coef[j * m + k];
  const intercept = model instanceof LinearModel ? (typeof model.intercept === 'number' ? Float64Array.of(model.intercept) : Float64Array.from(model.intercept)) : Float64Array.from(model.intercept);
  const keep = model instanceof CompressedLinearModel && model.report().kept < m * d ? model.index.mask : undefined;
  return { w, m, d, keep, intercept };
}

/** Adds the float weights W [m, d] as an initializer (dense or sparse); returns the storage. */
function addFloatWeights(g: Graph, name: string, w: Float64Array, m: number, d: number, keep: Uint8Array | undefined, spec: GraphSpec): WeightStorage {
  const f64 = spec.precision === 'float64';
  const tensor = f64 ? f64Tensor : f32Tensor;
  const n = m * d;
  let kept = n;
  if (keep) {
    kept = 0;
    for (let i = 0; i < n; i++) if (maskBit(keep, i)) kept++;
  }
  const elem = f64 ? 8 : 4;
  // The sparse form pays INT64 indices and about 32 bytes of message overhead (the indices tensor's name, dims and type).
  if (keep && spec.sparse && kept * (elem + 8) + 32 < n * elem) {
    const idx = new Float64Array(kept);
    const vals = new Float64Array(kept);
    for (let i = 0, p = 0; i < n; i++) {
      if (!maskBit(keep, i)) continue;
      idx[p] = i;
      vals[p++] = w[i];
    }
    g.sparseInitializer.push({ values: tensor(name, [kept], vals), indices: i64Tensor(`${name}_indices`, [kept], idx), dims: [m, d] });
    return { type: spec.precision, layout: 'sparse' };
  }
  g.initializer.push(tensor(name, [m, d], w));
  return { type: spec.precision, layout: 'dense' };
}

/** Adds the codes, scales and zero points and the DequantizeLinear (and Reshape) giving float32 W [m, d]; returns the storage and opset. */
function addQuantizedWeights(g: Graph, c: CompressedLinearModel, spec: GraphSpec): { storage: WeightStorage; opset: number; out: string } {
  const d = c.d;
  const m = c.outputs;
  const n = d * m;
  const bits = c.bits!;
  const signed = c.scheme === 'symmetric';
  const nibbles = bits <= 4;
  const B = c.groupSize;
  const codes = denseCodes(c);
  const scale = c.scale!;
  const zp = c.zeroPoint ? Int32Array.from(c.zeroPoint) : undefined;
  const type = `${signed ? 'int' : 'uint'}${nibbles ? 4 : 8}`;
  let codeDims: number[];
  let paramDims: number[];
  const attrs: AttributeMsg[] = [];
  let granularity: WeightStorage['granularity'];
  let flat = false;
  if (B === n) {
    codeDims = [m, d];
    paramDims = [];
    granularity = 'tensor';
  } else if (B === d) {
    codeDims = [m, d];
    paramDims = [m];
    attrs.push(attrInt('axis', 0));
    granularity = 'axis';
  } else if (d % B === 0) {
    codeDims = [m, d];
    paramDims = [m, d / B];
    attrs.push(attrInt('axis', 1), attrInt('block_size', B));
    granularity = { block: B };
  } else {
    flat = true;
    codeDims = [n];
    paramDims = [n / B];
    attrs.push(attrInt('axis', 0), attrInt('block_size', B));
    granularity = { block: B };
  }
  const opset = nibbles || typeof granularity === 'object' ? 21 : 13;
  // Sparse codes only where the fill value 0 is the zero point (symmetric) and a code is a whole byte (INT8),
  // and the INT64 indices pay for themselves: more than about 8 in 9 codes pruned.
  const kept = c.report().kept;
  const layout = spec.sparse && signed && !nibbles && kept < n && kept * 9 + 32 < n ? 'sparse' : 'dense';
  if (layout === 'sparse') {
    const mask = c.index.mask;
    const idx = new Float64Array(kept);
    const vals = new Int32Array(kept);
    for (let i = 0, p = 0; i < n; i++) {
      if (!maskBit(mask, i)) continue;
      idx[p] = i;
      vals[p++] = codes[i];
    }
    g.sparseInitializer.push({ values: codeTensor('coef_q', [kept], vals, true, false), indices: i64Tensor('coef_q_indices', [kept], idx), dims: codeDims });
  } else {
    g.initializer.push(codeTensor('coef_q', codeDims, codes, signed, nibbles));
  }
  g.initializer.push(f32Tensor('coef_scale', paramDims, scale));
  const inputs = ['coef_q', 'coef_scale'];
  if (zp) {
    g.initializer.push(codeTensor('coef_zero_point', paramDims, zp, signed, nibbles));
    inputs.push('coef_zero_point');
  }
  let out = g.op('DequantizeLinear', inputs, flat ? 'coef_flat' : 'coef', attrs);
  if (flat) {
    g.initializer.push(i64Tensor('coef_shape', [2], [m, d]));
    out = g.op('Reshape', [out, 'coef_shape'], 'coef');
  }
  if (c.inputScale) {
    // codes in the features' units: coefficient (q - z) s c_j, the factors broadcast along each output's row
    g.initializer.push(f32Tensor('coef_input_scale', [d], c.inputScale));
    out = g.op('Mul', [out, 'coef_input_scale'], 'coef_units');
  }
  return { storage: { type, layout, granularity }, opset, out };
}

/** Builds the ModelProto messages for `spec`. */
export function buildGraph(spec: GraphSpec): BuiltGraph {
  const { model, logistic, precision } = spec;
  const f64 = precision === 'float64';
  const g = new Graph();
  const d = model.d;
  const m = model instanceof LogisticModel ? 1 : model.outputs;
  if (logistic && m !== 1) throw new SlimfitError('E_SHAPE', `a logistic model has one output; this model has ${m}`);
  let opset = 13;
  let weight: string;
  let storage: WeightStorage;
  let intercept: Float64Array;
  if (model instanceof CompressedLinearModel && model.bits !== null) {
    const q = addQuantizedWeights(g, model, spec);
    opset = q.opset;
    storage = q.storage;
    weight = q.out;
    intercept = Float64Array.from(model.intercept);
  } else {
    const fw = floatWeights(model);
    storage = addFloatWeights(g, 'coef', fw.w, fw.m, fw.d, fw.keep, spec);
    weight = 'coef';
    intercept = fw.intercept;
  }
  const compute = f64 ? DataType.DOUBLE : DataType.FLOAT;
  g.initializer.push((f64 ? f64Tensor : f32Tensor)('intercept', [m], intercept));
  // DequantizeLinear gives float32; the float64 path widens it exactly.
  const w = f64 && storage.type !== 'float64' ? g.op('Cast', [weight], 'coef_f64', [attrInt('to', compute)]) : weight;
  const x = f64 ? g.op('Cast', ['X'], 'X_f64', [attrInt('to', compute)]) : 'X';
  const score = g.op('Gemm', [x, w, 'intercept'], f64 ? 'score_f64' : logistic ? 'logit' : 'value', [attrInt('transB', 1)]);
  const outputs = [];
  const toFloat = (v: string, name: string): string => (f64 ? g.op('Cast', [v], name, [attrInt('to', DataType.FLOAT)]) : v);
  if (logistic) {
    // 1 / (1 + exp(-logit)) rather than Sigmoid: ONNX Runtime's Sigmoid kernels are accurate in absolute terms
    // only (float64 gives 0 below a logit of about -36, float32 is off by up to 1.3e-7), while this keeps the
    // probability's relative accuracy in the tails, where scorecards set cut-offs.
    g.initializer.push((f64 ? f64Tensor : f32Tensor)('one', [], [1]));
    const e = g.op('Exp', [g.op('Neg', [score], 'neg_logit')], 'exp_neg_logit');
    const p = g.op('Reciprocal', [g.op('Add', [e, 'one'], 'one_plus_exp')], f64 ? 'probability_f64' : 'probability');
    toFloat(p, 'probability');
    toFloat(score, 'logit');
    outputs.push(valueInfo('probability', DataType.FLOAT, ['N', 1]), valueInfo('logit', DataType.FLOAT, ['N', 1]));
  } else {
    toFloat(score, 'value');
    outputs.push(valueInfo('value', DataType.FLOAT, ['N', m]));
  }
  const ir = opset >= 21 ? 10 : 7;
  const metadata = [...spec.metadata, { key: 'slimfit.weights', value: JSON.stringify(storage) }];
  return {
    model: {
      irVersion: ir,
      opsetImport: [{ domain: '', version: opset }],
      producerName: 'slimfit',
      producerVersion: SLIMFIT_VERSION,
      docString: `slimfit ${spec.kind}: input X float32 [N, ${d}], columns in the order of metadata slimfit.features`,
      graph: {
        name: `slimfit_${spec.kind.replace('-', '_')}`,
        node: g.node,
        initializer: g.initializer,
        ...(g.sparseInitializer.length ? { sparseInitializer: g.sparseInitializer } : {}),
        input: [valueInfo('X', DataType.FLOAT, ['N', d])],
        output: outputs,
      },
      metadataProps: metadata,
    },
    weightName: weight,
    storage,
  };
}
