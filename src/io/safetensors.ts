/**
 * safetensors in and out (https://github.com/huggingface/safetensors):
 *   8 bytes   N, u64 little-endian
 *   N bytes   UTF-8 JSON object starting with "{", trailing-padded with spaces:
 *             { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] },
 *               "__metadata__": { "<key>": "<string>" } }
 *   rest      the byte buffer; offsets are relative to its start, tensors are
 *             little-endian, row-major, contiguous and cover it exactly.
 *
 * Reading validates what the reference implementation does and a little
 * more: N within a cap (16 MiB) and the file, "{" first, strict UTF-8, a JSON
 * object within the header limits (nesting depth, keys per object,
 * containers: json-scan.ts) and without a repeated key, every tensor with a
 * known dtype, a shape of non-negative integers, integer offsets with
 * begin <= end, byte size = elements * dtype size, tensors sorted by offset
 * tiling the buffer exactly from 0 (no holes, no overlap, nothing left
 * over), __metadata__ a string-to-string map. Anything
 * else is SlimfitError('E_FORMAT').
 *
 * Compressed tensors travel under a naming convention (docs/FORMAT.md):
 * `<name>` holds the codes (I8 / U8), `<name>.scale` the F32 scales,
 * `<name>.zero_point` the U8 zero points, and `__metadata__` keys
 * `slimfit.<name>.bits|scheme|granularity|shape` the rest.
 */
import { SlimfitError } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import type { QuantizedTensor } from '../types.js';
import { packedBytes } from '../codes.js';
import {
  DTYPE_SIZE,
  align,
  bfloat16ToFloat32,
  decodeUtf8,
  dtypeOf,
  getShape,
  halfToFloat32,
  isDtype,
  readArray,
  readU64,
  sameShape,
  writeArray,
  writeU64,
  type Dtype,
  type NumericArray,
} from './binary.js';
import { describeMember, formatError, getArray, getInt, isPlainObject } from '../json.js';
import { HEADER_LIMITS, parseBoundedJson, scanJson } from './json-scan.js';
import { assembleQuantized, codesDtype, granularityToJSON, isQuantizedTensor, parseGranularity } from './quantized.js';
import { SLIMFIT_VERSION } from './version.js';

export type SafetensorsDtype = Dtype;

/** A decoded tensor. F16 and BF16 arrive as Float32Array (exactly), BOOL as Uint8Array; `dtype` is what the file stored. */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: NumericArray;
}

export interface SafetensorsFile {
  tensors: Record<string, SafetensorsTensor>;
  /** The `__metadata__` map, when the file has one. */
  metadata: Record<string, string> | undefined;
}

/** A tensor to write: dtype follows the typed array (Float64Array -> F64, Float32Array -> F32, Int8Array -> I8, Uint8Array -> U8, ...). */
export interface SafetensorsTensorInput {
  shape: number[];
  data: NumericArray;
}

/**
 * Readers refuse headers longer than this: 16 MiB, as for .slim. A header
 * takes about 100-200 bytes per tensor, so this is 80,000+ tensors in one
 * file, while real checkpoints hold at most a few thousand per file (they
 * shard at a few GB, and slimfit reads a file into memory whole). The
 * reference implementation allows 100 MB, which JSON.parse turns into
 * gigabytes of heap for a hostile header.
 */
export const SAFETENSORS_MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface DecodeSafetensorsOptions {
  /** Header size cap in bytes (default 16 MiB); the nesting and key limits apply whatever the cap. */
  maxHeaderBytes?: number;
}

const DECODE_SAFETENSORS_OPTION_KEYS = /* @__PURE__ */ optionKeys<DecodeSafetensorsOptions>()(['maxHeaderBytes']);

interface RawEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/** Decodes a safetensors file, validating it (see the module comment). */
export function decodeSafetensors(input: Uint8Array, options?: DecodeSafetensorsOptions | null): SafetensorsFile {
  const opts = checkOptions('decodeSafetensors', options, DECODE_SAFETENSORS_OPTION_KEYS);
  if (!(input instanceof Uint8Array)) throw formatError(`expected the file's bytes as a Uint8Array, got ${Object.prototype.toString.call(input)}`);
  try {
    return decodeChecked(input, opts.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES);
  } catch (e) {
    if (e instanceof SlimfitError) throw e;
    throw formatError(`malformed safetensors file (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`);
  }
}

