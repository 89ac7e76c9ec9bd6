/**
 * The .slim file: one model (linear, logistic, compressed) or a set of named
 * tensors, with a JSON header, 16-byte aligned little-endian tensors and a
 * CRC-32C. Byte layout and header schema: docs/FORMAT.md (and slim-header.ts).
 *
 * Reading validates everything — magic, version, lengths, checksum, every
 * header field's type, the tensor table (offsets in range, aligned,
 * non-overlapping, sizes matching shapes and dtypes), then each model's own
 * invariants (code ranges, canonical packing, scales finite and > 0, index
 * structures consistent) — and answers anything wrong with
 * SlimfitError('E_FORMAT') saying what. A decoded model is bit-identical to
 * the one written: same coefficients, codes, scales and predictions.
 */
import { SlimfitError, isSlimfitError } from '../errors.js';
import type { QuantizedTensor, QuantScheme } from '../types.js';
import { LinearModel } from '../fit/model.js';
import type { LinearMethod, LinearStats } from '../fit/stats.js';
import { LogisticModel, type LogisticStats } from '../fit/logistic-model.js';
import { CompressedLinearModel, type CompressedModelReport } from '../compress/compressed-model.js';
import { SparseTensor } from '../compress/sparse-tensor.js';
import { packedBytes } from '../ops/quant-params.js';
import { unpackCodes } from '../compress/pack.js';
import {
  DTYPE_SIZE,
  align,
  dtypeOf,
  formatError,
  getBool,
  getEnum,
  getInt,
  getNum,
  getNumArray,
  getObject,
  getShape,
  getString,
  isPlainObject,
  jsonNum,
  readArray,
  sameShape,
  writeArray,
  writeU64,
  type JsonObject,
  type NumericArray,
} from './binary.js';
import { crc32c, hex32 } from './checksum.js';
import { assembleQuantized, checkCodes, checkScales, checkZeroPoints, codesDtype, granularityToJSON, isQuantizedTensor, parseGranularity, recode } from './quantized.js';
import {
  CHECKSUM_BYTES,
  MAX_HEADER_BYTES,
  MAX_NAME_LENGTH,
  PREAMBLE_BYTES,
  SLIM_ALIGN,
  SLIM_DTYPES,
  SLIM_MAGIC,
  SLIM_VERSION_MAJOR,
  SLIM_VERSION_MINOR,
  parseHeader,
  parsePreamble,
  type SlimDtype,
  type SlimHeader,
  type SlimKind,
  type SlimPreamble,
  type SlimProvenance,
  type SlimTensorEntry,
} from './slim-header.js';
import { MAX_SPARSE_ELEMENTS, maskFromBitmask, maskFromCsr } from './sparse-index.js';
import { fromTaggedJSON, toTaggedJSON } from './tagged-json.js';
import { SLIMFIT_VERSION } from './version.js';

// ---------------------------------------------------------------- public types

/** Typed arrays a dense tensor may hold in a .slim file. */
export type DenseArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** A dense tensor: row-major data and its shape (product of shape = data.length). */
export interface DenseTensor {
  shape: number[];
  data: DenseArray;
}

/** What a "tensors" file holds per name (decoding gives these back; a bare typed array is written as a 1-D DenseTensor). */
export type SlimTensor = QuantizedTensor | SparseTensor | DenseTensor;
export type SlimTensorInput = SlimTensor | DenseArray;

export type SlimContent =
  | { kind: 'linear'; model: LinearModel }
  | { kind: 'logistic'; model: LogisticModel }
  /** A compressed least-squares model (predict gives the outputs). */
  | { kind: 'compressed-linear'; model: CompressedLinearModel }
  /** A compressed logistic model (predict gives the linear predictor; apply the sigmoid for probabilities). */
  | { kind: 'compressed-logistic'; model: CompressedLinearModel }
  | { kind: 'tensors'; tensors: Record<string, SlimTensorInput> };

export type DecodedSlimContent =
  | { kind: 'linear'; model: LinearModel }
  | { kind: 'logistic'; model: LogisticModel }
  | { kind: 'compressed-linear'; model: CompressedLinearModel }
  | { kind: 'compressed-logistic'; model: CompressedLinearModel }
  | { kind: 'tensors'; tensors: Record<string, SlimTensor> };

export interface SlimProvenanceInput {
  /** Defaults to now. */
  created?: string | Date;
  /** Recommended: lowercase hex SHA-256 of the input file (sha256Hex). */
  inputDigest?: string;
  source?: string;
  /** Settings the file was made with (JSON-able; non-finite numbers and typed arrays survive). */
  options?: Record<string, unknown>;
}

export interface EncodeSlimOptions {
  provenance?: SlimProvenanceInput;
  /** Names of the model's d input columns, in order (e.g. the CSV header). Model kinds: exactly d names. */
  features?: string[];
  /** Names of the model's outputs (e.g. the CSV target column). Model kinds: exactly `outputs` names (1 for logistic). */
  targets?: string[];
  /** Free-form results to keep with the file (e.g. { auc: 0.81, mse: 0.02 }); JSON-able, non-finite numbers and typed arrays survive. */
  statistics?: Record<string, unknown>;
}

