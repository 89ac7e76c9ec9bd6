/**
 * CompressedLinearModel's serialised fields, their validation and their
 * encoding: the .slim "compressed-linear" / "compressed-logistic" kinds
 * (docs/FORMAT.md §1.6.3). The header members describe the layout; the
 * intercepts, index (bitmask or CSR), kept values or packed codes, scales and
 * zero points are tensors. Reading checks every invariant a compressed model
 * has (code ranges, canonical packing, scales finite and > 0, index
 * structures consistent) before the model is built.
 */
import { CompressedLinearModel, type CompressedModelReport, type ModelTask } from '../compress/compressed-model.js';
import { unpackCodes } from '../codes.js';
import { packedBytes } from '../codes.js';
import type { QuantScheme } from '../types.js';
import { checkCodes, checkScales, checkZeroPoints, codesDtype, recode } from '../io/quantized.js';
import { MAX_SPARSE_ELEMENTS, maskFromBitmask, maskFromCsr } from '../io/sparse-index.js';
import { fromTaggedJSON, taggedOrNull } from '../io/tagged-json.js';
import { decodeArr, decodeNum, encodeArr, encodeNum, formatError, getEnum, getInt, getObject, isPlainObject, type JsonObject } from '../json.js';
import { f64, finite, shapeError, type TensorSink, type TensorSource } from './fields.js';
import { fullMask, maskBit } from '../mask.js';

/** The informative granularity member: "tensor" (one group), "row" (one per output) or {"block": B}. */
function granularityOf(groupSize: number, d: number, n: number): string | { block: number } {
  if (groupSize === n) return 'tensor';
  if (groupSize === d) return 'row';
  return { block: groupSize };
}

/** Writes the model's tensors to `out` and returns its header members; E_SHAPE when `model` is not a CompressedLinearModel. */
export function writeCompressed(model: CompressedLinearModel, out: TensorSink): JsonObject {
  if (!(model instanceof CompressedLinearModel)) throw shapeError('model must be a CompressedLinearModel (from compressModel)');
  const d = model.d;
  const m = model.outputs;
  const n = d * m;
  const rep = model.report();
  const kept = rep.kept;
  const bits = model.bits;
  out.add('intercept', 'F64', [m], f64(model.intercept, m, 'model.intercept'));
  const index = kept === n ? 'dense' : model.index.format;
  if (index === 'bitmask') out.add('mask', 'U8', [(n + 7) >> 3], model.index.bitmask!);
  else if (index === 'csr') {
    const ci = model.index.colIdx!;
    out.add('row_ptr', 'U32', [m + 1], model.index.rowPtr!);
    out.add('col_idx', ci instanceof Uint16Array ? 'U16' : 'U32', [kept], ci);
  }
  if (bits === null) {
    out.add('values', 'F64', [kept], f64(model.values, kept, 'model.values'));
  } else {
    const scheme = model.scheme!;
    const groups = model.scale!.length;
    out.add('values', codesDtype(bits, scheme), [packedBytes(kept, bits)], model.values);
    out.add('scale', 'F32', [groups], model.scale!);
    if (scheme === 'affine') {
      recode('E_SHAPE', () => checkZeroPoints(model.zeroPoint, groups, bits, scheme, 'model.zeroPoint', formatError));
      out.add('zero_point', 'U8', [groups], Uint8Array.from(model.zeroPoint!));
    }
    const c = model.inputScale;
    if (c) {
      recode('E_SHAPE', () => checkScales(c, d, 'model.inputScale', formatError));
      out.add('input_scale', 'F32', [d], c);
    }
  }
  return {
    d,
    outputs: m,
    bits,
    scheme: bits === null ? null : model.scheme!,
    groupSize: model.groupSize,
    granularity: bits === null ? null : granularityOf(model.groupSize, d, n),
    kept,
    index,
    // written only when set, so files in raw units keep their bytes
    ...(model.inputScale ? { units: 'features' } : {}),
    report: {
      method: rep.method,
      sparsity: encodeNum(rep.sparsity),
      coefRmse: encodeNum(rep.coefRmse),
      interceptShift: encodeArr(rep.interceptShift),
      prune: taggedOrNull(rep.prune, 'report.prune'),
      quantize: taggedOrNull(rep.quantize, 'report.quantize'),
    },
  };
}

function taggedReport<T>(v: unknown, what: string): T | undefined {
  return v === null ? undefined : (fromTaggedJSON(getObject(v, what), what) as T);
}

/**
 * Reads and validates the header members `j` ("model") and the tensors from `src`; E_FORMAT on anything
 * inconsistent. `task` comes from the file's kind ("compressed-logistic": one output).
 */
