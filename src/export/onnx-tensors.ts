/**
 * ONNX tensors and value infos from typed arrays: raw little-endian data
 * (TensorProto.raw_data), 4-bit codes packed as ONNX packs INT4 / UINT4 (two
 * per byte, the first element in the low nibble).
 */
import { DataType, type DataTypeCode, type TensorMsg, type ValueInfoMsg } from './onnx-encode.js';

/** The bytes of a typed array, little-endian (every platform slimfit runs on is little-endian; DataView keeps it explicit). */
function leBytes(a: Float64Array | Float32Array): Uint8Array {
  const out = new Uint8Array(a.length * a.BYTES_PER_ELEMENT);
  const v = new DataView(out.buffer);
  if (a instanceof Float64Array) for (let i = 0; i < a.length; i++) v.setFloat64(8 * i, a[i], true);
  else for (let i = 0; i < a.length; i++) v.setFloat32(4 * i, a[i], true);
  return out;
}

export function f64Tensor(name: string, dims: number[], data: ArrayLike<number>): TensorMsg {
  return { name, dims, dataType: DataType.DOUBLE, rawData: leBytes(Float64Array.from(data)) };
}

export function f32Tensor(name: string, dims: number[], data: ArrayLike<number>): TensorMsg {
  return { name, dims, dataType: DataType.FLOAT, rawData: leBytes(Float32Array.from(data)) };
}

export function i64Tensor(name: string, dims: number[], data: ArrayLike<number>): TensorMsg {
  const out = new Uint8Array(8 * data.length);
  const v = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) v.setBigInt64(8 * i, BigInt(data[i]), true);
  return { name, dims, dataType: DataType.INT64, rawData: out };
}

/**
 * Integer codes as an INT8 / UINT8 tensor (one per byte) or, with `nibbles`,
 * an INT4 / UINT4 tensor (two per byte, low nibble first, an odd count's last
 * high nibble 0). Codes must already lie in the type's range.
 */
export function codeTensor(name: string, dims: number[], codes: Int32Array, signed: boolean, nibbles: boolean): TensorMsg {
  let rawData: Uint8Array;
  let dataType: DataTypeCode;
  if (nibbles) {
    rawData = new Uint8Array((codes.length + 1) >> 1);
    for (let i = 0; i < codes.length; i++) rawData[i >> 1] |= (codes[i] & 0xf) << ((i & 1) * 4);
    dataType = signed ? DataType.INT4 : DataType.UINT4;
  } else {
    rawData = new Uint8Array(codes.length);
    for (let i = 0; i < codes.length; i++) rawData[i] = codes[i] & 0xff;
    dataType = signed ? DataType.INT8 : DataType.UINT8;
  }
  return { name, dims, dataType, rawData };
}

/** A graph input or output: a tensor of `elemType` whose dims are numbers or named (symbolic) sizes. */
export function valueInfo(name: string, elemType: DataTypeCode, dims: Array<number | string>): ValueInfoMsg {
  const dim = dims.map((x) => (typeof x === 'number' ? { dimValue: x } : { dimParam: x }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