export interface SlimHeaderInfo {
  formatVersion: { major: number; minor: number };
  provenance: SlimProvenance;
  features: string[] | undefined;
  targets: string[] | undefined;
  statistics: Record<string, unknown> | undefined;
  fileBytes: number;
}

export type DecodedSlim = DecodedSlimContent & { header: SlimHeaderInfo };

export interface SlimTensorInfo {
  name: string;
  dtype: SlimDtype;
  shape: number[];
  /** Absolute byte offset in the file. */
  offset: number;
  bytes: number;
}

export interface SlimInfo {
  formatVersion: { major: number; minor: number };
  kind: SlimKind;
  fileBytes: number;
  headerBytes: number;
  dataBytes: number;
  checksum: { algorithm: 'crc32c'; stored: string; computed: string; ok: boolean };
  provenance: SlimProvenance;
  features: string[] | undefined;
  targets: string[] | undefined;
  statistics: Record<string, unknown> | undefined;
  /** The header's kind-specific description ("model" for model kinds), as JSON. */
  model: Record<string, unknown> | undefined;
  /** The header's object list ("tensors" kind), as JSON. */
  objects: unknown[] | undefined;
  tensors: SlimTensorInfo[];
  /** true when decodeSlim would succeed. */
  valid: boolean;
  /** Why it would not. */
  problem: string | undefined;
}

// ---------------------------------------------------------------- writing

interface PendingTensor {
  name: string;
  dtype: SlimDtype;
  shape: number[];
  data: NumericArray;
}

function shapeError(message: string): SlimfitError {
  return new SlimfitError('E_SHAPE', message);
}

class TensorWriter {
  readonly list: PendingTensor[] = [];
  private readonly names = new Set<string>();