export function readCompressed(j: JsonObject, src: TensorSource, task: ModelTask): CompressedLinearModel {
  const d = getInt(j.d, 'model.d', 1);
  const m = getInt(j.outputs, 'model.outputs', 1);
  if (task === 'logistic' && m !== 1) throw formatError(`model.outputs is ${m}; a logistic model has 1`);
  const n = d * m;
  if (n > MAX_SPARSE_ELEMENTS) throw formatError(`model has ${n} coefficients, more than this reader accepts (${MAX_SPARSE_ELEMENTS})`);
  const bits = j.bits === null ? null : getInt(j.bits, 'model.bits', 2, 8);
  const scheme: QuantScheme | undefined = bits === null ? undefined : getEnum(j.scheme, 'model.scheme', ['symmetric', 'affine'] as const);
  if (bits === null && j.scheme !== null) throw formatError('model.scheme must be null when model.bits is null');
  const groupSize = getInt(j.groupSize, 'model.groupSize', 1);
  let groups = 0;
  if (bits !== null) {
    if (n % groupSize !== 0) throw formatError(`model.groupSize ${groupSize} does not divide the ${n} coefficients`);
    groups = n / groupSize;
    const g = j.granularity;
    const ok = g === 'tensor' ? groupSize === n : g === 'row' ? groupSize === d : isPlainObject(g) && Object.keys(g).length === 1 && g.block === groupSize;
    if (!ok) throw formatError(`model.granularity ${JSON.stringify(g)} does not match model.groupSize ${groupSize} (d = ${d}, outputs = ${m})`);
  } else if (j.granularity !== null) throw formatError('model.granularity must be null when model.bits is null');
  const kept = getInt(j.kept, 'model.kept', 0, n);
  const index = getEnum(j.index, 'model.index', ['dense', 'bitmask', 'csr'] as const);
  const units = j.units === undefined ? 'raw' : getEnum(j.units, 'model.units', ['raw', 'features'] as const);
  if (units === 'features' && bits === null) throw formatError('model.units "features" needs quantized codes (model.bits is null)');
  const rep = getObject(j.report, 'model.report');
  const report: Omit<CompressedModelReport, 'bytes' | 'floatBytes' | 'ratio' | 'kept'> = {
    method: getEnum(rep.method, 'model.report.method', ['rtn', 'gptq', 'qat'] as const),
    bits,
    sparsity: decodeNum(rep.sparsity, 'model.report.sparsity'),
    coefRmse: decodeNum(rep.coefRmse, 'model.report.coefRmse'),
    interceptShift: decodeArr(rep.interceptShift, m, 'model.report.interceptShift'),
    prune: taggedReport(rep.prune, 'model.report.prune'),
    quantize: taggedReport(rep.quantize, 'model.report.quantize'),
  };

  const intercept = finite(src.take('intercept', ['F64'], [m]) as Float64Array, 'tensor "intercept"');
  let keep: Uint8Array;
  if (index === 'dense') {
    if (kept !== n) throw formatError(`model.index is "dense" but model.kept is ${kept} of ${n}`);
    keep = fullMask(n);
  } else if (index === 'bitmask') {
    keep = maskFromBitmask(src.take('mask', ['U8'], [(n + 7) >> 3]) as Uint8Array, n, kept, 'tensor "mask"');
  } else {
    const rowPtr = src.take('row_ptr', ['U32'], [m + 1]) as Uint32Array;
    const colIdx = src.take('col_idx', ['U16', 'U32'], [kept]) as Uint16Array | Uint32Array;
    keep = maskFromCsr(rowPtr, colIdx, m, d, kept, 'model index');
  }

  if (bits === null) {
    const vals = finite(src.take('values', ['F64'], [kept]) as Float64Array, 'tensor "values"');
    const dense = new Float64Array(n);
    for (let i = 0, p = 0; i < n; i++) if (maskBit(keep, i)) dense[i] = vals[p++];
    return new CompressedLinearModel({ task, d, outputs: m, intercept, keep, dense, bits: null, groupSize, report });
  }
  const sch = scheme!;
  const packed = src.take('values', [codesDtype(bits, sch)], [packedBytes(kept, bits)]) as Int8Array | Uint8Array;
  checkCodes(packed, kept, bits, sch, 'tensor "values"', formatError);
  const scale = src.take('scale', ['F32'], [groups]) as Float32Array;
  checkScales(scale, groups, 'tensor "scale"', formatError);
  let zeroPoint: Int32Array | undefined;
  if (sch === 'affine') {
    zeroPoint = Int32Array.from(src.take('zero_point', ['U8'], [groups]) as Uint8Array);
    checkZeroPoints(zeroPoint, groups, bits, sch, 'tensor "zero_point"', formatError);
  }
  let inputScale: Float32Array | undefined;
  if (units === 'features') {
    inputScale = src.take('input_scale', ['F32'], [d]) as Float32Array;
    checkScales(inputScale, d, 'tensor "input_scale"', formatError);
  }
  const keptCodes = unpackCodes(packed, kept, bits, sch);
  const codes = new Int32Array(n);
  for (let i = 0, p = 0; i < n; i++) {
    if (maskBit(keep, i)) codes[i] = keptCodes[p++];
    else codes[i] = zeroPoint ? zeroPoint[(i / groupSize) | 0] : 0;
  }
  return new CompressedLinearModel({
    task,
    d,
    outputs: m,
    intercept,
    keep,
    dense: new Float64Array(0),
    codes,
    bits,
    scheme: sch,
    scale,
    ...(zeroPoint ? { zeroPoint } : {}),
    ...(inputScale ? { inputScale } : {}),
    groupSize,
    report,
  });
}
