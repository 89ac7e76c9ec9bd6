/**
 * Weight files (.safetensors) through the command line: every floating-point
 * tensor (F64 / F32 / F16 / BF16) is pruned and/or quantized with the recipe;
 * other tensors pass through unchanged. Output as .safetensors (codes I8/U8 +
 * `name.scale` + `name.zero_point` under slimfit's naming convention, see
 * src/io/safetensors.ts) or as a .slim "tensors" file (which also stores
 * pruned float tensors sparsely: bitmask or CSR).
 *
 * GPTQ / OBS need each layer's input statistics, which a weight file does not
 * carry: safetensors takes --method rtn only.
 */
import { basename } from 'node:path';
import type { CompressedLinearModel } from '../compress/compressed-model.js';
import { pruneBySpec } from '../compress/prune-spec.js';
import { quantizeWith } from '../compress/quantize-with.js';
import type { SparseTensor } from '../compress/sparse-tensor.js';
import type { Engine } from '../engine/engine.js';
import { dequantize } from '../ops/quantize.js';
import type { QuantizedTensor } from '../types.js';
import { packCodes, unpackCodes } from '../codes.js';
import { decodeSafetensors, quantizedFromSafetensors, quantizedToSafetensors, type SafetensorsTensor, type SafetensorsTensorInput } from '../io/safetensors.js';
import { encodeSlim, type SlimTensorInput } from '../io/slim.js';
import { SLIM_DTYPES } from '../io/slim-header.js';
import type { NumericArray } from '../io/binary.js';
import type { CompressSummary } from './compress.js';
import { inputError, usage } from './errors.js';
import { kindOfPath, prefixed, readInput, sha256Bytes, writeFileAtomic, type ModelMeta } from './files.js';
import { describeRecipe, recipeDigest, recipeRecord, type Recipe } from './recipe.js';
import { maskBit } from '../mask.js';

/** __metadata__ keys the CLI records (keys starting with "slimfit." are reserved for the tensor convention). */
export const META_INPUT_DIGEST = 'source_sha256';
export const META_SOURCE = 'source';
export const META_RECIPE = 'slimfit_recipe';
export const META_RECIPE_DIGEST = 'slimfit_recipe_sha256';

const FLOAT = new Set(['F64', 'F32', 'F16', 'BF16']);

export interface WeightsInfo {
  headerBytes: number;
  metadata: Record<string, string> | undefined;
  tensors: { name: string; dtype: string; shape: number[]; bytes: number; quantized?: string }[];
}

function decode(bytes: Uint8Array, name: string) {
  try {
    return decodeSafetensors(bytes);
  } catch (e) {
    throw prefixed(e, name);
  }
}

export async function inspectWeights(bytes: Uint8Array, name: string): Promise<WeightsInfo> {
  const file = decode(bytes, name);
  let q: ReturnType<typeof quantizedFromSafetensors>;
  try {
    q = quantizedFromSafetensors(file);
  } catch (e) {
    throw prefixed(e, name);
  }
  const headerBytes = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const described = new Map<string, string>();
  for (const [n, t] of Object.entries(q.quantized)) {
    const g = t.granularity === 'tensor' ? 'per-tensor' : 'block' in t.granularity ? `block ${t.granularity.block}` : `per-axis-${t.granularity.axis}`;
    described.set(n, `${t.bits}-bit ${t.scheme} codes of [${t.shape.join(', ')}], ${g}`);
    described.set(`${n}.scale`, `scales of ${n}`);
    if (t.zeroPoint) described.set(`${n}.zero_point`, `zero points of ${n}`);
  }
  const tensors = Object.entries(file.tensors).map(([n, t]) => ({
    name: n,
    dtype: t.dtype,
    shape: t.shape,
    bytes: storedBytes(t),
    ...(described.has(n) ? { quantized: described.get(n)! } : {}),
  }));
  return { headerBytes, metadata: file.metadata, tensors };
}

const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1 };
function storedBytes(t: SafetensorsTensor): number {
  return t.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[t.dtype] ?? 1);
}

function granularityFor(r: Recipe, shape: number[], n: number, note: (s: string) => void, name: string): QuantizedTensor['granularity'] {
  if (r.granularity === 'tensor') return 'tensor';
  if (r.granularity === 'row') return shape.length === 2 && shape[0] > 1 ? { axis: 0, shape: [shape[0], shape[1]] } : 'tensor';
  if (n % r.granularity.block === 0) return { block: r.granularity.block };
  note(`${name}: ${n} values are not a multiple of block ${r.granularity.block}; one scale for the tensor instead`);
  return 'tensor';
}