  add(name: string, dtype: SlimDtype, shape: number[], data: NumericArray): void {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw shapeError(`tensor name ${JSON.stringify(name.slice(0, 40))} must have 1 to ${MAX_NAME_LENGTH} characters`);
    if (this.names.has(name)) throw shapeError(`two tensors would be named ${JSON.stringify(name)}; rename one`);
    if (dtypeOf(data) !== dtype) throw shapeError(`tensor ${JSON.stringify(name)}: data is ${dtypeOf(data) ?? 'not a typed array'}, expected ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw shapeError(`tensor ${JSON.stringify(name)}: shape ${JSON.stringify(shape)} holds ${count} values but the data has ${data.length}`);
    this.names.add(name);
    this.list.push({ name, dtype, shape, data });
  }
}

function checkedShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || shape.length > 16 || !shape.every((s) => Number.isInteger(s) && s >= 0)) throw shapeError(`${what} must be an array of non-negative integers`);
  return shape.slice() as number[];
}

function f64(v: unknown, length: number, what: string): Float64Array {
  if (!(v instanceof Float64Array) || v.length !== length) throw shapeError(`${what} must be a Float64Array of ${length} values`);
  return v;
}

function posInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw shapeError(`${what} must be a positive integer, got ${String(v)}`);
  return v;
}

/** A per-output statistic: a number (vector model) or Float64Array(m). */
function perOutput(v: unknown, m: number, vector: boolean, what: string): (number | string)[] {
  if (vector) {
    if (typeof v !== 'number') throw shapeError(`${what} must be a number (model fitted on a vector y); is model.stats complete?`);
    return [jsonNum(v)];
  }
  return Array.from(f64(v, m, what), jsonNum);
}

function scalar(v: unknown, what: string): number | string {
  if (typeof v !== 'number') throw shapeError(`${what} must be a number; is model.stats complete?`);
  return jsonNum(v);
}

function encodeLinear(model: LinearModel, w: TensorWriter): JsonObject {
  const d = posInt(model.d, 'model.d');
  const m = posInt(model.outputs, 'model.outputs');
  const vector = typeof model.intercept === 'number';
  if (vector && m !== 1) throw shapeError(`model.intercept is a number but the model has ${m} outputs`);
  const st = model.stats as Partial<LinearStats> | undefined;
  if (typeof st !== 'object' || st === null) throw shapeError('model.stats is missing');
  if (typeof model.fitIntercept !== 'boolean') throw shapeError('model.fitIntercept must be a boolean');
  w.add('coef', 'F64', [d, m], f64(model.coef, d * m, 'model.coef'));
  w.add('intercept', 'F64', [m], vector ? Float64Array.of(model.intercept as number) : f64(model.intercept, m, 'model.intercept'));
  w.add('std_errors', 'F64', [d, m], f64(st.stdErrors, d * m, 'model.stats.stdErrors'));
  w.add('t_values', 'F64', [d, m], f64(st.tValues, d * m, 'model.stats.tValues'));
  if (typeof st.method !== 'string') throw shapeError('model.stats.method is missing');
  if (!Number.isInteger(st.refinementSteps) || st.refinementSteps! < 0) throw shapeError('model.stats.refinementSteps must be a non-negative integer');
  return {
    d,
    outputs: m,
    vector,
    fitIntercept: model.fitIntercept,
    stats: {
      n: scalar(st.n, 'model.stats.n'),
      dof: scalar(st.dof, 'model.stats.dof'),
      rSquared: perOutput(st.rSquared, m, vector, 'model.stats.rSquared'),
      residualSd: perOutput(st.residualSd, m, vector, 'model.stats.residualSd'),
      interceptStdError: perOutput(st.interceptStdError, m, vector, 'model.stats.interceptStdError'),
      interceptTValue: perOutput(st.interceptTValue, m, vector, 'model.stats.interceptTValue'),
      condition: scalar(st.condition, 'model.stats.condition'),
      method: st.method,
      refinementSteps: st.refinementSteps,
    },
  };
}

const LOGISTIC_SCALARS = ['n', 'iterations', 'logLikelihood', 'deviance', 'nullDeviance', 'aic', 'interceptStdError', 'interceptZValue', 'condition'] as const;

function encodeLogistic(model: LogisticModel, w: TensorWriter): JsonObject {
  const d = posInt(model.d, 'model.d');
  const st = model.stats as Partial<LogisticStats> | undefined;
  if (typeof st !== 'object' || st === null) throw shapeError('model.stats is missing');
  if (typeof model.intercept !== 'number') throw shapeError('model.intercept must be a number');
  if (typeof model.fitIntercept !== 'boolean') throw shapeError('model.fitIntercept must be a boolean');
  if (typeof st.converged !== 'boolean') throw shapeError('model.stats.converged must be a boolean; is model.stats complete?');
  w.add('coef', 'F64', [d], f64(model.coef, d, 'model.coef'));
  w.add('intercept', 'F64', [1], Float64Array.of(model.intercept));
  w.add('std_errors', 'F64', [d], f64(st.stdErrors, d, 'model.stats.stdErrors'));
  w.add('z_values', 'F64', [d], f64(st.zValues, d, 'model.stats.zValues'));
  const stats: JsonObject = {};
  for (const k of LOGISTIC_SCALARS) stats[k] = scalar(st[k], `model.stats.${k}`);
  stats.converged = st.converged;
  stats.method = 'irls';
  return { d, fitIntercept: model.fitIntercept, stats };
}

function taggedOrNull(v: unknown, what: string): unknown {
  if (v === undefined) return null;
  try {
    return toTaggedJSON(v);
  } catch (e) {
    throw new SlimfitError('E_RANGE', `${what} cannot be stored: ${(e as Error).message}`);
  }
}

function compressedGranularity(groupSize: number, d: number, n: number): string | { block: number } {
  if (groupSize === n) return 'tensor';
  if (groupSize === d) return 'row';
  return { block: groupSize };
}

function encodeCompressed(model: CompressedLinearModel, w: TensorWriter): JsonObject {
  if (!(model instanceof CompressedLinearModel)) throw shapeError('model must be a CompressedLinearModel (from compressModel)');
  const d = model.d;
  const m = model.outputs;
  const n = d * m;
  const rep = model.report();
  const kept = rep.kept;
  const bits = model.bits;
  w.add('intercept', 'F64', [m], f64(model.intercept, m, 'model.intercept'));
  const index = kept === n ? 'dense' : model.index.format;
  if (index === 'bitmask') w.add('mask', 'U8', [(n + 7) >> 3], model.index.bitmask!);
  else if (index === 'csr') {
    const ci = model.index.colIdx!;
    w.add('row_ptr', 'U32', [m + 1], model.index.rowPtr!);
    w.add('col_idx', ci instanceof Uint16Array ? 'U16' : 'U32', [kept], ci);
  }
  let groups = 0;
  if (bits === null) {
    w.add('values', 'F64', [kept], f64(model.values, kept, 'model.values'));
  } else {
    const scheme = model.scheme!;
    groups = model.scale!.length;
    w.add('values', codesDtype(bits, scheme), [packedBytes(kept, bits)], model.values);
    w.add('scale', 'F32', [groups], model.scale!);
    if (scheme === 'affine') {
      recode('E_SHAPE', () => checkZeroPoints(model.zeroPoint, groups, bits, scheme, 'model.zeroPoint', formatError));
      w.add('zero_point', 'U8', [groups], Uint8Array.from(model.zeroPoint!));
    }
  }
  return {
    d,
    outputs: m,
    bits,
    scheme: bits === null ? null : model.scheme!,
    groupSize: model.groupSize,
    granularity: bits === null ? null : compressedGranularity(model.groupSize, d, n),
    kept,
    index,
    report: {
      method: rep.method,
      sparsity: jsonNum(rep.sparsity),
      coefRmse: jsonNum(rep.coefRmse),
      interceptShift: Array.from(rep.interceptShift, jsonNum),
      prune: taggedOrNull(rep.prune, 'report.prune'),
      quantize: taggedOrNull(rep.quantize, 'report.quantize'),
    },
  };
}

function isDenseArray(v: unknown): v is DenseArray {
  const t = dtypeOf(v);
  return t !== undefined && (SLIM_DTYPES as readonly string[]).includes(t);
}

function encodeTensors(tensors: Record<string, SlimTensorInput>, w: TensorWriter): unknown[] {
  if (typeof tensors !== 'object' || tensors === null) throw shapeError('tensors must be an object mapping names to tensors');
  const objects: unknown[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const what = `tensors[${JSON.stringify(name)}]`;
    if (isDenseArray(t)) {
      w.add(name, dtypeOf(t) as SlimDtype, [t.length], t);
      objects.push({ name, type: 'dense' });
    } else if (t instanceof SparseTensor) {
      const shape = t.shape;
      const dt = t.data instanceof Float64Array ? 'F64' : 'F32';
      if (t.format === 'dense') w.add(name, dt, [t.length], t.denseWithMarkers()); // pruned = -0.0, no index
      else w.add(name, dt, [t.kept], t.data);
      if (t.format === 'bitmask') w.add(`${name}.mask`, 'U8', [(t.length + 7) >> 3], t.bitmask!);
      else if (t.format === 'csr') {
        w.add(`${name}.row_ptr`, 'U32', [t.rowPtr!.length], t.rowPtr!);
        w.add(`${name}.col_idx`, t.colIdx instanceof Uint16Array ? 'U16' : 'U32', [t.kept], t.colIdx!);
      }
      objects.push({ name, type: 'sparse', shape: shape.slice(), format: t.format, kept: t.kept });
    } else if (isQuantizedTensor(t)) {
      const q = assembleQuantized(t, what, 'E_SHAPE');
      const n = q.shape.reduce((a, b) => a * b, 1);
      w.add(name, codesDtype(q.bits, q.scheme), q.bits >= 5 ? q.shape : [packedBytes(n, q.bits)], q.data);
      w.add(`${name}.scale`, 'F32', [q.scale.length], q.scale);
      if (q.zeroPoint) w.add(`${name}.zero_point`, 'U8', [q.zeroPoint.length], Uint8Array.from(q.zeroPoint));
      objects.push({
        name,
        type: 'quantized',
        bits: q.bits,
        scheme: q.scheme,
        shape: q.shape,
        granularity: granularityToJSON(q.granularity),
        zeroPoint: q.zeroPoint !== undefined,
      });
    } else if (typeof t === 'object' && t !== null && 'data' in t && 'shape' in t && isDenseArray(t.data)) {
      w.add(name, dtypeOf(t.data) as SlimDtype, checkedShape(t.shape, `${what}.shape`), t.data);
      objects.push({ name, type: 'dense' });
    } else {
      throw shapeError(`${what} must be a QuantizedTensor, a SparseTensor, { shape, data } or a typed array (F64/F32/I32/U32/I16/U16/I8/U8)`);
    }
  }
  return objects;
}

function modelDims(content: SlimContent): { d: number; outputs: number } | undefined {
  if (content.kind === 'tensors') return undefined;
  const m = content.model as { d: number; outputs?: number };
  return { d: m.d, outputs: content.kind === 'logistic' ? 1 : (m.outputs ?? 1) };
}

function provenanceOf(p: SlimProvenanceInput | undefined): SlimProvenance {
  const created = p?.created === undefined ? new Date() : p.created;
  const iso = created instanceof Date ? created.toISOString() : created;
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) throw new SlimfitError('E_RANGE', `provenance.created must be a Date or an ISO 8601 string, got ${String(created)}`);
  const out: SlimProvenance = { slimfit: SLIMFIT_VERSION, created: iso };
  if (p?.inputDigest !== undefined) {
    if (typeof p.inputDigest !== 'string' || p.inputDigest.length > 1024) throw new SlimfitError('E_RANGE', 'provenance.inputDigest must be a string of at most 1024 characters');
    out.inputDigest = p.inputDigest;
  }
  if (p?.source !== undefined) {
    if (typeof p.source !== 'string' || p.source.length > 4096) throw new SlimfitError('E_RANGE', 'provenance.source must be a string of at most 4096 characters');
    out.source = p.source;
  }
  if (p?.options !== undefined) {
    if (!isPlainObject(p.options)) throw new SlimfitError('E_RANGE', 'provenance.options must be a plain object');
    out.options = taggedOrNull(p.options, 'provenance.options') as Record<string, unknown>;
  }
  return out;
}

/**
 * Encodes a model or a set of tensors as a .slim file. Asynchronous only
 * because the CRC-32C comes from a WebAssembly module compiled on first use.
 * Throws E_SHAPE / E_RANGE when the content is inconsistent (e.g. a model
 * with incomplete stats, a tensor whose shape does not match its data).
 */
export async function encodeSlim(content: SlimContent, opts: EncodeSlimOptions = {}): Promise<Uint8Array> {
  if (typeof content !== 'object' || content === null) throw shapeError('content must be { kind, model } or { kind: "tensors", tensors }');
  const w = new TensorWriter();
  const header: JsonObject = { format: 'slimfit', kind: content.kind };
  switch (content.kind) {
    case 'linear':
      if (!(content.model instanceof LinearModel)) throw shapeError('kind "linear" needs a LinearModel');
      header.model = encodeLinear(content.model, w);
      break;
    case 'logistic':
      if (!(content.model instanceof LogisticModel)) throw shapeError('kind "logistic" needs a LogisticModel');
      header.model = encodeLogistic(content.model, w);
      break;
    case 'compressed-linear':
    case 'compressed-logistic':
      header.model = encodeCompressed(content.model, w);
      break;
    case 'tensors':
      header.objects = encodeTensors(content.tensors, w);
      break;
    default:
      throw new SlimfitError('E_RANGE', `unknown kind ${JSON.stringify((content as { kind: unknown }).kind)}; expected one of linear, logistic, compressed-linear, compressed-logistic, tensors`);
  }
  const dims = modelDims(content);
  for (const key of ['features', 'targets'] as const) {
    const names = opts[key];
    if (names === undefined) continue;
    if (!Array.isArray(names) || !names.every((x) => typeof x === 'string' && x.length <= 4096)) throw new SlimfitError('E_RANGE', `${key} must be an array of strings`);
    const want = dims && (key === 'features' ? dims.d : dims.outputs);
    if (want !== undefined && names.length !== want) throw new SlimfitError('E_SHAPE', `${key} has ${names.length} names but the model has ${want} ${key === 'features' ? 'input columns' : 'outputs'}`);
    header[key] = names.slice();
  }
  header.provenance = provenanceOf(opts.provenance);
  if (opts.statistics !== undefined) {
    if (!isPlainObject(opts.statistics)) throw new SlimfitError('E_RANGE', 'statistics must be a plain object');
    header.statistics = taggedOrNull(opts.statistics, 'statistics');
  }
  // lay out the data section
  let off = 0;
  const table = w.list.map((t) => {
    off = align(off, SLIM_ALIGN);
    const begin = off;
    off += t.data.byteLength;
    return { name: t.name, dtype: t.dtype, shape: t.shape, offsets: [begin, off] };
  });
  const dataBytes = align(off, SLIM_ALIGN);
  header.tensors = table;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = align(PREAMBLE_BYTES + json.length, SLIM_ALIGN) - PREAMBLE_BYTES;
  if (headerBytes > MAX_HEADER_BYTES) throw new SlimfitError('E_RANGE', `the header would take ${headerBytes} bytes, over the ${MAX_HEADER_BYTES}-byte limit (too many tensors, or very large statistics/options)`);
  const dataStart = PREAMBLE_BYTES + headerBytes;
  const total = dataStart + dataBytes + CHECKSUM_BYTES;
  let out: Uint8Array;
  try {
    out = new Uint8Array(total);
  } catch {
    throw new SlimfitError('E_MEMORY', `cannot allocate ${total} bytes for the file`);
  }
  const view = new DataView(out.buffer);
  out.set(SLIM_MAGIC, 0);
  view.setUint16(8, SLIM_VERSION_MAJOR, true);
  view.setUint16(10, SLIM_VERSION_MINOR, true);
  view.setUint32(12, headerBytes, true);
  writeU64(view, 16, dataBytes);
  out.set(json, PREAMBLE_BYTES);
  out.fill(0x20, PREAMBLE_BYTES + json.length, dataStart);
  w.list.forEach((t, i) => writeArray(out, dataStart + table[i]!.offsets[0]!, t.data));
  const crc = await crc32c(out.subarray(0, total - CHECKSUM_BYTES));
  view.setUint32(total - CHECKSUM_BYTES, crc, true);
  return out;
}

// ---------------------------------------------------------------- reading

class TensorReader {
  private readonly byName = new Map<string, SlimTensorEntry>();
  private readonly used = new Set<string>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly dataStart: number,
    tensors: SlimTensorEntry[],
  ) {
    for (const t of tensors) this.byName.set(t.name, t);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The entry `name`, checked for dtype and (when given) shape. */
  entry(name: string, dtypes: readonly SlimDtype[], shape?: readonly number[]): SlimTensorEntry {
    const t = this.byName.get(name);
    if (t === undefined) throw formatError(`tensor ${JSON.stringify(name)} is missing`);
    if (!dtypes.includes(t.dtype)) throw formatError(`tensor ${JSON.stringify(name)} is ${t.dtype}, expected ${dtypes.join(' or ')}`);
    if (shape !== undefined && !sameShape(t.shape, shape)) throw formatError(`tensor ${JSON.stringify(name)} has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)}`);
    return t;
  }

  read(t: SlimTensorEntry): NumericArray {
    this.used.add(t.name);
    const [b, e] = t.offsets;
    return readArray(this.bytes, this.dataStart + b, e - b, t.dtype);
  }

  take(name: string, dtypes: readonly SlimDtype[], shape?: readonly number[]): NumericArray {
    return this.read(this.entry(name, dtypes, shape));
  }

  /** Every tensor in the table must have been read. */
  finish(): void {
    for (const name of this.byName.keys()) if (!this.used.has(name)) throw formatError(`unexpected tensor ${JSON.stringify(name)} for this kind of file`);
  }
}

function decodeLinear(j: JsonObject, r: TensorReader): LinearModel {
  const d = getInt(j.d, 'model.d', 1);
  const m = getInt(j.outputs, 'model.outputs', 1);
  const vector = getBool(j.vector, 'model.vector');
  if (vector && m !== 1) throw formatError(`model.vector is true but model.outputs is ${m}`);
  const fitIntercept = getBool(j.fitIntercept, 'model.fitIntercept');
  const st = getObject(j.stats, 'model.stats');
  const one = (v: unknown, what: string): number | Float64Array => {
    const a = getNumArray(v, what, m);
    return vector ? a[0]! : a;
  };
  const methods: LinearMethod[] = ['cholesky', 'cholesky+refine', 'dd-cholesky+refine', 'dd-cholesky'];
  const stats: LinearStats = {
    n: getNum(st.n, 'model.stats.n'),
    dof: getNum(st.dof, 'model.stats.dof'),
    rSquared: one(st.rSquared, 'model.stats.rSquared'),
    residualSd: one(st.residualSd, 'model.stats.residualSd'),
    stdErrors: r.take('std_errors', ['F64'], [d, m]) as Float64Array,
    tValues: r.take('t_values', ['F64'], [d, m]) as Float64Array,
    interceptStdError: one(st.interceptStdError, 'model.stats.interceptStdError'),
    interceptTValue: one(st.interceptTValue, 'model.stats.interceptTValue'),
    condition: getNum(st.condition, 'model.stats.condition'),
    method: getEnum(st.method, 'model.stats.method', methods),
    refinementSteps: getInt(st.refinementSteps, 'model.stats.refinementSteps'),
  };
  const coef = r.take('coef', ['F64'], [d, m]) as Float64Array;
  const b0 = r.take('intercept', ['F64'], [m]) as Float64Array;
  return new LinearModel({ d, outputs: m, coef, intercept: vector ? b0[0]! : b0, fitIntercept, stats });
}

function decodeLogistic(j: JsonObject, r: TensorReader): LogisticModel {
  const d = getInt(j.d, 'model.d', 1);
  const fitIntercept = getBool(j.fitIntercept, 'model.fitIntercept');
  const st = getObject(j.stats, 'model.stats');
  const scal = {} as Record<(typeof LOGISTIC_SCALARS)[number], number>;
  for (const k of LOGISTIC_SCALARS) scal[k] = getNum(st[k], `model.stats.${k}`);
  const converged = getBool(st.converged, 'model.stats.converged');
  getEnum(st.method, 'model.stats.method', ['irls'] as const);
  const coef = r.take('coef', ['F64'], [d]) as Float64Array;
  const intercept = (r.take('intercept', ['F64'], [1]) as Float64Array)[0]!;
  const stdErrors = r.take('std_errors', ['F64'], [d]) as Float64Array;
  const zValues = r.take('z_values', ['F64'], [d]) as Float64Array;
  return new LogisticModel({ d, coef, intercept, fitIntercept, stats: { ...scal, stdErrors, zValues, converged, method: 'irls' } });
}

function decodeCompressed(j: JsonObject, r: TensorReader): CompressedLinearModel {
  const d = getInt(j.d, 'model.d', 1);
  const m = getInt(j.outputs, 'model.outputs', 1);
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
  const rep = getObject(j.report, 'model.report');
  const method = getEnum(rep.method, 'model.report.method', ['rtn', 'gptq'] as const);
  const report: Omit<CompressedModelReport, 'bytes' | 'floatBytes' | 'ratio' | 'kept'> = {
    method,
    bits,
    sparsity: getNum(rep.sparsity, 'model.report.sparsity'),
    coefRmse: getNum(rep.coefRmse, 'model.report.coefRmse'),
    interceptShift: getNumArray(rep.interceptShift, 'model.report.interceptShift', m),
    prune: rep.prune === null ? undefined : (fromTaggedJSON(getObject(rep.prune, 'model.report.prune'), 'model.report.prune') as CompressedModelReport['prune']),
    quantize: rep.quantize === null ? undefined : (fromTaggedJSON(getObject(rep.quantize, 'model.report.quantize'), 'model.report.quantize') as CompressedModelReport['quantize']),
  };

  const intercept = r.take('intercept', ['F64'], [m]) as Float64Array;
  let keep: Uint8Array;
  if (index === 'dense') {
    if (kept !== n) throw formatError(`model.index is "dense" but model.kept is ${kept} of ${n}`);
    keep = new Uint8Array((n + 7) >> 3).fill(0xff);
    if (n & 7) keep[keep.length - 1] = (1 << (n & 7)) - 1;
  } else if (index === 'bitmask') {
    keep = maskFromBitmask(r.take('mask', ['U8'], [(n + 7) >> 3]) as Uint8Array, n, kept, 'tensor "mask"');
  } else {
    const rowPtr = r.take('row_ptr', ['U32'], [m + 1]) as Uint32Array;
    const colIdx = r.take('col_idx', ['U16', 'U32'], [kept]) as Uint16Array | Uint32Array;
    keep = maskFromCsr(rowPtr, colIdx, m, d, kept, 'model index');
  }
  const on = (i: number) => ((keep[i >> 3]! >> (i & 7)) & 1) === 1;

  if (bits === null) {
    const vals = r.take('values', ['F64'], [kept]) as Float64Array;
    const dense = new Float64Array(n);
    for (let i = 0, p = 0; i < n; i++) if (on(i)) dense[i] = vals[p++]!;
    r.finish();
    return new CompressedLinearModel({ d, outputs: m, intercept, keep, dense, bits: null, groupSize, report });
  }
  const sch = scheme!;
  const packed = r.take('values', [codesDtype(bits, sch)], [packedBytes(kept, bits)]) as Int8Array | Uint8Array;
  checkCodes(packed, kept, bits, sch, 'tensor "values"', formatError);
  const scale = r.take('scale', ['F32'], [groups]) as Float32Array;
  checkScales(scale, groups, 'tensor "scale"', formatError);
  let zeroPoint: Int32Array | undefined;
  if (sch === 'affine') {
    zeroPoint = Int32Array.from(r.take('zero_point', ['U8'], [groups]) as Uint8Array);
    checkZeroPoints(zeroPoint, groups, bits, sch, 'tensor "zero_point"', formatError);
  }
  r.finish();
  const keptCodes = unpackCodes(packed, kept, bits, sch);
  const codes = new Int32Array(n);
  for (let i = 0, p = 0; i < n; i++) {
    if (on(i)) codes[i] = keptCodes[p++]!;
    else codes[i] = zeroPoint ? zeroPoint[(i / groupSize) | 0]! : 0;
  }
  return new CompressedLinearModel({
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
    groupSize,
    report,
  });
}

function decodeTensors(objects: unknown[], r: TensorReader): Record<string, SlimTensor> {
  const out: [string, SlimTensor][] = [];
  const names = new Set<string>();
  objects.forEach((o, i) => {
    const what = `header.objects[${i}]`;
    const obj = getObject(o, what);
    const name = getString(obj.name, `${what}.name`, MAX_NAME_LENGTH);
    if (names.has(name)) throw formatError(`object ${JSON.stringify(name)} appears twice in header.objects`);
    names.add(name);
    const ow = `object ${JSON.stringify(name)}`;
    const type = getEnum(obj.type, `${ow} type`, ['dense', 'quantized', 'sparse'] as const);
    if (type === 'dense') {
      const t = r.entry(name, SLIM_DTYPES);
      out.push([name, { shape: t.shape.slice(), data: r.read(t) as DenseArray }]);
    } else if (type === 'quantized') {
      const bits = getInt(obj.bits, `${ow} bits`, 2, 8);
      const scheme = getEnum(obj.scheme, `${ow} scheme`, ['symmetric', 'affine'] as const);
      const { shape, count } = getShape(obj.shape, `${ow} shape`);
      if (count < 1) throw formatError(`${ow} shape ${JSON.stringify(shape)} has no elements`);
      const { groups } = parseGranularity(obj.granularity, count, `${ow} granularity`);
      const hasZp = getBool(obj.zeroPoint, `${ow} zeroPoint`);
      const data = r.take(name, [codesDtype(bits, scheme)], bits >= 5 ? shape : [packedBytes(count, bits)]) as Int8Array | Uint8Array;
      const scale = r.take(`${name}.scale`, ['F32'], [groups]) as Float32Array;
      const zeroPoint = hasZp ? (r.take(`${name}.zero_point`, ['U8'], [groups]) as Uint8Array) : undefined;
      out.push([name, assembleQuantized({ bits, scheme, shape, granularity: obj.granularity, data, scale, zeroPoint }, ow, 'E_FORMAT')]);
    } else {
      const { shape, count: n } = getShape(obj.shape, `${ow} shape`, 2);
      if (shape.length < 1) throw formatError(`${ow} shape must be [n] or [rows, cols]`);
      if (n > MAX_SPARSE_ELEMENTS) throw formatError(`${ow} has ${n} elements, more than this reader accepts (${MAX_SPARSE_ELEMENTS})`);
      const format = getEnum(obj.format, `${ow} format`, ['bitmask', 'csr', 'dense'] as const);
      const kept = getInt(obj.kept, `${ow} kept`, 0, n);
      if (format === 'dense') {
        const all = r.take(name, ['F32', 'F64'], [n]) as Float32Array | Float64Array;
        const t = SparseTensor.fromDenseWithMarkers(all, kept, shape);
        if (!t) throw formatError(`${ow} is "dense" with kept ${kept}, so exactly ${n - kept} of its ${n} values must be -0.0 (pruned); they are not`);
        out.push([name, t]);
        return;
      }
      const vals = r.take(name, ['F32', 'F64'], [kept]) as Float32Array | Float64Array;
      let mask: Uint8Array;
      if (format === 'bitmask') mask = maskFromBitmask(r.take(`${name}.mask`, ['U8'], [(n + 7) >> 3]) as Uint8Array, n, kept, `${ow} mask`);
      else {
        const rows = shape.length === 2 ? shape[0]! : 1;
        const cols = shape.length === 2 ? shape[1]! : n;
        const rowPtr = r.take(`${name}.row_ptr`, ['U32'], [rows + 1]) as Uint32Array;
        const colIdx = r.take(`${name}.col_idx`, ['U16', 'U32'], [kept]) as Uint16Array | Uint32Array;
        mask = maskFromCsr(rowPtr, colIdx, rows, cols, kept, ow);
      }
      const dense = vals instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0, p = 0; i < n; i++) if ((mask[i >> 3]! >> (i & 7)) & 1) dense[i] = vals[p++]!;
      out.push([name, SparseTensor.fromDense(dense, mask, shape)]);
    }
  });
  r.finish();
  return Object.fromEntries(out);
}

function asBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw formatError(`expected the file's bytes as a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
}