function decodeChecked(bytes: Uint8Array, cap: number): SafetensorsFile {
  const len = bytes.length;
  if (len < 8) throw formatError(`truncated safetensors file: ${len} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = readU64(view, 0);
  if (n === undefined || n > cap) throw formatError(`safetensors header length ${n ?? '>= 2^53'} exceeds the ${cap}-byte limit`);
  if (n > len - 8) throw formatError(`truncated safetensors file: header length ${n} but only ${len - 8} bytes follow`);
  if (n === 0 || bytes[8] !== 0x7b) throw formatError('safetensors header does not start with "{"');
  const text = decodeUtf8(bytes.subarray(8, 8 + n), 'safetensors header');
  const json = parseBoundedJson(text, 'safetensors header', HEADER_LIMITS, 'tensor');
  if (!isPlainObject(json)) throw formatError(`safetensors header must be a JSON object, found ${describeMember(json)}`);
  const bufStart = 8 + n;
  const bufLen = len - bufStart;

  let metadata: Record<string, string> | undefined;
  const entries: RawEntry[] = [];
  for (const [name, v] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (!isPlainObject(v)) throw formatError(`__metadata__ must be an object of strings, found ${describeMember(v)}`);
      const m: [string, string][] = [];
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') throw formatError(`__metadata__[${JSON.stringify(k)}] must be a string, found ${describeMember(s)}`);
        m.push([k, s]);
      }
      metadata = Object.fromEntries(m);
      continue;
    }
    const tw = `tensor ${JSON.stringify(name)}`;
    if (!isPlainObject(v)) throw formatError(`${tw} must be an object { dtype, shape, data_offsets }, found ${describeMember(v)}`);
    if (!isDtype(v.dtype)) {
      throw formatError(
        typeof v.dtype === 'string'
          ? `${tw} has dtype ${JSON.stringify(v.dtype)}, which slimfit does not read (it reads ${Object.keys(DTYPE_SIZE).join(', ')})`
          : `${tw} dtype must be a string, found ${describeMember(v.dtype)}`,
      );
    }
    const { shape, count } = getShape(v.shape, `${tw} shape`, 64);
    const off = getArray(v.data_offsets, `${tw} data_offsets`, 2);
    const begin = getInt(off[0], `${tw} data_offsets[0]`);
    const end = getInt(off[1], `${tw} data_offsets[1]`);
    if (end < begin) throw formatError(`${tw} data_offsets [${begin}, ${end}] end before they begin`);
    if (end > bufLen) throw formatError(`${tw} data_offsets [${begin}, ${end}] run past the ${bufLen}-byte buffer`);
    const want = count * DTYPE_SIZE[v.dtype];
    if (end - begin !== want) throw formatError(`${tw} spans ${end - begin} bytes but shape ${JSON.stringify(shape)} of ${v.dtype} needs ${want}`);
    entries.push({ name, dtype: v.dtype, shape, count, begin, end });
  }
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) throw formatError(`tensor ${JSON.stringify(e.name)} at [${e.begin}, ${e.end}] overlaps the tensor before it (which ends at ${at})`);
    if (e.begin > at) throw formatError(`the byte buffer has a hole at [${at}, ${e.begin}) before tensor ${JSON.stringify(e.name)}`);
    at = e.end;
  }
  if (at !== bufLen) throw formatError(`the tensors cover ${at} bytes of the ${bufLen}-byte buffer; the file has trailing bytes or is corrupt`);

  const tensors: [string, SafetensorsTensor][] = entries.map((e) => {
    let data = readArray(bytes, bufStart + e.begin, e.end - e.begin, e.dtype);
    if (e.dtype === 'F16') data = halfToFloat32(data as Uint16Array);
    else if (e.dtype === 'BF16') data = bfloat16ToFloat32(data as Uint16Array);
    return [e.name, { dtype: e.dtype, shape: e.shape, data }];
  });
  return { tensors: Object.fromEntries(tensors), metadata };
}

/** A writer never writes what the reader refuses: the header limits, as E_RANGE. */
function checkWritable(text: string): void {
  try {
    scanJson(text, 'safetensors header', HEADER_LIMITS, 'tensor');
  } catch (e) {
    throw new SlimfitError('E_RANGE', `cannot write this file: ${(e as SlimfitError).reason}`);
  }
}

function inputError(message: string): SlimfitError {
  return new SlimfitError('E_SHAPE', message);
}

/**
 * Encodes tensors (and an optional `__metadata__` string map) as safetensors.
 * Layout: tensors sorted by dtype size (largest first), then by name, packed
 * contiguously so each is naturally aligned; the header JSON lists
 * `__metadata__` first, then the tensors in layout order, and is padded with
 * spaces to a multiple of 8 bytes.
 */
export function encodeSafetensors(tensors: Record<string, SafetensorsTensorInput | NumericArray>, metadata?: Record<string, string>): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null) throw inputError('tensors must be an object mapping names to { shape, data }');
  const list = Object.entries(tensors).map(([name, t]) => {
    if (name === '__metadata__') throw inputError('a tensor cannot be named "__metadata__"');
    const data = ArrayBuffer.isView(t) ? (t as NumericArray) : (t as SafetensorsTensorInput).data;
    const dtype = dtypeOf(data);
    if (dtype === undefined) throw inputError(`tensor ${JSON.stringify(name)}: data must be a typed array (Float64Array, Float32Array, Int8Array, Uint8Array, ...)`);
    const shape = ArrayBuffer.isView(t) ? [data.length] : (t as SafetensorsTensorInput).shape;
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) throw inputError(`tensor ${JSON.stringify(name)}: shape must be an array of non-negative integers`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw inputError(`tensor ${JSON.stringify(name)}: shape ${JSON.stringify(shape)} holds ${count} values but the data has ${data.length}`);
    return { name, dtype, shape: shape.slice(), data };
  });
  list.sort((a, b) => DTYPE_SIZE[b.dtype] - DTYPE_SIZE[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // a tensor may be called "__proto__"
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) throw inputError('metadata must be an object of strings');
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw inputError(`metadata[${JSON.stringify(k)}] must be a string`);
    header.__metadata__ = Object.assign(Object.create(null) as Record<string, string>, metadata);
  }
  let off = 0;
  for (const t of list) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  const text = JSON.stringify(header);
  checkWritable(text);
  const json = new TextEncoder().encode(text);
  const n = align(json.length, 8);
  if (n > SAFETENSORS_MAX_HEADER_BYTES) throw new SlimfitError('E_RANGE', `the header would take ${n} bytes, over the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit readers apply (too many tensors or too much metadata)`);
  const out = new Uint8Array(8 + n + off);
  writeU64(new DataView(out.buffer), 0, n);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const t of list) {
    writeArray(out, at, t.data);
    at += t.data.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------- quantized tensors: the naming convention

/** Version of the naming convention, in `__metadata__["slimfit.convention"]`. */
export const SAFETENSORS_CONVENTION = '1';
const FIELDS = ['bits', 'scheme', 'granularity', 'shape'] as const;

/**
 * Writes quantized tensors (plus any plain tensors alongside) under the
 * naming convention: for each QuantizedTensor `name`,
 *  - `name`: the codes — I8 for symmetric 5..8 bits (shape = the logical
 *    shape), U8 for affine 5..8 bits (logical shape) and for 2..4 bits packed
 *    (1-D, ceil(n / codes-per-byte) bytes, element i in the low bits first);
 *  - `name.scale`: F32, one per group;
 *  - `name.zero_point`: U8, one per group (affine only);
 *  - metadata `slimfit.name.bits` ("4"), `.scheme` ("affine"),
 *    `.granularity` (JSON: "tensor", {"axis":0,"shape":[r,c]}, {"block":32}),
 *    `.shape` (JSON logical shape); plus `slimfit.convention` = "1" and
 *    `slimfit.version`.
 * `extraMetadata` keys must not start with "slimfit.".
 */
export function quantizedToSafetensors(
  tensors: Record<string, QuantizedTensor | SafetensorsTensorInput | NumericArray>,
  extraMetadata: Record<string, string> = {},
): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null) throw inputError('tensors must be an object mapping names to tensors');
  const out = Object.create(null) as Record<string, SafetensorsTensorInput | NumericArray>;
  const meta = Object.create(null) as Record<string, string>;
  if (!isPlainObject(extraMetadata)) throw inputError('extraMetadata must be an object of strings');
  for (const [k, v] of Object.entries(extraMetadata)) {
    if (k.startsWith('slimfit.')) throw new SlimfitError('E_RANGE', `metadata key ${JSON.stringify(k)} is reserved (keys starting with "slimfit." describe quantized tensors)`);
    if (typeof v !== 'string') throw inputError(`extraMetadata[${JSON.stringify(k)}] must be a string`);
    meta[k] = v;
  }
  meta['slimfit.convention'] = SAFETENSORS_CONVENTION;
  meta['slimfit.version'] = SLIMFIT_VERSION;
  const put = (name: string, t: SafetensorsTensorInput | NumericArray) => {
    if (Object.prototype.hasOwnProperty.call(out, name)) throw inputError(`two tensors would be named ${JSON.stringify(name)}; rename one`);
    out[name] = t;
  };
  for (const [name, t] of Object.entries(tensors)) {
    if (!isQuantizedTensor(t)) {
      put(name, t);
      continue;
    }
    const q = assembleQuantized(t, `tensors[${JSON.stringify(name)}]`, 'E_SHAPE');
    const n = q.shape.reduce((a, b) => a * b, 1);
    put(name, { shape: q.bits >= 5 ? q.shape : [packedBytes(n, q.bits)], data: q.data });
    put(`${name}.scale`, { shape: [q.scale.length], data: q.scale });
    if (q.zeroPoint) put(`${name}.zero_point`, { shape: [q.zeroPoint.length], data: Uint8Array.from(q.zeroPoint) });
    meta[`slimfit.${name}.bits`] = String(q.bits);
    meta[`slimfit.${name}.scheme`] = q.scheme;
    meta[`slimfit.${name}.granularity`] = JSON.stringify(granularityToJSON(q.granularity));
    meta[`slimfit.${name}.shape`] = JSON.stringify(q.shape);
  }
  return encodeSafetensors(out, meta);
}

export interface QuantizedSafetensors {
  /** Tensors described by slimfit.* metadata, rebuilt exactly. */
  quantized: Record<string, QuantizedTensor>;
  /** Every other tensor, as decoded. */
  tensors: Record<string, SafetensorsTensor>;
  /** __metadata__ without the slimfit.* keys. */
  metadata: Record<string, string>;
}

function parseMetaJson(s: string, what: string): unknown {
  return parseBoundedJson(s, what, HEADER_LIMITS);
}

/**
 * Reads back what quantizedToSafetensors wrote (from decodeSafetensors'
 * result): validates every convention key and component tensor (dtype, shape,
 * code range, canonical packing, scales finite and > 0, zero points in range)
 * and answers anything inconsistent with E_FORMAT. Files without slimfit.*
 * keys simply yield no quantized tensors.
 */
export function quantizedFromSafetensors(file: SafetensorsFile): QuantizedSafetensors {
  if (typeof file !== 'object' || file === null || !isPlainObject(file.tensors)) throw formatError('expected the result of decodeSafetensors');
  const meta = file.metadata ?? {};
  const rest: Record<string, string> = Object.create(null) as Record<string, string>;
  const specs = new Map<string, Partial<Record<(typeof FIELDS)[number], string>>>();
  for (const [k, v] of Object.entries(meta)) {
    if (!k.startsWith('slimfit.')) {
      rest[k] = v;
      continue;
    }
    const field = FIELDS.find((f) => k.endsWith(`.${f}`) && k.length > 'slimfit.'.length + f.length + 1);
    if (field === undefined) continue; // slimfit.convention, slimfit.version, or a later addition
    const name = k.slice('slimfit.'.length, k.length - field.length - 1);
    const spec = specs.get(name) ?? {};
    spec[field] = v;
    specs.set(name, spec);
  }
  const conv = meta['slimfit.convention'];
  if (conv !== undefined && conv !== SAFETENSORS_CONVENTION) {
    throw formatError(`this file uses slimfit safetensors convention ${JSON.stringify(conv)}, newer than this slimfit reads (${SAFETENSORS_CONVENTION}); upgrade slimfit`);
  }
  const used = new Set<string>();
  const quantized: [string, QuantizedTensor][] = [];
  const take = (name: string): SafetensorsTensor => {
    const t = Object.prototype.hasOwnProperty.call(file.tensors, name) ? file.tensors[name] : undefined;
    if (t === undefined) throw formatError(`tensor ${JSON.stringify(name)} is missing`);
    used.add(name);
    return t;
  };
  for (const [name, spec] of specs) {
    const what = `quantized tensor ${JSON.stringify(name)}`;
    for (const f of FIELDS) if (spec[f] === undefined) throw formatError(`${what}: metadata key slimfit.${name}.${f} is missing`);
    if (!/^[2-8]$/.test(spec.bits!)) throw formatError(`${what}: slimfit.${name}.bits must be "2" to "8", found ${JSON.stringify(spec.bits)}`);
    const bits = Number(spec.bits);
    const scheme = spec.scheme;
    if (scheme !== 'symmetric' && scheme !== 'affine') throw formatError(`${what}: slimfit.${name}.scheme must be "symmetric" or "affine", found ${JSON.stringify(scheme)}`);
    const { shape, count } = getShape(parseMetaJson(spec.shape!, `slimfit.${name}.shape`), `slimfit.${name}.shape`);
    if (count < 1) throw formatError(`${what}: shape ${JSON.stringify(shape)} has no elements`);
    const granularity = parseMetaJson(spec.granularity!, `slimfit.${name}.granularity`);
    const { groups } = parseGranularity(granularity, count, `slimfit.${name}.granularity`);
    const codes = take(name);
    const wantDtype = codesDtype(bits, scheme);
    const wantShape = bits >= 5 ? shape : [packedBytes(count, bits)];
    if (codes.dtype !== wantDtype || !sameShape(codes.shape, wantShape)) {
      throw formatError(`${what}: codes must be ${wantDtype} ${JSON.stringify(wantShape)}, found ${codes.dtype} ${JSON.stringify(codes.shape)}`);
    }
    const scale = take(`${name}.scale`);
    if (scale.dtype !== 'F32' || !sameShape(scale.shape, [groups])) throw formatError(`${what}: ${name}.scale must be F32 [${groups}], found ${scale.dtype} ${JSON.stringify(scale.shape)}`);
    let zeroPoint: ArrayLike<number> | undefined;
    const zpName = `${name}.zero_point`;
    if (Object.prototype.hasOwnProperty.call(file.tensors, zpName)) {
      const zp = take(zpName);
      if ((zp.dtype !== 'U8' && zp.dtype !== 'I32') || !sameShape(zp.shape, [groups])) {
        throw formatError(`${what}: ${zpName} must be U8 (or I32) [${groups}], found ${zp.dtype} ${JSON.stringify(zp.shape)}`);
      }
      zeroPoint = zp.data as Uint8Array | Int32Array;
    }
    quantized.push([name, assembleQuantized({ bits, scheme, shape, granularity, data: codes.data as Int8Array | Uint8Array, scale: scale.data as Float32Array, zeroPoint }, what, 'E_FORMAT')]);
  }
  const tensors = Object.entries(file.tensors).filter(([name]) => !used.has(name));
  return { quantized: Object.fromEntries(quantized), tensors: Object.fromEntries(tensors), metadata: rest };
}

/** True when the bytes look like safetensors (a plausible u64 length followed by "{"). */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = readU64(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0);
  return n !== undefined && n > 0 && n <= bytes.length - 8 && bytes[8] === 0x7b;
}