/** Compresses the float tensors of one .safetensors file into out.safetensors or out.slim. */
export async function compressWeightsFile(
  engine: Engine,
  input: string,
  output: string,
  recipe: Recipe,
  opts: { inputBytes?: Uint8Array; inputDigest?: string; calibDigest?: string; log?: (line: string) => void; fsync?: boolean; sync?: boolean } = {},
): Promise<CompressSummary> {
  if (recipe.method !== 'rtn') throw usage('--method gptq needs each layer\'s inputs, which a .safetensors file does not carry; use --method rtn for weight files');
  if (recipe.nm) throw usage('--nm is for models; use --sparsity for weight files');
  if (recipe.calib !== undefined) throw usage('--calib is for models (.slim): a .safetensors file does not say which inputs feed each tensor');
  const t0 = performance.now();
  const name = basename(input);
  const bytes = opts.inputBytes ?? (await readInput(input));
  const file = decode(bytes, name);
  // Codes written under the naming convention (by slimfit compress) are not weights: their scales would be re-quantized.
  const already = Object.keys(file.metadata ?? {}).find((k) => /^slimfit\..+\.bits$/.test(k));
  if (already !== undefined) throw inputError(`${name} already holds quantized tensors ('${already.slice(8, -5)}', slimfit convention); compress the float weights instead`);
  const note = opts.log ?? (() => {});
  const outKind = kindOfPath(output);
  // no prototype: a tensor named __proto__ is a tensor like any other
  const out: Record<string, SlimTensorInput | QuantizedTensor | SafetensorsTensorInput> = Object.create(null) as Record<string, SlimTensorInput | QuantizedTensor | SafetensorsTensorInput>;
  let floatBytes = 0;
  let compressedBytes = 0;
  let se = 0;
  let count = 0;
  let floats = 0;
  for (const [tname, t] of Object.entries(file.tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (!FLOAT.has(t.dtype) || n === 0) {
      if (outKind === 'slim' && !(SLIM_DTYPES as readonly string[]).includes(t.dtype)) {
        throw usage(`${name}: tensor '${tname}' is ${t.dtype}, which a .slim file cannot hold; write -o out.safetensors instead`);
      }
      out[tname] = { shape: t.shape, data: t.data as NumericArray } as SafetensorsTensorInput;
      continue;
    }
    floats++;
    floatBytes += storedBytes(t);
    const w = t.data as Float32Array | Float64Array;
    let dense: Float32Array | Float64Array = w;
    let sparse: SparseTensor<Float32Array | Float64Array> | undefined;
    if (recipe.sparsity !== undefined) {
      // Keep a 2-D tensor's [rows, cols] on the sparse tensor (a .slim sparse tensor is [n] or [rows, cols]).
      const rc = t.shape.length === 2 && t.shape[0] > 0 && t.shape[1] > 0 ? ([t.shape[0], t.shape[1]] as [number, number]) : undefined;
      sparse = pruneBySpec(engine, w, { sparsity: recipe.sparsity, ...(rc ? { shape: rc } : {}) });
      dense = sparse.toDense();
    }
    if (recipe.bits !== undefined) {
      const { tensor } = quantizeWith(engine, dense, { bits: recipe.bits, scheme: recipe.scheme, granularity: granularityFor(recipe, t.shape, n, note, tname) });
      const qt: QuantizedTensor = { ...tensor, shape: t.shape.slice() };
      out[tname] = qt;
      compressedBytes += qt.data.byteLength + 4 * qt.scale.length + (qt.zeroPoint ? qt.zeroPoint.length : 0);
      const back = dequantize(engine, qt);
      for (let i = 0; i < n; i++) se += (back[i] - w[i]) ** 2;
    } else {
      // Pruned only: .slim stores the survivors sparsely; safetensors has no sparse layout, so zeros go dense.
      if (outKind === 'slim' && t.shape.length <= 2 && t.shape.length >= 1) {
        out[tname] = sparse!;
        compressedBytes += sparse!.bytes;
      } else {
        if (outKind === 'slim') note(`${tname}: a ${t.shape.length}-D tensor is stored dense (.slim sparse tensors are 1-D or 2-D)`);
        out[tname] = { shape: t.shape, data: dense };
        compressedBytes += dense.byteLength;
      }
      for (let i = 0; i < n; i++) se += (dense[i] - w[i]) ** 2;
    }
    count += n;
  }
  // Bad input (exit 3), not a bad command line: the file holds nothing this command compresses.
  if (floats === 0) throw inputError(Object.keys(file.tensors).length === 0 ? `${name} holds no tensors to compress` : `${name} has no floating-point tensors to compress`);
  if (recipe.bits === undefined && outKind === 'safetensors') note('safetensors has no sparse layout: pruned zeros are stored dense (write .slim for a bitmask / CSR index)');
  const digest = opts.inputDigest ?? (await sha256Bytes(bytes));
  const rec = recipeRecord(recipe, opts.calibDigest);
  const recDigest = await recipeDigest(rec);
  let encoded: Uint8Array;
  if (outKind === 'slim') {
    encoded = await encodeSlim({ kind: 'tensors', tensors: out as Record<string, SlimTensorInput> }, { provenance: { inputDigest: digest, source: name, options: { ...rec, recipeDigest: recDigest } } });
  } else {
    // no prototype: metadata keys such as "__proto__" or "constructor" are copied like any other
    const extra: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, { [META_INPUT_DIGEST]: digest, [META_SOURCE]: name, [META_RECIPE]: JSON.stringify(rec), [META_RECIPE_DIGEST]: recDigest });
    for (const [k, v] of Object.entries(file.metadata ?? {})) if (!k.startsWith('slimfit.') && !Object.prototype.hasOwnProperty.call(extra, k)) extra[k] = v;
    encoded = quantizedToSafetensors(out as Record<string, QuantizedTensor | SafetensorsTensorInput>, extra);
  }
  await writeFileAtomic(output, encoded, { fsync: opts.fsync !== false, sync: Boolean(opts.sync) });
  return {
    input,
    output,
    kind: 'weights',
    recipe: describeRecipe(recipe),
    bytesIn: bytes.byteLength,
    bytesOut: encoded.byteLength,
    floatBytes,
    compressedBytes,
    ratio: floatBytes / compressedBytes,
    coefRmse: Math.sqrt(se / Math.max(1, count)),
    warnings: [],
    ms: performance.now() - t0,
  };
}