/** Runs a reader step; anything that is not already a SlimfitError becomes E_FORMAT (a safety net: no RangeError/TypeError escapes). */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isSlimfitError(e)) throw e;
    throw formatError(`malformed .slim file (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`);
  }
}

function decodeContent(bytes: Uint8Array, pre: SlimPreamble, h: SlimHeader): DecodedSlimContent {
  const content = decodeKind(bytes, pre, h);
  if (content.kind !== 'tensors') {
    const m = content.model as { d: number; outputs?: number };
    const outputs = content.kind === 'logistic' ? 1 : m.outputs!;
    if (h.features !== undefined && h.features.length !== m.d) throw formatError(`header.features has ${h.features.length} names but the model has ${m.d} input columns`);
    if (h.targets !== undefined && h.targets.length !== outputs) throw formatError(`header.targets has ${h.targets.length} names but the model has ${outputs} outputs`);
  }
  return content;
}

function decodeKind(bytes: Uint8Array, pre: SlimPreamble, h: SlimHeader): DecodedSlimContent {
  const r = new TensorReader(bytes, pre.dataStart, h.tensors);
  switch (h.kind) {
    case 'linear': {
      const model = decodeLinear(h.model!, r);
      r.finish();
      return { kind: 'linear', model };
    }
    case 'logistic': {
      const model = decodeLogistic(h.model!, r);
      r.finish();
      return { kind: 'logistic', model };
    }
    case 'compressed-linear':
    case 'compressed-logistic':
      return { kind: h.kind, model: decodeCompressed(h.model!, r) };
    case 'tensors':
      return { kind: 'tensors', tensors: decodeTensors(h.objects!, r) };
  }
}

