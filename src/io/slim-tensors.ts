/**
 * The .slim "tensors" kind (docs/FORMAT.md §1.6.4): named dense, quantized
 * and sparse tensors. Each object in the header's "objects" list says which
 * table entries hold it (<name>, <name>.scale, <name>.mask, ...); reading
 * checks each the way its writer's invariants require, that every table
 * entry belongs to exactly one object, and that the elements of all objects
 * together stay within what the file's length allows (elementBudget).
 */
import { SparseTensor } from '../compress/sparse-tensor.js';
import { packedBytes } from '../codes.js';
import type { QuantizedTensor } from '../types.js';
import { formatError, getBool, getEnum, getInt, getObject, getString, type JsonObject } from '../json.js';
import { shapeError } from '../models/fields.js';
import { dtypeOf, getShape } from './binary.js';
import { assembleQuantized, codesDtype, granularityToJSON, isQuantizedTensor, parseGranularity } from './quantized.js';
import type { TensorReader, TensorWriter } from './slim-container.js';
import { MAX_NAME_LENGTH, SLIM_DTYPES, type SlimDtype } from './slim-dtypes.js';
import { MAX_SPARSE_ELEMENTS, maskFromBitmask, maskFromCsr } from './sparse-index.js';

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

function checkedShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || shape.length > 16 || !shape.every((s) => Number.isInteger(s) && s >= 0)) throw shapeError(`${what} must be an array of non-negative integers`);
  return shape.slice() as number[];
}

function isDenseArray(v: unknown): v is DenseArray {
  const t = dtypeOf(v);
  return t !== undefined && (SLIM_DTYPES as readonly string[]).includes(t);
}

/** Adds each tensor's table entries to `w`; returns the header's "objects". E_SHAPE on an inconsistent tensor. */
export function encodeTensors(tensors: Record<string, SlimTensorInput>, w: TensorWriter): unknown[] {
  if (typeof tensors !== 'object' || tensors === null) throw shapeError('tensors must be an object mapping names to tensors');
  const objects: unknown[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const what = `tensors[${JSON.stringify(name)}]`;
    if (isDenseArray(t)) {
      w.add(name, dtypeOf(t) as SlimDtype, [t.length], t);
      w.claim(t.length);
      objects.push({ name, type: 'dense' });
    } else if (t instanceof SparseTensor) {
      const shape = t.shape;
      const dt = t.data instanceof Float64Array ? 'F64' : 'F32';
      w.claim(t.length);
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
      w.claim(n);
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
      w.claim(t.data.length);
      objects.push({ name, type: 'dense' });
    } else {
      throw shapeError(`${what} must be a QuantizedTensor, a SparseTensor, { shape, data } or a typed array (F64/F32/I32/U32/I16/U16/I8/U8)`);
    }
  }
  return objects;
}

interface ObjectHead {
  obj: JsonObject;
  name: string;
  /** `object "<name>"`, for messages. */
  ow: string;
  type: 'dense' | 'quantized' | 'sparse';
}

/** Each object's name and type, names unique; and the elements they decode to, counted against the file's budget. */
function heads(objects: unknown[], r: TensorReader): ObjectHead[] {
  const names = new Set<string>();
  return objects.map((o, i) => {
    const what = `header.objects[${i}]`;
    const obj = getObject(o, what);
    const name = getString(obj.name, `${what}.name`, MAX_NAME_LENGTH);
    if (names.has(name)) throw formatError(`object ${JSON.stringify(name)} appears twice in header.objects`);
    names.add(name);
    const ow = `object ${JSON.stringify(name)}`;
    const type = getEnum(obj.type, `${ow} type`, ['dense', 'quantized', 'sparse'] as const);
    r.claim(type === 'dense' ? r.entry(name, SLIM_DTYPES).count : getShape(obj.shape, `${ow} shape`, type === 'sparse' ? 2 : undefined).count, what);
    return { obj, name, ow, type };
  });
}

/** The tensors the header's "objects" describe, validated; E_FORMAT on anything inconsistent. */
export function decodeTensors(objects: unknown[], r: TensorReader): Record<string, SlimTensor> {
  const out: [string, SlimTensor][] = [];
  // Counted first, decoded after: a file claiming more elements than its length allows costs nothing.
  for (const { obj, name, ow, type } of heads(objects, r)) {
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
        continue;
      }
      const vals = r.take(name, ['F32', 'F64'], [kept]) as Float32Array | Float64Array;
      let mask: Uint8Array;
      if (format === 'bitmask') mask = maskFromBitmask(r.take(`${name}.mask`, ['U8'], [(n + 7) >> 3]) as Uint8Array, n, kept, `${ow} mask`);
      else {
        const rows = shape.length === 2 ? shape[0] : 1;
        const cols = shape.length === 2 ? shape[1] : n;
        const rowPtr = r.take(`${name}.row_ptr`, ['U32'], [rows + 1]) as Uint32Array;
        const colIdx = r.take(`${name}.col_idx`, ['U16', 'U32'], [kept]) as Uint16Array | Uint32Array;
        mask = maskFromCsr(rowPtr, colIdx, rows, cols, kept, ow);
      }
      // The kept values are stored in index order, which is what fromPacked takes: no dense copy.
      out.push([name, SparseTensor.fromPacked(vals, mask, n, shape)]);
    }
  }
  return Object.fromEntries(out);
}