/** The digests a compressed safetensors file records (batch resume), from its header only. */
export function recordedWeightsDigest(bytes: Uint8Array): { inputDigest?: string; recipeDigest?: string } | undefined {
  try {
    const meta = decodeSafetensors(bytes).metadata ?? {};
    return { ...(meta[META_INPUT_DIGEST] ? { inputDigest: meta[META_INPUT_DIGEST] } : {}), ...(meta[META_RECIPE_DIGEST] ? { recipeDigest: meta[META_RECIPE_DIGEST] } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * A compressed linear model as safetensors, for tools that read weight files:
 * `coef` [outputs, d] — quantized (codes + `coef.scale` + `coef.zero_point`
 * under the naming convention; pruned weights hold the zero code) or F64 when
 * only pruned — and `intercept` F64 [outputs]. `__metadata__` carries the
 * feature names, target, task and provenance.
 */
export function compressedModelToSafetensors(c: CompressedLinearModel, meta: ModelMeta, extra: Record<string, string>): Uint8Array {
  const { d, outputs: m } = c;
  const n = d * m;
  const mask = c.index.mask;
  const shape = m === 1 ? [d] : [m, d];
  const tensors: Record<string, QuantizedTensor | SafetensorsTensorInput> = { intercept: { shape: [m], data: Float64Array.from(c.intercept) } };
  if (c.bits === null) {
    const dense = new Float64Array(n);
    const vals = c.values as Float64Array;
    for (let i = 0, p = 0; i < n; i++) if (maskBit(mask, i)) dense[i] = vals[p++];
    tensors.coef = { shape, data: dense };
  } else {
    let kept = 0;
    for (let i = 0; i < n; i++) if (maskBit(mask, i)) kept++;
    const keptCodes = unpackCodes(c.values as Int8Array | Uint8Array, kept, c.bits, c.scheme!);
    const g = c.groupSize;
    const codes = new Int32Array(n);
    for (let i = 0, p = 0; i < n; i++) codes[i] = maskBit(mask, i) ? keptCodes[p++] : c.zeroPoint ? c.zeroPoint[(i / g) | 0] : 0;
    const granularity: QuantizedTensor['granularity'] = g === n ? 'tensor' : g === d ? { axis: 0, shape: [m, d] } : { block: g };
    tensors.coef = {
      bits: c.bits,
      scheme: c.scheme!,
      shape,
      granularity,
      data: packCodes(codes, c.bits, c.scheme!),
      scale: c.scale!.slice(),
      ...(c.zeroPoint ? { zeroPoint: c.zeroPoint.slice() } : {}),
    };
    // codes in the features' units: coefficient j is coef[k, j] dequantized times coef_input_scale[j]
    if (c.inputScale) tensors.coef_input_scale = { shape: [d], data: c.inputScale.slice() };
  }
  return quantizedToSafetensors(tensors, {
    ...extra,
    task: meta.task,
    features: JSON.stringify(meta.features),
    ...(meta.target !== null ? { target: meta.target } : {}),
    layout: c.inputScale
      ? 'coef[output, feature] in the features\' units; prediction = intercept + (coef * coef_input_scale) . x (logistic: sigmoid of it)'
      : 'coef[output, feature]; prediction = intercept + coef . x (logistic: sigmoid of it)',
  });
}