/**
 * Decodes a .slim file, validating everything (see the module comment);
 * anything wrong is SlimfitError('E_FORMAT') with a message saying what.
 */
export async function decodeSlim(input: Uint8Array): Promise<DecodedSlim> {
  const bytes = asBytes(input);
  const pre = guarded(() => parsePreamble(bytes));
  const computed = await crc32c(bytes.subarray(0, pre.fileBytes - CHECKSUM_BYTES));
  if (computed !== pre.storedChecksum) {
    throw formatError(`checksum mismatch (stored crc32c ${hex32(pre.storedChecksum)}, computed ${hex32(computed)}): the file is corrupt or was modified`, {
      stored: hex32(pre.storedChecksum),
      computed: hex32(computed),
    });
  }
  return guarded(() => {
    const h = parseHeader(bytes, pre);
    const content = decodeContent(bytes, pre, h);
    return {
      ...content,
      header: {
        formatVersion: { major: pre.major, minor: pre.minor },
        provenance: h.provenance,
        features: h.features,
        targets: h.targets,
        statistics: h.statistics,
        fileBytes: pre.fileBytes,
      },
    };
  });
}

/**
 * Describes a .slim file: kind, sizes, tensor table, provenance, checksum
 * status and whether it decodes. A bad checksum is reported, not thrown;
 * a file whose preamble or header cannot be read at all throws E_FORMAT
 * (mentioning the checksum too when that is also wrong).
 */
export async function inspectSlim(input: Uint8Array): Promise<SlimInfo> {
  const bytes = asBytes(input);
  const pre = guarded(() => parsePreamble(bytes));
  const computed = await crc32c(bytes.subarray(0, pre.fileBytes - CHECKSUM_BYTES));
  const ok = computed === pre.storedChecksum;
  let h: SlimHeader;
  try {
    h = guarded(() => parseHeader(bytes, pre));
  } catch (e) {
    if (!ok && isSlimfitError(e)) {
      throw formatError(`checksum mismatch (stored crc32c ${hex32(pre.storedChecksum)}, computed ${hex32(computed)}) and the header is unreadable: ${e.message.replace(/^E_FORMAT: /, '')}`);
    }
    throw e;
  }
  let problem: string | undefined;
  if (!ok) problem = `checksum mismatch (stored crc32c ${hex32(pre.storedChecksum)}, computed ${hex32(computed)})`;
  else {
    try {
      guarded(() => decodeContent(bytes, pre, h));
    } catch (e) {
      problem = e instanceof Error ? e.message.replace(/^E_FORMAT: /, '') : String(e);
    }
  }
  return {
    formatVersion: { major: pre.major, minor: pre.minor },
    kind: h.kind,
    fileBytes: pre.fileBytes,
    headerBytes: pre.headerBytes,
    dataBytes: pre.dataBytes,
    checksum: { algorithm: 'crc32c', stored: hex32(pre.storedChecksum), computed: hex32(computed), ok },
    provenance: h.provenance,
    features: h.features,
    targets: h.targets,
    statistics: h.statistics,
    model: h.model,
    objects: h.objects,
    tensors: h.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, offset: pre.dataStart + t.offsets[0], bytes: t.count * DTYPE_SIZE[t.dtype] })),
    valid: problem === undefined,
    problem,
  };
}

/** True when the bytes start with the .slim magic (cheap sniffing, e.g. to pick a reader by content). */
export function isSlim(bytes: Uint8Array): boolean {
  return bytes.length >= SLIM_MAGIC.length && SLIM_MAGIC.every((b, i) => bytes[i] === b);
}

